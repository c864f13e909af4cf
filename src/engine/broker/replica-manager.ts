// Owns every partition replica hosted on this broker: applies controller metadata (become
// leader / follower / gone, with new leader epochs), appends produced batches as leader,
// serves fetches (consumers up to the high watermark, followers up to the log end offset,
// recording follower positions), parks acks=-1 produces and long-poll fetches in purgatories,
// proposes ISR shrinks/expansions to the controller, and runs replica fetchers toward
// leaders. Single-threaded: appends happen synchronously inside the produce handler (before
// any await), so per-connection ordering holds.
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { toLogConfig } from '../common/topic-config.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { isRecordsError, type RecordError } from '../protocol/records/records-error.js';
import type { Message } from '../protocol/codec.js';
import type { BrokerNode, LeadershipListener } from './broker-services.js';
import { DelayedOperation, DelayedOperationPurgatory } from './delayed-operations.js';
import type { LeaderAppendInfo, LogProvider } from './local-log.js';
import type { MetadataCache } from './metadata-cache.js';
import { isLogDirIoError } from './log-dir-failure.js';
import { isCorruptLogError } from '../storage/segment-check.js';
import { Partition } from './partition.js';
import { ReplicaFetcher, type FetcherConnect } from './replica-fetcher.js';

export interface AppendResult {
  errorCode: number;
  errorMessage?: string;
  /** The records a validation failure is about (Produce v8+ record_errors). */
  recordErrors?: readonly RecordError[];
  info?: LeaderAppendInfo;
  logStartOffset: bigint;
}

export interface FetchPartitionRequest {
  topic: string;
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
}

export interface FetchParams {
  /** -1 for consumers; the follower's broker id for replica fetches. */
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
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
  currentLeader?: { leaderId: number; leaderEpoch: number };
}

export interface AlterPartitionSender {
  alterPartition(topics: Message[]): Promise<Message | null>;
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
}

const EMPTY = Buffer.alloc(0);

function settingNumber(settings: Record<string, string>, key: string, fallback: number): number {
  const v = settings[key];
  if (v === undefined) return fallback;
  const n = Number(v);
  return Number.isFinite(n) ? n : fallback;
}

export class ReplicaManager {
  readonly #o: ReplicaManagerOptions;
  readonly #partitions = new Map<string, Partition>();
  readonly #produceWaits: DelayedOperationPurgatory;
  readonly #fetchWaits: DelayedOperationPurgatory;
  readonly #fetchers = new Map<number, ReplicaFetcher>();
  readonly #listeners = new Set<LeadershipListener>();
  /** Partition key → time before which no new ISR proposal is sent (after a rejection). */
  readonly #isrBackoffUntil = new Map<string, number>();
  readonly #replicaLagTimeMaxMs: number;
  #isrTimer: { cancel(): void } | undefined;
  #metadataRequests = 0;
  #closed = false;
  /** Set when the log dir failed: every partition answers KAFKA_STORAGE_ERROR. */
  #logDirFailure: Error | undefined;

