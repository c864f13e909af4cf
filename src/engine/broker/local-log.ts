// The slice of a storage PartitionLog the broker's replication layer uses, declared here so
// partition.ts and replica-manager.ts depend on a small surface (and tests can provide an
// in-memory log). storage/partition-log implements it (adapted in log-adapter.ts).
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

export interface LogReadResult {
  records: Buffer;
}

export interface TimestampOffset {
  offset: bigint;
  timestamp: bigint;
  leaderEpoch: number;
}

export interface LocalLog {
  readonly topic: string;
  readonly partition: number;
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
  appendAsFollower(records: Buffer): void;
  /**
   * Whole batches from the one containing `startOffset`, at most `maxBytes` (but at least one
   * batch when minOneMessage), never past `maxOffset` (exclusive). Throws OFFSET_OUT_OF_RANGE.
   */
  read(startOffset: bigint, maxBytes: number, maxOffset: bigint, minOneMessage: boolean): LogReadResult;
  /** First offset whose timestamp >= ts (ts >= 0), or the max-timestamp record (ts = -3). */
  offsetForTimestamp(timestamp: bigint): TimestampOffset | undefined;
  /** Latest leader epoch in the epoch cache, -1 when none. */
  readonly latestEpoch: number;
  /** Leader epoch cache lookup for OffsetForLeaderEpoch. */
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: bigint };
  /** Leader epoch of the batch holding `offset` (-1 when unknown). */
  epochForOffset(offset: bigint): number;
  /** Records that `epoch` starts at `startOffset` (a new leader's first offset). */
  assignEpochStartOffset(epoch: number, startOffset: bigint): void;
  /** Drops everything at and after `offset`. */
  truncateTo(offset: bigint): void;
  /** Recovery point / HW bookkeeping. */
  flush(): void;
}

/** Where the replica manager gets local logs (storage's LogManager, adapted). */
export interface LogProvider {
  getLog(topic: string, partition: number): LocalLog | undefined;
  getOrCreateLog(topic: string, partition: number, config: LogConfig, topicId?: string): LocalLog;
  /** Topic id recorded with a local log (partition.metadata), if any. */
  topicIdOf(topic: string, partition: number): string | undefined;
  deleteLog(topic: string, partition: number): void;
  /** Every log found on disk or created since. */
  allLogs(): LocalLog[];
  /** Last checkpointed high watermark of a partition (for restart), if any. */
  checkpointedHighWatermark(topic: string, partition: number): bigint | undefined;
  /** Writes the high watermark checkpoint. */
  checkpointHighWatermarks(entries: Array<{ topic: string; partition: number; offset: bigint }>): void;
  /** The same off the event loop (the periodic checkpoint must not stall requests on fsync). */
  checkpointHighWatermarksAsync(entries: Array<{ topic: string; partition: number; offset: bigint }>): Promise<void>;
}
