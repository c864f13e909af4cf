// TCP transport between worker processes. Each worker listens on its slot port
// (127.0.0.1) for tuple batches from peers, and keeps one outbound connection per peer it
// sends to, reconnecting (100 ms → 1 s backoff) when the peer restarts. Outbound tuples are
// batched per peer and written as one frame on flush() when the worker goes idle, the batch
// is 1 ms old or large (64 KiB, maxBatchTuples); while a
// peer is unreachable, frames are held up to `maxUnsentBytes` and dropped beyond it (with
// acking, those tuples time out and replay, as Storm). The receiver sends backpressure
// frames (its blocked tasks) back on the inbound connection. Single-threaded (event loop).
import net from 'node:net';
import type { Logger } from '../../common/logger.js';
import { StreamctlError } from '../../common/errors.js';
import { FRAME_BACKPRESSURE, FRAME_HELLO, BatchDecoder, BatchEncoder, FrameReader, encodeJsonFrame, isTupleFrame, type TupleSink } from './frame-codec.js';
import type { Transport, TransportHandlers } from './transport.js';

export interface TcpPeer {
  host: string;
  port: number;
}

export interface TcpTransportOptions {
  host: string;
  port: number;
  /** All workers of the topology, by index; `selfIndex` is this one. */
  peers: TcpPeer[];
  selfIndex: number;
  handlers: TransportHandlers;
  logger: Logger;
  /** Flush a peer's batch when it reaches this many tuples (default 4096). */
  maxBatchTuples?: number;
  /** Outbound bytes above which a peer counts as blocked (default 8 MiB). */
  highWaterBytes?: number;
  /** Unsent bytes kept while a peer is unreachable (default 32 MiB). */
  maxUnsentBytes?: number;
  /** How long to retry binding the port (a previous worker may still hold it); default 10 s. */
  listenRetryMs?: number;
}

/** A batch is written when its binary part reaches this size... */
const FLUSH_BYTES = 64 * 1024;
/** ...or when it is this old and the worker asks for a flush, or at once when the worker goes idle. */
const FLUSH_AGE_MS = 1;

class PeerLink {
  socket: net.Socket | null = null;
  connected = false;
  closed = false;
  readonly batch = new BatchEncoder(64 * 1024);
  /** performance.now() of the first tuple in `batch`. */
  batchStartMs = 0;
  unsent: Buffer[] = [];
  unsentBytes = 0;
  backoffMs = 100;
  timer: NodeJS.Timeout | undefined;
  constructor(
    public index: number,
    readonly peer: TcpPeer,
  ) {}
}

export class TcpTransport implements Transport {
  readonly #o: Required<Omit<TcpTransportOptions, 'handlers' | 'logger' | 'peers'>> & Pick<TcpTransportOptions, 'handlers' | 'logger' | 'peers'>;
  readonly #server: net.Server;
  #links: (PeerLink | undefined)[];
  readonly #inbound = new Set<net.Socket>();
  readonly #blocked = new Set<number>();
  readonly #sink: TupleSink;
  #dropped = 0;
  #closed = false;

