// Log compaction for cleanup.policy=compact (Kafka's LogCleaner, simplified): for one log,
// build a map key → last offset over the dirty section (from the cleaner checkpoint to the
// first uncleanable segment: the active one, the one holding the high watermark, or one
// newer than min.compaction.lag.ms), then rewrite every segment before that point keeping
// only the latest record per key (original offsets kept; batches whose records all survive
// are copied byte for byte), dropping tombstones older than delete.retention.ms (by record
// timestamp: a departure from KIP-534's per-batch delete horizon), and grouping small
// cleaned segments up to segment.bytes. New segments are swapped in crash-safely
// (.cleaned → .swap → final). Runs synchronously on the caller's thread, one log per call;
// the active segment is never touched, so appends are unaffected except for the pause.
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, compressionOf, isControl, isTransactional, validateRecordBatches } from '../protocol/records/record-batch.js';
import { buildRecordBatch, decodeRecordBatch } from '../protocol/records/record-codec.js';
import type { LogSegment } from './log-segment.js';
import type { PartitionLog } from './partition-log.js';

export interface CleanableRange {
  firstDirtyOffset: bigint;
  /** Exclusive: base offset of the first uncleanable segment. */
  firstUncleanableOffset: bigint;
  cleanBytes: number;
  dirtyBytes: number;
  dirtyRatio: number;
}

export interface CleanResult {
  segmentsBefore: number;
  segmentsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  recordsRead: number;
  recordsRetained: number;
  /** New cleaner checkpoint: everything below it is clean. */
  firstDirtyOffset: bigint;
}

const READ_CHUNK = 1024 * 1024;

/** Every batch of a segment as (buffer, position) pairs, reading in chunks. */
function* segmentBatches(segment: LogSegment): Generator<{ buf: Buffer; position: number; size: number }> {
  let pos = 0;
  const size = segment.size;
  while (pos + BATCH_HEADER_SIZE <= size) {
    const chunk = segment.log.read(pos, READ_CHUNK);
    let at = 0;
    while (at + BATCH_HEADER_SIZE <= chunk.length) {
      const batchSize = chunk.readInt32BE(at + 8) + LOG_OVERHEAD;
      if (at + batchSize > chunk.length) break;
      yield { buf: chunk, position: at, size: batchSize };
      at += batchSize;
    }
    if (at === 0) {
      const batchSize = chunk.readInt32BE(8) + LOG_OVERHEAD;
      yield { buf: segment.log.read(pos, batchSize), position: 0, size: batchSize };
      at = batchSize;
    }
    pos += at;
  }
}

export class LogCleaner {
  readonly #logger: Logger;
  readonly #clock: Clock;

  constructor(options: { logger: Logger; clock: Clock }) {
    this.#logger = options.logger;
    this.#clock = options.clock;
  }

