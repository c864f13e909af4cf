// The commit log of one topic-partition (Kafka's UnifiedLog/LocalLog): an ordered list of
// segments in `<dataDir>/<topic>-<partition>/`, the log start and end offsets, the recovery
// point, the leader epoch cache and idempotent-producer state. Appends as leader go through
// the log validator (every record walked in place, compressed batches decompressed with a
// bound; message formats v0/v1 converted) and get offsets assigned in place; follower appends
// check headers and CRCs only; reads return stored bytes.
// Recovery on open validates every batch after the recovery point (after an unclean
// shutdown), truncates a torn tail and rebuilds indexes. open() is SYNCHRONOUS; every method
// is synchronous and must be called from one thread (the broker's event loop), so no reader
// can observe a half-done append, roll, truncation or segment deletion.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE } from '../common/private-files.js';
import type { Clock } from '../common/clock.js';
import { StreamctlError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { LogConfig } from '../common/topic-config.js';
import {
  CompressionType,
  NO_TIMESTAMP,
  assignOffsets,
  compressionOf,
  isTransactional,
  validateRecordBatches,
  type BatchHeader,
  type BatchPosition,
} from '../protocol/records/record-batch.js';
import { buildRecordBatch, decodeRecordBatch } from '../protocol/records/record-codec.js';
import { RecordsError, RecordsErrorCode } from '../protocol/records/records-error.js';
import { FileRecords } from './file-records.js';
import { LeaderEpochCache } from './leader-epoch-cache.js';
import { INDEX_FILE_SUFFIX, LOG_FILE_SUFFIX, LogSegment, TIME_INDEX_FILE_SUFFIX } from './log-segment.js';
import { validateRecordsAsLeader } from './log-validator.js';
import { ProducerStateManager } from './producer-state.js';
import { checkSegmentTail, verifyBatchCrcs } from './segment-check.js';

const EMPTY = Buffer.alloc(0);
/** ListOffsets special timestamps. */
export const LATEST_TIMESTAMP = -1n;
export const EARLIEST_TIMESTAMP = -2n;
export const MAX_TIMESTAMP = -3n;

export interface LogAppendInfo {
  /** First offset of the append (for a duplicate: of the original batch); -1 when nothing was given. */
  firstOffset: bigint;
  lastOffset: bigint;
  maxTimestamp: bigint;
  offsetOfMaxTimestamp: bigint;
  /** The broker time stamped on the batches under LogAppendTime, else -1. */
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
  recordCount: number;
  validBytes: number;
  /** True when the batch was a retry of an already-appended idempotent batch (nothing appended). */
  duplicate: boolean;
}

export interface LogReadOptions {
  /** Exclusive upper bound (e.g. the high watermark): batches containing it or later are not returned. */
  maxOffset?: bigint;
  /** Return the first batch even when it is larger than maxBytes (Kafka's minOneMessage). */
  minOneMessage: boolean;
}

export interface LogReadResult {
  /** Whole batches as stored (zero-decode); empty when nothing is available. */
  records: Buffer;
  /** Offset after the last returned batch; the fetch offset when nothing was returned. */
  nextOffset: bigint;
  logStartOffset: bigint;
  logEndOffset: bigint;
}

export interface PartitionLogOptions {
  /** The partition folder itself (`<dataDir>/<topic>-<partition>`); created if missing. */
  dir: string;
  topic: string;
  partition: number;
  topicId?: string;
  config: LogConfig;
  logger: Logger;
  clock: Clock;
  /** Offset below which data is known flushed (recovery-point-offset-checkpoint); default 0. */
  recoveryPoint?: bigint;
  /** From log-start-offset-checkpoint; default: the first segment's base offset. */
  logStartOffset?: bigint;
  /** True when the broker shut down cleanly (marker present): skip full recovery. Default false. */
  hadCleanShutdown?: boolean;
}

const CLEANED_SUFFIX = '.cleaned';
const SWAP_SUFFIX = '.swap';
const TEMP_SUFFIXES = ['.deleted', CLEANED_SUFFIX, SWAP_SUFFIX, '.tmp'];

function compressionFromConfig(c: LogConfig['compressionType']): CompressionType | undefined {
  switch (c) {
    case 'producer':
      return undefined;
    case 'uncompressed':
      return CompressionType.None;
    case 'gzip':
      return CompressionType.Gzip;
    case 'snappy':
      return CompressionType.Snappy;
    case 'lz4':
      return CompressionType.Lz4;
    case 'zstd':
      return CompressionType.Zstd;
  }
}

export class PartitionLog {
  readonly dir: string;
  readonly topic: string;
  readonly partition: number;
  readonly topicId: string | undefined;
  readonly leaderEpochCache: LeaderEpochCache;
  readonly producerState: ProducerStateManager;
  #config: LogConfig;
  readonly #logger: Logger;
  readonly #clock: Clock;
  #segments: LogSegment[] = [];
  #logStartOffset = 0n;
  #logEndOffset = 0n;
  #recoveryPoint = 0n;
  #highWatermark: bigint | undefined;
  #unflushedMessages = 0;
  #lastFlushMs: number;
  #closed = false;
  /** Cache of the position bounding reads at maxOffset: [segment, offset, position]. */
  #boundCache: { segment: LogSegment; offset: bigint; position: number } | undefined;

  private constructor(options: PartitionLogOptions) {
    this.dir = options.dir;
    this.topic = options.topic;
    this.partition = options.partition;
    this.topicId = options.topicId;
    this.#config = options.config;
    this.#logger = options.logger;
    this.#clock = options.clock;
    this.#lastFlushMs = options.clock.now();
    mkdirSync(this.dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    this.leaderEpochCache = LeaderEpochCache.open({ dir: this.dir, logger: this.#logger });
    this.producerState = new ProducerStateManager({ dir: this.dir, logger: this.#logger });
  }

  /** Opens the log synchronously, recovering it as needed. */
  static open(options: PartitionLogOptions): PartitionLog {
    const log = new PartitionLog(options);
    log.#load(options.recoveryPoint ?? 0n, options.logStartOffset, options.hadCleanShutdown ?? false);
    return log;
  }

  // ---------------------------------------------------------------- accessors

  get name(): string {
    return `${this.topic}-${this.partition}`;
  }
  get config(): LogConfig {
    return this.#config;
  }
  get logStartOffset(): bigint {
    return this.#logStartOffset;
  }
  get logEndOffset(): bigint {
    return this.#logEndOffset;
  }
  get recoveryPoint(): bigint {
    return this.#recoveryPoint;
  }
  /** The high watermark set by the broker (undefined: never set, treated as logEndOffset). */
  get highWatermark(): bigint | undefined {
    return this.#highWatermark;
  }
  /** Total bytes of all segments. */
  get size(): number {
    let total = 0;
    for (const s of this.#segments) total += s.size;
    return total;
  }
  get numberOfSegments(): number {
    return this.#segments.length;
  }
  get segments(): readonly LogSegment[] {
    return this.#segments;
  }
  get activeSegment(): LogSegment {
    return this.#segments.at(-1)!;
  }
  get latestEpoch(): number {
    return this.leaderEpochCache.latestEpoch;
  }

  /** Sets the high watermark (clamped to [logStartOffset, logEndOffset]); bounds retention. */
  updateHighWatermark(offset: bigint): bigint {
    let hw = offset > this.#logEndOffset ? this.#logEndOffset : offset;
    if (hw < this.#logStartOffset) hw = this.#logStartOffset;
    this.#highWatermark = hw;
    return hw;
  }

  updateConfig(config: LogConfig): void {
    this.#config = config;
  }

  // ---------------------------------------------------------------- load and recovery

  #load(recoveryPoint: bigint, logStartOffset: bigint | undefined, hadCleanShutdown: boolean): void {
    this.#completeInterruptedSwaps();
    const bases: bigint[] = [];
    const files = readdirSync(this.dir);
    for (const f of files) {
      if (TEMP_SUFFIXES.some((s) => f.endsWith(s))) {
        unlinkSync(join(this.dir, f));
        continue;
      }
      const m = /^(\d{20})(\.log|\.index|\.timeindex)$/.exec(f);
      if (!m) continue;
      if (m[2] === LOG_FILE_SUFFIX) bases.push(BigInt(m[1]!));
      else if (!files.includes(m[1]! + LOG_FILE_SUFFIX)) {
        unlinkSync(join(this.dir, f)); // orphan index without its log
      }
    }
    bases.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const c = this.#config;
    for (let i = 0; i < bases.length; i++) {
      const baseOffset = bases[i]!;
      // Segments holding offsets >= the recovery point are fully recovered below anyway.
      const willRecover = !hadCleanShutdown && (i + 1 >= bases.length || bases[i + 1]! > recoveryPoint);
      const name = join(this.dir, baseOffset.toString().padStart(20, '0'));
      const indexMissing = !existsSync(name + INDEX_FILE_SUFFIX) || !existsSync(name + TIME_INDEX_FILE_SUFFIX);
      const segment = LogSegment.open({ dir: this.dir, baseOffset, indexIntervalBytes: c.indexIntervalBytes, segmentIndexBytes: c.segmentIndexBytes, clock: this.#clock });
      this.#segments.push(segment);
      if (willRecover) continue;
      if (indexMissing && segment.size > 0) {
        this.#logger.warn('rebuilding missing index', { segment: baseOffset.toString() });
        segment.recover();
        continue;
      }
      try {
        segment.sanityCheck();
      } catch (error) {
        this.#logger.warn('rebuilding corrupt index', { segment: baseOffset.toString(), error });
        segment.recover();
      }
    }
    if (this.#segments.length === 0) {
      this.#segments.push(this.#newSegment(logStartOffset ?? 0n));
    }

    if (!hadCleanShutdown) this.#recoverUnflushed(recoveryPoint);
    else this.#checkActiveSegmentTail();

    this.#logEndOffset = this.activeSegment.readNextOffset();
    const firstBase = this.#segments[0]!.baseOffset;
    let lso = logStartOffset !== undefined && logStartOffset > firstBase ? logStartOffset : firstBase;
    if (lso > this.#logEndOffset) lso = this.#logEndOffset;
    this.#logStartOffset = lso;

    this.leaderEpochCache.truncateFromEnd(this.#logEndOffset);
    this.leaderEpochCache.truncateFromStart(this.#logStartOffset);
    this.#rebuildProducerState();
    this.#recoveryPoint = this.#logEndOffset;
    this.#logger.debug('log loaded', { logStartOffset: this.#logStartOffset, logEndOffset: this.#logEndOffset, segments: this.#segments.length, hadCleanShutdown });
  }

  /**
   * A crash during a cleaner swap can leave `<base>.log.swap` (complete cleaned data) with or
   * without the segments it replaces: finish the swap (Kafka does the same). Swap indexes
   * are dropped and rebuilt.
   */
  #completeInterruptedSwaps(): void {
    for (const f of readdirSync(this.dir)) {
      const m = /^(\d{20})\.log\.swap$/.exec(f);
      if (!m) continue;
      const swapBase = BigInt(m[1]!);
      const swapPath = join(this.dir, f);
      const records = FileRecords.open(swapPath);
      let last = swapBase;
      records.scanBatches(0, (b) => {
        last = b.lastOffset;
        return true;
      });
      records.close();
      for (const g of readdirSync(this.dir)) {
        const seg = /^(\d{20})\.(log|index|timeindex)$/.exec(g);
        if (seg && BigInt(seg[1]!) >= swapBase && BigInt(seg[1]!) <= last) unlinkSync(join(this.dir, g));
      }
      renameSync(swapPath, swapPath.slice(0, -'.swap'.length));
      this.#logger.warn('completed an interrupted cleaner swap', { segment: swapBase.toString() });
    }
  }

  /**
   * After a clean shutdown the log is trusted, but bytes written after the stop (a stray
   * writer, a disk fault) would be served and appended after: check the active segment's
   * tail cheaply and, when it is bad, recover that segment (truncating at the last valid batch).
   */
  #checkActiveSegmentTail(): void {
    const segment = this.activeSegment;
    const problem = checkSegmentTail(segment);
    if (!problem) return;
    const sizeBefore = segment.size;
    this.#recoverUnflushed(segment.baseOffset);
    this.#logger.error('CORRUPT LOG TAIL after a clean shutdown: truncated to the last valid batch', {
      segment: segment.baseOffset.toString(),
      problem,
      truncatedBytes: sizeBefore - segment.size,
    });
  }

  /** Recovers every segment holding offsets >= recoveryPoint; a corrupt one ends the log. */
  #recoverUnflushed(recoveryPoint: bigint): void {
    for (let i = 0; i < this.#segments.length; i++) {
      const segment = this.#segments[i]!;
      const next = this.#segments[i + 1];
      if (next && next.baseOffset <= recoveryPoint) continue;
      const truncated = segment.recover((h) => {
        if (h.partitionLeaderEpoch >= 0 && h.partitionLeaderEpoch > this.leaderEpochCache.latestEpoch) {
          this.leaderEpochCache.assign(h.partitionLeaderEpoch, h.baseOffset);
        }
      });
      if (truncated > 0) {
        this.#logger.warn('truncated a corrupt or torn log tail during recovery', { segment: segment.baseOffset.toString(), truncatedBytes: truncated });
        const removed = this.#segments.splice(i + 1);
        for (const s of removed) {
          this.#logger.warn('deleting segment after a corrupt one', { segment: s.baseOffset.toString() });
          s.delete();
        }
        break;
      }
    }
    // An empty segment after a non-empty one whose data was truncated is fine; an empty log
    // keeps its single (possibly empty) segment.
  }

  /** Loads the newest producer snapshot <= logEndOffset and replays batch headers after it. */
  #rebuildProducerState(): void {
    const snapshotOffset = this.producerState.loadLatestSnapshot(this.#logEndOffset);
    const from = snapshotOffset ?? this.#logStartOffset;
    if (from < this.#logEndOffset) {
      const info = this.producerState.prepareUpdate();
      for (const segment of this.#segments) {
        if (segment.readNextOffset() <= from) continue;
        segment.scanHeaders(from > segment.baseOffset ? from : segment.baseOffset, (h) => {
          if (h.baseOffset + BigInt(h.lastOffsetDelta) >= from) info.append(h);
        });
      }
      this.producerState.commit(info, this.#logEndOffset);
    }
    this.producerState.mapEndOffset = this.#logEndOffset;
  }

  #newSegment(baseOffset: bigint): LogSegment {
    return LogSegment.open({ dir: this.dir, baseOffset, indexIntervalBytes: this.#config.indexIntervalBytes, segmentIndexBytes: this.#config.segmentIndexBytes, clock: this.#clock });
  }

  #ensureOpen(): void {
    if (this.#closed) throw new StreamctlError('STORAGE', `Log ${this.name} is closed`, { kafkaErrorCode: RecordsErrorCode.KAFKA_STORAGE_ERROR });
  }

  // ---------------------------------------------------------------- append

  /**
   * Appends a Produce request's records for this partition as leader: validates every batch
   * and record (log-validator: framing, CRC-32C, max.message.bytes, record structure, keys,
   * timestamps) and the producer state, assigns offsets (and LogAppendTime) in place, and
   * writes the raw bytes. Throws RecordsError with the Kafka error code; nothing is appended when any batch is bad.
   * A retried idempotent batch returns its original offsets with duplicate=true.
   */
  appendAsLeader(records: Buffer, leaderEpoch: number): LogAppendInfo {
    this.#ensureOpen();
    if (records.length === 0) return this.#emptyAppendInfo();
    const c = this.#config;
    const nowMs = this.#clock.now();
    const validated = validateRecordsAsLeader(records, { topicPartition: this.name, config: c, nowMs });
    let { batches } = validated;
    const { recordCount } = validated;
    records = validated.records;
    if (records.length > c.segmentBytes) {
      throw new RecordsError(RecordsErrorCode.RECORD_LIST_TOO_LARGE, `Message batch size is ${records.length} bytes in append to partition ${this.name} which exceeds the maximum configured segment size of ${c.segmentBytes}`);
    }

    // Topic-level compression.type other than "producer": re-compress batches that differ.
    const target = compressionFromConfig(c.compressionType);
    if (target !== undefined && batches.some((b) => compressionOf(b.header.attributes) !== target)) {
      records = this.#recompress(records, batches, target);
      batches = validateRecordBatches(records, { verifyCrc: false }).batches;
      for (const b of batches) {
        if (b.size > c.maxMessageBytes) throw new RecordsError(RecordsErrorCode.MESSAGE_TOO_LARGE, `The record batch is ${b.size} bytes after re-compression, larger than max.message.bytes ${c.maxMessageBytes}`);
      }
    }

    const appendTime = c.messageTimestampType === 'LogAppendTime' ? BigInt(nowMs) : undefined;
    const producerInfo = this.producerState.prepareUpdate();
    const firstOffset = this.#logEndOffset;
    let nextOffset = firstOffset;
    let maxTimestamp = NO_TIMESTAMP;
    let offsetOfMaxTimestamp = firstOffset;
    for (const b of batches) {
      const duplicate = producerInfo.checkLeaderBatch(b.header);
      if (duplicate) {
        this.#logger.debug('duplicate idempotent batch', { producerId: b.header.producerId, firstSeq: duplicate.firstSeq });
        return {
          firstOffset: duplicate.firstOffset,
          lastOffset: duplicate.lastOffset,
          maxTimestamp: duplicate.timestamp,
          offsetOfMaxTimestamp: duplicate.lastOffset,
          logAppendTimeMs: appendTime !== undefined ? duplicate.timestamp : -1n,
          logStartOffset: this.#logStartOffset,
          recordCount: Number(duplicate.lastOffset - duplicate.firstOffset + 1n),
          validBytes: 0,
          duplicate: true,
        };
      }
      assignOffsets(records, b, nextOffset, leaderEpoch, appendTime);
      producerInfo.append(b.header);
      const last = nextOffset + BigInt(b.header.lastOffsetDelta);
      if (b.header.maxTimestamp > maxTimestamp) {
        maxTimestamp = b.header.maxTimestamp;
        offsetOfMaxTimestamp = last;
      }
      nextOffset = last + 1n;
    }
    const lastOffset = nextOffset - 1n;

    const segment = this.#maybeRoll(records.length, maxTimestamp, lastOffset, firstOffset);
    segment.append(records, batches, true);
    this.#logEndOffset = nextOffset;
    if (leaderEpoch >= 0 && leaderEpoch > this.leaderEpochCache.latestEpoch) this.leaderEpochCache.assign(leaderEpoch, firstOffset);
    this.producerState.commit(producerInfo, nextOffset);
    this.#afterAppend(recordCount);
    return {
      firstOffset,
      lastOffset,
      maxTimestamp,
      offsetOfMaxTimestamp,
      logAppendTimeMs: appendTime ?? -1n,
      logStartOffset: this.#logStartOffset,
      recordCount,
      validBytes: records.length,
      duplicate: false,
    };
  }

  #recompress(records: Buffer, batches: BatchPosition[], target: CompressionType): Buffer {
    const out: Buffer[] = [];
    for (const b of batches) {
      if (compressionOf(b.header.attributes) === target) {
        out.push(records.subarray(b.position, b.position + b.size));
        continue;
      }
      const { header, records: decoded } = decodeRecordBatch(records, b.position);
      out.push(
        buildRecordBatch(
          decoded.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: r.offsetDelta })),
          {
            compression: target,
            producerId: header.producerId,
            producerEpoch: header.producerEpoch,
            baseSequence: header.baseSequence,
            transactional: isTransactional(header.attributes),
            baseTimestamp: header.baseTimestamp,
            maxTimestamp: header.maxTimestamp,
            lastOffsetDelta: header.lastOffsetDelta,
          },
        ),
      );
    }
    return Buffer.concat(out);
  }

  /**
   * Appends batches fetched from the leader (offsets already assigned): checks CRCs and
   * that offsets continue from logEndOffset (gaps allowed, as after compaction), updates the
   * epoch cache from partitionLeaderEpoch and producer state without sequence checks.
   */
  appendAsFollower(records: Buffer): LogAppendInfo {
    this.#ensureOpen();
    if (records.length === 0) return this.#emptyAppendInfo();
    const { batches } = validateRecordBatches(records);
    let expected = this.#logEndOffset;
    let recordCount = 0;
    let maxTimestamp = NO_TIMESTAMP;
    let offsetOfMaxTimestamp = expected;
    for (const b of batches) {
      if (b.header.baseOffset < expected) {
        throw new RecordsError(RecordsErrorCode.UNKNOWN_SERVER_ERROR, `Unexpected append offset in ${this.name}: batch base offset ${b.header.baseOffset} is below the expected next offset ${expected}`);
      }
      const last = b.header.baseOffset + BigInt(b.header.lastOffsetDelta);
      if (b.header.maxTimestamp > maxTimestamp) {
        maxTimestamp = b.header.maxTimestamp;
        offsetOfMaxTimestamp = last;
      }
      recordCount += b.header.recordCount;
      expected = last + 1n;
    }
    const firstOffset = batches[0]!.header.baseOffset;
    const lastOffset = expected - 1n;
    const segment = this.#maybeRoll(records.length, maxTimestamp, lastOffset, firstOffset);
    segment.append(records, batches, true);
    this.#logEndOffset = expected;
    const producerInfo = this.producerState.prepareUpdate();
    for (const b of batches) {
      const epoch = b.header.partitionLeaderEpoch;
      if (epoch >= 0 && epoch > this.leaderEpochCache.latestEpoch) this.leaderEpochCache.assign(epoch, b.header.baseOffset);
      producerInfo.append(b.header);
    }
    this.producerState.commit(producerInfo, expected);
    this.#afterAppend(recordCount);
    return {
      firstOffset,
      lastOffset,
      maxTimestamp,
      offsetOfMaxTimestamp,
      logAppendTimeMs: -1n,
      logStartOffset: this.#logStartOffset,
      recordCount,
      validBytes: records.length,
      duplicate: false,
    };
  }

  #emptyAppendInfo(): LogAppendInfo {
    return { firstOffset: -1n, lastOffset: -1n, maxTimestamp: NO_TIMESTAMP, offsetOfMaxTimestamp: -1n, logAppendTimeMs: -1n, logStartOffset: this.#logStartOffset, recordCount: 0, validBytes: 0, duplicate: false };
  }

  #afterAppend(recordCount: number): void {
    this.#unflushedMessages += recordCount;
    if (this.#unflushedMessages >= this.#config.flushMessages) this.flush();
  }

  #maybeRoll(messagesSize: number, maxTimestamp: bigint, maxOffset: bigint, firstOffset: bigint): LogSegment {
    const active = this.activeSegment;
    const c = this.#config;
    if (active.shouldRoll({ segmentBytes: c.segmentBytes, segmentMs: c.segmentMs, maxTimestampInMessages: maxTimestamp, maxOffsetInMessages: maxOffset, messagesSize, nowMs: this.#clock.now() })) {
      return this.roll(firstOffset);
    }
    return active;
  }

  /**
   * Starts a new active segment at `expectedNextOffset` (default logEndOffset). The old one
   * gets its final time-index entry, a producer snapshot is written, and its data is flushed
   * asynchronously, after which the recovery point moves to the new base offset.
   */
  roll(expectedNextOffset?: bigint): LogSegment {
    this.#ensureOpen();
    const newOffset = expectedNextOffset !== undefined && expectedNextOffset > this.#logEndOffset ? expectedNextOffset : this.#logEndOffset;
    const active = this.activeSegment;
    if (active.baseOffset === newOffset && active.size === 0) return active;
    if (active.baseOffset >= newOffset) {
      throw new StreamctlError('INTERNAL', `Trying to roll ${this.name} to offset ${newOffset}, not above the active segment base ${active.baseOffset}`);
    }
    active.onBecomeInactiveSegment();
    const segment = this.#newSegment(newOffset);
    this.#segments.push(segment);
    this.producerState.mapEndOffset = this.#logEndOffset;
    this.producerState.takeSnapshot({ fsync: false });
    this.#logger.debug('rolled segment', { baseOffset: newOffset });
    // Kafka flushes the previous segments off the request path; so do we (libuv pool).
    active.log.flushAsync((error) => {
      if (this.#closed || error) return;
      if (this.#recoveryPoint < newOffset && this.#segments.includes(segment)) this.#recoveryPoint = newOffset;
    });
    return segment;
  }

  // ---------------------------------------------------------------- read

  #segmentIndexFor(offset: bigint): number {
    let lo = 0;
    let hi = this.#segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.#segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  #outOfRange(offset: bigint): RecordsError {
    return new RecordsError(
      RecordsErrorCode.OFFSET_OUT_OF_RANGE,
      `Received request for offset ${offset} for partition ${this.name}, but we only have log segments in the range ${this.#logStartOffset} to ${this.#logEndOffset}.`,
    );
  }

  /**
   * Reads whole stored batches from `fetchOffset`: at most `maxBytes` (but at least one
   * batch when minOneMessage), never a batch containing `maxOffset` or later, and never
   * across a segment boundary. Throws OFFSET_OUT_OF_RANGE outside [logStartOffset, logEndOffset].
   */
  read(fetchOffset: bigint, maxBytes: number, options: LogReadOptions = { minOneMessage: true }): LogReadResult {
    this.#ensureOpen();
    if (fetchOffset < this.#logStartOffset || fetchOffset > this.#logEndOffset) throw this.#outOfRange(fetchOffset);
    const upper = options.maxOffset !== undefined && options.maxOffset < this.#logEndOffset ? options.maxOffset : this.#logEndOffset;
    const empty = { records: EMPTY, nextOffset: fetchOffset, logStartOffset: this.#logStartOffset, logEndOffset: this.#logEndOffset };
    if (fetchOffset >= upper) return empty;
    const upperSegment = upper < this.#logEndOffset ? this.#segments[this.#segmentIndexFor(upper)] : undefined;
    for (let i = this.#segmentIndexFor(fetchOffset); i < this.#segments.length; i++) {
      const segment = this.#segments[i]!;
      if (segment.baseOffset >= upper) break;
      const maxPosition = segment === upperSegment ? this.#boundPosition(segment, upper) : segment.size;
      const result = segment.read(fetchOffset, maxBytes, maxPosition, options.minOneMessage);
      // Older segments come from disk, not from the tail cache of recent appends: check the
      // CRCs before serving them, so a damaged replica is found here and not by the client.
      if (result && segment !== this.activeSegment) verifyBatchCrcs(result.records, `segment ${segment.baseOffset} of ${this.name}`);
      if (result) return { records: result.records, nextOffset: result.nextOffset, logStartOffset: this.#logStartOffset, logEndOffset: this.#logEndOffset };
    }
    return empty;
  }

  #boundPosition(segment: LogSegment, offset: bigint): number {
    const cached = this.#boundCache;
    if (cached && cached.segment === segment && cached.offset === offset) return cached.position;
    const batch = segment.translateOffset(offset);
    const position = batch ? batch.position : segment.size;
    this.#boundCache = { segment, offset, position };
    return position;
  }

  /**
   * ListOffsets by timestamp: the first record with timestamp >= target (record-level, the
   * candidate batch is decoded), or null. Also answers -1 (latest), -2 (earliest) and -3
   * (max timestamp).
   */
  offsetForTimestamp(timestamp: bigint): { offset: bigint; timestamp: bigint } | null {
    this.#ensureOpen();
    if (timestamp === LATEST_TIMESTAMP) return { offset: this.#logEndOffset, timestamp: -1n };
    if (timestamp === EARLIEST_TIMESTAMP) return { offset: this.#logStartOffset, timestamp: -1n };
    if (timestamp === MAX_TIMESTAMP) {
      let best: { offset: bigint; timestamp: bigint } | null = null;
      for (const s of this.#segments) {
        if (s.maxTimestampSoFar >= 0n && (!best || s.maxTimestampSoFar > best.timestamp)) best = { offset: s.offsetOfMaxTimestampSoFar, timestamp: s.maxTimestampSoFar };
      }
      return best;
    }
    for (const segment of this.#segments) {
      if (segment.maxTimestampSoFar < timestamp) continue;
      const found = segment.findOffsetByTimestamp(timestamp, this.#logStartOffset);
      if (found) return found;
    }
    return null;
  }

  // ---------------------------------------------------------------- truncation and retention

  /** Follower truncation: removes every batch with offsets >= `offset`. Returns true when anything was removed. */
  truncateTo(offset: bigint): boolean {
    this.#ensureOpen();
    if (offset < 0n) throw new StreamctlError('INTERNAL', `Cannot truncate ${this.name} to a negative offset ${offset}`);
    if (offset >= this.#logEndOffset) return false;
    if (offset < this.#segments[0]!.baseOffset) {
      this.truncateFullyAndStartAt(offset);
      return true;
    }
    while (this.#segments.length > 1 && this.activeSegment.baseOffset > offset) {
      this.#segments.pop()!.delete();
    }
    this.activeSegment.truncateTo(offset);
    this.#logEndOffset = this.activeSegment.readNextOffset();
    if (this.#logStartOffset > this.#logEndOffset) this.#logStartOffset = this.#logEndOffset;
    this.#afterTruncation();
    return true;
  }

  /** Deletes all data and restarts the log empty at `newOffset` (log start = end = newOffset). */
  truncateFullyAndStartAt(newOffset: bigint): void {
    this.#ensureOpen();
    for (const s of this.#segments) s.delete();
    this.#segments = [this.#newSegment(newOffset)];
    this.#logEndOffset = newOffset;
    this.#logStartOffset = newOffset;
    this.leaderEpochCache.clear();
    this.producerState.clear();
    this.producerState.deleteAllSnapshots();
    this.producerState.mapEndOffset = newOffset;
    this.#recoveryPoint = newOffset;
    this.#highWatermark = this.#highWatermark === undefined ? undefined : newOffset;
    this.#boundCache = undefined;
  }

  #afterTruncation(): void {
    this.#boundCache = undefined;
    this.leaderEpochCache.truncateFromEnd(this.#logEndOffset);
    this.#rebuildProducerState();
    if (this.#recoveryPoint > this.#logEndOffset) this.#recoveryPoint = this.#logEndOffset;
    if (this.#highWatermark !== undefined && this.#highWatermark > this.#logEndOffset) this.#highWatermark = this.#logEndOffset;
  }

  /**
   * DeleteRecords: moves the log start offset up to `offset` (never past the high
   * watermark) and deletes segments wholly below it. Returns true when it moved.
   */
  maybeIncrementLogStartOffset(offset: bigint): boolean {
    this.#ensureOpen();
    const limit = this.#highWatermark ?? this.#logEndOffset;
    if (offset > limit) {
      throw new RecordsError(RecordsErrorCode.OFFSET_OUT_OF_RANGE, `Cannot increment the log start offset to ${offset} of partition ${this.name} since it is larger than the high watermark ${limit}`);
    }
    if (offset <= this.#logStartOffset) return false;
    this.#logStartOffset = offset;
    this.leaderEpochCache.truncateFromStart(offset);
    this.#deleteSegments((segment, next) => next !== undefined && next.baseOffset <= this.#logStartOffset, 'log start offset');
    return true;
  }

  /**
   * Retention: deletes whole segments from the oldest while they breach retention.ms (by
   * their largest timestamp) or retention.bytes (cleanup.policy delete only), or lie wholly
   * below the log start offset. Never deletes past the high watermark; the active segment is
   * deleted only when it is not empty (a new one is rolled first). Returns segments deleted.
   */
  deleteOldSegments(nowMs: number = this.#clock.now()): number {
    this.#ensureOpen();
    const c = this.#config;
    let deleted = 0;
    if (c.cleanupPolicy.delete) {
      if (c.retentionMs >= 0) {
        deleted += this.#deleteSegments((segment) => nowMs - segment.largestTimestamp > c.retentionMs, `retention time ${c.retentionMs}ms breach`);
      }
      if (c.retentionBytes >= 0) {
        let diff = this.size - c.retentionBytes;
        deleted += this.#deleteSegments((segment) => {
          if (diff - segment.size >= 0) {
            diff -= segment.size;
            return true;
          }
          return false;
        }, `retention size ${c.retentionBytes} breach`);
      }
    }
    deleted += this.#deleteSegments((segment, next) => next !== undefined && next.baseOffset <= this.#logStartOffset, 'log start offset breach');
    return deleted;
  }

  #deleteSegments(predicate: (segment: LogSegment, next: LogSegment | undefined) => boolean, reason: string): number {
    const upperBound = this.#highWatermark ?? this.#logEndOffset;
    const deletable: LogSegment[] = [];
    for (let i = 0; i < this.#segments.length; i++) {
      const segment = this.#segments[i]!;
      const next = this.#segments[i + 1];
      const segmentEnd = next ? next.baseOffset : this.#logEndOffset;
      const isLastAndEmpty = next === undefined && segment.size === 0;
      if (upperBound >= segmentEnd && !isLastAndEmpty && predicate(segment, next)) deletable.push(segment);
      else break;
    }
    if (deletable.length === 0) return 0;
    if (deletable.length === this.#segments.length) this.roll();
    for (const segment of deletable) {
      this.#segments.splice(this.#segments.indexOf(segment), 1);
      segment.delete();
    }
    this.#boundCache = undefined;
    const firstBase = this.#segments[0]!.baseOffset;
    if (firstBase > this.#logStartOffset) this.#logStartOffset = firstBase;
    this.leaderEpochCache.truncateFromStart(this.#logStartOffset);
    this.producerState.deleteSnapshotsBefore(firstBase);
    if (this.#recoveryPoint < this.#logStartOffset) this.#recoveryPoint = this.#logStartOffset;
    this.#logger.info('deleted segments', { reason, count: deletable.length, logStartOffset: this.#logStartOffset });
    return deletable.length;
  }

  // ---------------------------------------------------------------- cleaner support

  /** A new segment whose files carry the `.cleaned` suffix, for the log cleaner to fill. */
  newCleanedSegment(baseOffset: bigint): LogSegment {
    return LogSegment.open({ dir: this.dir, baseOffset, indexIntervalBytes: this.#config.indexIntervalBytes, segmentIndexBytes: this.#config.segmentIndexBytes, clock: this.#clock, fileSuffix: CLEANED_SUFFIX });
  }

  /**
   * Replaces consecutive non-active `oldSegments` by `cleaned` (a newCleanedSegment): flush,
   * rename .cleaned → .swap, delete the old files, rename .swap → final (crash-safe, see
   * #completeInterruptedSwaps). Returns false (and deletes `cleaned`) when the old segments
   * are no longer all present (retention or truncation ran meanwhile).
   */
  replaceSegments(oldSegments: readonly LogSegment[], cleaned: LogSegment): boolean {
    this.#ensureOpen();
    const first = this.#segments.indexOf(oldSegments[0]!);
    const stillThere = first >= 0 && oldSegments.every((s, i) => this.#segments[first + i] === s) && this.#segments[first + oldSegments.length] !== undefined;
    if (!stillThere) {
      cleaned.delete();
      return false;
    }
    cleaned.onBecomeInactiveSegment();
    cleaned.flush();
    cleaned.changeFileSuffixes(CLEANED_SUFFIX, SWAP_SUFFIX);
    for (const s of oldSegments) s.delete();
    cleaned.changeFileSuffixes(SWAP_SUFFIX, '');
    this.#segments.splice(first, oldSegments.length, cleaned);
    this.#boundCache = undefined;
    return true;
  }

  // ---------------------------------------------------------------- flush and lifecycle

  /** fsyncs every segment holding offsets at or after the recovery point; recoveryPoint = logEndOffset. */
  flush(): void {
    this.#ensureOpen();
    for (let i = 0; i < this.#segments.length; i++) {
      const next = this.#segments[i + 1];
      if (next && next.baseOffset <= this.#recoveryPoint) continue;
      this.#segments[i]!.flush();
    }
    this.#recoveryPoint = this.#logEndOffset;
    this.#unflushedMessages = 0;
    this.#lastFlushMs = this.#clock.now();
  }

  /** Flushes when flush.ms has elapsed since the last flush (called by LogManager). */
  flushIfDue(nowMs: number = this.#clock.now()): boolean {
    if (this.#closed || this.#config.flushMs >= Number.MAX_SAFE_INTEGER) return false;
    if (nowMs - this.#lastFlushMs < this.#config.flushMs) return false;
    if (this.#unflushedMessages === 0) {
      this.#lastFlushMs = nowMs;
      return false;
    }
    this.flush();
    return true;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Flushes, writes a producer snapshot and the final time-index entries, closes files. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.producerState.mapEndOffset = this.#logEndOffset;
    this.producerState.takeSnapshot();
    for (const s of this.#segments) s.close();
    this.#closed = true;
  }

  /** Closes (without flushing) and removes the partition folder. */
  delete(): void {
    if (!this.#closed) {
      for (const s of this.#segments) s.close();
      this.#closed = true;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Closes file handles without flushing or snapshotting (for tests simulating a crash). */
  closeWithoutFlush(): void {
    if (this.#closed) return;
    for (const s of this.#segments) {
      s.log.close();
      s.offsetIndex.close();
      s.timeIndex.close();
    }
    this.#closed = true;
  }

  /** Header of every batch in offset order (debugging and tests; reads only headers). */
  batchHeaders(): BatchHeader[] {
    const out: BatchHeader[] = [];
    for (const s of this.#segments) s.scanHeaders(s.baseOffset, (h) => out.push(h));
    return out;
  }
}
