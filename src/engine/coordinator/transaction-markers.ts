// Sends a transaction's COMMIT or ABORT markers to the leaders of its partitions (Kafka's
// TransactionMarkerChannelManager): partitions are grouped by their current leader, one
// WriteTxnMarkers per leader, and partitions answering a retriable error (not leader, no
// leader yet, not enough replicas, a connection failure) are retried with backoff after
// the metadata moves, until every partition has its marker or the coordinator stops owning
// the transactional id. A partition whose topic was deleted counts as done, as in Kafka.
// Concurrency: one event loop; each send is an independent promise chain.
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { ErrorCode } from '../protocol/error-codes.js';

export interface TxnMarker {
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  commit: boolean;
}

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

/** Writes one marker to partitions led by `leaderId`; resolves to an error code per partition. */
export type WriteTxnMarkersFn = (leaderId: number, marker: TxnMarker, partitions: TopicPartitionRef[]) => Promise<Array<TopicPartitionRef & { errorCode: number }>>;

export interface TxnMarkerSenderDeps {
  writeTxnMarkers: WriteTxnMarkersFn;
  /** Current leader id of a partition, -1 when leaderless, null when the topic is gone. */
  leaderOf(topic: string, partition: number): number | null;
  clock: Clock;
  logger: Logger;
}

const RETRY_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 1000;

/**
 * Writes `marker` to every partition; resolves true when all have it, false when
 * `stillCurrent()` turned false first (the coordinator moved; the new one resends).
 */
export async function sendTxnMarkers(deps: TxnMarkerSenderDeps, marker: TxnMarker, partitions: TopicPartitionRef[], stillCurrent: () => boolean): Promise<boolean> {
  let pending = partitions;
  let backoff = RETRY_BACKOFF_MS;
  while (pending.length > 0) {
    if (!stillCurrent()) return false;
    const byLeader = new Map<number, TopicPartitionRef[]>();
    const retry: TopicPartitionRef[] = [];
    for (const tp of pending) {
      const leader = deps.leaderOf(tp.topic, tp.partition);
      if (leader === null) continue; // topic deleted: nothing to mark
      if (leader < 0) {
        retry.push(tp);
        continue;
      }
      let list = byLeader.get(leader);
      if (!list) byLeader.set(leader, (list = []));
      list.push(tp);
    }
    const results = await Promise.all(
      [...byLeader].map(async ([leader, tps]) => {
        try {
          return await deps.writeTxnMarkers(leader, marker, tps);
        } catch (error) {
          deps.logger.debug('sending transaction markers failed', { leader, error });
          return tps.map((tp) => ({ ...tp, errorCode: ErrorCode.NETWORK_EXCEPTION }));
        }
      }),
    );
    for (const r of results.flat()) {
      if (r.errorCode === ErrorCode.NONE || r.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) continue;
      if (r.errorCode === ErrorCode.INVALID_PRODUCER_EPOCH || r.errorCode === ErrorCode.TRANSACTION_COORDINATOR_FENCED) {
        // A newer epoch or coordinator already ended this transaction on that partition.
        deps.logger.warn('transaction marker refused', { topic: r.topic, partition: r.partition, errorCode: r.errorCode, producerId: marker.producerId });
        continue;
      }
      retry.push({ topic: r.topic, partition: r.partition });
    }
    pending = retry;
    if (pending.length > 0) {
      await new Promise<void>((resolve) => deps.clock.setTimeout(resolve, backoff));
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
  }
  return true;
}