  /** The dirty section of a log and its dirty ratio (Kafka's LogToClean). */
  cleanableRange(log: PartitionLog, checkpoint: bigint, nowMs = this.#clock.now()): CleanableRange {
    const segments = log.segments;
    const upper = log.highWatermark ?? log.logEndOffset;
    const minLag = log.config.minCompactionLagMs;
    let firstUncleanable = log.activeSegment.baseOffset;
    for (let i = 0; i < segments.length - 1; i++) {
      const s = segments[i]!;
      const next = segments[i + 1]!;
      if (next.baseOffset > upper || (minLag > 0 && s.largestTimestamp > nowMs - minLag)) {
        firstUncleanable = s.baseOffset;
        break;
      }
    }
    let firstDirty = checkpoint < log.logStartOffset ? log.logStartOffset : checkpoint;
    if (firstDirty > firstUncleanable) firstDirty = firstUncleanable;
    let cleanBytes = 0;
    let dirtyBytes = 0;
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i]!;
      if (s.baseOffset >= firstUncleanable) break;
      const next = segments[i + 1];
      const end = next ? next.baseOffset : log.logEndOffset;
      if (end <= firstDirty) cleanBytes += s.size;
      else dirtyBytes += s.size;
    }
    const total = cleanBytes + dirtyBytes;
    return { firstDirtyOffset: firstDirty, firstUncleanableOffset: firstUncleanable, cleanBytes, dirtyBytes, dirtyRatio: total === 0 ? 0 : dirtyBytes / total };
  }

  /**
   * Cleans `log` if it is compacted and its dirty ratio reaches min.cleanable.dirty.ratio
   * (or `force`). Returns undefined when there was nothing to do.
   */
  clean(log: PartitionLog, checkpoint: bigint, options: { nowMs?: number; force?: boolean } = {}): CleanResult | undefined {
    if (!log.config.cleanupPolicy.compact || log.closed) return undefined;
    const nowMs = options.nowMs ?? this.#clock.now();
    const range = this.cleanableRange(log, checkpoint, nowMs);
    if (range.dirtyBytes === 0) return undefined;
    if (!options.force && range.dirtyRatio < log.config.minCleanableDirtyRatio) return undefined;

    const toClean = log.segments.filter((s) => s.baseOffset < range.firstUncleanableOffset);
    // 1. Offset map over the dirty section: key → last offset.
    const offsetMap = new Map<string, bigint>();
    for (const s of toClean) {
      for (const b of segmentBatches(s)) {
        const { header, records } = decodeRecordBatch(b.buf, b.position);
        if (header.baseOffset + BigInt(header.lastOffsetDelta) < range.firstDirtyOffset || isControl(header.attributes)) continue;
        for (const r of records) if (r.key !== null && r.offset >= range.firstDirtyOffset) offsetMap.set(r.key.toString('latin1'), r.offset);
      }
    }

    // 2. Rewrite in groups of consecutive segments fitting in segment.bytes.
    const tombstoneHorizon = BigInt(nowMs - log.config.deleteRetentionMs);
    const segmentsBefore = log.numberOfSegments;
    const bytesBefore = log.size;
    let recordsRead = 0;
    let recordsRetained = 0;
    const groups: LogSegment[][] = [];
    for (const s of toClean) {
      const group = groups.at(-1);
      const groupSize = group?.reduce((n, g) => n + g.size, 0) ?? 0;
      if (group && groupSize + s.size <= log.config.segmentBytes && s.baseOffset - group[0]!.baseOffset < 0x7fffffffn) group.push(s);
      else groups.push([s]);
    }
    for (const group of groups) {
      const cleaned = log.newCleanedSegment(group[0]!.baseOffset);
      for (const s of group) {
        for (const b of segmentBatches(s)) {
          const { header, records } = decodeRecordBatch(b.buf, b.position);
          recordsRead += records.length;
          if (isControl(header.attributes)) continue; // no transactions: markers carry nothing to keep
          const kept = records.filter((r) => {
            if (r.key === null) return false;
            const latest = offsetMap.get(r.key.toString('latin1'));
            if (latest !== undefined && r.offset < latest) return false;
            if (r.value === null && r.timestamp < tombstoneHorizon) return false;
            return true;
          });
          recordsRetained += kept.length;
          if (kept.length === 0) continue;
          let out: Buffer;
          if (kept.length === records.length) {
            out = Buffer.from(b.buf.subarray(b.position, b.position + b.size));
          } else {
            out = buildRecordBatch(
              kept.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: r.offsetDelta })),
              {
                compression: compressionOf(header.attributes),
                baseOffset: header.baseOffset,
                partitionLeaderEpoch: header.partitionLeaderEpoch,
                producerId: header.producerId,
                producerEpoch: header.producerEpoch,
                baseSequence: header.baseSequence,
                transactional: isTransactional(header.attributes),
                baseTimestamp: header.baseTimestamp,
                maxTimestamp: header.maxTimestamp,
                lastOffsetDelta: header.lastOffsetDelta,
                logAppendTime: (header.attributes & 0x08) !== 0,
              },
            );
          }
          cleaned.append(out, validateRecordBatches(out, { verifyCrc: false }).batches);
        }
      }
      if (!log.replaceSegments(group, cleaned)) {
        this.#logger.info('log changed during cleaning; aborting this pass', { log: log.name });
        return undefined;
      }
    }
    const result: CleanResult = {
      segmentsBefore,
      segmentsAfter: log.numberOfSegments,
      bytesBefore,
      bytesAfter: log.size,
      recordsRead,
      recordsRetained,
      firstDirtyOffset: range.firstUncleanableOffset,
    };
    this.#logger.info('cleaned log', { log: log.name, ...result });
    return result;
  }
}
