// Producer state of one partition (Kafka's ProducerStateManager): per producer id the current
// epoch and the metadata of its last 5 batches, used to acknowledge a retried batch with its
// original offsets and to reject sequence gaps and fenced epochs; and for transactional
// producers the first offset of the open transaction and the coordinator epoch of the last
// marker. Completed transactions stay "unreplicated" until the high watermark passes their
// marker, so the first unstable offset (hence the last stable offset) never moves past a
// transaction whose outcome is not replicated. Snapshots (`<20-digit offset>.snapshot`, JSON, write-then-rename)
// are taken on segment roll and close so recovery replays only the tail of the log.
// Owned by one PartitionLog; single-threaded.
import { existsSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../common/logger.js';
import { NO_PRODUCER_EPOCH, isControl, isTransactional, type BatchHeader } from '../protocol/records/record-batch.js';
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
  /** First offset of the producer's open transaction, null when none is open. */
  currentTxnFirstOffset: bigint | null;
  /** Coordinator epoch of the last marker written for this producer (-1 before any). */
  coordinatorEpoch: number;
}

/** One producer as DescribeProducers reports it. */
export interface ProducerStateView {
  producerId: bigint;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: bigint;
  coordinatorEpoch: number;
  /** -1 when no transaction is open. */
  currentTxnStartOffset: bigint;
}

/** A transaction ended by a marker (Kafka's CompletedTxn). */
export interface CompletedTxn {
  producerId: bigint;
  firstOffset: bigint;
  /** Offset of the marker. */
  lastOffset: bigint;
  isAborted: boolean;
}

/** Control record types of end-transaction markers (ControlRecordType). */
const CONTROL_ABORT = 0;
const CONTROL_COMMIT = 1;

/** Last sequence of a batch, wrapping at Int32.MAX like Kafka. */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  return baseSequence > INT32_MAX - lastOffsetDelta ? lastOffsetDelta - (INT32_MAX - baseSequence) - 1 : baseSequence + lastOffsetDelta;
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

function cloneEntry(e: ProducerEntry): ProducerEntry {
  return { ...e, batches: [...e.batches] };
}

/**
 * Staged changes of one append: checked batches are recorded here and applied with
 * ProducerStateManager.commit only when the append succeeds.
 */
export class ProducerAppendInfo {
  readonly #manager: ProducerStateManager;
  readonly updated = new Map<bigint, ProducerEntry>();
  readonly completedTxns: CompletedTxn[] = [];

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
      if (isControl(header.attributes)) return undefined;
      if (firstSeq < 0) {
        // A coordinator's transactional write (no sequence): only the epoch is checked.
        if (epoch < current.producerEpoch) throw new RecordsError(RecordsErrorCode.INVALID_PRODUCER_EPOCH, `Epoch of producer ${pid} is ${epoch}, which is smaller than the last seen epoch ${current.producerEpoch}`);
        return undefined;
      }
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
      if (!isTransactional(header.attributes) && current.currentTxnFirstOffset !== null && epoch === current.producerEpoch) {
        throw new RecordsError(RecordsErrorCode.INVALID_TXN_STATE, `Expected transactional write from producer ${pid} at offset ${header.baseOffset} in partition; the producer has an open transaction`);
      }
    }
    return undefined;
  }

  /**
   * Leader-side check of an end-transaction marker: its producer epoch may not be older than
   * the producer's (INVALID_PRODUCER_EPOCH) nor its coordinator epoch older than the last
   * marker's (TRANSACTION_COORDINATOR_FENCED).
   */
  checkMarker(producerId: bigint, producerEpoch: number, coordinatorEpoch: number): void {
    const current = this.#current(producerId);
    if (!current) return;
    if (producerEpoch < current.producerEpoch) {
      throw new RecordsError(RecordsErrorCode.INVALID_PRODUCER_EPOCH, `Producer ${producerId}'s epoch in the transaction marker is ${producerEpoch}, which is smaller than the last seen epoch ${current.producerEpoch}`);
    }
    if (coordinatorEpoch < current.coordinatorEpoch) {
      throw new RecordsError(RecordsErrorCode.TRANSACTION_COORDINATOR_FENCED, `Invalid coordinator epoch for producer ${producerId}: ${coordinatorEpoch} (zombie), ${current.coordinatorEpoch} (current)`);
    }
  }

  /**
   * Records a batch (offsets assigned). No checks: used after checkLeaderBatch, by followers
   * and by recovery. A control batch needs its `control` type (and coordinator epoch); an
   * end-transaction marker completes the producer's open transaction, which is returned.
   */
  append(header: BatchHeader, control?: { type: number; coordinatorEpoch: number }): CompletedTxn | undefined {
    const pid = header.producerId;
    if (pid < 0n) return undefined;
    const existing = this.#current(pid);
    let entry: ProducerEntry;
    if (!existing || existing.producerEpoch !== header.producerEpoch) {
      entry = { producerId: pid, producerEpoch: header.producerEpoch, batches: [], lastTimestamp: -1n, currentTxnFirstOffset: existing?.currentTxnFirstOffset ?? null, coordinatorEpoch: existing?.coordinatorEpoch ?? -1 };
    } else {
      entry = this.updated.has(pid) ? existing : cloneEntry(existing);
    }
    if (isControl(header.attributes)) {
      entry.lastTimestamp = header.maxTimestamp;
      this.updated.set(pid, entry);
      if (!control || (control.type !== CONTROL_ABORT && control.type !== CONTROL_COMMIT)) return undefined;
      if (control.coordinatorEpoch > entry.coordinatorEpoch) entry.coordinatorEpoch = control.coordinatorEpoch;
      const completed: CompletedTxn = { producerId: pid, firstOffset: entry.currentTxnFirstOffset ?? header.baseOffset, lastOffset: header.baseOffset, isAborted: control.type === CONTROL_ABORT };
      entry.currentTxnFirstOffset = null;
      this.completedTxns.push(completed);
      return completed;
    }
    if (isTransactional(header.attributes) && entry.currentTxnFirstOffset === null) entry.currentTxnFirstOffset = header.baseOffset;
    if (header.baseSequence < 0) {
      entry.lastTimestamp = header.maxTimestamp;
      this.updated.set(pid, entry);
      return undefined;
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
    return undefined;
  }
}

