// One read of a Fetch from the partitions led here (Kafka's ReplicaManager.readFromLocalLog):
// per partition the error (unknown, not leader, fenced epoch, out of range, offline log
// dir, failed read) or the batches Partition.fetchRecords returns, within the response's
// byte budget (at least one batch overall, so every fetcher progresses); plus what a Fetch
// asks (FetchParams) and answers per partition. The replica manager calls it once at once
// and again when a parked fetch completes. Single-threaded, synchronous.
import { ErrorCode } from '../protocol/error-codes.js';
import type { Partition } from './partition.js';

const EMPTY = Buffer.alloc(0);

export interface FetchPartitionRequest {
  topic: string;
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
  /** A follower's log start offset (Fetch v5+); -1n unknown. */
  logStartOffset?: bigint;
}

export interface FetchParams {
  /** -1 for consumers; the follower's broker id for replica fetches. */
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  /** 1: READ_COMMITTED (consumers read up to the last stable offset). */
  isolationLevel?: number;
  partitions: FetchPartitionRequest[];
  /**
   * Bytes the process can still afford to hold for responses nobody has read yet, asked at
   * read time (a parked fetch reads later). The read stays within it, but always returns
   * at least one batch so that every fetcher progresses.
   */
  memoryAvailableBytes?: () => number;
}

export interface FetchPartitionResult {
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  records: Buffer;
  /** READ_COMMITTED only: aborted transactions overlapping the records (null otherwise). */
  abortedTransactions?: Array<{ producerId: bigint; firstOffset: bigint }> | null;
  currentLeader?: { leaderId: number; leaderEpoch: number };
}

/** What readFromLocalLog needs from the replica manager. */
export interface LocalReadContext {
  partition(topic: string, partition: number): Partition | undefined;
  /** Whether the metadata knows the partition (NOT_LEADER_OR_FOLLOWER vs UNKNOWN_TOPIC_OR_PARTITION). */
  isKnown(topic: string, partition: number): boolean;
  /** Asked per partition: a failed read can take the log dir offline midway. */
  logDirOffline(): boolean;
  nowMs: number;
  /** A follower caught up: propose this ISR. */
  proposeIsr(p: Partition, isr: number[]): void;
  /** A read threw: the error code to answer (after any resignation or log dir failure). */
  readFailed(p: Partition, error: unknown): number;
}

export interface LocalReadResult {
  results: FetchPartitionResult[];
  bytes: number;
  hasError: boolean;
  /** Partitions whose high watermark moved (a follower's fetch advanced it). */
  highWatermarkMoved: string[];
}

/** Reads every partition of `params`; `updateFetchState`: record follower positions (the first read only). */
export function readFromLocalLog(params: FetchParams, updateFetchState: boolean, ctx: LocalReadContext): LocalReadResult {
  const nowMs = ctx.nowMs;
  const results: FetchPartitionResult[] = [];
  const moved: string[] = [];
  let bytes = 0;
  let hasError = false;
  let budget = params.maxBytes > 0 ? params.maxBytes : 0x7fffffff;
  if (params.memoryAvailableBytes) budget = Math.min(budget, Math.max(1, params.memoryAvailableBytes()));
  for (const r of params.partitions) {
    const p = ctx.partition(r.topic, r.partition);
    const fail = (errorCode: number, part?: Partition): FetchPartitionResult => {
      hasError = true;
      return {
        errorCode,
        highWatermark: part?.highWatermark ?? -1n,
        lastStableOffset: part?.lastStableOffset ?? -1n,
        logStartOffset: part?.logStartOffset ?? -1n,
        records: EMPTY,
        currentLeader: part ? { leaderId: part.leaderId, leaderEpoch: part.leaderEpoch } : undefined,
      };
    };
    if (!p) {
      const known = ctx.isKnown(r.topic, r.partition);
      results.push(fail(known ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
      continue;
    }
    if (ctx.logDirOffline()) {
      results.push(fail(ErrorCode.KAFKA_STORAGE_ERROR, p));
      continue;
    }
    const read = p.fetchRecords({
      replicaId: params.replicaId,
      fetchOffset: r.fetchOffset,
      maxBytes: Math.min(r.partitionMaxBytes, budget),
      minOneMessage: bytes === 0,
      currentLeaderEpoch: r.currentLeaderEpoch,
      isolationLevel: params.isolationLevel,
      updateFetchState,
      nowMs,
      logStartOffset: r.logStartOffset,
    });
    if (read.highWatermarkChanged) moved.push(p.key);
    if (read.canJoinIsr) ctx.proposeIsr(p, [...p.isr, params.replicaId]);
    const errorCode = read.readError !== undefined ? ctx.readFailed(p, read.readError) : read.errorCode;
    if (errorCode !== ErrorCode.NONE) {
      results.push(fail(errorCode, p));
      continue;
    }
    const records = read.records;
    bytes += records.length;
    budget -= records.length;
    results.push({ errorCode: ErrorCode.NONE, highWatermark: p.highWatermark, lastStableOffset: p.lastStableOffset, logStartOffset: p.logStartOffset, records, abortedTransactions: read.abortedTransactions ?? null });
  }
  return { results, bytes, hasError, highWatermarkMoved: moved };
}
