// A DeleteRecords parked in the purgatory (Kafka's DelayedDeleteRecords): completes once each
// partition's low watermark (the lowest log start offset over the leader and its followers on
// live brokers) reached the offset the request moved it to, when the partition lost
// leadership (NOT_LEADER_OR_FOLLOWER), or at the request timeout (REQUEST_TIMED_OUT for the
// partitions still waiting, with the low watermark reached so far); and the leader's side of
// the request (deleteRecordsOnLeaders), which the replica manager calls. Single-threaded.
import type { Logger } from '../common/logger.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { isRecordsError } from '../protocol/records/records-error.js';
import { DelayedOperation, type DelayedOperationPurgatory } from './delayed-operations.js';
import type { Partition } from './partition.js';

export interface DeleteRecordsWait {
  /** Undefined when the partition is not hosted here. */
  partition: Partition | undefined;
  /** The log start offset the leader moved to. */
  requiredOffset: bigint;
}

export interface DeleteRecordsOutcome {
  errorCode: number;
  lowWatermark: bigint;
}

export class DelayedDeleteRecords extends DelayedOperation {
  readonly #waits: readonly DeleteRecordsWait[];
  readonly #outcomes: Array<DeleteRecordsOutcome | null>;
  readonly #isAlive: (brokerId: number) => boolean;
  readonly #resolve: (outcomes: DeleteRecordsOutcome[]) => void;

  constructor(waits: readonly DeleteRecordsWait[], isAlive: (brokerId: number) => boolean, resolve: (outcomes: DeleteRecordsOutcome[]) => void) {
    super();
    this.#waits = waits;
    this.#outcomes = waits.map(() => null);
    this.#isAlive = isAlive;
    this.#resolve = resolve;
  }

  tryComplete(): boolean {
    let pending = false;
    this.#waits.forEach((w, i) => {
      if (this.#outcomes[i] !== null) return;
      const p = w.partition;
      if (!p || !p.isLeader) {
        this.#outcomes[i] = { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, lowWatermark: -1n };
        return;
      }
      const low = p.lowWatermark(this.#isAlive);
      if (low >= w.requiredOffset) this.#outcomes[i] = { errorCode: ErrorCode.NONE, lowWatermark: low };
      else pending = true;
    });
    if (pending) return false;
    return this.forceComplete();
  }

  protected onComplete(): void {
    this.#resolve(
      this.#outcomes.map((o, i) => o ?? { errorCode: ErrorCode.REQUEST_TIMED_OUT, lowWatermark: this.#waits[i]!.partition?.lowWatermark(this.#isAlive) ?? -1n }),
    );
  }
}

export interface DeleteRecordsDeps {
  partition(topic: string, partition: number): Partition | undefined;
  /** Whether the metadata knows the partition (NOT_LEADER_OR_FOLLOWER vs UNKNOWN_TOPIC_OR_PARTITION). */
  isKnown(topic: string, partition: number): boolean;
  isAlive(brokerId: number): boolean;
  logDirOffline(): boolean;
  /** Moving the log start offset threw something other than a Kafka error. */
  failed(topic: string, partition: number, error: unknown): unknown;
  logger: Logger;
  purgatory: DelayedOperationPurgatory;
}

/**
 * Moves each partition's log start offset (leader only) and parks the answer until the
 * low watermarks reach the offsets asked; outcomes in the order of `entries`.
 */
export function deleteRecordsOnLeaders(
  entries: ReadonlyArray<{ topic: string; partition: number; offset: bigint }>,
  timeoutMs: number,
  deps: DeleteRecordsDeps,
): Promise<DeleteRecordsOutcome[]> {
  const outcomes: Array<DeleteRecordsOutcome | null> = [];
  const waits: Array<DeleteRecordsWait & { index: number; partition: Partition }> = [];
  entries.forEach((e, index) => {
    const p = deps.partition(e.topic, e.partition);
    if (!p || !p.isLeader) {
      outcomes.push({ errorCode: deps.isKnown(e.topic, e.partition) ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, lowWatermark: -1n });
      return;
    }
    if (deps.logDirOffline()) {
      outcomes.push({ errorCode: ErrorCode.KAFKA_STORAGE_ERROR, lowWatermark: -1n });
      return;
    }
    let r: { errorCode: number; requestedOffset: bigint };
    try {
      r = p.deleteRecordsOnLeader(e.offset);
    } catch (error) {
      if (!isRecordsError(error)) {
        deps.logger.error('delete records failed', { topic: e.topic, partition: e.partition, error });
        deps.failed(e.topic, e.partition, error);
      }
      r = { errorCode: isRecordsError(error) ? error.kafkaErrorCode : ErrorCode.KAFKA_STORAGE_ERROR, requestedOffset: -1n };
    }
    if (r.errorCode !== ErrorCode.NONE) {
      outcomes.push({ errorCode: r.errorCode, lowWatermark: -1n });
      return;
    }
    deps.logger.info('deleted records', { topic: e.topic, partition: e.partition, logStartOffset: p.logStartOffset });
    outcomes.push(null);
    waits.push({ index, partition: p, requiredOffset: r.requestedOffset });
  });
  const finish = () => outcomes.map((o) => o ?? { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, lowWatermark: -1n });
  if (waits.length === 0) return Promise.resolve(finish());
  return new Promise((resolve) => {
    const op = new DelayedDeleteRecords(waits, deps.isAlive, (done) => {
      waits.forEach((w, i) => (outcomes[w.index] = done[i]!));
      resolve(finish());
    });
    deps.purgatory.tryCompleteElseWatch(
      op,
      waits.map((w) => w.partition.key),
      timeoutMs,
    );
  });
}
