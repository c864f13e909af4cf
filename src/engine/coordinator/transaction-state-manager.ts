// The transaction coordinator's storage (Kafka's TransactionStateManager): which
// `__transaction_state` partitions this broker owns (it leads them; the leader epoch is the
// coordinator epoch), loading a partition's transactional ids when it becomes leader
// (COORDINATOR_LOAD_IN_PROGRESS meanwhile), dropping them when it stops leading
// (NOT_COORDINATOR), and writing a transactional id's new state (acks=-1) before the
// coordinator applies it. Concurrency: one event loop; after each await a load or write
// checks that the partition is still owned by the same load (token).
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { iterateBatchPositions, isControl, lastOffsetOf } from '../protocol/records/record-batch.js';
import { buildRecordBatch, decodeRecordBatch } from '../protocol/records/record-codec.js';
import type { CoordinatorServices } from './coordinator-types.js';
import {
  TRANSACTION_STATE_TOPIC,
  decodeTransactionLogKey,
  decodeTransactionLogValue,
  partitionForTransactionalId,
  transactionLogKey,
  transactionLogValue,
} from './transaction-log-records.js';
import type { TransactionCoordinatorConfig } from './transaction-coordinator-config.js';
import type { TxnMetadata, TxnRecordValue } from './transaction-state.js';

const LOAD_BYTES = 5 * 1024 * 1024;
const LOAD_RETRY_MS = 50;
const LOAD_DEADLINE_MS = 10_000;

interface OwnedPartition {
  index: number;
  state: 'loading' | 'loaded';
  coordinatorEpoch: number;
  token: object;
}

export interface TransactionStateManagerOptions {
  services: CoordinatorServices;
  config: TransactionCoordinatorConfig;
  clock: Clock;
  logger: Logger;
  /** A loaded partition's transactions (to finish those caught between Prepare and Complete). */
  onLoaded(partition: number, txns: TxnMetadata[]): void;
}

export class TransactionStateManager {
  readonly #services: CoordinatorServices;
  readonly #config: TransactionCoordinatorConfig;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #onLoaded: (partition: number, txns: TxnMetadata[]) => void;
  readonly #partitions = new Map<number, OwnedPartition>();
  readonly #txns = new Map<string, TxnMetadata>();
  readonly #unsubscribe: () => void;

