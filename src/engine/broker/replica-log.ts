// The slice of a partition's log the replication layer uses (ReplicaLog), and where the
// replica manager gets logs (LogProvider). Declared here, below nothing in storage, so
// partition.ts and replica-manager.ts depend on a small surface and tests can provide an
// in-memory log. storage's PartitionLog and LogManager satisfy them as they are (no adapter).
// Named ReplicaLog, not LocalLog: in Kafka LocalLog is the segment layer under UnifiedLog.
// Single-threaded: every call runs synchronously on the broker's event loop.
import type { LogConfig } from '../common/topic-config.js';

export interface LeaderAppendInfo {
  /** Offset of the first record appended (for a duplicate: of the original batch). */
  firstOffset: bigint;
  lastOffset: bigint;
  /** Broker time stamped on the batches with LogAppendTime, else -1n. */
  logAppendTimeMs: bigint;
  /** The batch repeated one already in the log (idempotent retry); nothing was appended. */
  duplicate: boolean;
}

export interface ReplicaReadOptions {
  /** Exclusive upper bound: batches containing it or later are not returned. */
  maxOffset?: bigint;
  /** Return the first batch even when it is larger than maxBytes. */
  minOneMessage: boolean;
}

export interface TimestampOffset {
  offset: bigint;
  timestamp: bigint;
  leaderEpoch: number;
}

export interface ReplicaLog {
  readonly topic: string;
  readonly partition: number;
  readonly topicId: string | undefined;
  readonly logStartOffset: bigint;
  readonly logEndOffset: bigint;
  readonly config: LogConfig;
  updateConfig(config: LogConfig): void;
  /**
   * Validates (header, CRC, size, producer sequence), assigns offsets in place and appends.
   * Throws a RecordsError carrying the Kafka error code.
   */
  appendAsLeader(records: Buffer, leaderEpoch: number): LeaderAppendInfo;
  /** Appends batches that already carry offsets (from the leader). Throws a RecordsError. */
  appendAsFollower(records: Buffer): unknown;
  /**
   * Whole batches from the one containing `fetchOffset`, at most `maxBytes` (but at least one
   * batch when minOneMessage), never past `maxOffset` (exclusive). Throws OFFSET_OUT_OF_RANGE.
   */
  read(fetchOffset: bigint, maxBytes: number, options: ReplicaReadOptions): { records: Buffer; nextOffset?: bigint };
  /** First offset whose timestamp >= ts (ts >= 0), or the max-timestamp record (ts = -3). */
  offsetForTimestamp(timestamp: bigint): TimestampOffset | null;
  /** Latest leader epoch in the epoch cache, -1 when none. */
  readonly latestEpoch: number;
  /** Leader epoch cache lookup for OffsetForLeaderEpoch. */
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: bigint };
  /** Leader epoch of the batch holding `offset` (-1 when unknown). */
  epochForOffset(offset: bigint): number;
  /** Records that `epoch` starts at `startOffset` (a new leader's first offset). */
  assignEpochStartOffset(epoch: number, startOffset: bigint): void;
  /** Drops everything at and after `offset`. */
  truncateTo(offset: bigint): unknown;
  /** DeleteRecords: moves the log start offset (<= the HW), deleting whole segments below it. */
  maybeIncrementLogStartOffset(offset: bigint): boolean;
  /** Empties the log and starts it at `offset` (a follower below the leader's log start). */
  truncateFullyAndStartAt(offset: bigint): void;
  /** Bytes of the log's segments on disk (DescribeLogDirs; kafka.log:type=Log,name=Size). */
  readonly size: number;
  /** Tells the log the high watermark (it bounds retention and DeleteRecords). */
  updateHighWatermark(offset: bigint): unknown;
  /** Recovery point / HW bookkeeping. */
  flush(): void;
  /** First offset of the oldest open transaction (absent: the log has no transactions). */
  firstUnstableOffset?(): bigint | undefined;
  /** Aborted transactions overlapping [fetchOffset, upperBoundOffset). */
  collectAbortedTransactions?(fetchOffset: bigint, upperBoundOffset: bigint): Array<{ producerId: bigint; firstOffset: bigint }>;
  /** Producer state for DescribeProducers. */
  activeProducers?(): Array<{ producerId: bigint; producerEpoch: number; lastSequence: number; lastTimestamp: bigint; coordinatorEpoch: number; currentTxnStartOffset: bigint }>;
  /** Appends a COMMIT/ABORT marker as leader (WriteTxnMarkers). Throws a RecordsError. */
  appendEndTxnMarker?(marker: { producerId: bigint; producerEpoch: number; coordinatorEpoch: number; commit: boolean }, leaderEpoch: number): LeaderAppendInfo;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

/** Where the replica manager gets local logs (storage's LogManager). */
export interface LogProvider {
  getLog(topic: string, partition: number): ReplicaLog | undefined;
  getOrCreateLog(topic: string, partition: number, topicId: string | undefined, config: LogConfig): ReplicaLog;
  deleteLog(topic: string, partition: number): unknown;
  /** High watermarks of the last checkpoint (for restart), keyed `topic-partition`. */
  highWatermarkCheckpoint(): Map<string, bigint>;
  /** Writes the high watermark checkpoint. */
  checkpointHighWatermarks(entries: TopicPartitionOffset[]): void;
  /** The same off the event loop (the periodic checkpoint must not stall requests on fsync). */
  checkpointHighWatermarksAsync(entries: TopicPartitionOffset[]): Promise<void>;
}