interface SnapshotJson {
  version: 1;
  offset: string;
  producers: Array<{ producerId: string; producerEpoch: number; lastTimestamp: string; currentTxnFirstOffset?: string | null; coordinatorEpoch?: number; batches: Array<{ firstSeq: number; lastSeq: number; firstOffset: string; lastOffset: string; timestamp: string }> }>;
}

export class ProducerStateManager {
  readonly #dir: string;
  readonly #logger: Logger;
  #producers = new Map<bigint, ProducerEntry>();
  /** The offset up to which (exclusive) the state reflects the log. */
  #mapEndOffset = 0n;
  /** Completed transactions whose marker the high watermark has not passed yet. */
  #unreplicatedTxns: CompletedTxn[] = [];

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
    this.#unreplicatedTxns.push(...info.completedTxns);
    this.#mapEndOffset = endOffset;
  }

  clear(): void {
    this.#producers.clear();
    this.#unreplicatedTxns = [];
  }

  /**
   * First offset of the oldest transaction that is open or whose marker is not yet below
   * the high watermark; undefined when there is none (then the LSO is the high watermark).
   */
  firstUnstableOffset(): bigint | undefined {
    let min: bigint | undefined;
    for (const e of this.#producers.values()) if (e.currentTxnFirstOffset !== null && (min === undefined || e.currentTxnFirstOffset < min)) min = e.currentTxnFirstOffset;
    for (const t of this.#unreplicatedTxns) if (min === undefined || t.firstOffset < min) min = t.firstOffset;
    return min;
  }

  /** The high watermark moved: transactions whose marker lies below it are stable. */
  onHighWatermarkUpdated(highWatermark: bigint): void {
    if (this.#unreplicatedTxns.length > 0) this.#unreplicatedTxns = this.#unreplicatedTxns.filter((t) => t.lastOffset >= highWatermark);
  }

  /** Every producer as DescribeProducers shows it (Kafka's ProducerStateEntry view). */
  describe(): ProducerStateView[] {
    return [...this.#producers.values()].map((e) => ({
      producerId: e.producerId,
      producerEpoch: e.producerEpoch,
      lastSequence: e.batches.at(-1)?.lastSeq ?? -1,
      lastTimestamp: e.lastTimestamp,
      coordinatorEpoch: e.coordinatorEpoch,
      currentTxnStartOffset: e.currentTxnFirstOffset ?? -1n,
    }));
  }

  /** Open transactions: producer id → first offset (DescribeProducers, find-hanging). */
  ongoingTxns(): Array<{ producerId: bigint; producerEpoch: number; firstOffset: bigint; coordinatorEpoch: number; lastTimestamp: bigint }> {
    const out = [];
    for (const e of this.#producers.values()) {
      if (e.currentTxnFirstOffset !== null) out.push({ producerId: e.producerId, producerEpoch: e.producerEpoch, firstOffset: e.currentTxnFirstOffset, coordinatorEpoch: e.coordinatorEpoch, lastTimestamp: e.lastTimestamp });
    }
    return out;
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
        currentTxnFirstOffset: e.currentTxnFirstOffset === null ? null : e.currentTxnFirstOffset.toString(),
        coordinatorEpoch: e.coordinatorEpoch,
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
    this.#unreplicatedTxns = [];
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
            currentTxnFirstOffset: p.currentTxnFirstOffset === undefined || p.currentTxnFirstOffset === null ? null : BigInt(p.currentTxnFirstOffset),
            coordinatorEpoch: p.coordinatorEpoch ?? -1,
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
