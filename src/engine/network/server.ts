// Kafka-protocol TCP server shared by brokers and the controller: accepts connections,
// splits frames, decodes headers and bodies with the generated codec, serves ApiVersions
// itself (with KIP-511 UNSUPPORTED_VERSION negotiation), dispatches the rest to a handler
// and writes responses in request order per connection.
//
// Concurrency: one event loop. Handlers are CALLED in arrival order, synchronously, for every
// request of a connection; a handler that does its ordering-sensitive work (appending to a
// log) before its first await keeps per-connection ordering. Responses are written strictly in
// request order. A malformed or oversized frame closes only that connection, and is logged;
// every event-loop entry of a connection runs through one guard, so nothing a peer sends can
// throw out of it. A connection whose unsent responses exceed a bound is muted (neither read
// nor dispatched, as Kafka mutes channels) until its socket drains.
import net from 'node:net';
import { ByteReader } from '../protocol/byte-reader.js';
import {
  decodeRequestBody,
  decodeRequestHeader,
  encodeResponseFrame,
  schemaVersions,
  apiName,
  type Message,
  type RequestHeader,
} from '../protocol/codec.js';
import { ApiKey } from '../protocol/api-keys.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { Logger } from '../common/logger.js';
import { StreamctlError } from '../common/errors.js';
import { FrameDecoder } from '../common/frame-decoder.js';

export const DEFAULT_MAX_REQUEST_BYTES = 104_857_600;
const MAX_IN_FLIGHT_PER_CONNECTION = 128;
/** Unsent response bytes above which a connection is muted (its requests wait unread). */
export const DEFAULT_MAX_UNSENT_BYTES_PER_CONNECTION = 1 << 20;

/** How much one muted connection has not yet sent (its socket buffer plus queued responses). */
interface UnsentBytes {
  bytes(): number;
}

export interface ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
}

export interface KafkaRequest {
  header: RequestHeader;
  body: Message;
  connection: ConnectionInfo;
}

/** Returns the response body, or null for no response (Produce with acks=0). */
export type RequestHandler = (request: KafkaRequest) => Message | null | Promise<Message | null>;

export interface KafkaServerOptions {
  host: string;
  port: number;
  logger: Logger;
  handle: RequestHandler;
  /** API key → [min, max] version this server serves (ApiVersions is added automatically). */
  supportedVersions: ReadonlyMap<number, readonly [number, number]>;
  maxRequestBytes?: number;
  /** Unsent response bytes above which a connection stops being read (default 1 MiB). */
  maxUnsentBytesPerConnection?: number;
  /** Called when a connection closes (fetch sessions, group members...). */
  onConnectionClosed?: (connection: ConnectionInfo) => void;
}

export const API_VERSIONS_RANGE: readonly [number, number] = [0, 4];

export class KafkaServer {
  readonly #server: net.Server;
  readonly #options: KafkaServerOptions;
  readonly #sockets = new Set<net.Socket>();
  /** Connections muted for unsent responses: together they hold most of the unsent bytes. */
  readonly #muted = new Set<UnsentBytes>();
  readonly #versions: Map<number, readonly [number, number]>;
  #nextConnectionId = 1;

