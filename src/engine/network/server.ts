// Kafka-protocol TCP server shared by brokers and the controller: accepts connections,
// splits frames, decodes headers and bodies with the generated codec, serves ApiVersions
// itself (with KIP-511 UNSUPPORTED_VERSION negotiation), dispatches the rest to a handler
// and writes responses in request order per connection.
//
// Concurrency: one event loop. Handlers are CALLED in arrival order, synchronously, for every
// request of a connection; a handler that does its ordering-sensitive work (appending to a
// log) before its first await keeps per-connection ordering. Responses are written strictly in
// request order. A malformed or oversized frame closes only that connection, and is logged.
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
import { FrameDecoder } from './frame-decoder.js';

export const DEFAULT_MAX_REQUEST_BYTES = 104_857_600;
const MAX_IN_FLIGHT_PER_CONNECTION = 128;

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
  /** Called when a connection closes (fetch sessions, group members...). */
  onConnectionClosed?: (connection: ConnectionInfo) => void;
}

export const API_VERSIONS_RANGE: readonly [number, number] = [0, 4];

export class KafkaServer {
  readonly #server: net.Server;
  readonly #options: KafkaServerOptions;
  readonly #sockets = new Set<net.Socket>();
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
    // Pending responses in request order; null entries mean "no response".
    const queue: Array<{ done: boolean; chunks: Buffer[] | null }> = [];
    let inFlight = 0;
    let paused = false;
    let closed = false;

    const flush = () => {
      let wrote = false;
      while (queue.length > 0 && queue[0]!.done) {
        const item = queue.shift()!;
        inFlight--;
        if (item.chunks && !closed) {
          if (!wrote) socket.cork();
          wrote = true;
          for (const c of item.chunks) socket.write(c);
        }
      }
      if (wrote) socket.uncork();
      if (paused && inFlight < MAX_IN_FLIGHT_PER_CONNECTION / 2) {
        paused = false;
        socket.resume();
      }
    };

    const fail = (reason: string, fields: Record<string, unknown> = {}) => {
      if (closed) return;
      log.warn('closing connection', { reason, connection: info.id, remote: `${info.remoteAddress}:${info.remotePort}`, ...fields });
      closed = true;
      socket.destroy();
    };

    const onFrame = (frame: Buffer) => {
      if (closed) return;
      let header: RequestHeader;
      let reader: ByteReader;
      try {
        ({ header, reader } = decodeRequestHeader(frame));
      } catch (err) {
        fail('malformed request header', { err });
        return;
      }
      const slot = { done: false, chunks: null as Buffer[] | null };
      queue.push(slot);
      inFlight++;
      if (!paused && inFlight >= MAX_IN_FLIGHT_PER_CONNECTION) {
        paused = true;
        socket.pause();
      }
      const respond = (body: Message | null, version = header.apiVersion) => {
        if (body) {
          try {
            slot.chunks = encodeResponseFrame(header.apiKey, version, header.correlationId, body);
          } catch (err) {
            log.error('could not encode response', { err, api: apiName(header.apiKey), version });
            fail('response encoding failed');
            return;
          }
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
          (b) => respond(b),
          (err) => {
            log.error('handler failed', { err, api: apiName(header.apiKey) });
            fail('handler failure');
          },
        );
      } else respond(result);
    };

    socket.on('data', (data: Buffer) => {
      const r = decoder.push(data, onFrame);
      if (!r.ok) fail(r.reason);
    });
    socket.on('error', (err) => log.debug('socket error', { err: err.message, connection: info.id }));
    socket.on('close', () => {
      closed = true;
      this.#sockets.delete(socket);
      this.#options.onConnectionClosed?.(info);
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