  constructor(options: ReplicaManagerOptions) {
    this.#o = options;
    this.#produceWaits = new DelayedOperationPurgatory({ name: 'produce', clock: options.clock });
    this.#fetchWaits = new DelayedOperationPurgatory({ name: 'fetch', clock: options.clock });
    this.#replicaLagTimeMaxMs = settingNumber(options.settings, 'replica.lag.time.max.ms', 30_000);
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
    for (const f of this.#fetchers.values()) f.close();
    this.#fetchers.clear();
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

  /**
   * Counts Metadata requests to the controller: the channel takes a stamp just before each
   * one. AlterPartition goes over the same connection, so metadata requested after an ISR
   * proposal reflects its outcome, and metadata requested before it may not (Kafka orders
   * these by partition epoch, which the Metadata response does not carry).
   */
  nextMetadataStamp(): number {
    return ++this.#metadataRequests;
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
          const config = toLogConfig(overrides, this.#o.settings);
          const storedId = this.#o.logs.topicIdOf(topic.name, pm.partition);
          if (storedId !== undefined && storedId !== topic.topicId) {
            // A log left from an earlier topic of the same name (deleted while we were down).
            this.#o.logger.info('deleting stale local replica of a recreated topic', { topic: topic.name, partition: pm.partition });
            this.#o.logs.deleteLog(topic.name, pm.partition);
          }
          const log = this.#o.logs.getOrCreateLog(topic.name, pm.partition, config, topic.topicId);
          p = new Partition({
            topic: topic.name,
            partition: pm.partition,
            topicId: topic.topicId,
            localBrokerId: me,
            log,
            highWatermark: this.#o.logs.checkpointedHighWatermark(topic.name, pm.partition),
          });
          this.#partitions.set(key, p);
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
            this.#removeFromFetchers(p);
            this.#o.logger.info('became leader', { topic: p.topic, partition: p.partition, leaderEpoch: p.leaderEpoch, isr: p.isr });
            this.#notify(p, true);
          }
          // ISR changes (shrink by the controller) can complete acks=-1 waits and move the HW.
          this.#produceWaits.checkAndComplete(key);
          this.#fetchWaits.checkAndComplete(key);
        } else if (pm.leaderId >= 0) {
          const isNew = p.makeFollower(state);
          if (isNew) {
            this.#removeFromFetchers(p);
            const list = toFetch.get(pm.leaderId) ?? [];
            list.push(p);
            toFetch.set(pm.leaderId, list);
            this.#o.logger.info('became follower', { topic: p.topic, partition: p.partition, leader: pm.leaderId, leaderEpoch: pm.leaderEpoch });
            if (wasLeader) this.#notify(p, false);
            this.#produceWaits.checkAndComplete(key);
            this.#fetchWaits.checkAndComplete(key);
          } else if (!this.#fetcherHas(pm.leaderId, p)) {
            const list = toFetch.get(pm.leaderId) ?? [];
            list.push(p);
            toFetch.set(pm.leaderId, list);
          }
        } else if (p.role !== 'offline') {
          this.#removeFromFetchers(p);
          p.makeOffline();
          if (wasLeader) this.#notify(p, false);
          this.#produceWaits.checkAndComplete(key);
          this.#fetchWaits.checkAndComplete(key);
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
      if (!leader) continue;
      this.#fetcherFor(leader).addPartitions(parts);
    }
    for (const [id, f] of this.#fetchers) {
      if (f.size === 0) {
        f.close();
        this.#fetchers.delete(id);
      }
    }
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
    this.#removeFromFetchers(p);
    const wasLeader = p.isLeader;
    if (p.role !== 'offline') p.makeOffline();
    this.#partitions.delete(p.key);
    if (wasLeader) this.#notify(p, false);
    this.#produceWaits.checkAndComplete(p.key);
    this.#fetchWaits.checkAndComplete(p.key);
    if (deleteLog) {
      this.#o.logger.info('deleting local replica', { topic: p.topic, partition: p.partition });
      this.#o.logs.deleteLog(p.topic, p.partition);
    }
  }

  #fetcherFor(leader: BrokerNode): ReplicaFetcher {
    let f = this.#fetchers.get(leader.nodeId);
    if (f && (f.leader.host !== leader.host || f.leader.port !== leader.port)) {
      f.close();
      this.#fetchers.delete(leader.nodeId);
      f = undefined;
    }
    if (!f) {
      f = new ReplicaFetcher({
        brokerId: this.#o.brokerId,
        leader,
        connect: this.#o.connect,
        clock: this.#o.clock,
        logger: this.#o.logger.child({ fetcher: leader.nodeId }),
        maxWaitMs: settingNumber(this.#o.settings, 'replica.fetch.wait.max.ms', 500),
        partitionMaxBytes: settingNumber(this.#o.settings, 'replica.fetch.max.bytes', 1_048_576),
        maxBytes: settingNumber(this.#o.settings, 'replica.fetch.response.max.bytes', 10_485_760),
        onAppended: (p, hwChanged) => {
          if (hwChanged) this.#fetchWaits.checkAndComplete(p.key);
        },
        onAppendError: (p, error) => {
          if (isLogDirIoError(error)) this.markLogDirFailed(error, { topic: p.topic, partition: p.partition, op: 'follower append' });
        },
      });
      this.#fetchers.set(leader.nodeId, f);
      f.start();
    }
    return f;
  }

  #fetcherHas(leaderId: number, p: Partition): boolean {
    return this.#fetchers.get(leaderId)?.has(p) ?? false;
  }

  #removeFromFetchers(p: Partition): void {
    for (const f of this.#fetchers.values()) f.removePartition(p);
  }

  // ---------------------------------------------------------------- produce

  /**
   * Appends one partition's batches as leader, synchronously. For acks=-1 checks
   * min.insync.replicas first (NOT_ENOUGH_REPLICAS, nothing appended).
   */
  appendToLocalLog(topic: string, partition: number, records: Buffer | null, acks: number): AppendResult {
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
      info = p.appendAsLeader(records);
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
          return { partition: p, leaderEpoch: p?.leaderEpoch ?? -1, requiredOffset: e.requiredOffset, errorCode: null };
        }),
        resolve,
      );
      const keys = entries.map((e) => `${e.topic}-${e.partition}`);
      this.#produceWaits.tryCompleteElseWatch(op, keys, timeoutMs);
    });
  }

  // ---------------------------------------------------------------- fetch

  /** Serves a Fetch: reads now, or parks until min.bytes / max.wait.ms. */
  fetchMessages(params: FetchParams): FetchPartitionResult[] | Promise<FetchPartitionResult[]> {
    const isFollower = params.replicaId >= 0;
    const first = this.#read(params, true);
    if (first.highWatermarkMoved.length > 0) {
      for (const key of first.highWatermarkMoved) {
        this.#produceWaits.checkAndComplete(key);
        this.#fetchWaits.checkAndComplete(key);
      }
    }
    if (params.maxWaitMs <= 0 || first.bytes >= params.minBytes || first.hasError || params.partitions.length === 0) return first.results;
    return new Promise((resolve) => {
      const watched = params.partitions.map((r) => {
        const p = this.#partitions.get(`${r.topic}-${r.partition}`);
        return { request: r, partition: p, appendedBytesAtStart: p?.appendedBytes ?? 0, leaderEpoch: p?.leaderEpoch ?? -1 };
      });
      const op = new DelayedFetch(watched, params.minBytes, isFollower, first.bytes, () => resolve(this.#read(params, false).results));
      this.#fetchWaits.tryCompleteElseWatch(
        op,
        params.partitions.map((r) => `${r.topic}-${r.partition}`),
        params.maxWaitMs,
      );
    });
  }

  #read(params: FetchParams, updateFollower: boolean): { results: FetchPartitionResult[]; bytes: number; hasError: boolean; highWatermarkMoved: string[] } {
    const isFollower = params.replicaId >= 0;
    const now = this.#o.clock.now();
    const results: FetchPartitionResult[] = [];
    const moved: string[] = [];
    let bytes = 0;
    let hasError = false;
    let budget = params.maxBytes > 0 ? params.maxBytes : 0x7fffffff;
    if (params.memoryAvailableBytes) budget = Math.min(budget, Math.max(1, params.memoryAvailableBytes()));
    for (const r of params.partitions) {
      const p = this.#partitions.get(`${r.topic}-${r.partition}`);
      const fail = (errorCode: number, part?: Partition): FetchPartitionResult => {
        hasError = true;
        return {
          errorCode,
          highWatermark: part?.highWatermark ?? -1n,
          lastStableOffset: part?.highWatermark ?? -1n,
          logStartOffset: part?.logStartOffset ?? -1n,
          records: EMPTY,
          currentLeader: part ? { leaderId: part.leaderId, leaderEpoch: part.leaderEpoch } : undefined,
        };
      };
      if (!p) {
        const known = this.#o.metadata.partition(r.topic, r.partition) !== undefined;
        results.push(fail(known ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
        continue;
      }
      if (this.#logDirFailure) {
        results.push(fail(ErrorCode.KAFKA_STORAGE_ERROR, p));
        continue;
      }
      if (!p.isLeader) {
        results.push(fail(ErrorCode.NOT_LEADER_OR_FOLLOWER, p));
        continue;
      }
      const epochError = p.checkLeaderEpoch(r.currentLeaderEpoch);
      if (epochError !== ErrorCode.NONE) {
        results.push(fail(epochError, p));
        continue;
      }
      const leo = p.logEndOffset;
      if (r.fetchOffset < p.logStartOffset || r.fetchOffset > leo) {
        results.push(fail(ErrorCode.OFFSET_OUT_OF_RANGE, p));
        continue;
      }
      if (isFollower && updateFollower) {
        const st = p.updateFollowerFetchState(params.replicaId, r.fetchOffset, now);
        if (st.highWatermarkChanged) moved.push(p.key);
        if (st.canJoinIsr) this.#proposeIsr(p, [...p.isr, params.replicaId]);
      }
      const maxOffset = isFollower ? leo : p.highWatermark;
      let records: Buffer = EMPTY;
      if (r.fetchOffset < maxOffset && budget > 0) {
        try {
          records = p.log.read(r.fetchOffset, Math.min(r.partitionMaxBytes, budget), maxOffset, bytes === 0).records;
        } catch (error) {
          if (isCorruptLogError(error)) {
            this.#resignLeadership(p, error);
            results.push(fail(ErrorCode.KAFKA_STORAGE_ERROR, p));
            continue;
          }
          if (isRecordsError(error)) {
            results.push(fail(error.kafkaErrorCode, p));
            continue;
          }
          this.#o.logger.error('read failed', { topic: r.topic, partition: r.partition, error });
          if (isLogDirIoError(error)) this.markLogDirFailed(error, { topic: r.topic, partition: r.partition, op: 'read' });
          results.push(fail(ErrorCode.KAFKA_STORAGE_ERROR, p));
          continue;
        }
      }
      bytes += records.length;
      budget -= records.length;
      results.push({ errorCode: ErrorCode.NONE, highWatermark: p.highWatermark, lastStableOffset: p.highWatermark, logStartOffset: p.logStartOffset, records });
    }
    return { results, bytes, hasError, highWatermarkMoved: moved };
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
      this.#proposeIsr(p, newIsr);
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
    this.#proposeIsr(p, others);
  }

  #proposeIsr(p: Partition, newIsr: number[]): void {
    if (p.pendingIsr || !p.isLeader) return;
    const backoff = this.#isrBackoffUntil.get(p.key);
    if (backoff !== undefined) {
      if (this.#o.clock.now() < backoff) return;
      this.#isrBackoffUntil.delete(p.key);
    }
    p.setPendingIsr(newIsr);
    p.isrProposalStamp = this.#metadataRequests;
    const leaderEpoch = p.leaderEpoch;
    const request: Message = {
      topicId: p.topicId,
      partitions: [{ partitionIndex: p.partition, leaderEpoch, newIsr, leaderRecoveryState: 0, partitionEpoch: -1 }],
    };
    void this.#o.controller.alterPartition([request]).then(
      (res) => {
        const part = (res?.topics as Message[] | undefined)?.[0]?.partitions?.[0] as Message | undefined;
        const ok = res && res.errorCode === ErrorCode.NONE && part && part.errorCode === ErrorCode.NONE;
        if (!ok) {
          const code = !res ? 'unreachable' : res.errorCode !== ErrorCode.NONE ? res.errorCode : part?.errorCode;
          this.#o.logger.info('ISR change not accepted', { topic: p.topic, partition: p.partition, proposed: newIsr, errorCode: code });
          // Do not propose again at once (a returning follower is ineligible until unfenced).
          this.#isrBackoffUntil.set(p.key, this.#o.clock.now() + 500);
        } else {
          this.#o.logger.info('ISR changed', { topic: p.topic, partition: p.partition, isr: part.isr, leaderEpoch: part.leaderEpoch });
          this.#o.metadata.updateIsr(p.topic, p.partition, part.isr as number[], part.leaderEpoch as number);
        }
        // Unanswered, or committed together with a leader change (preferred leader restored):
        // the controller may hold the proposed ISR, so it keeps counting until metadata says.
        const keepPending = !res || (!!ok && part.leaderEpoch !== p.leaderEpoch);
        const moved = p.completeIsrChange(ok ? { isr: part.isr as number[], leaderEpoch: part.leaderEpoch as number } : null, keepPending);
        // The ISR size matters to acks=-1 waiters even when the HW did not move.
        this.#produceWaits.checkAndComplete(p.key);
        if (moved) this.#fetchWaits.checkAndComplete(p.key);
      },
      () => p.completeIsrChange(null, true),
    );
  }

  // ---------------------------------------------------------------- lifecycle

  /** High watermarks of every local replica, for the checkpoint file. */
  highWatermarks(): Array<{ topic: string; partition: number; offset: bigint }> {
    return [...this.#partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition, offset: p.highWatermark }));
  }

  checkpointHighWatermarks(): void {
    this.#o.logs.checkpointHighWatermarks(this.highWatermarks());
  }

  checkpointHighWatermarksAsync(): Promise<void> {
    return this.#o.logs.checkpointHighWatermarksAsync(this.highWatermarks());
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#isrTimer?.cancel();
    for (const f of this.#fetchers.values()) f.close();
    await Promise.all([...this.#fetchers.values()].map((f) => f.closed));
    this.#fetchers.clear();
    this.#produceWaits.completeAll();
    this.#fetchWaits.completeAll();
  }
}

interface ProduceEntry {
  partition: Partition | undefined;
  leaderEpoch: number;
  requiredOffset: bigint;
  errorCode: number | null;
}

class DelayedProduce extends DelayedOperation {
  readonly #entries: ProduceEntry[];
  readonly #resolve: (codes: number[]) => void;

  constructor(entries: ProduceEntry[], resolve: (codes: number[]) => void) {
    super();
    this.#entries = entries;
    this.#resolve = resolve;
  }

  tryComplete(): boolean {
    let pending = false;
    for (const e of this.#entries) {
      if (e.errorCode !== null) continue;
      const p = e.partition;
      if (!p || !p.isLeader || p.leaderEpoch !== e.leaderEpoch) {
        e.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER;
        continue;
      }
      const r = p.checkEnoughReplicasReachOffset(e.requiredOffset);
      if (r.done) e.errorCode = r.errorCode;
      else pending = true;
    }
    if (pending) return false;
    return this.forceComplete();
  }

  protected onComplete(): void {
    this.#resolve(this.#entries.map((e) => e.errorCode ?? ErrorCode.REQUEST_TIMED_OUT));
  }
}

interface WatchedFetch {
  request: FetchPartitionRequest;
  partition: Partition | undefined;
  appendedBytesAtStart: number;
  leaderEpoch: number;
}

class DelayedFetch extends DelayedOperation {
  readonly #watched: WatchedFetch[];
  readonly #minBytes: number;
  readonly #isFollower: boolean;
  readonly #bytesAtStart: number;
  readonly #done: () => void;

  constructor(watched: WatchedFetch[], minBytes: number, isFollower: boolean, bytesAtStart: number, done: () => void) {
    super();
    this.#watched = watched;
    this.#minBytes = minBytes;
    this.#isFollower = isFollower;
    this.#bytesAtStart = bytesAtStart;
    this.#done = done;
  }

  tryComplete(): boolean {
    let bytes = this.#bytesAtStart;
    for (const w of this.#watched) {
      const p = w.partition;
      // Leadership changed or the partition went away: answer now with the error.
      if (!p || !p.isLeader || p.leaderEpoch !== w.leaderEpoch) return this.forceComplete();
      const end = this.#isFollower ? p.logEndOffset : p.highWatermark;
      if (end > w.request.fetchOffset) bytes += Math.max(1, p.appendedBytes - w.appendedBytesAtStart);
      if (end < w.request.fetchOffset && !this.#isFollower && p.logEndOffset < w.request.fetchOffset) return this.forceComplete();
    }
    if (bytes >= this.#minBytes) return this.forceComplete();
    return false;
  }

  protected onComplete(): void {
    this.#done();
  }
}
