// In-memory transport for the local runner: several workers in one process exchange tuple
// batches as encoded frames (so values go through the same serialisation as between
// processes), delivered asynchronously (setImmediate) like socket data. Single-threaded.
import { BatchDecoder, BatchEncoder, type TupleSink } from './frame-codec.js';
import type { Transport, TransportHandlers } from './transport.js';

/** Connects the MemoryTransports of one local topology. */
export class MemoryNetwork {
  readonly #members: (MemoryTransport | undefined)[] = [];

  /** The transport factory for the worker at `index`. */
  factory(index: number): (handlers: TransportHandlers) => Promise<Transport> {
    return async (handlers) => {
      const t = new MemoryTransport(this, index, handlers);
      this.#members[index] = t;
      return t;
    };
  }

  member(index: number): MemoryTransport | undefined {
    return this.#members[index];
  }

  members(): MemoryTransport[] {
    return this.#members.filter((m): m is MemoryTransport => m !== undefined);
  }
}

export class MemoryTransport implements Transport {
  readonly #network: MemoryNetwork;
  readonly #index: number;
  readonly handlers: TransportHandlers;
  readonly #decoder = new BatchDecoder();
  readonly #sink: TupleSink;
  readonly #batches = new Map<number, BatchEncoder>();
  #inFlight = 0;
  #dropped = 0;
  #closed = false;

  constructor(network: MemoryNetwork, index: number, handlers: TransportHandlers) {
    this.#network = network;
    this.#index = index;
    this.handlers = handlers;
    this.#sink = (d, s, st, v, a) => handlers.onTuple(d, s, st, v, a);
  }

  get dropped(): number {
    return this.#dropped;
  }

  send(peer: number, destTask: number, srcTask: number, streamId: string, values: unknown[], anchors: number[] | null): void {
    let b = this.#batches.get(peer);
    if (!b) this.#batches.set(peer, (b = new BatchEncoder(16 * 1024)));
    b.add(destTask, srcTask, streamId, values, anchors);
  }

  flush(_idle = true): void {
    for (const [peer, batch] of this.#batches) {
      if (batch.count === 0) continue;
      const target = this.#network.member(peer);
      const count = batch.count;
      const frame = batch.finish();
      if (!target || this.#closed) {
        this.#dropped += count;
        continue;
      }
      this.#inFlight += frame.length;
      setImmediate(() => {
        this.#inFlight -= frame.length;
        if (!target.#closed) {
          const h = target.handlers;
          target.#decoder.decode(frame[4]!, frame.subarray(5), target.#sink);
          h.onBatchEnd();
        }
        this.handlers.onWritable();
      });
    }
  }

  isPeerBlocked(): boolean {
    return this.#inFlight > 8 << 20;
  }

  publishBackpressure(blocked: number[], unblocked: number[]): void {
    for (const m of this.#network.members()) if (m !== this) m.handlers.onBackpressure(this.#index, blocked, unblocked, false);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
