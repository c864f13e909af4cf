// Idempotent-producer state of one partition (Kafka's ProducerStateManager, without
// transactions): per producer id the current epoch and the metadata of its last 5 batches,
// used to acknowledge a retried batch with its original offsets and to reject sequence
// gaps and fenced epochs. Snapshots (`<20-digit offset>.snapshot`, JSON, write-then-rename)
// are taken on segment roll and close so recovery replays only the tail of the log.
// Owned by one PartitionLog; single-threaded.
import { existsSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../common/logger.js';
import { NO_PRODUCER_EPOCH, type BatchHeader } from '../protocol/records/record-batch.js';
import { RecordsError, RecordsErrorCode } from '../protocol/records/records-error.js';
import { writeFileAtomically } from './checkpoint-file.js';
import { offsetFileName } from './log-segment.js';

export const PRODUCER_SNAPSHOT_SUFFIX = '.snapshot';
export const NUM_BATCHES_TO_RETAIN = 5;
const INT32_MAX = 0x7fffffff;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: bigint;
  lastOffset: bigint;
  timestamp: bigint;
}

export interface ProducerEntry {
  producerId: bigint;
  producerEpoch: number;
  /** Oldest first, at most NUM_BATCHES_TO_RETAIN. */
  batches: BatchMetadata[];
  lastTimestamp: bigint;
}

/** Last sequence of a batch, wrapping at Int32.MAX like Kafka. */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  return baseSequence > INT32_MAX - lastOffsetDelta ? lastOffsetDelta - (INT32_MAX - baseSequence) - 1 : baseSequence + lastOffsetDelta;
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

function cloneEntry(e: ProducerEntry): ProducerEntry {
  return { producerId: e.producerId, producerEpoch: e.producerEpoch, batches: [...e.batches], lastTimestamp: e.lastTimestamp };
}

/**
 * Staged changes of one append: checked batches are recorded here and applied with
 * ProducerStateManager.commit only when the append succeeds.
 */
export class ProducerAppendInfo {
  readonly #manager: ProducerStateManager;
  readonly updated = new Map<bigint, ProducerEntry>();

  constructor(manager: ProducerStateManager) {
    this.#manager = manager;
  }

  #current(producerId: bigint): ProducerEntry | undefined {
    return this.updated.get(producerId) ?? this.#manager.entry(producerId);
  }

  /**
   * Leader-side check of one batch (before offsets are assigned). Returns the original
   * metadata when it duplicates one of the producer's last 5 batches; throws
   * INVALID_PRODUCER_EPOCH or OUT_OF_ORDER_SEQUENCE_NUMBER.
   */
  checkLeaderBatch(header: BatchHeader): BatchMetadata | undefined {
    const pid = header.producerId;
    if (pid < 0n) return undefined;
    const current = this.#current(pid);
    const epoch = header.producerEpoch;
    const firstSeq = header.baseSequence;
    const lastSeq = lastSequenceOf(firstSeq, header.lastOffsetDelta);
    if (current) {
      if (epoch < current.producerEpoch) {
        throw new RecordsError(RecordsErrorCode.INVALID_PRODUCER_EPOCH, `Epoch of producer ${pid} is ${epoch}, which is smaller than the last seen epoch ${current.producerEpoch}`);
      }
      if (epoch === current.producerEpoch) {
        const dup = current.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
        if (dup) return dup;
      }
      if (epoch !== current.producerEpoch) {
        if (firstSeq !== 0 && current.producerEpoch !== NO_PRODUCER_EPOCH) {
          throw new RecordsError(RecordsErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `Invalid sequence number for new epoch of producer ${pid}: ${epoch} (request epoch), ${firstSeq} (seq. number), ${current.producerEpoch} (current producer epoch)`);
        }
      } else {
        const currentLastSeq = current.batches.at(-1)?.lastSeq;
        if (currentLastSeq !== undefined && !inSequence(currentLastSeq, firstSeq)) {
          throw new RecordsError(RecordsErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `Out of order sequence number for producer ${pid} at offset ${header.baseOffset}: ${firstSeq} (incoming seq. number), ${currentLastSeq} (current end sequence number)`);
        }
      }
    }
    return undefined;
  }

  /** Records a batch (offsets assigned). No checks: used after checkLeaderBatch, by followers and by recovery. */
  append(header: BatchHeader): void {
    const pid = header.producerId;
    if (pid < 0n) return;
    const existing = this.#current(pid);
    let entry: ProducerEntry;
    if (!existing || existing.producerEpoch !== header.producerEpoch) {
      entry = { producerId: pid, producerEpoch: header.producerEpoch, batches: [], lastTimestamp: -1n };
    } else {
      entry = this.updated.has(pid) ? existing : cloneEntry(existing);
    }
    entry.batches.push({
      firstSeq: header.baseSequence,
      lastSeq: lastSequenceOf(header.baseSequence, header.lastOffsetDelta),
      firstOffset: header.baseOffset,
      lastOffset: header.baseOffset + BigInt(header.lastOffsetDelta),
      timestamp: header.maxTimestamp,
    });
    if (entry.batches.length > NUM_BATCHES_TO_RETAIN) entry.batches.shift();
    entry.lastTimestamp = header.maxTimestamp;
    this.updated.set(pid, entry);
  }
}

