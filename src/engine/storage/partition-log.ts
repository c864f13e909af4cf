// The commit log of one topic-partition (Kafka's UnifiedLog): the log start and end
// offsets, the recovery point and high watermark bound, the leader epoch cache,
// producer state (idempotence, open transactions: the first unstable offset) and the
// aborted-transaction index over the segments (LogSegments). Appends as leader go through
// the log validator and get offsets assigned in place; follower appends check headers and
// CRCs only; reads return stored bytes; truncation, retention, DeleteRecords, the cleaner's
// segment swap, flush and close. Loading and recovery on open are LogLoader's. open() is
// SYNCHRONOUS; every method is synchronous and must be called from one thread (the broker's
// event loop), so no reader can observe a half-done append, roll, truncation or deletion.
import { mkdirSync, rmSync } from 'node:fs';
import { PRIVATE_DIR_MODE } from '../common/private-files.js';
import type { Clock } from '../common/clock.js';
import { StreamctlError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { LogConfig } from '../common/topic-config.js';
import { validateRecordBatches, type BatchHeader, type BatchPosition } from '../protocol/records/record-batch.js';
import { RecordsError, RecordsErrorCode } from '../protocol/records/records-error.js';
import { LeaderEpochCache } from './leader-epoch-cache.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, MAX_TIMESTAMP, emptyAppendInfo, type LogAppendInfo, type LogReadOptions, type LogReadResult, type PartitionLogOptions } from './log-io.js';
import { loadLog, rebuildProducerState } from './log-loader.js';
import type { LogSegment } from './log-segment.js';
import { CLEANED_SUFFIX, LogSegments, retentionRules } from './log-segments.js';
import { analyzeFollowerBatches, applyTopicCompression, assignOffsetsAsLeader, validateRecordsAsLeader } from './log-validator.js';
import { ProducerStateManager, type ProducerAppendInfo, type ProducerStateView } from './producer-state.js';
import { applyAppendedBatches } from './transaction-append.js';
import { TransactionIndex, type AbortedTxn } from './transaction-index.js';
import { buildEndTxnMarkerBatch, type EndTxnMarker } from '../protocol/records/control-records.js';

const EMPTY = Buffer.alloc(0);

export class PartitionLog {
  readonly dir: string;
  readonly topic: string;
  readonly partition: number;
  readonly topicId: string | undefined;
  readonly leaderEpochCache: LeaderEpochCache;
  readonly producerState: ProducerStateManager;
  readonly txnIndex: TransactionIndex;
  #config: LogConfig;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #segments: LogSegments;
  #logStartOffset = 0n;
  #logEndOffset = 0n;
  #recoveryPoint = 0n;
  #highWatermark: bigint | undefined;
  #unflushedMessages = 0;
  #lastFlushMs: number;
  #closed = false;

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
    this.txnIndex = new TransactionIndex(this.dir);
    this.#segments = new LogSegments({ dir: this.dir, clock: this.#clock, config: () => this.#config });
  }

  /** Opens the log synchronously, recovering it as needed (LogLoader). */
  static open(options: PartitionLogOptions): PartitionLog {
    const log = new PartitionLog(options);
    const loaded = loadLog({
      dir: log.dir,
      segments: log.#segments,
      leaderEpochCache: log.leaderEpochCache,
      producerState: log.producerState,
      txnIndex: log.txnIndex,
      logger: log.#logger,
      recoveryPoint: options.recoveryPoint ?? 0n,
      logStartOffset: options.logStartOffset,
      hadCleanShutdown: options.hadCleanShutdown ?? false,
    });
    log.#logStartOffset = loaded.logStartOffset;
    log.#logEndOffset = loaded.logEndOffset;
    log.#recoveryPoint = loaded.logEndOffset;
    return log;
  }

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
    return this.#segments.sizeInBytes;
  }
  get numberOfSegments(): number {
    return this.#segments.count;
  }
  get segments(): readonly LogSegment[] {
    return this.#segments.all;
  }
  get activeSegment(): LogSegment {
    return this.#segments.active;
  }
  get latestEpoch(): number {
    return this.leaderEpochCache.latestEpoch;
  }

  /** Leader epoch of the batch holding `offset` (-1 when unknown). */
  epochForOffset(offset: bigint): number {
    return this.leaderEpochCache.epochForOffset(offset) ?? -1;
  }
  /** OffsetForLeaderEpoch: the largest epoch <= `epoch` and the offset where the next one starts. */
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: bigint } {
    return this.leaderEpochCache.endOffsetFor(epoch, this.#logEndOffset);
  }
  /** Records that `epoch` starts at `startOffset` (a new leader's first offset). */
  assignEpochStartOffset(epoch: number, startOffset: bigint): void {
    this.leaderEpochCache.assign(epoch, startOffset);
  }

  /** Sets the high watermark (clamped to [logStartOffset, logEndOffset]); bounds retention. */
  updateHighWatermark(offset: bigint): bigint {
    let hw = offset > this.#logEndOffset ? this.#logEndOffset : offset;
    if (hw < this.#logStartOffset) hw = this.#logStartOffset;
    this.#highWatermark = hw;
    this.producerState.onHighWatermarkUpdated(hw);
    return hw;
  }

  /** First offset of the oldest open (or not yet replicated) transaction; undefined when none. */
  firstUnstableOffset(): bigint | undefined {
    return this.producerState.firstUnstableOffset();
  }

  /** Producer state for DescribeProducers. */
  activeProducers(): ProducerStateView[] {
    return this.producerState.describe();
  }

  /** Aborted transactions overlapping [fetchOffset, upperBoundOffset) (read_committed fetches). */
  collectAbortedTransactions(fetchOffset: bigint, upperBoundOffset: bigint): AbortedTxn[] {
    return this.txnIndex.collect(fetchOffset, upperBoundOffset);
  }

  /**
   * Appends a transaction marker (COMMIT or ABORT control batch) as leader, as the
   * coordinator's WriteTxnMarkers asks: checks the producer and coordinator epochs
   * (INVALID_PRODUCER_EPOCH, TRANSACTION_COORDINATOR_FENCED), ends the producer's open
   * transaction and indexes it when aborted.
   */
  appendEndTxnMarker(marker: EndTxnMarker, leaderEpoch: number): LogAppendInfo {
    this.#ensureOpen();
    const records = buildEndTxnMarkerBatch(marker, BigInt(this.#clock.now()));
    const { batches } = validateRecordBatches(records);
    const producerInfo = this.producerState.prepareUpdate();
    producerInfo.checkMarker(marker.producerId, marker.producerEpoch, marker.coordinatorEpoch);
    const firstOffset = this.#logEndOffset;
    const { lastOffset, maxTimestamp, offsetOfMaxTimestamp } = assignOffsetsAsLeader(records, batches, firstOffset, leaderEpoch, undefined);
    const segment = this.#maybeRoll(records.length, maxTimestamp, lastOffset, firstOffset);
    segment.append(records, batches, true);
    this.#logEndOffset = lastOffset + 1n;
    if (leaderEpoch >= 0 && leaderEpoch > this.leaderEpochCache.latestEpoch) this.leaderEpochCache.assign(leaderEpoch, firstOffset);
    this.#applyProducerBatches(records, batches, producerInfo, segment.baseOffset);
    this.#afterAppend(1);
    return { firstOffset, lastOffset, maxTimestamp, offsetOfMaxTimestamp, logAppendTimeMs: -1n, logStartOffset: this.#logStartOffset, recordCount: 1, validBytes: records.length, duplicate: false };
  }

  /** Records appended batches in producer state (control batches end transactions) and indexes aborts. */
  #applyProducerBatches(records: Buffer, batches: readonly BatchPosition[], info: ProducerAppendInfo, segmentBase: bigint): void {
    applyAppendedBatches({ records, batches, info, producerState: this.producerState, txnIndex: this.txnIndex, segmentBase, endOffset: this.#logEndOffset });
  }

  updateConfig(config: LogConfig): void {
    this.#config = config;
  }

  #ensureOpen(): void {
    if (this.#closed) throw new StreamctlError('STORAGE', `Log ${this.name} is closed`, { kafkaErrorCode: RecordsErrorCode.KAFKA_STORAGE_ERROR });
  }

  /**
   * Appends a Produce request's records for this partition as leader: validates every batch
   * and record (log-validator: framing, CRC-32C, max.message.bytes, record structure, keys,
   * timestamps) and the producer state, assigns offsets (and LogAppendTime) in place, and
   * writes the raw bytes. Throws RecordsError with the Kafka error code; nothing is appended when any batch is bad.
   * A retried idempotent batch returns its original offsets with duplicate=true.
   */
  appendAsLeader(records: Buffer, leaderEpoch: number): LogAppendInfo {
    this.#ensureOpen();
    if (records.length === 0) return emptyAppendInfo(this.#logStartOffset);
    const c = this.#config;
    const nowMs = this.#clock.now();
    const validated = validateRecordsAsLeader(records, { topicPartition: this.name, config: c, nowMs });
    const { recordCount } = validated;
    if (validated.records.length > c.segmentBytes) {
      throw new RecordsError(RecordsErrorCode.RECORD_LIST_TOO_LARGE, `Message batch size is ${validated.records.length} bytes in append to partition ${this.name} which exceeds the maximum configured segment size of ${c.segmentBytes}`);
    }
    const compressed = applyTopicCompression(validated.records, validated.batches, c);
    records = compressed.records;
    const batches = compressed.batches;

    const appendTime = c.messageTimestampType === 'LogAppendTime' ? BigInt(nowMs) : undefined;
    const firstOffset = this.#logEndOffset;
    const { lastOffset, maxTimestamp, offsetOfMaxTimestamp } = assignOffsetsAsLeader(records, batches, firstOffset, leaderEpoch, appendTime);
    // Idempotent producers: a retry of one of the producer's last batches is answered with
    // the original offsets; a sequence gap or fenced epoch throws (nothing appended).
    const producerInfo = this.producerState.prepareUpdate();
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
      producerInfo.append(b.header);
    }
    const nextOffset = lastOffset + 1n;
    const segment = this.#maybeRoll(records.length, maxTimestamp, lastOffset, firstOffset);
    segment.append(records, batches, true);
    this.#logEndOffset = nextOffset;
    if (leaderEpoch >= 0 && leaderEpoch > this.leaderEpochCache.latestEpoch) this.leaderEpochCache.assign(leaderEpoch, firstOffset);
    this.producerState.commit(producerInfo, nextOffset);
    this.#afterAppend(recordCount);
    return { firstOffset, lastOffset, maxTimestamp, offsetOfMaxTimestamp, logAppendTimeMs: appendTime ?? -1n, logStartOffset: this.#logStartOffset, recordCount, validBytes: records.length, duplicate: false };
  }

  /**
   * Appends batches fetched from the leader (offsets already assigned): checks CRCs and
   * that offsets continue from logEndOffset (gaps allowed, as after compaction), updates the
   * epoch cache from partitionLeaderEpoch and producer state without sequence checks.
   */
  appendAsFollower(records: Buffer): LogAppendInfo {
    this.#ensureOpen();
    if (records.length === 0) return emptyAppendInfo(this.#logStartOffset);
    const { batches } = validateRecordBatches(records);
    const { firstOffset, lastOffset, maxTimestamp, offsetOfMaxTimestamp, recordCount } = analyzeFollowerBatches(batches, this.#logEndOffset, this.name);
    const segment = this.#maybeRoll(records.length, maxTimestamp, lastOffset, firstOffset);
    segment.append(records, batches, true);
    this.#logEndOffset = lastOffset + 1n;
    for (const b of batches) {
      const epoch = b.header.partitionLeaderEpoch;
      if (epoch >= 0 && epoch > this.leaderEpochCache.latestEpoch) this.leaderEpochCache.assign(epoch, b.header.baseOffset);
    }
    this.#applyProducerBatches(records, batches, this.producerState.prepareUpdate(), segment.baseOffset);
    this.#afterAppend(recordCount);
    return { firstOffset, lastOffset, maxTimestamp, offsetOfMaxTimestamp, logAppendTimeMs: -1n, logStartOffset: this.#logStartOffset, recordCount, validBytes: records.length, duplicate: false };
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
    const segment = this.#segments.roll(newOffset, this.name);
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

  /**
   * Reads whole stored batches from `fetchOffset`: at most `maxBytes` (but at least one
   * batch when minOneMessage), never a batch containing `maxOffset` or later, and never
   * across a segment boundary. Throws OFFSET_OUT_OF_RANGE outside [logStartOffset, logEndOffset].
   */
  read(fetchOffset: bigint, maxBytes: number, options: LogReadOptions = { minOneMessage: true }): LogReadResult {
    this.#ensureOpen();
    if (fetchOffset < this.#logStartOffset || fetchOffset > this.#logEndOffset) {
      const range = `${this.#logStartOffset} to ${this.#logEndOffset}`;
      throw new RecordsError(RecordsErrorCode.OFFSET_OUT_OF_RANGE, `Received request for offset ${fetchOffset} for partition ${this.name}, but we only have log segments in the range ${range}.`);
    }
    const upper = options.maxOffset !== undefined && options.maxOffset < this.#logEndOffset ? options.maxOffset : this.#logEndOffset;
    const result = fetchOffset < upper ? this.#segments.read(fetchOffset, maxBytes, upper, this.#logEndOffset, options.minOneMessage, this.name) : undefined;
    return {
      records: result ? result.records : EMPTY,
      nextOffset: result ? result.nextOffset : fetchOffset,
      logStartOffset: this.#logStartOffset,
      logEndOffset: this.#logEndOffset,
    };
  }

  /**
   * ListOffsets by timestamp: the first record with timestamp >= target (record-level, the
   * candidate batch is decoded), or null. Also answers -1 (latest), -2 (earliest) and -3
   * (max timestamp). Carries the leader epoch of the offset found.
   */
  offsetForTimestamp(timestamp: bigint): { offset: bigint; timestamp: bigint; leaderEpoch: number } | null {
    this.#ensureOpen();
    let found: { offset: bigint; timestamp: bigint } | null;
    if (timestamp === LATEST_TIMESTAMP) found = { offset: this.#logEndOffset, timestamp: -1n };
    else if (timestamp === EARLIEST_TIMESTAMP) found = { offset: this.#logStartOffset, timestamp: -1n };
    else if (timestamp === MAX_TIMESTAMP) found = this.#segments.maxTimestampOffset();
    else found = this.#segments.offsetForTimestamp(timestamp, this.#logStartOffset);
    return found ? { ...found, leaderEpoch: this.epochForOffset(found.offset) } : null;
  }

  /** Follower truncation: removes every batch with offsets >= `offset`. Returns true when anything was removed. */
  truncateTo(offset: bigint): boolean {
    this.#ensureOpen();
    if (offset < 0n) throw new StreamctlError('INTERNAL', `Cannot truncate ${this.name} to a negative offset ${offset}`);
    if (offset >= this.#logEndOffset) return false;
    if (offset < this.#segments.first.baseOffset) {
      this.truncateFullyAndStartAt(offset);
      return true;
    }
    this.#logEndOffset = this.#segments.truncateTo(offset);
    if (this.#logStartOffset > this.#logEndOffset) this.#logStartOffset = this.#logEndOffset;
    this.leaderEpochCache.truncateFromEnd(this.#logEndOffset);
    this.txnIndex.truncateTo(this.#logEndOffset);
    this.txnIndex.retainSegments(this.#segments.all.map((seg) => seg.baseOffset));
    rebuildProducerState(this.producerState, this.#segments, this.#logStartOffset, this.#logEndOffset, this.txnIndex);
    if (this.#recoveryPoint > this.#logEndOffset) this.#recoveryPoint = this.#logEndOffset;
    if (this.#highWatermark !== undefined && this.#highWatermark > this.#logEndOffset) this.#highWatermark = this.#logEndOffset;
    return true;
  }

  /** Deletes all data and restarts the log empty at `newOffset` (log start = end = newOffset). */
  truncateFullyAndStartAt(newOffset: bigint): void {
    this.#ensureOpen();
    this.#segments.deleteAll();
    this.#segments.reset([this.#segments.open(newOffset)]);
    this.#logEndOffset = newOffset;
    this.#logStartOffset = newOffset;
    this.leaderEpochCache.clear();
    this.producerState.clear();
    this.producerState.deleteAllSnapshots();
    this.txnIndex.deleteAll();
    this.producerState.mapEndOffset = newOffset;
    this.#recoveryPoint = newOffset;
    this.#highWatermark = this.#highWatermark === undefined ? undefined : newOffset;
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
    let deleted = 0;
    for (const rule of retentionRules(this.#config, nowMs, () => this.size)) deleted += this.#deleteSegments(rule.predicate(), rule.reason);
    deleted += this.#deleteSegments((segment, next) => next !== undefined && next.baseOffset <= this.#logStartOffset, 'log start offset breach');
    return deleted;
  }

  #deleteSegments(predicate: (segment: LogSegment, next: LogSegment | undefined) => boolean, reason: string): number {
    const deletable = this.#segments.deletablePrefix(predicate, this.#highWatermark ?? this.#logEndOffset, this.#logEndOffset);
    if (deletable.length === 0) return 0;
    if (deletable.length === this.#segments.count) this.roll();
    this.#segments.remove(deletable);
    const firstBase = this.#segments.first.baseOffset;
    if (firstBase > this.#logStartOffset) this.#logStartOffset = firstBase;
    this.leaderEpochCache.truncateFromStart(this.#logStartOffset);
    this.producerState.deleteSnapshotsBefore(firstBase);
    this.txnIndex.retainSegments(this.#segments.all.map((seg) => seg.baseOffset));
    if (this.#recoveryPoint < this.#logStartOffset) this.#recoveryPoint = this.#logStartOffset;
    this.#logger.info('deleted segments', { reason, count: deletable.length, logStartOffset: this.#logStartOffset });
    return deletable.length;
  }

  /** A new segment whose files carry the `.cleaned` suffix, for the log cleaner to fill. */
  newCleanedSegment(baseOffset: bigint): LogSegment {
    return this.#segments.open(baseOffset, CLEANED_SUFFIX);
  }

  /**
   * Replaces consecutive non-active `oldSegments` by `cleaned` (a newCleanedSegment), crash-safe
   * (see LogSegments.replace). Returns false (and deletes `cleaned`) when the old segments
   * are no longer all present (retention or truncation ran meanwhile).
   */
  replaceSegments(oldSegments: readonly LogSegment[], cleaned: LogSegment): boolean {
    this.#ensureOpen();
    const replaced = this.#segments.replace(oldSegments, cleaned);
    if (replaced) this.txnIndex.remapTo(this.#segments.all.map((seg) => seg.baseOffset));
    return replaced;
  }

  /** fsyncs every segment holding offsets at or after the recovery point; recoveryPoint = logEndOffset. */
  flush(): void {
    this.#ensureOpen();
    this.#segments.flushFrom(this.#recoveryPoint);
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
    this.#segments.closeAll();
    this.#closed = true;
  }

  /** Closes (without flushing) and removes the partition folder. */
  delete(): void {
    if (!this.#closed) {
      this.#segments.closeAll();
      this.#closed = true;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Closes file handles without flushing or snapshotting (for tests simulating a crash). */
  closeWithoutFlush(): void {
    if (this.#closed) return;
    this.#segments.closeWithoutFlush();
    this.#closed = true;
  }

  /** Header of every batch in offset order (debugging and tests; reads only headers). */
  batchHeaders(): BatchHeader[] {
    return this.#segments.batchHeaders();
  }
}
