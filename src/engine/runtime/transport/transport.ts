// The worker-to-worker tuple transport, as the worker sees it. Implementations: TCP
// (tcp-transport.ts, between worker processes) and in-memory (memory-transport.ts, local
// runner). Tuples are queued per peer and sent in batches on flush(); backpressure
// messages tell senders which of the receiver's tasks are full. Single-threaded.

/** One tuple on the wire: [destTask, srcTask, streamId, values, anchors | null]. */
export type WireTuple = [number, number, string, unknown[], number[] | null];

export interface TransportHandlers {
  /** A tuple of a batch from a peer arrived for a local task (called once per tuple, then onBatchEnd). */
  onTuple(destTask: number, srcTask: number, streamId: string, values: unknown[], anchors: number[] | null): void;
  /** The tuples of one batch have all been delivered through onTuple. */
  onBatchEnd(): void;
  /** A peer's tasks became blocked/unblocked (also `blocked=[]`, `reset=true` on reconnect). */
  onBackpressure(peer: number, blocked: number[], unblocked: number[], reset: boolean): void;
  /** A link became writable again, or connected. */
  onWritable(): void;
}

export interface Transport {
  /** Queue a tuple for the worker at `peer` (index in assignment.workers). */
  send(peer: number, destTask: number, srcTask: number, streamId: string, values: unknown[], anchors: number[] | null): void;
  /**
   * Write queued batches. With `idle` false (the worker has more work right away) a transport
   * may keep a young, small batch to fill it further (at most ~1 ms); `idle` true writes all.
   */
  flush(idle?: boolean): void;
  /** True when the link to `peer` has too many unsent bytes: hold tuples back. */
  isPeerBlocked(peer: number): boolean;
  /** Tell every sender that these local tasks are (un)blocked. */
  publishBackpressure(blocked: number[], unblocked: number[]): void;
  /**
   * The topology's workers changed while this one kept its executors: peers are now
   * `peers` (by index in the new assignment) and this worker is `selfIndex`. Links to
   * addresses still present are kept; others are closed (their queued tuples dropped).
   * Optional: transports without it make the worker refuse an in-place update.
   */
  updatePeers?(peers: Array<{ host: string; port: number }>, selfIndex: number): void;
  /** Tuples dropped (peer unreachable with a full buffer, or unknown tasks). */
  readonly dropped: number;
  close(): Promise<void>;
}

export type TransportFactory = (handlers: TransportHandlers) => Promise<Transport>;