  private constructor(server: net.Server, options: KafkaServerOptions) {
    this.#server = server;
    this.#options = options;
    this.#versions = new Map(options.supportedVersions);
    this.#versions.set(ApiKey.ApiVersions, clampToSchema(ApiKey.ApiVersions, API_VERSIONS_RANGE));
    for (const [key, range] of this.#versions) this.#versions.set(key, clampToSchema(key, range));
  }

  static listen(options: KafkaServerOptions): Promise<KafkaServer> {
    const server = net.createServer({ noDelay: true });
    const kafkaServer = new KafkaServer(server, options);
    server.on('connection', (socket) => kafkaServer.#accept(socket));
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        server.off('listening', onListening);
        reject(
          err.code === 'EADDRINUSE'
            ? new StreamctlError('PORT_IN_USE', `port ${options.port} on ${options.host} is already in use`, { cause: err })
            : err,
        );
      };
      const onListening = () => {
        server.off('error', onError);
        server.on('error', (err) => options.logger.error('server error', { err }));
        resolve(kafkaServer);
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(options.port, options.host);
    });
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  /** The API versions this server advertises. */
  get apiVersions(): ReadonlyMap<number, readonly [number, number]> {
    return this.#versions;
  }

  /**
   * Response bytes built but not yet taken by the kernel, summed over muted connections (an
   * unmuted one holds at most maxUnsentBytesPerConnection). Fetch sizes itself against this
   * so that clients that do not read cannot make the process hold unbounded memory.
   */
  get unsentResponseBytes(): number {
    let sum = 0;
    for (const u of this.#muted) sum += u.bytes();
    return sum;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const s of this.#sockets) s.destroy();
    await closed;
  }

  #accept(socket: net.Socket): void {
    const log = this.#options.logger;
    const info: ConnectionInfo = {
      id: this.#nextConnectionId++,
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
    };
    this.#sockets.add(socket);
    socket.setNoDelay(true);
    const decoder = new FrameDecoder(this.#options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES);
    const maxUnsentBytes = this.#options.maxUnsentBytesPerConnection ?? DEFAULT_MAX_UNSENT_BYTES_PER_CONNECTION;
    // Pending responses in request order; null entries mean "no response".
    const queue: Array<{ done: boolean; chunks: Buffer[] | null }> = [];
    // Frames read but not yet dispatched (the connection is muted or has too many in flight).
    const held: Buffer[] = [];
    // Bytes of finished responses waiting behind an unfinished earlier one.
    let queuedBytes = 0;
    let inFlight = 0;
    let paused = false;
    let muted = false;
    let waitingDrain = false;
    let pumping = false;
    let closed = false;
    const unsent: UnsentBytes = { bytes: () => socket.writableLength + queuedBytes };

    const fail = (reason: string, fields: Record<string, unknown> = {}) => {
      if (closed) return;
      log.warn('closing connection', { reason, connection: info.id, remote: `${info.remoteAddress}:${info.remotePort}`, ...fields });
      closed = true;
      this.#muted.delete(unsent);
      held.length = 0;
      socket.destroy();
    };

    // The one guard of this connection: every entry from the event loop (socket data, drain,
    // a handler's promise) runs through it, so a throw anywhere in the request path closes
    // this connection with a log line instead of reaching the process.
    const guarded = (what: string, fn: () => void) => {
      try {
        fn();
      } catch (err) {
        log.error('request path threw', { err, what, connection: info.id });
        fail('internal error');
      }
    };

    // Kafka mutes a channel whose responses are not being read: while more than
    // maxUnsentBytes are unsent, no new request of this connection is read or dispatched.
    const updateMute = () => {
      const over = unsent.bytes() > maxUnsentBytes;
      if (over && !muted) {
        muted = true;
        this.#muted.add(unsent);
      } else if (!over && muted) {
        muted = false;
        this.#muted.delete(unsent);
      }
      if (muted && socket.writableLength > 0 && !waitingDrain) {
        waitingDrain = true;
        socket.once('drain', () => {
          waitingDrain = false;
          guarded('drain', pump);
        });
      }
    };

    // Not re-entrant: a held request answered synchronously flushes and calls pump again;
    // that inner call only refreshes the mute state and the outer loop goes on (no recursion
    // as deep as the number of held frames).
    const pump = () => {
      updateMute();
      if (pumping) return;
      pumping = true;
      try {
        while (held.length > 0 && !closed && !muted && inFlight < MAX_IN_FLIGHT_PER_CONNECTION) dispatch(held.shift()!);
      } finally {
        pumping = false;
      }
      if (closed) return;
      if (!paused && (muted || held.length > 0 || inFlight >= MAX_IN_FLIGHT_PER_CONNECTION)) {
        paused = true;
        socket.pause();
      } else if (paused && !muted && held.length === 0 && inFlight < MAX_IN_FLIGHT_PER_CONNECTION / 2) {
        paused = false;
        socket.resume();
      }
    };

    const flush = () => {
      let wrote = false;
      while (queue.length > 0 && queue[0]!.done) {
        const item = queue.shift()!;
        inFlight--;
        if (item.chunks) {
          queuedBytes -= item.chunks[0]!.readInt32BE(0) + 4;
          if (closed) continue;
          if (!wrote) socket.cork();
          wrote = true;
          for (const c of item.chunks) socket.write(c);
        }
      }
      if (wrote) socket.uncork();
      pump();
    };

    const dispatch = (frame: Buffer) => {
      let header: RequestHeader;
      let reader: ByteReader;
      try {
        ({ header, reader } = decodeRequestHeader(frame));
      } catch (err) {
        fail('malformed request header', { err: (err as Error).message, frameBytes: frame.length });
        return;
      }
      const slot = { done: false, chunks: null as Buffer[] | null };
      queue.push(slot);
      inFlight++;
      const respond = (body: Message | null, version = header.apiVersion) => {
        if (closed) return;
        if (body) {
          try {
            slot.chunks = encodeResponseFrame(header.apiKey, version, header.correlationId, body);
          } catch (err) {
            log.error('could not encode response', { err, api: apiName(header.apiKey), version });
            fail('response encoding failed');
            return;
          }
          queuedBytes += slot.chunks[0]!.readInt32BE(0) + 4;
        }
        slot.done = true;
        flush();
      };

      if (header.apiKey === ApiKey.ApiVersions) {
        respond(...this.#apiVersionsResponse(header));
        return;
      }
      const range = this.#versions.get(header.apiKey);
      if (!range || header.apiVersion < range[0] || header.apiVersion > range[1]) {
        // Kafka closes the connection for an unsupported api or version (only ApiVersions
        // negotiates); clients learn the ranges from ApiVersions first.
        fail('unsupported api version', { apiKey: header.apiKey, apiVersion: header.apiVersion });
        return;
      }
      let body: Message;
      try {
        body = decodeRequestBody(header.apiKey, header.apiVersion, reader);
      } catch (err) {
        fail('malformed request body', { err: (err as Error).message, api: apiName(header.apiKey), version: header.apiVersion });
        return;
      }
      let result: Message | null | Promise<Message | null>;
      try {
        result = this.#options.handle({ header, body, connection: info });
      } catch (err) {
        log.error('handler threw', { err, api: apiName(header.apiKey) });
        fail('handler failure');
        return;
      }
      if (result instanceof Promise) {
        result.then(
          (b) => guarded('respond', () => respond(b)),
          (err) => {
            log.error('handler failed', { err, api: apiName(header.apiKey) });
            fail('handler failure');
          },
        );
      } else respond(result);
    };

    const onFrame = (frame: Buffer) => {
      if (closed) return;
      if (held.length > 0 || muted || inFlight >= MAX_IN_FLIGHT_PER_CONNECTION) {
        held.push(frame);
        if (!paused) {
          paused = true;
          socket.pause();
        }
        return;
      }
      dispatch(frame);
    };

    socket.on('data', (data: Buffer) =>
      guarded('read', () => {
        if (closed) return;
        const r = decoder.push(data, onFrame);
        if (!r.ok) fail(r.reason);
      }),
    );
    socket.on('error', (err) => log.debug('socket error', { err: err.message, connection: info.id }));
    socket.on('close', () => {
      closed = true;
      held.length = 0;
      this.#muted.delete(unsent);
      this.#sockets.delete(socket);
      try {
        this.#options.onConnectionClosed?.(info);
      } catch (err) {
        log.error('connection close handler threw', { err, connection: info.id });
      }
    });
  }

  #apiVersionsResponse(header: RequestHeader): [Message, number] {
    const apiKeys = [...this.#versions.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([apiKey, [minVersion, maxVersion]]) => ({ apiKey, minVersion, maxVersion }));
    const [min, max] = this.#versions.get(ApiKey.ApiVersions)!;
    if (header.apiVersion < min || header.apiVersion > max) {
      // KIP-511: answer at v0 with UNSUPPORTED_VERSION and our ranges so the client retries lower.
      return [{ errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys }, 0];
    }
    return [{ errorCode: ErrorCode.NONE, apiKeys, throttleTimeMs: 0 }, header.apiVersion];
  }
}

function clampToSchema(apiKey: number, range: readonly [number, number]): readonly [number, number] {
  const schema = schemaVersions(apiKey);
  if (!schema) throw new Error(`api key ${apiKey} has no schema`);
  return [Math.max(range[0], schema[0]), Math.min(range[1], schema[1])];
}

export { ByteReader };
