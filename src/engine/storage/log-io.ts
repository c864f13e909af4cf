// The values a PartitionLog is opened with, and its appends and reads return and take
// (Kafka's LogAppendInfo and FetchDataInfo), and the ListOffsets special timestamps. Plain
// data; no behaviour beyond the empty append's shape.
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { LogConfig } from '../common/topic-config.js';
import { NO_TIMESTAMP } from '../protocol/records/record-batch.js';

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

/** What an append of nothing returns. */
export function emptyAppendInfo(logStartOffset: bigint): LogAppendInfo {
  return { firstOffset: -1n, lastOffset: -1n, maxTimestamp: NO_TIMESTAMP, offsetOfMaxTimestamp: -1n, logAppendTimeMs: -1n, logStartOffset, recordCount: 0, validBytes: 0, duplicate: false };
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