interface SnapshotJson {
  version: 1;
  offset: string;
  producers: Array<{ producerId: string; producerEpoch: number; lastTimestamp: string; batches: Array<{ firstSeq: number; lastSeq: number; firstOffset: string; lastOffset: string; timestamp: string }> }>;
}

export class ProducerStateManager {
  readonly #dir: string;
  readonly #logger: Logger;
  #producers = new Map<bigint, ProducerEntry>();
  /** The offset up to which (exclusive) the state reflects the log. */
  #mapEndOffset = 0n;

  constructor(options: { dir: string; logger: Logger }) {
    this.#dir = options.dir;
    this.#logger = options.logger;
  }

  get mapEndOffset(): bigint {
    return this.#mapEndOffset;
  }

  set mapEndOffset(offset: bigint) {
    this.#mapEndOffset = offset;
  }

  entry(producerId: bigint): ProducerEntry | undefined {
    return this.#producers.get(producerId);
  }

  get activeProducers(): ReadonlyMap<bigint, ProducerEntry> {
    return this.#producers;
  }

  prepareUpdate(): ProducerAppendInfo {
    return new ProducerAppendInfo(this);
  }

  commit(info: ProducerAppendInfo, endOffset: bigint): void {
    for (const [pid, entry] of info.updated) this.#producers.set(pid, entry);
    this.#mapEndOffset = endOffset;
  }

  clear(): void {
    this.#producers.clear();
  }

  /** Offsets of snapshot files present, ascending. */
  snapshotOffsets(): bigint[] {
    if (!existsSync(this.#dir)) return [];
    return readdirSync(this.#dir)
      .filter((f) => f.endsWith(PRODUCER_SNAPSHOT_SUFFIX) && /^\d{20}\.snapshot$/.test(f))
      .map((f) => BigInt(f.slice(0, 20)))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  #snapshotPath(offset: bigint): string {
    return join(this.#dir, offsetFileName(offset) + PRODUCER_SNAPSHOT_SUFFIX);
  }

  /**
   * Writes the current state as `<mapEndOffset>.snapshot` and keeps the newest 2 snapshots.
   * `fsync` false (segment rolls) survives a process crash; an unreadable snapshot after a
   * power loss is discarded and the state rebuilt from the log.
   */
  takeSnapshot(options: { fsync?: boolean } = {}): void {
    const json: SnapshotJson = {
      version: 1,
      offset: this.#mapEndOffset.toString(),
      producers: [...this.#producers.values()].map((e) => ({
        producerId: e.producerId.toString(),
        producerEpoch: e.producerEpoch,
        lastTimestamp: e.lastTimestamp.toString(),
        batches: e.batches.map((b) => ({ firstSeq: b.firstSeq, lastSeq: b.lastSeq, firstOffset: b.firstOffset.toString(), lastOffset: b.lastOffset.toString(), timestamp: b.timestamp.toString() })),
      })),
    };
    writeFileAtomically(this.#snapshotPath(this.#mapEndOffset), JSON.stringify(json), options);
    const offsets = this.snapshotOffsets();
    for (const o of offsets.slice(0, Math.max(0, offsets.length - 2))) this.#unlink(o);
  }

  /**
   * Loads the newest readable snapshot at or below `maxOffset` (deleting newer ones).
   * Returns its offset, or undefined when none was loaded (state cleared).
   */
  loadLatestSnapshot(maxOffset: bigint): bigint | undefined {
    this.#producers.clear();
    const offsets = this.snapshotOffsets();
    for (const o of offsets) if (o > maxOffset) this.#unlink(o);
    for (const o of offsets.filter((x) => x <= maxOffset).reverse()) {
      try {
        const json = JSON.parse(readFileSync(this.#snapshotPath(o), 'utf8')) as SnapshotJson;
        if (json.version !== 1 || BigInt(json.offset) !== o) throw new Error('unexpected snapshot content');
        for (const p of json.producers) {
          const entry: ProducerEntry = {
            producerId: BigInt(p.producerId),
            producerEpoch: p.producerEpoch,
            lastTimestamp: BigInt(p.lastTimestamp),
            batches: p.batches.map((b) => ({ firstSeq: b.firstSeq, lastSeq: b.lastSeq, firstOffset: BigInt(b.firstOffset), lastOffset: BigInt(b.lastOffset), timestamp: BigInt(b.timestamp) })),
          };
          this.#producers.set(entry.producerId, entry);
        }
        this.#mapEndOffset = o;
        return o;
      } catch (error) {
        this.#logger.warn('discarding unreadable producer snapshot', { offset: o.toString(), error });
        this.#producers.clear();
        this.#unlink(o);
      }
    }
    return undefined;
  }

  /** Deletes snapshots with offset < `offset` (segments deleted by retention). */
  deleteSnapshotsBefore(offset: bigint): void {
    for (const o of this.snapshotOffsets()) if (o < offset) this.#unlink(o);
  }

  deleteAllSnapshots(): void {
    for (const o of this.snapshotOffsets()) this.#unlink(o);
  }

  #unlink(offset: bigint): void {
    try {
      unlinkSync(this.#snapshotPath(offset));
    } catch {
      // already gone
    }
  }
}
