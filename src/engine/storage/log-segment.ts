// One segment of a partition log: `<20-digit base offset>.log` plus its sparse `.index` and
// `.timeindex`. Appends whole validated batches, serves reads as raw bytes at batch
// boundaries, translates offsets and timestamps to positions, recovers itself by re-reading
// every batch (CRC, lengths, monotonic offsets) and rebuilding both indexes, and truncates.
// Owned by one PartitionLog; single-threaded, synchronous file I/O.
import { join } from 'node:path';
import type { Clock } from '../common/clock.js';
import {
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  CURRENT_MAGIC,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  computeBatchCrc,
  readBatchHeader,
  type BatchHeader,
  type BatchPosition,
} from '../protocol/records/record-batch.js';
import { decodeRecordBatch } from '../protocol/records/record-codec.js';
import { FileRecords, type FileBatch } from './file-records.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';

export const LOG_FILE_SUFFIX = '.log';
export const INDEX_FILE_SUFFIX = '.index';
export const TIME_INDEX_FILE_SUFFIX = '.timeindex';

const RECOVERY_CHUNK = 1024 * 1024;
const MAX_POSITION_HINTS = 64;
const EMPTY = Buffer.alloc(0);

/** `00000000000000000042` for 42n. */
export function offsetFileName(offset: bigint): string {
  return offset.toString().padStart(20, '0');
}

export interface SegmentReadResult {
  records: Buffer;
  /** Position of the first returned byte in this segment. */
  position: number;
  /** Offset after the last returned batch (== requested offset when nothing was returned). */
  nextOffset: bigint;
}

export interface RollParams {
  segmentBytes: number;
  segmentMs: number;
  maxTimestampInMessages: bigint;
  maxOffsetInMessages: bigint;
  messagesSize: number;
  nowMs: number;
}

export class LogSegment {
  readonly baseOffset: bigint;
  readonly log: FileRecords;
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  readonly #indexIntervalBytes: number;
  readonly #createdMs: number;
  #bytesSinceLastIndexEntry = 0;
  #maxTimestampSoFar = -1n;
  #offsetOfMaxTimestampSoFar: bigint;
  #rollingBasedTimestamp: bigint | undefined;
  #nextOffset: bigint | undefined;
  /** batch baseOffset → position of that batch (exact batch starts), for sequential reads. */
  #positionHints = new Map<bigint, number>();

  private constructor(baseOffset: bigint, log: FileRecords, offsetIndex: OffsetIndex, timeIndex: TimeIndex, indexIntervalBytes: number, createdMs: number) {
    this.baseOffset = baseOffset;
    this.log = log;
    this.offsetIndex = offsetIndex;
    this.timeIndex = timeIndex;
    this.#indexIntervalBytes = indexIntervalBytes;
    this.#createdMs = createdMs;
    this.#offsetOfMaxTimestampSoFar = baseOffset;
    const last = timeIndex.lastEntry;
    if (last) {
      this.#maxTimestampSoFar = last.timestamp;
      this.#offsetOfMaxTimestampSoFar = last.offset;
    }
  }

  /** Opens (creating if needed) the three files of the segment at `baseOffset` in `dir`. */
  static open(options: { dir: string; baseOffset: bigint; indexIntervalBytes: number; segmentIndexBytes: number; clock: Clock; fileSuffix?: string }): LogSegment {
    const name = join(options.dir, offsetFileName(options.baseOffset));
    const suffix = options.fileSuffix ?? '';
    const log = FileRecords.open(name + LOG_FILE_SUFFIX + suffix);
    const offsetIndex = OffsetIndex.open(name + INDEX_FILE_SUFFIX + suffix, options.baseOffset, options.segmentIndexBytes);
    const timeIndex = TimeIndex.open(name + TIME_INDEX_FILE_SUFFIX + suffix, options.baseOffset, options.segmentIndexBytes);
    return new LogSegment(options.baseOffset, log, offsetIndex, timeIndex, options.indexIntervalBytes, options.clock.now());
  }

  /** Renames the three files from suffix `oldSuffix` to `newSuffix` (e.g. '.cleaned' → '.swap' → ''). */
  changeFileSuffixes(oldSuffix: string, newSuffix: string): void {
    for (const f of [this.log, this.offsetIndex, this.timeIndex]) {
      if (!f.path.endsWith(oldSuffix)) throw new Error(`${f.path} does not end with ${oldSuffix}`);
      f.renameTo(f.path.slice(0, f.path.length - oldSuffix.length) + newSuffix);
    }
  }

  get size(): number {
    return this.log.sizeInBytes;
  }