  private constructor(options: TcpTransportOptions, server: net.Server) {
    this.#o = { maxBatchTuples: 4096, highWaterBytes: 8 << 20, maxUnsentBytes: 32 << 20, listenRetryMs: 10_000, ...options };
    this.#server = server;
    const handlers = options.handlers;
    this.#sink = (dest, src, stream, values, anchors) => handlers.onTuple(dest, src, stream, values, anchors);
    this.#links = options.peers.map((p, i) => (i === options.selfIndex ? undefined : new PeerLink(i, p)));
    server.on('connection', (s) => this.#onInbound(s));
  }

  static async open(options: TcpTransportOptions): Promise<TcpTransport> {
    const server = net.createServer({ noDelay: true });
    const deadline = Date.now() + (options.listenRetryMs ?? 10_000);
    for (;;) {
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host: options.host, port: options.port, exclusive: true }, () => {
            server.off('error', reject);
            resolve();
          });
        });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || Date.now() > deadline) {
          throw new StreamctlError('PORT_IN_USE', `Worker cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`, { cause: error });
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const t = new TcpTransport(options, server);
    for (const link of t.#links) if (link) t.#connect(link);
    return t;
  }

  /** The port actually listened on (useful with port 0 in tests). */
  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  get dropped(): number {
    return this.#dropped;
  }

  updatePeers(peers: TcpPeer[], selfIndex: number): void {
    const byAddress = new Map<string, PeerLink>();
    for (const link of this.#links) if (link) byAddress.set(`${link.peer.host}:${link.peer.port}`, link);
    const fresh: PeerLink[] = [];
    this.#links = peers.map((p, i) => {
      if (i === selfIndex) return undefined;
      const key = `${p.host}:${p.port}`;
      const link = byAddress.get(key);
      if (link) {
        byAddress.delete(key);
        link.index = i;
        return link;
      }
      const created = new PeerLink(i, p);
      fresh.push(created);
      return created;
    });
    this.#o.selfIndex = selfIndex;
    for (const link of byAddress.values()) {
      link.closed = true;
      if (link.timer) clearTimeout(link.timer);
      this.#dropped += link.batch.count;
      link.socket?.end();
      link.socket?.destroy();
    }
    for (const link of fresh) this.#connect(link);
    this.#o.logger.info('peers updated', { peers: peers.map((p) => `${p.host}:${p.port}`), selfIndex, added: fresh.length, removed: byAddress.size });
  }

  send(peer: number, destTask: number, srcTask: number, streamId: string, values: unknown[], anchors: number[] | null): void {
    const link = this.#links[peer];
    if (!link) {
      this.#dropped++;
      return;
    }
    const batch = link.batch;
    if (batch.count === 0) link.batchStartMs = performance.now();
    batch.add(destTask, srcTask, streamId, values, anchors);
    if (batch.count >= this.#o.maxBatchTuples || batch.bytes >= FLUSH_BYTES) this.#flushLink(link);
  }

  flush(idle = true): void {
    const now = idle ? 0 : performance.now();
    for (const link of this.#links) {
      if (!link || link.batch.count === 0) continue;
      if (idle || now - link.batchStartMs >= FLUSH_AGE_MS) this.#flushLink(link);
    }
  }

  isPeerBlocked(peer: number): boolean {
    const link = this.#links[peer];
    if (!link || !link.connected || !link.socket) return false;
    return link.socket.writableLength > this.#o.highWaterBytes;
  }

  publishBackpressure(blocked: number[], unblocked: number[]): void {
    for (const t of blocked) this.#blocked.add(t);
    for (const t of unblocked) this.#blocked.delete(t);
    if (this.#inbound.size === 0) return;
    const frame = encodeJsonFrame(FRAME_BACKPRESSURE, { b: blocked, u: unblocked });
    for (const s of this.#inbound) s.write(frame);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.flush();
    for (const link of this.#links) {
      if (!link) continue;
      link.closed = true;
      if (link.timer) clearTimeout(link.timer);
      link.socket?.end();
      link.socket?.destroy();
    }
    for (const s of this.#inbound) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #flushLink(link: PeerLink): void {
    const batch = link.batch;
    const count = batch.count;
    const frame = batch.finish();
    if (link.connected && link.socket) {
      link.socket.write(frame);
      return;
    }
    if (link.unsentBytes + frame.length > this.#o.maxUnsentBytes) {
      this.#dropped += count;
      return;
    }
    link.unsent.push(frame);
    link.unsentBytes += frame.length;
  }

  #connect(link: PeerLink): void {
    if (link.closed || this.#closed) return;
    const socket = net.connect({ host: link.peer.host, port: link.peer.port, noDelay: true });
    link.socket = socket;
    const reader = new FrameReader((type, payload) => {
      if (type === FRAME_BACKPRESSURE) {
        const m = JSON.parse(payload.toString('utf8')) as { b: number[]; u: number[]; reset?: boolean };
        this.#o.handlers.onBackpressure(link.index, m.b, m.u, m.reset === true);
      }
    });
    socket.on('connect', () => {
      link.connected = true;
      link.backoffMs = 100;
      socket.write(encodeJsonFrame(FRAME_HELLO, { worker: this.#o.selfIndex }));
      for (const f of link.unsent) socket.write(f);
      link.unsent = [];
      link.unsentBytes = 0;
      this.#o.logger.info('connected to peer worker', { peer: `${link.peer.host}:${link.peer.port}` });
      this.#o.handlers.onWritable();
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (error) {
        this.#o.logger.warn('bad frame from peer worker', { peer: link.peer.port, error });
        socket.destroy();
      }
    });
    socket.on('drain', () => this.#o.handlers.onWritable());
    socket.on('error', () => {});
    socket.on('close', () => {
      const was = link.connected;
      link.connected = false;
      link.socket = null;
      if (was) {
        this.#o.logger.warn('lost connection to peer worker', { peer: `${link.peer.host}:${link.peer.port}` });
        this.#o.handlers.onBackpressure(link.index, [], [], true);
      }
      if (link.closed || this.#closed) return;
      link.timer = setTimeout(() => this.#connect(link), link.backoffMs);
      link.timer.unref();
      link.backoffMs = Math.min(1000, link.backoffMs * 2);
    });
  }

  #onInbound(socket: net.Socket): void {
    socket.setNoDelay(true);
    this.#inbound.add(socket);
    if (this.#blocked.size > 0) socket.write(encodeJsonFrame(FRAME_BACKPRESSURE, { b: [...this.#blocked], u: [], reset: true }));
    const decoder = new BatchDecoder();
    const reader = new FrameReader((type, payload) => {
      if (!isTupleFrame(type)) return;
      decoder.decode(type, payload, this.#sink);
      this.#o.handlers.onBatchEnd();
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (error) {
        this.#o.logger.warn('bad frame from peer worker', { error });
        socket.destroy();
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => this.#inbound.delete(socket));
  }
}
