// The transaction coordinator of one broker (Kafka's TransactionCoordinator, KIP-98/360/447):
// owns the transactional ids whose `__transaction_state` partition this broker leads and
// answers InitProducerId (new id, epoch bumps, fencing the previous producer and aborting
// its open transaction), AddPartitionsToTxn (and its v4+ verify-only form), AddOffsetsToTxn,
// EndTxn, DescribeTransactions and ListTransactions. Each change is written to the
// transaction log (acks=-1) before it is applied; EndTxn answers once PrepareCommit or
// PrepareAbort is written, then the markers go to the partition leaders and the Complete
// state is written. A timer aborts transactions open past their timeout, bumping the epoch
// so the producer is fenced. State transitions follow the table in transaction-state.ts.
// Concurrency: one event loop; a transactional id with a write in flight (pendingState)
// answers CONCURRENT_TRANSACTIONS, and work after an await checks ownership (token).
import type { Clock } from '../common/clock.js';
import { systemClock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { CoordinatorLookup, CoordinatorServices } from './coordinator-types.js';
import { OFFSETS_TOPIC } from './offsets-topic-records.js';
import { DEFAULT_TRANSACTION_COORDINATOR_CONFIG, type TransactionCoordinatorConfig } from './transaction-coordinator-config.js';
import { TRANSACTION_STATE_TOPIC } from './transaction-log-records.js';
import { sendTxnMarkers, type TopicPartitionRef, type WriteTxnMarkersFn } from './transaction-markers.js';
import { TransactionStateManager } from './transaction-state-manager.js';
import { TxnState, canTransition, copyPartitions, partitionList, type TxnMetadata, type TxnRecordValue } from './transaction-state.js';

const MAX_EPOCH = 32767;
/**
 * How long AddPartitionsToTxn/AddOffsetsToTxn wait for the previous transaction's markers
 * before answering CONCURRENT_TRANSACTIONS: clients back off 100-300 ms on that error, which
 * would cap a producer at a few transactions a second although the markers take milliseconds.
 */
const COMPLETION_WAIT_MS = 1000;

export interface TransactionCoordinatorOptions {
  services: CoordinatorServices;
  logger: Logger;
  config?: Partial<TransactionCoordinatorConfig>;
  clock?: Clock;
  nextProducerId(): bigint;
  writeTxnMarkers: WriteTxnMarkersFn;
  /** The `__consumer_offsets` partition of a group (AddOffsetsToTxn). */
  offsetsPartitionFor(groupId: string): number;
}

export interface InitProducerIdResult {
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
}

export interface TransactionDescription {
  transactionalId: string;
  errorCode: number;
  transactionState: string;
  transactionTimeoutMs: number;
  transactionStartTimeMs: bigint;
  producerId: bigint;
  producerEpoch: number;
  topics: Array<{ topic: string; partitions: number[] }>;
}

export interface TransactionListing {
  transactionalId: string;
  producerId: bigint;
  transactionState: string;
}

export class TransactionCoordinator {
  readonly #services: CoordinatorServices;
  readonly #logger: Logger;
  readonly #config: TransactionCoordinatorConfig;
  readonly #clock: Clock;
  readonly #manager: TransactionStateManager;
  readonly #nextProducerId: () => bigint;
  readonly #writeTxnMarkers: WriteTxnMarkersFn;
  readonly #offsetsPartitionFor: (groupId: string) => number;
  #ensureTopic: Promise<void> | null = null;
  /** Callbacks waiting for a transactional id to leave PrepareCommit/PrepareAbort. */
  readonly #completionWaiters = new Map<string, Array<() => void>>();
  #timer: { cancel(): void } | null = null;
  #closed = false;

  constructor(options: TransactionCoordinatorOptions) {
    this.#services = options.services;
    this.#logger = options.logger.child({ component: 'transaction-coordinator' });
    this.#config = { ...DEFAULT_TRANSACTION_COORDINATOR_CONFIG, ...options.config };
    this.#clock = options.clock ?? systemClock;
    this.#nextProducerId = options.nextProducerId;
    this.#writeTxnMarkers = options.writeTxnMarkers;
    this.#offsetsPartitionFor = options.offsetsPartitionFor;
    this.#manager = new TransactionStateManager({
      services: this.#services,
      config: this.#config,
      clock: this.#clock,
      logger: this.#logger,
      onLoaded: (_partition, txns) => {
        // Finish what the previous coordinator left between Prepare and Complete.
        for (const t of txns) if (t.state === TxnState.PrepareCommit || t.state === TxnState.PrepareAbort) this.#completeTransaction(t);
      },
    });
    this.#scheduleTimeoutCheck();
  }

  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
    for (const id of [...this.#completionWaiters.keys()]) this.#notifyCompletion(id);
    this.#manager.close();
  }

  // ------------------------------------------------------------------ FindCoordinator

  async findCoordinator(transactionalId: string): Promise<CoordinatorLookup> {
    const fail = (errorCode: number, errorMessage: string | null = null): CoordinatorLookup => ({ errorCode, errorMessage, nodeId: -1, host: '', port: -1 });
    if (transactionalId === '') return fail(ErrorCode.INVALID_REQUEST, 'the transactional id is empty');
    if (this.#services.metadata.partitionCount(TRANSACTION_STATE_TOPIC) === 0) {
      try {
        await this.#ensureStateTopic();
      } catch (error) {
        this.#logger.warn('creating the transaction state topic failed', { error });
      }
      if (this.#services.metadata.partitionCount(TRANSACTION_STATE_TOPIC) === 0) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'the transaction state topic is being created');
    }
    const leader = this.#services.metadata.leaderFor(TRANSACTION_STATE_TOPIC, this.#manager.partitionFor(transactionalId));
    if (!leader) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'the transaction coordinator is not available');
    return { errorCode: ErrorCode.NONE, errorMessage: null, nodeId: leader.nodeId, host: leader.host, port: leader.port };
  }

  #ensureStateTopic(): Promise<void> {
    const rf = this.#config.stateLogReplicationFactor;
    this.#ensureTopic ??= this.#services
      .ensureInternalTopic(TRANSACTION_STATE_TOPIC, {
        partitions: this.#config.stateLogPartitions,
        replicationFactor: rf,
        configs: {
          'cleanup.policy': 'compact',
          'compression.type': 'uncompressed',
          'segment.bytes': String(this.#config.stateLogSegmentBytes),
          'min.insync.replicas': String(Math.max(1, Math.min(this.#config.stateLogMinIsr, rf, this.#services.metadata.liveBrokers?.().length ?? 1))),
        },
      })
      .finally(() => {
        this.#ensureTopic = null;
      });
    return this.#ensureTopic;
  }

  // ------------------------------------------------------------------ InitProducerId

  async initProducerId(transactionalId: string, transactionTimeoutMs: number, expectedProducerId: bigint, expectedEpoch: number): Promise<InitProducerIdResult> {
    const fail = (errorCode: number): InitProducerIdResult => ({ errorCode, producerId: -1n, producerEpoch: -1 });
    if (transactionalId === '') return fail(ErrorCode.INVALID_REQUEST);
    if (transactionTimeoutMs <= 0 || transactionTimeoutMs > this.#config.maxTimeoutMs) return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    const owner = this.#manager.ownerError(transactionalId);
    if (owner !== ErrorCode.NONE) return fail(owner);
    await this.#waitForCompletion(transactionalId);
    const now = BigInt(this.#clock.now());
    let txn = this.#manager.get(transactionalId);
    if (!txn) {
      txn = {
        transactionalId,
        producerId: this.#nextProducerId(),
        producerEpoch: -1,
        lastProducerId: -1n,
        lastProducerEpoch: -1,
        transactionTimeoutMs,
        state: TxnState.Empty,
        partitions: new Map(),
        lastUpdateTimestampMs: now,
        startTimestampMs: -1n,
        pendingState: null,
      };
      this.#manager.put(txn);
    }
    if (txn.pendingState !== null) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    // KIP-360: a producer re-initialising names its current id/epoch; a stale pair is fenced.
    if (expectedProducerId >= 0n) {
      const current = expectedProducerId === txn.producerId && expectedEpoch === txn.producerEpoch;
      const retried = expectedProducerId === txn.lastProducerId && expectedEpoch === txn.lastProducerEpoch;
      if (!current && !retried) return fail(ErrorCode.PRODUCER_FENCED);
      if (retried) return { errorCode: ErrorCode.NONE, producerId: txn.producerId, producerEpoch: txn.producerEpoch };
    }
    switch (txn.state) {
      case TxnState.PrepareAbort:
      case TxnState.PrepareCommit:
      case TxnState.PrepareEpochFence:
      case TxnState.Dead:
        return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
      case TxnState.Ongoing:
        // Fence the previous producer and abort its transaction; the new one retries.
        void this.#abortWithBumpedEpoch(txn, 'a new producer initialised with the same transactional id');
        return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
      default:
        break;
    }
    const bumped = txn.producerEpoch + 1 >= MAX_EPOCH ? { producerId: this.#nextProducerId(), producerEpoch: 0 } : { producerId: txn.producerId, producerEpoch: txn.producerEpoch + 1 };
    const next: TxnRecordValue = { ...bumped, transactionTimeoutMs, state: TxnState.Empty, partitions: new Map(), lastUpdateTimestampMs: now, startTimestampMs: -1n };
    const code = await this.#transition(txn, next);
    if (code !== ErrorCode.NONE) return fail(code);
    return { errorCode: ErrorCode.NONE, producerId: txn.producerId, producerEpoch: txn.producerEpoch };
  }

  // ------------------------------------------------------------------ AddPartitionsToTxn / AddOffsetsToTxn

  /** Adds partitions to the producer's transaction; one error code for all of them. */
  async addPartitionsToTxn(transactionalId: string, producerId: bigint, producerEpoch: number, partitions: TopicPartitionRef[]): Promise<number> {
    await this.#waitForCompletion(transactionalId);
    const check = this.#checkProducer(transactionalId, producerId, producerEpoch);
    if (typeof check === 'number') return check;
    const txn = check;
    if (txn.state === TxnState.PrepareCommit || txn.state === TxnState.PrepareAbort) return ErrorCode.CONCURRENT_TRANSACTIONS;
    if (txn.state === TxnState.PrepareEpochFence || txn.state === TxnState.Dead) return ErrorCode.INVALID_TXN_STATE;
    const missing = partitions.filter((tp) => !txn.partitions.get(tp.topic)?.has(tp.partition));
    if (txn.state === TxnState.Ongoing && missing.length === 0) return ErrorCode.NONE;
    const now = BigInt(this.#clock.now());
    const merged = txn.state === TxnState.Ongoing ? copyPartitions(txn.partitions) : new Map<string, Set<number>>();
    for (const tp of partitions) {
      let set = merged.get(tp.topic);
      if (!set) merged.set(tp.topic, (set = new Set()));
      set.add(tp.partition);
    }
    const startTimestampMs = txn.state === TxnState.Ongoing ? txn.startTimestampMs : now;
    return this.#transition(txn, { ...recordOf(txn), state: TxnState.Ongoing, partitions: merged, lastUpdateTimestampMs: now, startTimestampMs });
  }

  /** AddPartitionsToTxn v4+ verify-only: NONE per partition already in the open transaction, else INVALID_TXN_STATE. */
  verifyPartitions(transactionalId: string, producerId: bigint, producerEpoch: number, partitions: TopicPartitionRef[]): Array<TopicPartitionRef & { errorCode: number }> {
    const check = this.#checkProducer(transactionalId, producerId, producerEpoch);
    return partitions.map((tp) => {
      if (typeof check === 'number') return { ...tp, errorCode: check };
      const inTxn = check.state === TxnState.Ongoing && check.partitions.get(tp.topic)?.has(tp.partition) === true;
      return { ...tp, errorCode: inTxn ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE };
    });
  }

  addOffsetsToTxn(transactionalId: string, producerId: bigint, producerEpoch: number, groupId: string): Promise<number> {
    return this.addPartitionsToTxn(transactionalId, producerId, producerEpoch, [{ topic: OFFSETS_TOPIC, partition: this.#offsetsPartitionFor(groupId) }]);
  }

  // ------------------------------------------------------------------ EndTxn

  async endTxn(transactionalId: string, producerId: bigint, producerEpoch: number, commit: boolean): Promise<number> {
    const check = this.#checkProducer(transactionalId, producerId, producerEpoch);
    if (typeof check === 'number') return check;
    const txn = check;
    switch (txn.state) {
      case TxnState.Ongoing: {
        const now = BigInt(this.#clock.now());
        const code = await this.#transition(txn, { ...recordOf(txn), state: commit ? TxnState.PrepareCommit : TxnState.PrepareAbort, lastUpdateTimestampMs: now });
        if (code === ErrorCode.NONE) this.#completeTransaction(txn);
        return code;
      }
      case TxnState.CompleteCommit:
        return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
      case TxnState.CompleteAbort:
        return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
      case TxnState.PrepareCommit:
        return commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE;
      case TxnState.PrepareAbort:
        return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS;
      default:
        return ErrorCode.INVALID_TXN_STATE;
    }
  }

  // ------------------------------------------------------------------ Describe / List

  describeTransactions(ids: string[]): TransactionDescription[] {
    return ids.map((transactionalId) => {
      const base = { transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] };
      const owner = this.#manager.ownerError(transactionalId);
      if (owner !== ErrorCode.NONE) return { ...base, errorCode: owner };
      const t = this.#manager.get(transactionalId);
      if (!t || t.state === TxnState.Dead) return { ...base, errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND };
      return {
        transactionalId,
        errorCode: ErrorCode.NONE,
        transactionState: t.state,
        transactionTimeoutMs: t.transactionTimeoutMs,
        transactionStartTimeMs: t.startTimestampMs,
        producerId: t.producerId,
        producerEpoch: t.producerEpoch,
        topics: [...t.partitions].map(([topic, ps]) => ({ topic, partitions: [...ps].sort((a, b) => a - b) })),
      };
    });
  }

  listTransactions(stateFilters: string[], producerIdFilters: bigint[], durationFilterMs: bigint): { errorCode: number; unknownStateFilters: string[]; transactionStates: TransactionListing[] } {
    const known = new Set<string>(Object.values(TxnState));
    const unknownStateFilters = stateFilters.filter((s) => !known.has(s));
    const now = BigInt(this.#clock.now());
    const transactionStates = this.#manager
      .all()
      .filter((t) => t.state !== TxnState.Dead)
      .filter((t) => stateFilters.length === 0 || stateFilters.includes(t.state))
      .filter((t) => producerIdFilters.length === 0 || producerIdFilters.includes(t.producerId))
      .filter((t) => durationFilterMs < 0n || (t.startTimestampMs >= 0n && now - t.startTimestampMs >= durationFilterMs))
      .map((t) => ({ transactionalId: t.transactionalId, producerId: t.producerId, transactionState: t.state }));
    return { errorCode: this.#manager.loading ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE, unknownStateFilters, transactionStates };
  }

  // ------------------------------------------------------------------ internals

  /** Resolves once the id is not between Prepare and Complete (or after COMPLETION_WAIT_MS). */
  async #waitForCompletion(transactionalId: string): Promise<void> {
    const busy = () => {
      const t = this.#manager.get(transactionalId);
      return t !== undefined && (t.pendingState !== null || t.state === TxnState.PrepareCommit || t.state === TxnState.PrepareAbort);
    };
    if (!busy()) return;
    await new Promise<void>((resolve) => {
      const timer = this.#clock.setTimeout(done, COMPLETION_WAIT_MS);
      const list = this.#completionWaiters.get(transactionalId) ?? [];
      this.#completionWaiters.set(transactionalId, list);
      list.push(done);
      function done(): void {
        timer.cancel();
        resolve();
      }
    });
  }

  #notifyCompletion(transactionalId: string): void {
    const list = this.#completionWaiters.get(transactionalId);
    if (!list) return;
    this.#completionWaiters.delete(transactionalId);
    for (const done of list) done();
  }

  #checkProducer(transactionalId: string, producerId: bigint, producerEpoch: number): TxnMetadata | number {
    if (transactionalId === '') return ErrorCode.INVALID_REQUEST;
    const owner = this.#manager.ownerError(transactionalId);
    if (owner !== ErrorCode.NONE) return owner;
    const txn = this.#manager.get(transactionalId);
    if (!txn) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (txn.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (txn.producerEpoch !== producerEpoch) return ErrorCode.PRODUCER_FENCED;
    if (txn.pendingState !== null) return ErrorCode.CONCURRENT_TRANSACTIONS;
    return txn;
  }

  /** Writes `next` for `txn` (checking the state table) and applies it on success. */
  async #transition(txn: TxnMetadata, next: TxnRecordValue): Promise<number> {
    if (!canTransition(txn.state, next.state)) {
      this.#logger.error('illegal transaction state transition', { transactionalId: txn.transactionalId, from: txn.state, to: next.state });
      return ErrorCode.INVALID_TXN_STATE;
    }
    txn.pendingState = next.state;
    const token = this.#manager.ownershipToken(txn.transactionalId);
    const code = await this.#manager.write(txn.transactionalId, next);
    txn.pendingState = null;
    if (code !== ErrorCode.NONE || this.#manager.ownershipToken(txn.transactionalId) !== token) return code === ErrorCode.NONE ? ErrorCode.NOT_COORDINATOR : code;
    if (next.producerId !== txn.producerId || next.producerEpoch !== txn.producerEpoch) {
      txn.lastProducerId = txn.producerId;
      txn.lastProducerEpoch = txn.producerEpoch;
    }
    Object.assign(txn, next);
    return ErrorCode.NONE;
  }

  /** Ongoing → PrepareEpochFence → PrepareAbort with epoch + 1 (fences the producer), then the markers. */
  async #abortWithBumpedEpoch(txn: TxnMetadata, reason: string): Promise<void> {
    if (txn.state !== TxnState.Ongoing || txn.pendingState !== null) return;
    this.#logger.info('aborting transaction', { transactionalId: txn.transactionalId, producerId: txn.producerId, reason });
    const now = BigInt(this.#clock.now());
    const fencedEpoch = Math.min(MAX_EPOCH - 1, txn.producerEpoch + 1);
    txn.state = TxnState.PrepareEpochFence;
    const code = await this.#transition(txn, { ...recordOf(txn), producerEpoch: fencedEpoch, state: TxnState.PrepareAbort, lastUpdateTimestampMs: now });
    if (code !== ErrorCode.NONE) {
      if (txn.state === TxnState.PrepareEpochFence) txn.state = TxnState.Ongoing;
      this.#logger.warn('aborting a transaction failed', { transactionalId: txn.transactionalId, errorCode: code });
      return;
    }
    this.#completeTransaction(txn);
  }

  /** Sends the markers of a PrepareCommit/PrepareAbort transaction, then writes its Complete state. */
  #completeTransaction(txn: TxnMetadata): void {
    const commit = txn.state === TxnState.PrepareCommit;
    const token = this.#manager.ownershipToken(txn.transactionalId);
    const stillCurrent = () => !this.#closed && this.#manager.ownershipToken(txn.transactionalId) === token;
    const marker = { producerId: txn.producerId, producerEpoch: txn.producerEpoch, coordinatorEpoch: this.#manager.coordinatorEpoch(txn.transactionalId), commit };
    const leaderOf = (topic: string, partition: number): number | null => {
      if (this.#services.metadata.partitionCount(topic) === 0) return null;
      return this.#services.metadata.leaderFor(topic, partition)?.nodeId ?? -1;
    };
    void (async () => {
      const done = await sendTxnMarkers({ writeTxnMarkers: this.#writeTxnMarkers, leaderOf, clock: this.#clock, logger: this.#logger }, marker, partitionList(txn.partitions), stillCurrent);
      if (!done || !stillCurrent()) return;
      for (let attempt = 0; stillCurrent(); attempt++) {
        const now = BigInt(this.#clock.now());
        const code = await this.#transition(txn, { ...recordOf(txn), state: commit ? TxnState.CompleteCommit : TxnState.CompleteAbort, partitions: new Map(), lastUpdateTimestampMs: now });
        if (code === ErrorCode.NONE || code === ErrorCode.NOT_COORDINATOR) {
          this.#notifyCompletion(txn.transactionalId);
          return;
        }
        await new Promise<void>((resolve) => this.#clock.setTimeout(resolve, Math.min(1000, 100 * 2 ** attempt)));
      }
    })().catch((error: unknown) => this.#logger.error('completing a transaction failed', { transactionalId: txn.transactionalId, error }));
  }

  #scheduleTimeoutCheck(): void {
    if (this.#closed) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.abortTimedOutTransactions();
      this.#scheduleTimeoutCheck();
    }, this.#config.abortTimedOutIntervalMs);
  }

  /** Aborts every Ongoing transaction open longer than its timeout (run by the timer). */
  abortTimedOutTransactions(): void {
    const now = BigInt(this.#clock.now());
    for (const t of this.#manager.all()) {
      if (t.state !== TxnState.Ongoing || t.pendingState !== null) continue;
      if (t.startTimestampMs >= 0n && now - t.startTimestampMs > BigInt(t.transactionTimeoutMs)) void this.#abortWithBumpedEpoch(t, 'transaction timed out');
    }
  }
}

function recordOf(t: TxnMetadata): TxnRecordValue {
  return {
    producerId: t.producerId,
    producerEpoch: t.producerEpoch,
    transactionTimeoutMs: t.transactionTimeoutMs,
    state: t.state,
    partitions: t.partitions,
    lastUpdateTimestampMs: t.lastUpdateTimestampMs,
    startTimestampMs: t.startTimestampMs,
  };
}