  get maxTimestampSoFar(): bigint {
    return this.#maxTimestampSoFar;
  }

  get offsetOfMaxTimestampSoFar(): bigint {
    return this.#offsetOfMaxTimestampSoFar;
  }

  /** Largest record timestamp in the segment, else the file's mtime (Kafka's rule). */
  get largestTimestamp(): number {
    return this.#maxTimestampSoFar >= 0n ? Number(this.#maxTimestampSoFar) : this.log.lastModifiedMs();
  }

  /**
   * Checks both indexes (and that the last offset-index entry points at a batch whose last
   * offset matches); throws STORAGE when either must be rebuilt.
   */
  sanityCheck(): void {
    this.offsetIndex.sanityCheck(this.size);
    this.timeIndex.sanityCheck();
    if (this.offsetIndex.entries > 0) {
      const h = this.log.readHeader(this.offsetIndex.lastPosition);
      const expected = this.offsetIndex.lastOffset;
      if (!h || h.magic !== CURRENT_MAGIC || h.baseOffset + BigInt(h.lastOffsetDelta) !== expected) {
        throw new Error(`index ${this.offsetIndex.path}: last entry (${expected}, ${this.offsetIndex.lastPosition}) does not match the batch there`);
      }
    }
    const lastTime = this.timeIndex.lastEntry;
    if (lastTime && lastTime.offset >= this.readNextOffset()) {
      throw new Error(`time index ${this.timeIndex.path}: last entry offset ${lastTime.offset} is beyond the segment`);
    }
  }

