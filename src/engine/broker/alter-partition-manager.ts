// ISR proposals from a leader to the controller (Kafka's AlterPartitionManager): sends one
// AlterPartition per proposal, marks it pending on the partition (the maximal ISR counts for
// the high watermark meanwhile), applies the controller's answer to the partition and the
// metadata cache, and backs off after a refusal so a returning follower that is not yet
// eligible is not proposed again at once. Also stamps Metadata requests so the replica
// manager can tell metadata read before a proposal from metadata read after it.
// Single-threaded: answers are applied on the broker's event loop.
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { AlterPartitionRequest, AlterPartitionResponse, Encodable, Message } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { MetadataCache } from './metadata-cache.js';
import type { Partition } from './partition.js';

type AlterPartitionTopic = Encodable<AlterPartitionRequest['topics'][number]>;

/** The controller link (the broker's ControllerChannel): null when unreachable. */
export interface AlterPartitionSender {
  alterPartition(topics: Message[]): Promise<Message | null>;
}

/** Pause before proposing again for a partition whose proposal was refused. */
const REFUSED_BACKOFF_MS = 500;

export interface AlterPartitionManagerOptions {
  controller: AlterPartitionSender;
  metadata: MetadataCache;
  clock: Clock;
  logger: Logger;
  /** An accepted ISR change that shrank (true) or expanded (false) the ISR (IsrShrinksPerSec, IsrExpandsPerSec). */
  onIsrChanged?: (shrunk: boolean) => void;
  /** After an answer was applied: the ISR may have changed, and the HW may have moved. */
  onIsrChangeCompleted: (partition: Partition, highWatermarkMoved: boolean) => void;
}

export class AlterPartitionManager {
  readonly #o: AlterPartitionManagerOptions;
  /** Partition key → time before which no new ISR proposal is sent (after a rejection). */
  readonly #backoffUntil = new Map<string, number>();
  #metadataRequests = 0;

  constructor(options: AlterPartitionManagerOptions) {
    this.#o = options;
  }

  /**
   * Counts Metadata requests to the controller: the channel takes a stamp just before each
   * one. AlterPartition goes over the same connection, so metadata requested after an ISR
   * proposal reflects its outcome, and metadata requested before it may not (Kafka orders
   * these by partition epoch, which the Metadata response does not carry).
   */
  nextMetadataStamp(): number {
    return ++this.#metadataRequests;
  }

  /** Proposes `newIsr` for a leader `p`, unless a proposal is in flight or backing off. */
  propose(p: Partition, newIsr: number[]): void {
    if (p.pendingIsr || !p.isLeader) return;
    const backoff = this.#backoffUntil.get(p.key);
    if (backoff !== undefined) {
      if (this.#o.clock.now() < backoff) return;
      this.#backoffUntil.delete(p.key);
    }
    p.setPendingIsr(newIsr);
    p.isrProposalStamp = this.#metadataRequests;
    const topic: AlterPartitionTopic = {
      topicId: p.topicId,
      partitions: [{ partitionIndex: p.partition, leaderEpoch: p.leaderEpoch, newIsr, leaderRecoveryState: 0, partitionEpoch: -1 }],
    };
    void this.#o.controller.alterPartition([topic]).then(
      (res) => this.#completed(p, newIsr, res as AlterPartitionResponse | null),
      () => p.completeIsrChange(null, true),
    );
  }

  #completed(p: Partition, proposed: number[], res: AlterPartitionResponse | null): void {
    const part = res?.topics[0]?.partitions[0];
    const ok = res !== null && res.errorCode === ErrorCode.NONE && part !== undefined && part.errorCode === ErrorCode.NONE;
    if (!ok) {
      const code = !res ? 'unreachable' : res.errorCode !== ErrorCode.NONE ? res.errorCode : part?.errorCode;
      this.#o.logger.info('ISR change not accepted', { topic: p.topic, partition: p.partition, proposed, errorCode: code });
      // Do not propose again at once (a returning follower is ineligible until unfenced).
      this.#backoffUntil.set(p.key, this.#o.clock.now() + REFUSED_BACKOFF_MS);
    } else {
      this.#o.logger.info('ISR changed', { topic: p.topic, partition: p.partition, isr: part.isr, leaderEpoch: part.leaderEpoch });
      if (part.isr.length !== p.isr.length) this.#o.onIsrChanged?.(part.isr.length < p.isr.length);
      this.#o.metadata.updateIsr(p.topic, p.partition, part.isr, part.leaderEpoch);
    }
    // Unanswered, or committed together with a leader change (preferred leader restored):
    // the controller may hold the proposed ISR, so it keeps counting until metadata says.
    const keepPending = !res || (ok && part.leaderEpoch !== p.leaderEpoch);
    const moved = p.completeIsrChange(ok ? { isr: part.isr, leaderEpoch: part.leaderEpoch } : null, keepPending);
    this.#o.onIsrChangeCompleted(p, moved);
  }
}
