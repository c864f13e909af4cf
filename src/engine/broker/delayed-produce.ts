// An acks=-1 produce parked in the purgatory (Kafka's DelayedProduce): completes once every
// partition's high watermark reached the offset after its append (NONE, or
// NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below min.insync.replicas), when the
// partition lost leadership or changed leader epoch (NOT_LEADER_OR_FOLLOWER), or at the
// request timeout (REQUEST_TIMED_OUT for the partitions still waiting). Single-threaded.
import { ErrorCode } from '../protocol/error-codes.js';
import { DelayedOperation } from './delayed-operations.js';
import type { Partition } from './partition.js';

export interface ProduceWait {
  /** Undefined when the partition is not hosted here (answers NOT_LEADER_OR_FOLLOWER). */
  partition: Partition | undefined;
  /** Leader epoch at append time: any other epoch means the append may be lost. */
  leaderEpoch: number;
  /** The high watermark the append needs (its last offset + 1). */
  requiredOffset: bigint;
}

export class DelayedProduce extends DelayedOperation {
  readonly #waits: readonly ProduceWait[];
  readonly #errorCodes: Array<number | null>;
  readonly #resolve: (codes: number[]) => void;

  /** `resolve` gets one error code per wait, in order. */
  constructor(waits: readonly ProduceWait[], resolve: (codes: number[]) => void) {
    super();
    this.#waits = waits;
    this.#errorCodes = waits.map(() => null);
    this.#resolve = resolve;
  }

  tryComplete(): boolean {
    let pending = false;
    this.#waits.forEach((w, i) => {
      if (this.#errorCodes[i] !== null) return;
      const p = w.partition;
      if (!p || !p.isLeader || p.leaderEpoch !== w.leaderEpoch) {
        this.#errorCodes[i] = ErrorCode.NOT_LEADER_OR_FOLLOWER;
        return;
      }
      const r = p.checkEnoughReplicasReachOffset(w.requiredOffset);
      if (r.done) this.#errorCodes[i] = r.errorCode;
      else pending = true;
    });
    if (pending) return false;
    return this.forceComplete();
  }

  protected onComplete(): void {
    this.#resolve(this.#errorCodes.map((code) => code ?? ErrorCode.REQUEST_TIMED_OUT));
  }
}
