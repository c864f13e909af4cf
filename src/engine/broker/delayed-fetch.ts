// A Fetch long poll parked in the purgatory (Kafka's DelayedFetch): completes when enough
// new bytes are visible to the fetcher (min.bytes; consumers see up to the high watermark,
// followers up to the log end offset), when a partition lost leadership or changed leader
// epoch, when a consumer's offset fell outside the log, or at max.wait.ms. On completion
// the owner reads again and answers. Byte counts are estimates from appended bytes, as in
// Kafka. Single-threaded.
import { DelayedOperation } from './delayed-operations.js';
import type { Partition } from './partition.js';

export interface FetchWait {
  fetchOffset: bigint;
  /** Undefined when the partition is not hosted here. */
  partition: Partition | undefined;
  /** Partition.appendedBytes when the fetch was parked. */
  appendedBytesAtStart: number;
  leaderEpoch: number;
}

export class DelayedFetch extends DelayedOperation {
  readonly #waits: readonly FetchWait[];
  readonly #minBytes: number;
  readonly #isFollower: boolean;
  readonly #bytesAtStart: number;
  readonly #done: () => void;

  constructor(options: { waits: readonly FetchWait[]; minBytes: number; isFollower: boolean; bytesAtStart: number; onComplete: () => void }) {
    super();
    this.#waits = options.waits;
    this.#minBytes = options.minBytes;
    this.#isFollower = options.isFollower;
    this.#bytesAtStart = options.bytesAtStart;
    this.#done = options.onComplete;
  }

  tryComplete(): boolean {
    let bytes = this.#bytesAtStart;
    for (const w of this.#waits) {
      const p = w.partition;
      // Leadership changed or the partition went away: answer now with the error.
      if (!p || !p.isLeader || p.leaderEpoch !== w.leaderEpoch) return this.forceComplete();
      const end = this.#isFollower ? p.logEndOffset : p.highWatermark;
      if (end > w.fetchOffset) bytes += Math.max(1, p.appendedBytes - w.appendedBytesAtStart);
      if (end < w.fetchOffset && !this.#isFollower && p.logEndOffset < w.fetchOffset) return this.forceComplete();
    }
    if (bytes >= this.#minBytes) return this.forceComplete();
    return false;
  }

  protected onComplete(): void {
    this.#done();
  }
}