  /**
   * Appends validated batches (offsets already assigned). `batches` are the positions of the
   * batches inside `records`, as returned by validateRecordBatches. `keep`: the caller never
   * writes to `records` again, so reads of these bytes may be served from it (FileRecords).
   */
  append(records: Buffer, batches: readonly BatchPosition[], keep = false): void {
    if (records.length === 0) return;
    const start = this.log.append(records, keep);
    if (this.#rollingBasedTimestamp === undefined) {
      let max = -1n;
      for (const b of batches) if (b.header.maxTimestamp > max) max = b.header.maxTimestamp;
      this.#rollingBasedTimestamp = max;
    }
    let last: BatchHeader | undefined;
    for (const b of batches) {
      const h = b.header;
      const lastOffset = h.baseOffset + BigInt(h.lastOffsetDelta);
      if (h.maxTimestamp > this.#maxTimestampSoFar) {
        this.#maxTimestampSoFar = h.maxTimestamp;
        this.#offsetOfMaxTimestampSoFar = lastOffset;
      }
      if (this.#bytesSinceLastIndexEntry > this.#indexIntervalBytes) {
        this.offsetIndex.append(lastOffset, start + b.position);
        this.timeIndex.maybeAppend(this.#maxTimestampSoFar, this.#offsetOfMaxTimestampSoFar);
        this.#bytesSinceLastIndexEntry = 0;
      }
      this.#bytesSinceLastIndexEntry += b.size;
      last = h;
    }
    if (last) {
      this.#nextOffset = last.baseOffset + BigInt(last.lastOffsetDelta) + 1n;
      this.#hint(batches[0]!.header.baseOffset, start);
      this.#hint(this.#nextOffset, this.size);
    }
  }

  #hint(offset: bigint, position: number): void {
    if (this.#positionHints.size >= MAX_POSITION_HINTS) this.#positionHints.clear();
    this.#positionHints.set(offset, position);
  }

  /** The batch containing `offset` or the first one after it, scanning from the index. */
  translateOffset(offset: bigint, startingPosition = 0): FileBatch | undefined {
    const hinted = this.#positionHints.get(offset);
    if (hinted !== undefined && hinted >= startingPosition && hinted < this.size) {
      const found = this.log.searchForOffset(offset, hinted);
      if (found && found.position === hinted) return found;
    }
    const entry = this.offsetIndex.lookup(offset);
    return this.log.searchForOffset(offset, Math.max(entry.position, startingPosition));
  }

  /**
   * Reads whole batches starting with the one containing `startOffset`, at most `maxSize`
   * bytes and never at or beyond `maxPosition`; with `minOneMessage` the first batch is
   * returned even when larger than `maxSize`. Undefined when no batch in this segment has an
   * offset >= startOffset.
   */
  read(startOffset: bigint, maxSize: number, maxPosition: number, minOneMessage: boolean): SegmentReadResult | undefined {
    let startPos: number | undefined = this.#positionHints.get(startOffset);
    if (startPos === undefined || startPos >= this.size) {
      const batch = this.translateOffset(startOffset);
      if (!batch) return undefined;
      startPos = batch.position;
    }
    const limit = Math.min(maxPosition, this.size) - startPos;
    if (limit <= 0) return { records: EMPTY, position: startPos, nextOffset: startOffset };
    let buf = this.log.read(startPos, Math.min(maxSize, limit));
    let end = 0;
    let nextOffset = startOffset;
    while (end + BATCH_HEADER_SIZE <= buf.length) {
      const size = buf.readInt32BE(end + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
      if (end + size > buf.length) break;
      nextOffset = buf.readBigInt64BE(end) + BigInt(buf.readInt32BE(end + LAST_OFFSET_DELTA_OFFSET)) + 1n;
      end += size;
    }
    if (end === 0) {
      if (!minOneMessage) return { records: EMPTY, position: startPos, nextOffset: startOffset };
      const header = this.log.readHeader(startPos);
      if (!header) return { records: EMPTY, position: startPos, nextOffset: startOffset };
      const size = header.batchLength + LOG_OVERHEAD;
      if (size > limit) return { records: EMPTY, position: startPos, nextOffset: startOffset };
      buf = this.log.read(startPos, size);
      end = size;
      nextOffset = header.baseOffset + BigInt(header.lastOffsetDelta) + 1n;
    }
    this.#hint(nextOffset, startPos + end);
    return { records: end === buf.length ? buf : buf.subarray(0, end), position: startPos, nextOffset };
  }

  /** The offset after the last batch (the base offset when empty). */
  readNextOffset(): bigint {
    if (this.#nextOffset !== undefined) return this.#nextOffset;
    let next = this.baseOffset;
    this.log.scanBatches(this.offsetIndex.lastPosition, (b) => {
      next = b.lastOffset + 1n;
      return true;
    });
    this.#nextOffset = next;
    return next;
  }

  /** Kafka's shouldRoll: size, time since the first batch, full indexes, relative offset overflow. */
  shouldRoll(p: RollParams): boolean {
    const reachedRollMs = this.#timeWaitedForRoll(p.nowMs, p.maxTimestampInMessages) > p.segmentMs;
    return (
      this.size > p.segmentBytes - p.messagesSize ||
      (this.size > 0 && reachedRollMs) ||
      this.offsetIndex.isFull ||
      this.timeIndex.isFull ||
      p.maxOffsetInMessages - this.baseOffset > 0x7fffffffn
    );
  }

  #timeWaitedForRoll(nowMs: number, messageTimestamp: bigint): number {
    if (this.#rollingBasedTimestamp === undefined && this.size > 0) {
      this.#rollingBasedTimestamp = this.log.readHeader(0)?.maxTimestamp ?? -1n;
    }
    const base = this.#rollingBasedTimestamp;
    if (base !== undefined && base >= 0n) return Number(messageTimestamp - base);
    return nowMs - this.#createdMs;
  }

  /**
   * Called when the segment stops being the active one (roll, cleaning, recovery, close):
   * drops the log's tail cache, records its largest timestamp and writes index entries held
   * only in memory to the files.
   */
  onBecomeInactiveSegment(): void {
    this.log.dropTailCache();
    if (this.#maxTimestampSoFar >= 0n) this.timeIndex.maybeAppend(this.#maxTimestampSoFar, this.#offsetOfMaxTimestampSoFar);
    this.offsetIndex.writePending();
    this.timeIndex.writePending();
  }

  /**
   * Re-reads every batch: checks lengths, magic, CRC-32C and increasing offsets, rebuilds
   * both indexes, calls `onBatch` for each valid batch, and truncates the file at the first
   * invalid byte. Returns the number of bytes truncated.
   */
  recover(onBatch?: (header: BatchHeader) => void): number {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.#positionHints.clear();
    this.#bytesSinceLastIndexEntry = 0;
    this.#maxTimestampSoFar = -1n;
    this.#offsetOfMaxTimestampSoFar = this.baseOffset;
    this.#rollingBasedTimestamp = undefined;
    const fileSize = this.size;
    let pos = 0;
    let expectedNext = this.baseOffset;
    let chunk: Buffer = Buffer.alloc(0);
    let chunkStart = 0;
    scan: while (pos < fileSize) {
      if (pos + LOG_OVERHEAD > fileSize) break;
      if (pos + LOG_OVERHEAD > chunkStart + chunk.length || pos < chunkStart) {
        chunk = this.log.read(pos, RECOVERY_CHUNK);
        chunkStart = pos;
      }
      let at = pos - chunkStart;
      const size = chunk.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
      if (size < BATCH_HEADER_SIZE || pos + size > fileSize) break;
      if (at + size > chunk.length) {
        chunk = this.log.read(pos, Math.max(RECOVERY_CHUNK, size));
        chunkStart = pos;
        at = 0;
      }
      if (chunk.readInt8(at + MAGIC_OFFSET) !== CURRENT_MAGIC) break;
      const header = readBatchHeader(chunk, at);
      if (computeBatchCrc(chunk, at, size) !== header.crc) break;
      if (header.baseOffset < expectedNext || header.lastOffsetDelta < 0 || header.recordCount < 0) break scan;
      const lastOffset = header.baseOffset + BigInt(header.lastOffsetDelta);
      if (this.#rollingBasedTimestamp === undefined) this.#rollingBasedTimestamp = header.maxTimestamp;
      if (header.maxTimestamp > this.#maxTimestampSoFar) {
        this.#maxTimestampSoFar = header.maxTimestamp;
        this.#offsetOfMaxTimestampSoFar = lastOffset;
      }
      if (this.#bytesSinceLastIndexEntry > this.#indexIntervalBytes) {
        this.offsetIndex.append(lastOffset, pos);
        this.timeIndex.maybeAppend(this.#maxTimestampSoFar, this.#offsetOfMaxTimestampSoFar);
        this.#bytesSinceLastIndexEntry = 0;
      }
      this.#bytesSinceLastIndexEntry += size;
      onBatch?.(header);
      expectedNext = lastOffset + 1n;
      pos += size;
    }
    const truncated = fileSize - pos;
    if (truncated > 0) this.log.truncateTo(pos);
    this.#nextOffset = expectedNext;
    this.onBecomeInactiveSegment();
    return truncated;
  }

  /** Replays batch headers from `fromOffset` (header-only scan, no CRC); `position` locates the batch in the file. */
  scanHeaders(fromOffset: bigint, onBatch: (header: BatchHeader, position: number) => void): void {
    const first = this.translateOffset(fromOffset);
    if (!first) return;
    this.log.scanBatches(
      first.position,
      (b) => {
        onBatch(b.header!, b.position);
        return true;
      },
      undefined,
      true,
    );
  }

  /**
   * Removes every batch with an offset >= `offset` (the batch containing `offset` goes too).
   * Returns the bytes removed.
   */
  truncateTo(offset: bigint): number {
    const batch = this.translateOffset(offset);
    if (!batch) return 0;
    this.offsetIndex.truncateToPosition(batch.position);
    this.timeIndex.truncateTo(batch.baseOffset);
    const removed = this.log.truncateTo(batch.position);
    this.#positionHints.clear();
    this.#bytesSinceLastIndexEntry = 0;
    this.#maxTimestampSoFar = -1n;
    this.#offsetOfMaxTimestampSoFar = this.baseOffset;
    let next = this.baseOffset;
    this.log.scanBatches(0, (b) => {
      if (b.maxTimestamp > this.#maxTimestampSoFar) {
        this.#maxTimestampSoFar = b.maxTimestamp;
        this.#offsetOfMaxTimestampSoFar = b.lastOffset;
      }
      next = b.lastOffset + 1n;
      return true;
    });
    this.#nextOffset = next;
    if (this.size === 0) this.#rollingBasedTimestamp = undefined;
    return removed;
  }

  /**
   * First record with timestamp >= `timestamp` and offset >= `startingOffset`, decoding the
   * candidate batch (record-level precision, as Kafka's ListOffsets).
   */
  findOffsetByTimestamp(timestamp: bigint, startingOffset: bigint): { offset: bigint; timestamp: bigint } | undefined {
    const te = this.timeIndex.lookup(timestamp);
    const from = te.offset > startingOffset ? te.offset : startingOffset;
    let position = this.offsetIndex.lookup(from).position;
    for (;;) {
      const batch = this.log.searchForTimestamp(timestamp, position);
      if (!batch) return undefined;
      if (batch.lastOffset >= startingOffset) {
        const { records } = decodeRecordBatch(this.log.read(batch.position, batch.size));
        for (const r of records) {
          if (r.timestamp >= timestamp && r.offset >= startingOffset) return { offset: r.offset, timestamp: r.timestamp };
        }
      }
      position = batch.position + batch.size;
    }
  }

  flush(): void {
    this.log.flush();
    this.offsetIndex.flush();
    this.timeIndex.flush();
  }

  close(): void {
    this.onBecomeInactiveSegment();
    this.log.close();
    this.offsetIndex.close();
    this.timeIndex.close();
  }

  /** Closes and removes all files of the segment. */
  delete(): void {
    this.log.delete();
    this.offsetIndex.delete();
    this.timeIndex.delete();
  }
}