  constructor(options: TransactionStateManagerOptions) {
    this.#services = options.services;
    this.#config = options.config;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#onLoaded = options.onLoaded;
    this.#unsubscribe = this.#services.onLeadershipChange((topic, partition, isLeader, leaderEpoch) => {
      if (topic !== TRANSACTION_STATE_TOPIC) return;
      this.#unload(partition);
      if (isLeader) this.#startLoad(partition, leaderEpoch);
    });
    const count = this.#services.metadata.partitionCount(TRANSACTION_STATE_TOPIC);
    for (let p = 0; p < count; p++) if (this.#services.metadata.isLocalLeader(TRANSACTION_STATE_TOPIC, p)) this.#startLoad(p, 0);
  }

  close(): void {
    this.#unsubscribe();
    for (const p of [...this.#partitions.keys()]) this.#unload(p);
  }

  partitionFor(transactionalId: string): number {
    const count = this.#services.metadata.partitionCount(TRANSACTION_STATE_TOPIC);
    return partitionForTransactionalId(transactionalId, count > 0 ? count : this.#config.stateLogPartitions);
  }

  /** NONE, NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS for a transactional id. */
  ownerError(transactionalId: string): number {
    const part = this.#partitions.get(this.partitionFor(transactionalId));
    if (!part) return ErrorCode.NOT_COORDINATOR;
    return part.state === 'loaded' ? ErrorCode.NONE : ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
  }

  coordinatorEpoch(transactionalId: string): number {
    return this.#partitions.get(this.partitionFor(transactionalId))?.coordinatorEpoch ?? -1;
  }

  /** A token that stays the same while this broker owns the id's partition under one load. */
  ownershipToken(transactionalId: string): object | undefined {
    return this.#partitions.get(this.partitionFor(transactionalId))?.token;
  }

  get(transactionalId: string): TxnMetadata | undefined {
    return this.#txns.get(transactionalId);
  }

  put(txn: TxnMetadata): void {
    this.#txns.set(txn.transactionalId, txn);
  }

  /** Every transaction of the loaded partitions. */
  all(): TxnMetadata[] {
    return [...this.#txns.values()].filter((t) => this.#partitions.get(this.partitionFor(t.transactionalId))?.state === 'loaded');
  }

  /** Whether any owned partition is still loading (ListTransactions reports it). */
  get loading(): boolean {
    return [...this.#partitions.values()].some((p) => p.state === 'loading');
  }

  /** Writes the state of a transactional id; resolves to a Kafka error code (NOT_COORDINATOR if ownership moved). */
  async write(transactionalId: string, value: TxnRecordValue): Promise<number> {
    const part = this.#partitions.get(this.partitionFor(transactionalId));
    if (!part || part.state !== 'loaded') return ErrorCode.NOT_COORDINATOR;
    const batch = buildRecordBatch([{ key: transactionLogKey(transactionalId), value: transactionLogValue(value) }], { timestamp: BigInt(this.#clock.now()) });
    let code: number;
    try {
      code = (await this.#services.appendToInternalTopic(TRANSACTION_STATE_TOPIC, part.index, batch, -1)).errorCode;
    } catch (error) {
      this.#logger.error('append to the transaction log failed', { transactionalId, error });
      code = ErrorCode.UNKNOWN_SERVER_ERROR;
    }
    if (this.#partitions.get(part.index) !== part) return ErrorCode.NOT_COORDINATOR;
    // Kafka's mapping of log append errors for the transaction log.
    if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || code === ErrorCode.NOT_ENOUGH_REPLICAS || code === ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND || code === ErrorCode.REQUEST_TIMED_OUT) {
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    if (code === ErrorCode.NOT_LEADER_OR_FOLLOWER || code === ErrorCode.KAFKA_STORAGE_ERROR) return ErrorCode.NOT_COORDINATOR;
    if (code !== ErrorCode.NONE) return ErrorCode.UNKNOWN_SERVER_ERROR;
    return ErrorCode.NONE;
  }

  #startLoad(partition: number, coordinatorEpoch: number): void {
    const part: OwnedPartition = { index: partition, state: 'loading', coordinatorEpoch, token: {} };
    this.#partitions.set(partition, part);
    this.#load(part).then(
      (txns) => {
        if (this.#partitions.get(partition) !== part || txns === null) return;
        for (const t of txns) this.#txns.set(t.transactionalId, t);
        part.state = 'loaded';
        this.#logger.info('loaded transaction state partition', { partition, transactionalIds: txns.length, coordinatorEpoch });
        this.#onLoaded(partition, txns);
      },
      (error: unknown) => {
        this.#logger.error('loading transaction state partition failed', { partition, error });
        if (this.#partitions.get(partition) === part) this.#partitions.delete(partition);
      },
    );
  }

  async #load(part: OwnedPartition): Promise<TxnMetadata[] | null> {
    const read = new Map<string, TxnRecordValue | null>();
    const target = this.#services.logEndOffset(TRANSACTION_STATE_TOPIC, part.index);
    const deadline = this.#clock.monotonic() + LOAD_DEADLINE_MS;
    let from = 0n;
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#partitions.get(part.index) !== part) return null;
      const r = this.#services.readInternalTopic(TRANSACTION_STATE_TOPIC, part.index, from, LOAD_BYTES);
      if (r.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE && from < r.logStartOffset) {
        from = r.logStartOffset;
        continue;
      }
      if (r.errorCode !== ErrorCode.NONE) throw new Error(`reading ${TRANSACTION_STATE_TOPIC}-${part.index} failed with error ${r.errorCode}`);
      if (from < r.logStartOffset) from = r.logStartOffset;
      let progressed = false;
      for (const batch of iterateBatchPositions(r.records)) {
        const last = lastOffsetOf(batch.header);
        if (last < from) continue;
        progressed = true;
        from = last + 1n;
        if (isControl(batch.header.attributes)) continue;
        for (const rec of decodeRecordBatch(r.records, batch.position).records) {
          try {
            if (!rec.key) continue;
            const id = decodeTransactionLogKey(rec.key);
            read.set(id, rec.value ? decodeTransactionLogValue(rec.value) : null);
          } catch (error) {
            this.#logger.warn('skipping malformed transaction log record', { partition: part.index, offset: rec.offset, error });
          }
        }
      }
      if (progressed) continue;
      if (from >= target || r.highWatermark >= target || this.#clock.monotonic() > deadline) break;
      await new Promise<void>((resolve) => setTimeout(resolve, LOAD_RETRY_MS));
    }
    const out: TxnMetadata[] = [];
    for (const [transactionalId, v] of read) {
      if (!v) continue;
      out.push({ ...v, transactionalId, lastProducerId: -1n, lastProducerEpoch: -1, pendingState: null });
    }
    return out;
  }

  #unload(partition: number): void {
    if (!this.#partitions.delete(partition)) return;
    for (const id of [...this.#txns.keys()]) if (this.partitionFor(id) === partition) this.#txns.delete(id);
  }
}
