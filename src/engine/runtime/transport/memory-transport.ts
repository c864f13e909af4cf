// In-memory transport for the local runner: several workers in one process exchange tuple
// batches as JSON strings (so values go through the same serialisation as between
// processes), delivered asynchronously (setImmediate) like socket data. Single-threaded.
import { decodeTupleBatch, encodeTupleBatch } from './frame-codec.js';
import type { Transport, TransportHandlers, WireTuple } from './transport.js';

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
  readonly #batches = new Map<number, WireTuple[]>();
  #inFlight = 0;
  #dropped = 0;
  #closed = false;

  constructor(network: MemoryNetwork, index: number, handlers: TransportHandlers) {
    this.#network = network;
    this.#index = index;
    this.handlers = handlers;
  }

  get dropped(): number {
    return this.#dropped;
  }

  send(peer: number, destTask: number, srcTask: number, streamId: string, values: unknown[], anchors: number[] | null): void {
    let b = this.#batches.get(peer);
    if (!b) this.#batches.set(peer, (b = []));
    b.push([destTask, srcTask, streamId, values, anchors]);
  }

  flush(): void {
    for (const [peer, batch] of this.#batches) {
      if (batch.length === 0) continue;
      this.#batches.set(peer, []);
      const target = this.#network.member(peer);
      if (!target || this.#closed) {
        this.#dropped += batch.length;
        continue;
      }
      const frame = encodeTupleBatch(batch);
      this.#inFlight += frame.length;
      setImmediate(() => {
        this.#inFlight -= frame.length;
        if (!target.#closed) target.handlers.onTuples(decodeTupleBatch(frame[4]!, frame.subarray(5)));
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
