// Client side of the Kafka protocol for internal links (broker → controller, follower →
// leader) and tests: one TCP connection, pipelined requests matched to responses by
// correlation id. Not a general client: commands use @platformatic/kafka.
import net from 'node:net';
import { decodeResponseFrame, encodeRequestFrame, peekCorrelationId, type ApiKeyNumber, type Encodable, type RequestOf, type ResponseOf } from '../protocol/codec.js';
import { StreamctlError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { FrameDecoder } from '../common/frame-decoder.js';

export interface KafkaConnectionOptions {
  host: string;
  port: number;
  clientId?: string;
  logger?: Logger;
  connectTimeoutMs?: number;
  /** Per-request timeout; 0 = none. */
  requestTimeoutMs?: number;
}

/** Bytes read per syscall on a connection (one reused buffer per connection). */
const READ_BUFFER_BYTES = 256 * 1024;

/** Where the socket's read callback delivers frames (wired once the connection exists). */
interface ReadSink {
  onFrame: (frame: Buffer) => void;
  onError: (reason: string) => void;
}

interface Pending {
  /** Decodes the response frame with the request's api key and version and resolves with it. */
  settle: (frame: Buffer) => void;
  reject: (err: Error) => void;
  timer?: NodeJS.Timeout;
}

export class KafkaConnection {
  readonly #socket: net.Socket;
  readonly #clientId: string;
  readonly #pending = new Map<number, Pending>();
  readonly #requestTimeoutMs: number;
  #nextCorrelationId = 1;
  #closed = false;
  #closeError: Error | null = null;
  readonly host: string;
  readonly port: number;

  private constructor(socket: net.Socket, reader: ReadSink, options: KafkaConnectionOptions) {
    this.#socket = socket;
    this.#clientId = options.clientId ?? 'streamctl-internal';
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.host = options.host;
    this.port = options.port;
    const log = options.logger ?? silentLogger;
    reader.onFrame = (frame) => this.#onFrame(frame);
    reader.onError = (reason) => this.#fail(new StreamctlError('PROTOCOL', reason));
    socket.on('error', (err) => {
      log.debug('connection error', { err: err.message, host: this.host, port: this.port });
      this.#fail(err);
    });
    socket.on('close', () => this.#fail(new StreamctlError('NOT_RUNNING', `connection to ${this.host}:${this.port} closed`, { retriable: true })));
  }

  static connect(options: KafkaConnectionOptions): Promise<KafkaConnection> {
    return new Promise((resolve, reject) => {
      // Reads land in one reused buffer and are copied once into exactly sized frames
      // (fewer, larger reads and no per-read allocation on the replica fetch path).
      const reader: ReadSink = { onFrame: () => {}, onError: () => {} };
      const decoder = new FrameDecoder(1 << 30);
      const socket = net.connect({
        host: options.host,
        port: options.port,
        noDelay: true,
        onread: {
          buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
          callback: (nread: number, buf: Uint8Array) => {
            // Whatever the peer sends (a bad size, a frame that does not decode) fails this
            // connection and its pending requests; nothing throws out of the read callback.
            try {
              const data = Buffer.from(buf.buffer, buf.byteOffset, nread);
              const r = decoder.pushTransient(data, (frame) => reader.onFrame(frame));
              if (!r.ok) reader.onError(r.reason);
            } catch (err) {
              reader.onError(`bad response from ${options.host}:${options.port}: ${(err as Error).message}`);
            }
            return true;
          },
        },
      });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new StreamctlError('TIMEOUT', `could not connect to ${options.host}:${options.port} in time`, { retriable: true }));
      }, options.connectTimeoutMs ?? 5_000);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new KafkaConnection(socket, reader, options));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new StreamctlError('NOT_RUNNING', `could not connect to ${options.host}:${options.port}: ${err.message}`, { cause: err, retriable: true }));
      });
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends a request and resolves with the decoded response body, typed by the api key. */
  send<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, body: Encodable<RequestOf<K>>, options: { timeoutMs?: number } = {}): Promise<ResponseOf<K>> {
    if (this.#closed) return Promise.reject(this.#closeError ?? new StreamctlError('NOT_RUNNING', 'connection is closed', { retriable: true }));
    const correlationId = this.#nextCorrelationId++ & 0x7fffffff;
    const chunks = encodeRequestFrame(apiKey, apiVersion, correlationId, this.#clientId, body);
    return new Promise<ResponseOf<K>>((resolve, reject) => {
      const settle = (frame: Buffer): void => {
        let response: ResponseOf<K>;
        try {
          response = decodeResponseFrame(apiKey, apiVersion, frame).body;
        } catch (err) {
          reject(new StreamctlError('PROTOCOL', `could not decode response: ${(err as Error).message}`, { cause: err }));
          return;
        }
        resolve(response);
      };
      const pending: Pending = { settle, reject };
      const timeoutMs = options.timeoutMs ?? this.#requestTimeoutMs;
      if (timeoutMs > 0) {
        pending.timer = setTimeout(() => {
          this.#pending.delete(correlationId);
          reject(new StreamctlError('TIMEOUT', `request ${apiKey} v${apiVersion} to ${this.host}:${this.port} timed out after ${timeoutMs} ms`, { retriable: true }));
        }, timeoutMs);
      }
      this.#pending.set(correlationId, pending);
      this.#socket.cork();
      for (const c of chunks) this.#socket.write(c);
      this.#socket.uncork();
    });
  }

  /** Sends a request that gets no response (Produce with acks=0). */
  sendOneWay<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, body: Encodable<RequestOf<K>>): void {
    const correlationId = this.#nextCorrelationId++ & 0x7fffffff;
    for (const c of encodeRequestFrame(apiKey, apiVersion, correlationId, this.#clientId, body)) this.#socket.write(c);
  }

  close(): void {
    this.#fail(new StreamctlError('NOT_RUNNING', 'connection closed by client'));
  }

  #onFrame(frame: Buffer): void {
    let id: number;
    try {
      id = peekCorrelationId(frame);
    } catch (err) {
      this.#fail(new StreamctlError('PROTOCOL', `bad response from ${this.host}:${this.port}: ${(err as Error).message}`, { cause: err }));
      return;
    }
    const p = this.#pending.get(id);
    if (!p) return; // timed out earlier
    this.#pending.delete(id);
    if (p.timer) clearTimeout(p.timer);
    p.settle(frame);
  }

  #fail(err: Error): void {
    if (!this.#closed) {
      this.#closed = true;
      this.#closeError = err;
      this.#socket.destroy();
    }
    for (const [id, p] of this.#pending) {
      if (p.timer) clearTimeout(p.timer);
      this.#pending.delete(id);
      p.reject(err);
    }
  }
}
