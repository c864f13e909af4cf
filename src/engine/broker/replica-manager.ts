// Owns every partition replica hosted on this broker: applies controller metadata (become
// leader / follower / gone, with new leader epochs), appends produced batches as leader,
// serves fetches through Partition.fetchRecords (recording follower positions), parks
// acks=-1 produces and long-poll fetches in purgatories (DelayedProduce, DelayedFetch),
// decides when the ISR should shrink or expand (proposals go through the
// AlterPartitionManager) and tells the ReplicaFetcherManager what to follow. Takes the log
// dir offline on an I/O error. Single-threaded: appends happen synchronously inside the
// produce handler (before any await), so per-connection ordering holds.
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { toLogConfig } from '../common/topic-config.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { isRecordsError, type RecordError } from '../protocol/records/records-error.js';
import { isCorruptLogError } from '../storage/segment-check.js';
import { AlterPartitionManager, type AlterPartitionSender } from './alter-partition-manager.js';
import type { LeadershipListener } from './broker-services.js';
import { deleteRecordsOnLeaders, type DeleteRecordsOutcome } from './delayed-delete-records.js';
import { DelayedFetch } from './delayed-fetch.js';
import { readFromLocalLog, type FetchParams, type FetchPartitionResult, type LocalReadResult } from './local-fetch.js';
import { DelayedOperationPurgatory } from './delayed-operations.js';
import { DelayedProduce } from './delayed-produce.js';
import { isLogDirIoError } from './log-dir-failure.js';
import type { MetadataCache } from './metadata-cache.js';
import { Partition } from './partition.js';
import type { LeaderAppendInfo, LogProvider } from './replica-log.js';
import type { FetcherConnect } from './replica-fetcher.js';
import { ReplicaFetcherManager } from './replica-fetcher-manager.js';
import { BROKER_SETTINGS } from './broker-settings.js';
import type { BrokerStats } from './broker-stats.js';

export interface AppendResult {
  errorCode: number;
  errorMessage?: string;
  /** The records a validation failure is about (Produce v8+ record_errors). */
  recordErrors?: readonly RecordError[];
  info?: LeaderAppendInfo;
  logStartOffset: bigint;
}

export interface ReplicaManagerOptions {
  brokerId: number;
  logs: LogProvider;
  metadata: MetadataCache;
  controller: AlterPartitionSender;
  settings: Record<string, string>;
  clock: Clock;
  logger: Logger;
  /** Opens a connection to a leader broker for replica fetching. */
  connect: FetcherConnect;
  /** Called once when an I/O error takes the log dir offline (see log-dir-failure.ts). */
  onLogDirFailure?: (error: Error) => void;
  /** Metric counters (messages and bytes in, ISR shrinks and expands). */
  stats?: BrokerStats;
}

/** A non-empty placeholder for the records check of marker appends (the marker is built by the log). */
const EMPTY_MARKER_SLOT = Buffer.alloc(1);

export class ReplicaManager {
  readonly #o: ReplicaManagerOptions;
  readonly #partitions = new Map<string, Partition>();
  readonly #produceWaits: DelayedOperationPurgatory;
  readonly #fetchWaits: DelayedOperationPurgatory;
  readonly #deleteWaits: DelayedOperationPurgatory;
  readonly #fetchers: ReplicaFetcherManager;
  readonly #isrChanges: AlterPartitionManager;
  readonly #listeners = new Set<LeadershipListener>();
  /** High watermarks of the last checkpoint, for partitions opened after a restart. */
  readonly #checkpointedHighWatermarks: Map<string, bigint>;
  readonly #replicaLagTimeMaxMs: number;
  #isrTimer: { cancel(): void } | undefined;
  #closed = false;
  /** Set when the log dir failed: every partition answers KAFKA_STORAGE_ERROR. */
  #logDirFailure: Error | undefined;

