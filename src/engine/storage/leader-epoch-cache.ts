// Leader epoch cache of one partition (Kafka's LeaderEpochFileCache): the start offset of
// every leader epoch seen in the log, persisted to `leader-epoch-checkpoint` (version 0,
// count, `epoch startOffset` lines) on every change. Answers OffsetForLeaderEpoch
// (endOffsetFor) so a follower can truncate a diverged log. Owned by one PartitionLog;
// single-threaded.
import { join } from 'node:path';
import { StreamctlError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { CheckpointFile } from './checkpoint-file.js';

export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint';
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1n;

export interface EpochEntry {
  epoch: number;
  startOffset: bigint;
}

export class LeaderEpochCache {
  readonly #file: CheckpointFile;
  readonly #logger: Logger;
  #entries: EpochEntry[];

  private constructor(file: CheckpointFile, logger: Logger, entries: EpochEntry[]) {
    this.#file = file;
    this.#logger = logger;
    this.#entries = entries;
  }

  /** Loads `<dir>/leader-epoch-checkpoint` (empty cache if absent). */
  static open(options: { dir: string; logger: Logger }): LeaderEpochCache {
    const file = new CheckpointFile(join(options.dir, LEADER_EPOCH_CHECKPOINT_FILE), 0);
    let entries: EpochEntry[];
    try {
      entries = file.read().map((line) => {
        const [e, o] = line.split(' ');
        if (!e || !o || !/^\d+$/.test(e) || !/^\d+$/.test(o)) throw new StreamctlError('STORAGE', `bad leader epoch entry "${line}"`);
        return { epoch: Number(e), startOffset: BigInt(o) };
      });
    } catch (error) {
      // The cache is rebuilt from batch headers during recovery; a bad file is not fatal.
      options.logger.warn('discarding unreadable leader epoch checkpoint', { path: file.path, error });
      entries = [];
    }
    return new LeaderEpochCache(file, options.logger, entries);
  }

  get entries(): readonly EpochEntry[] {
    return this.#entries;
  }

  get latestEpoch(): number {
    return this.#entries.at(-1)?.epoch ?? UNDEFINED_EPOCH;
  }

  get latestEntry(): EpochEntry | undefined {
    return this.#entries.at(-1);
  }

  get earliestEntry(): EpochEntry | undefined {
    return this.#entries[0];
  }

  /**
   * Records that `epoch` starts at `startOffset`. No-op for the current epoch at a later
   * offset; entries that would break monotonicity (epoch >= new, or startOffset >= new) are
   * dropped first, as Kafka does.
   */
  assign(epoch: number, startOffset: bigint): void {
    if (epoch < 0) return;
    const latest = this.latestEntry;
    if (latest && latest.epoch === epoch && latest.startOffset <= startOffset) return;
    const before = this.#entries.length;
    this.#entries = this.#entries.filter((e) => e.epoch < epoch && e.startOffset < startOffset);
    if (this.#entries.length !== before) {
      this.#logger.warn('leader epoch cache: removed entries that conflict with a new epoch', { epoch, startOffset: startOffset.toString(), removed: before - this.#entries.length });
    }
    this.#entries.push({ epoch, startOffset });
    this.#flush();
  }

  /**
   * Kafka's endOffsetFor: the end offset of `requestedEpoch` (start offset of the next
   * higher epoch, or logEndOffset for the latest epoch) and the largest epoch <= requested.
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: bigint): { epoch: number; endOffset: bigint } {
    if (requestedEpoch === UNDEFINED_EPOCH || this.#entries.length === 0) {
      return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    }
    if (requestedEpoch === this.latestEpoch) return { epoch: requestedEpoch, endOffset: logEndOffset };
    const higher = this.#entries.find((e) => e.epoch > requestedEpoch);
    if (!higher) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    let floor: EpochEntry | undefined;
    for (const e of this.#entries) if (e.epoch <= requestedEpoch) floor = e;
    return floor ? { epoch: floor.epoch, endOffset: higher.startOffset } : { epoch: requestedEpoch, endOffset: higher.startOffset };
  }

  /** The epoch of the leader that wrote `offset`, if known. */
  epochForOffset(offset: bigint): number | undefined {
    let found: number | undefined;
    for (const e of this.#entries) {
      if (e.startOffset <= offset) found = e.epoch;
      else break;
    }
    return found;
  }

  /** Drops entries starting at or after `endOffset` (log truncated to endOffset). */
  truncateFromEnd(endOffset: bigint): void {
    const kept = this.#entries.filter((e) => e.startOffset < endOffset);
    if (kept.length === this.#entries.length) return;
    this.#entries = kept;
    this.#flush();
  }

  /** Log start moved to `startOffset`: drop epochs wholly before it, clamp the first one. */
  truncateFromStart(startOffset: bigint): void {
    let changed = false;
    while (this.#entries.length > 1 && this.#entries[1]!.startOffset <= startOffset) {
      this.#entries.shift();
      changed = true;
    }
    const first = this.#entries[0];
    if (first && first.startOffset < startOffset) {
      this.#entries[0] = { epoch: first.epoch, startOffset };
      changed = true;
    }
    if (changed) this.#flush();
  }

  clear(): void {
    this.#entries = [];
    this.#flush();
  }

  #flush(): void {
    this.#file.write(this.#entries.map((e) => `${e.epoch} ${e.startOffset}`));
  }
}