  constructor(options: ReplicaManagerOptions) {
    this.#o = options;
    this.#produceWaits = new DelayedOperationPurgatory({ name: 'produce', clock: options.clock });
    this.#fetchWaits = new DelayedOperationPurgatory({ name: 'fetch', clock: options.clock });
    this.#deleteWaits = new DelayedOperationPurgatory({ name: 'deleteRecords', clock: options.clock });
    this.#replicaLagTimeMaxMs = BROKER_SETTINGS.number(options.settings, 'replica.lag.time.max.ms');
    this.#checkpointedHighWatermarks = options.logs.highWatermarkCheckpoint();
    this.#isrChanges = new AlterPartitionManager({
      controller: options.controller,
      metadata: options.metadata,
      clock: options.clock,
      logger: options.logger,
      onIsrChanged: (shrunk) => {
        if (!options.stats) return;
        if (shrunk) options.stats.isrShrinks++;
        else options.stats.isrExpands++;
      },
      onIsrChangeCompleted: (p, moved) => {
        // The ISR size matters to acks=-1 waiters even when the HW did not move.
        this.#produceWaits.checkAndComplete(p.key);
        if (moved) this.#fetchWaits.checkAndComplete(p.key);
      },
    });
    this.#fetchers = new ReplicaFetcherManager({
      brokerId: options.brokerId,
      connect: options.connect,
      clock: options.clock,
      logger: options.logger,
      maxWaitMs: BROKER_SETTINGS.number(options.settings, 'replica.fetch.wait.max.ms'),
      partitionMaxBytes: BROKER_SETTINGS.number(options.settings, 'replica.fetch.max.bytes'),
      maxBytes: BROKER_SETTINGS.number(options.settings, 'replica.fetch.response.max.bytes'),
      onAppended: (p, hwChanged) => hwChanged && this.#fetchWaits.checkAndComplete(p.key),
      onAppendError: (p, error) => isLogDirIoError(error) && this.markLogDirFailed(error, { topic: p.topic, partition: p.partition, op: 'follower append' }),
    });
  }

  get brokerId(): number {
    return this.#o.brokerId;
  }

  /** Starts the periodic ISR shrink check. */
  start(): void {
    const interval = Math.max(100, Math.min(5000, Math.floor(this.#replicaLagTimeMaxMs / 2)));
    const tick = () => {
      if (this.#closed) return;
      try {
        this.#maybeShrinkIsr();
      } catch (error) {
        this.#o.logger.error('ISR check failed', { error });
      }
      this.#isrTimer = this.#o.clock.setTimeout(tick, interval);
    };
    this.#isrTimer = this.#o.clock.setTimeout(tick, interval);
  }

  partition(topic: string, partition: number): Partition | undefined {
    return this.#partitions.get(`${topic}-${partition}`);
  }

  get logDirOffline(): boolean {
    return this.#logDirFailure !== undefined;
  }

  /** Takes the log dir offline after an I/O error (once): stops replication, tells the owner. */
  markLogDirFailed(error: Error, where: { topic: string; partition: number; op: string }): void {
    if (this.#logDirFailure) return;
    this.#logDirFailure = error;
    this.#o.logger.error('LOG DIR FAILED: every partition now answers KAFKA_STORAGE_ERROR; giving up leadership', { ...where, error });
    this.#fetchers.closeAll();
    this.#o.onLogDirFailure?.(error);
  }

  #storageError(p: Partition): AppendResult {
    return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR, errorMessage: `The log dir of broker ${this.#o.brokerId} is offline: ${this.#logDirFailure?.message}`, logStartOffset: p.logStartOffset };
  }

  partitions(): Partition[] {
    return [...this.#partitions.values()];
  }

  onLeadershipChange(listener: LeadershipListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // ---------------------------------------------------------------- metadata

  /** A stamp the controller channel takes before each Metadata request (AlterPartitionManager.nextMetadataStamp). */
  nextMetadataStamp(): number {
    return this.#isrChanges.nextMetadataStamp();
  }

  /**
   * Reconciles local replicas with the metadata cache (after every controller poll).
   * `requestStamp`: the stamp taken when that metadata was requested.
   */
  applyMetadata(requestStamp = Number.POSITIVE_INFINITY): void {
    if (this.#logDirFailure) return; // no new leaders or followers on a failed log dir
    const me = this.#o.brokerId;
    const cache = this.#o.metadata;
    const now = this.#o.clock.now();
    const seen = new Set<string>();
    const toFetch = new Map<number, Partition[]>();
    const follow = (leaderId: number, p: Partition) => toFetch.set(leaderId, [...(toFetch.get(leaderId) ?? []), p]);
    for (const topic of cache.topics()) {
      const overrides = cache.topicConfig(topic.name) ?? {};
      for (const pm of topic.partitions) {
        if (!pm || !pm.replicas.includes(me)) continue;
        const key = `${topic.name}-${pm.partition}`;
        seen.add(key);
        let p = this.#partitions.get(key);
        if (p && p.topicId !== topic.topicId && p.topicId !== '') {
          // The topic was deleted and created again under the same name.
          this.#removePartition(p, true);
          p = undefined;
        }
        if (!p) {
          p = this.#createPartition(topic.name, pm.partition, topic.topicId, overrides);
        } else {
          p.topicId = topic.topicId;
        }
        const state = { leaderId: pm.leaderId, leaderEpoch: pm.leaderEpoch, replicas: pm.replicas, isr: pm.isr };
        const wasLeader = p.isLeader;
        if (pm.leaderId === me) {
          const keepLocalIsr = requestStamp <= p.isrProposalStamp;
          const isNew = p.makeLeader(state, now, keepLocalIsr);
          if (keepLocalIsr && !isNew) cache.updateIsr(topic.name, pm.partition, [...p.isr], p.leaderEpoch);
          if (isNew) {
            this.#fetchers.removePartition(p);
            this.#o.logger.info('became leader', { topic: p.topic, partition: p.partition, leaderEpoch: p.leaderEpoch, isr: p.isr });
            this.#notify(p, true);
          }
          // ISR changes (shrink by the controller) can complete acks=-1 waits and move the HW.
          this.#checkWaits(key);
        } else if (pm.leaderId >= 0) {
          const isNew = p.makeFollower(state);
          if (isNew) {
            this.#fetchers.removePartition(p);
            follow(pm.leaderId, p);
            this.#o.logger.info('became follower', { topic: p.topic, partition: p.partition, leader: pm.leaderId, leaderEpoch: pm.leaderEpoch });
            if (wasLeader) this.#notify(p, false);
            this.#checkWaits(key);
          } else if (!this.#fetchers.isFetching(pm.leaderId, p)) {
            follow(pm.leaderId, p);
          }
        } else if (p.role !== 'offline') {
          this.#fetchers.removePartition(p);
          p.makeOffline();
          if (wasLeader) this.#notify(p, false);
          this.#checkWaits(key);
        }
        p.log.updateConfig(toLogConfig(overrides, this.#o.settings));
      }
    }
    for (const [key, p] of this.#partitions) {
      if (seen.has(key)) continue;
      // Topic deleted, or this broker no longer a replica.
      this.#removePartition(p, true);
    }
    for (const [leaderId, parts] of toFetch) {
      const leader = cache.broker(leaderId);
      if (leader) this.#fetchers.addPartitions(leader, parts);
    }
    this.#fetchers.shutdownIdleFetchers();
  }

  #createPartition(topic: string, partition: number, topicId: string, overrides: Record<string, string>): Partition {
    const logs = this.#o.logs;
    const storedId = logs.getLog(topic, partition)?.topicId;
    if (storedId !== undefined && storedId !== topicId) {
      // A log left from an earlier topic of the same name (deleted while we were down).
      this.#o.logger.info('deleting stale local replica of a recreated topic', { topic, partition });
      logs.deleteLog(topic, partition);
    }
    const log = logs.getOrCreateLog(topic, partition, topicId, toLogConfig(overrides, this.#o.settings));
    const highWatermark = this.#checkpointedHighWatermarks.get(`${topic}-${partition}`);
    const p = new Partition({ topic, partition, topicId, localBrokerId: this.#o.brokerId, log, highWatermark });
    this.#partitions.set(p.key, p);
    return p;
  }

  /** Something changed for `key` (append, HW, ISR, leadership): retry the parked operations. */
  #checkWaits(key: string): void {
    this.#produceWaits.checkAndComplete(key);
    this.#fetchWaits.checkAndComplete(key);
    this.#deleteWaits.checkAndComplete(key);
  }

  #notify(p: Partition, isLeader: boolean): void {
    for (const l of this.#listeners) {
      try {
        l(p.topic, p.partition, isLeader, p.leaderEpoch);
      } catch (error) {
        this.#o.logger.error('leadership listener threw', { error });
      }
    }
  }

  #removePartition(p: Partition, deleteLog: boolean): void {
    this.#fetchers.removePartition(p);
    const wasLeader = p.isLeader;
    if (p.role !== 'offline') p.makeOffline();
    this.#partitions.delete(p.key);
    if (wasLeader) this.#notify(p, false);
    this.#checkWaits(p.key);
    if (deleteLog) {
      this.#o.logger.info('deleting local replica', { topic: p.topic, partition: p.partition });
      this.#o.logs.deleteLog(p.topic, p.partition);
    }
  }

  // ---------------------------------------------------------------- produce

  /**
   * Appends one partition's batches as leader, synchronously. For acks=-1 checks
   * min.insync.replicas first (NOT_ENOUGH_REPLICAS, nothing appended).
   */
  appendToLocalLog(topic: string, partition: number, records: Buffer | null, acks: number): AppendResult {
    return this.#appendLocally(topic, partition, records, acks, (p, r) => p.appendAsLeader(r));
  }

  /** WriteTxnMarkers: appends a COMMIT/ABORT marker to a partition led here (then await waitForIsr). */
  appendTxnMarker(topic: string, partition: number, marker: { producerId: bigint; producerEpoch: number; coordinatorEpoch: number; commit: boolean }): AppendResult {
    return this.#appendLocally(topic, partition, EMPTY_MARKER_SLOT, -1, (p) => p.appendEndTxnMarker(marker));
  }

  #appendLocally(topic: string, partition: number, records: Buffer | null, acks: number, append: (p: Partition, records: Buffer) => LeaderAppendInfo): AppendResult {
    const p = this.#partitions.get(`${topic}-${partition}`);
    if (!p || !p.isLeader) {
      const known = this.#o.metadata.partition(topic, partition) !== undefined;
      return { errorCode: known ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, logStartOffset: -1n };
    }
    if (this.#logDirFailure) return this.#storageError(p);
    if (!records || records.length === 0) {
      return { errorCode: ErrorCode.CORRUPT_MESSAGE, errorMessage: 'Produce request carries no record batches', logStartOffset: p.logStartOffset };
    }
    if (acks === -1) {
      const minIsr = p.log.config.minInsyncReplicas;
      if (p.isr.length < minIsr) {
        return {
          errorCode: ErrorCode.NOT_ENOUGH_REPLICAS,
          errorMessage: `The size of the current ISR [${p.isr.join(', ')}] is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${p.key}`,
          logStartOffset: p.logStartOffset,
        };
      }
    }
    let info: LeaderAppendInfo;
    try {
      info = append(p, records);
    } catch (error) {
      if (isRecordsError(error)) {
        this.#o.logger.info('append refused', { topic, partition, errorCode: error.kafkaErrorCode, reason: error.message });
        return { errorCode: error.kafkaErrorCode, errorMessage: error.message, recordErrors: error.recordErrors, logStartOffset: p.logStartOffset };
      }
      this.#o.logger.error('append failed', { topic, partition, error });
      if (isLogDirIoError(error)) this.markLogDirFailed(error, { topic, partition, op: 'append' });
      return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR, errorMessage: (error as Error).message, logStartOffset: p.logStartOffset };
    }
    if (!info.duplicate) {
      const stats = this.#o.stats;
      if (stats) {
        const t = stats.topic(topic);
        t.messagesIn += Number(info.lastOffset - info.firstOffset) + 1;
        t.bytesIn += records.length;
      }
      // Followers (and consumers, if the HW moved) waiting on this partition may go on.
      this.#fetchWaits.checkAndComplete(p.key);
    }
    return { errorCode: ErrorCode.NONE, info, logStartOffset: p.logStartOffset };
  }

  /**
   * Waits until every partition's HW reached its required offset (acks=-1), or the timeout.
   * Returns the final error code per entry index.
   */
  waitForIsr(entries: Array<{ topic: string; partition: number; requiredOffset: bigint }>, timeoutMs: number): Promise<number[]> {
    return new Promise((resolve) => {
      const op = new DelayedProduce(
        entries.map((e) => {
          const p = this.#partitions.get(`${e.topic}-${e.partition}`);
          return { partition: p, leaderEpoch: p?.leaderEpoch ?? -1, requiredOffset: e.requiredOffset };
        }),
        resolve,
      );
      const keys = entries.map((e) => `${e.topic}-${e.partition}`);
      this.#produceWaits.tryCompleteElseWatch(op, keys, timeoutMs);
    });
  }

  // ---------------------------------------------------------------- delete records

  /** DeleteRecords as leader (see delayed-delete-records.ts). */
  deleteRecords(entries: Array<{ topic: string; partition: number; offset: bigint }>, timeoutMs: number): Promise<DeleteRecordsOutcome[]> {
    const m = this.#o.metadata;
    return deleteRecordsOnLeaders(entries, timeoutMs, {
      partition: (topic, partition) => this.#partitions.get(`${topic}-${partition}`),
      isKnown: (topic, partition) => m.partition(topic, partition) !== undefined,
      isAlive: (brokerId) => m.broker(brokerId) !== undefined,
      logDirOffline: () => this.#logDirFailure !== undefined,
      failed: (topic, partition, error) => isLogDirIoError(error) && this.markLogDirFailed(error, { topic, partition, op: 'delete records' }),
      logger: this.#o.logger,
      purgatory: this.#deleteWaits,
    });
  }

  // ---------------------------------------------------------------- fetch

  /** Serves a Fetch: reads now, or parks until min.bytes / max.wait.ms. */
  fetchMessages(params: FetchParams): FetchPartitionResult[] | Promise<FetchPartitionResult[]> {
    const isFollower = params.replicaId >= 0;
    const first = this.#read(params, true);
    for (const key of first.highWatermarkMoved) this.#checkWaits(key);
    // A follower's fetch reports its log start offset: a parked DeleteRecords may be done.
    if (isFollower && this.#deleteWaits.size > 0) for (const r of params.partitions) this.#deleteWaits.checkAndComplete(`${r.topic}-${r.partition}`);
    if (params.maxWaitMs <= 0 || first.bytes >= params.minBytes || first.hasError || params.partitions.length === 0) return first.results;
    return new Promise((resolve) => {
      const waits = params.partitions.map((r) => {
        const p = this.#partitions.get(`${r.topic}-${r.partition}`);
        return { fetchOffset: r.fetchOffset, partition: p, appendedBytesAtStart: p?.appendedBytes ?? 0, leaderEpoch: p?.leaderEpoch ?? -1 };
      });
      const op = new DelayedFetch({ waits, minBytes: params.minBytes, isFollower, bytesAtStart: first.bytes, onComplete: () => resolve(this.#read(params, false).results) });
      this.#fetchWaits.tryCompleteElseWatch(
        op,
        params.partitions.map((r) => `${r.topic}-${r.partition}`),
        params.maxWaitMs,
      );
    });
  }

  #read(params: FetchParams, updateFetchState: boolean): LocalReadResult {
    return readFromLocalLog(params, updateFetchState, {
      partition: (topic, partition) => this.#partitions.get(`${topic}-${partition}`),
      isKnown: (topic, partition) => this.#o.metadata.partition(topic, partition) !== undefined,
      logDirOffline: () => this.#logDirFailure !== undefined,
      nowMs: this.#o.clock.now(),
      proposeIsr: (p, isr) => this.#isrChanges.propose(p, isr),
      readFailed: (p, error) => this.#readFailed(p, error),
    });
  }

  /** A read threw: the error code to answer, after resigning leadership or failing the log dir as needed. */
  #readFailed(p: Partition, error: unknown): number {
    if (isCorruptLogError(error)) {
      this.#resignLeadership(p, error);
      return ErrorCode.KAFKA_STORAGE_ERROR;
    }
    if (isRecordsError(error)) return error.kafkaErrorCode;
    this.#o.logger.error('read failed', { topic: p.topic, partition: p.partition, error });
    if (isLogDirIoError(error)) this.markLogDirFailed(error, { topic: p.topic, partition: p.partition, op: 'read' });
    return ErrorCode.KAFKA_STORAGE_ERROR;
  }

  // ---------------------------------------------------------------- ISR

  #maybeShrinkIsr(): void {
    const now = this.#o.clock.now();
    for (const p of this.#partitions.values()) {
      if (!p.isLeader || p.pendingIsr) continue;
      const lagging = p.laggingReplicas(now, this.#replicaLagTimeMaxMs);
      if (lagging.length === 0) continue;
      const newIsr = p.isr.filter((id) => !lagging.includes(id));
      this.#o.logger.info('shrinking ISR', { topic: p.topic, partition: p.partition, from: p.isr, to: newIsr, lagging });
      this.#isrChanges.propose(p, newIsr);
    }
  }

  /**
   * This replica's log is damaged (a batch it would serve fails its CRC): answer
   * KAFKA_STORAGE_ERROR for the read and hand leadership to another in-sync replica by
   * proposing an ISR without this broker (the controller then elects one of them).
   */
  #resignLeadership(p: Partition, error: Error): void {
    const others = p.isr.filter((id) => id !== this.#o.brokerId);
    this.#o.logger.error('CORRUPT REPLICA: a batch read from disk fails its CRC; giving up leadership', {
      topic: p.topic,
      partition: p.partition,
      error: error.message,
      handingTo: others,
    });
    if (others.length === 0) return; // no in-sync replica with good data: stay, answering the error for the bad range
    this.#isrChanges.propose(p, others);
  }

  // ---------------------------------------------------------------- lifecycle

  /** High watermarks of every local replica, for the checkpoint file. */
  highWatermarks(): Array<{ topic: string; partition: number; offset: bigint }> {
    return [...this.#partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition, offset: p.highWatermark }));
  }

  /** Tells every log its high watermark (it bounds retention) and returns them for the checkpoint. */
  #syncHighWatermarks(): Array<{ topic: string; partition: number; offset: bigint }> {
    for (const p of this.#partitions.values()) p.log.updateHighWatermark(p.highWatermark);
    return this.highWatermarks();
  }

  checkpointHighWatermarks(): void {
    this.#o.logs.checkpointHighWatermarks(this.#syncHighWatermarks());
  }

  checkpointHighWatermarksAsync(): Promise<void> {
    return this.#o.logs.checkpointHighWatermarksAsync(this.#syncHighWatermarks());
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#isrTimer?.cancel();
    await this.#fetchers.shutdown();
    this.#produceWaits.completeAll();
    this.#fetchWaits.completeAll();
    this.#deleteWaits.completeAll();
  }
}
