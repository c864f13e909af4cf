// The broker's transaction APIs: AddPartitionsToTxn (v0-3 one transaction, v4 batched and
// verify-only), AddOffsetsToTxn, EndTxn, TxnOffsetCommit, DescribeTransactions and
// ListTransactions map onto the TransactionCoordinator / GroupCoordinator; WriteTxnMarkers
// (coordinator → partition leader) appends the markers here, waits for the ISR and tells the
// group coordinator about `__consumer_offsets` partitions; DescribeProducers reads the
// producer state of partitions led here. Versions are Kafka 3.9's.
// Concurrency: the broker's event loop; each handler awaits only its coordinator or the ISR.
import type { GroupCoordinator } from '../../coordinator/group-coordinator.js';
import { OFFSETS_TOPIC } from '../../coordinator/offsets-topic-records.js';
import type { TransactionCoordinator } from '../../coordinator/transaction-coordinator.js';
import type { TopicPartitionRef, TxnMarker } from '../../coordinator/transaction-markers.js';
import { ApiKey } from '../../protocol/api-keys.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { defineHandler, type ApiHandler } from '../api-handler.js';
import { BROKER_SETTINGS } from '../broker-settings.js';
import type { BrokerContext } from './broker-context.js';

type PartitionResult = TopicPartitionRef & { errorCode: number };

function byTopic<T extends { topic: string }>(items: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) {
    let list = m.get(i.topic);
    if (!list) m.set(i.topic, (list = []));
    list.push(i);
  }
  return m;
}

/** Appends `marker` to partitions led here, waits for their ISR, informs the group coordinator. */
export async function writeMarkersLocally(ctx: BrokerContext, groups: GroupCoordinator, marker: TxnMarker, partitions: TopicPartitionRef[]): Promise<PartitionResult[]> {
  const rm = ctx.replicaManager;
  const appended = partitions.map((tp) => ({ tp, r: rm.appendTxnMarker(tp.topic, tp.partition, marker) }));
  const timeoutMs = BROKER_SETTINGS.number(ctx.settings, 'offsets.commit.timeout.ms');
  const waiting = appended.filter((a) => a.r.errorCode === ErrorCode.NONE && a.r.info);
  const codes = waiting.length === 0 ? [] : await rm.waitForIsr(waiting.map((a) => ({ topic: a.tp.topic, partition: a.tp.partition, requiredOffset: a.r.info!.lastOffset + 1n })), timeoutMs);
  const results = appended.map((a) => ({ ...a.tp, errorCode: a.r.errorCode }));
  waiting.forEach((a, i) => {
    const code = codes[i] ?? ErrorCode.NONE;
    // Kafka answers a marker that is appended but short of min.isr as success for the marker.
    const r = results.find((x) => x.topic === a.tp.topic && x.partition === a.tp.partition)!;
    r.errorCode = code === ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND ? ErrorCode.NONE : code;
  });
  const offsetsPartitions = results.filter((r) => r.topic === OFFSETS_TOPIC && r.errorCode === ErrorCode.NONE).map((r) => r.partition);
  if (offsetsPartitions.length > 0) groups.onTransactionCompleted(marker.producerId, offsetsPartitions, marker.commit);
  return results;
}

export function createTxnHandlers(ctx: BrokerContext, txns: TransactionCoordinator, groups: GroupCoordinator): ApiHandler[] {
  return [
    defineHandler({
      apiKey: ApiKey.AddPartitionsToTxn,
      versions: [0, 4],
      async handle(request) {
        const v = request.header.apiVersion;
        const body = request.body;
        const answer = async (t: { transactionalId: string; producerId: bigint; producerEpoch: number; verifyOnly: boolean; topics: Array<{ name: string; partitions: number[] }> }) => {
          const tps = t.topics.flatMap((topic) => topic.partitions.map((partition) => ({ topic: topic.name, partition })));
          let results: PartitionResult[];
          if (t.verifyOnly) results = txns.verifyPartitions(t.transactionalId, t.producerId, t.producerEpoch, tps);
          else {
            const unknown = tps.filter((tp) => ctx.metadata.partition(tp.topic, tp.partition) === undefined);
            if (unknown.length > 0) {
              results = tps.map((tp) => ({ ...tp, errorCode: unknown.includes(tp) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED }));
            } else {
              let code = await txns.addPartitionsToTxn(t.transactionalId, t.producerId, t.producerEpoch, tps);
              // Clients before v4 do not know PRODUCER_FENCED.
              if (code === ErrorCode.PRODUCER_FENCED && v < 4) code = ErrorCode.INVALID_PRODUCER_EPOCH;
              results = tps.map((tp) => ({ ...tp, errorCode: code }));
            }
          }
          return [...byTopic(results)].map(([name, rs]) => ({ name, resultsByPartition: rs.map((r) => ({ partitionIndex: r.partition, partitionErrorCode: r.errorCode })) }));
        };
        if (v < 4) {
          const topicResults = await answer({ transactionalId: body.v3AndBelowTransactionalId, producerId: body.v3AndBelowProducerId, producerEpoch: body.v3AndBelowProducerEpoch, verifyOnly: false, topics: body.v3AndBelowTopics });
          return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTopicV3AndBelow: topicResults, resultsByTransaction: [] };
        }
        const resultsByTransaction = await Promise.all(body.transactions.map(async (t) => ({ transactionalId: t.transactionalId, topicResults: await answer(t) })));
        return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction, resultsByTopicV3AndBelow: [] };
      },
    }),
    defineHandler({
      apiKey: ApiKey.AddOffsetsToTxn,
      versions: [0, 4],
      async handle(request) {
        const b = request.body;
        let errorCode = await txns.addOffsetsToTxn(b.transactionalId, b.producerId, b.producerEpoch, b.groupId);
        if (errorCode === ErrorCode.PRODUCER_FENCED && request.header.apiVersion < 2) errorCode = ErrorCode.INVALID_PRODUCER_EPOCH;
        return { throttleTimeMs: 0, errorCode };
      },
    }),
    defineHandler({
      apiKey: ApiKey.EndTxn,
      versions: [0, 4],
      async handle(request) {
        const b = request.body;
        let errorCode = await txns.endTxn(b.transactionalId, b.producerId, b.producerEpoch, b.committed);
        if (errorCode === ErrorCode.PRODUCER_FENCED && request.header.apiVersion < 2) errorCode = ErrorCode.INVALID_PRODUCER_EPOCH;
        return { throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 };
      },
    }),
    defineHandler({
      apiKey: ApiKey.TxnOffsetCommit,
      versions: [0, 4],
      async handle(request) {
        const b = request.body;
        const v = request.header.apiVersion;
        const topics = await groups.txnCommitOffsets({
          groupId: b.groupId,
          generationId: v >= 3 ? b.generationId : -1,
          memberId: v >= 3 ? b.memberId : '',
          groupInstanceId: v >= 3 ? b.groupInstanceId : null,
          retentionTimeMs: -1n,
          producerId: b.producerId,
          producerEpoch: b.producerEpoch,
          topics: b.topics.map((t) => ({
            name: t.name,
            partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, committedOffset: p.committedOffset, committedLeaderEpoch: v >= 2 ? p.committedLeaderEpoch : -1, commitTimestamp: -1n, committedMetadata: p.committedMetadata })),
          })),
        });
        return { throttleTimeMs: 0, topics: topics.map((t) => ({ name: t.name, partitions: t.partitions })) };
      },
      errorResponse(request, errorCode) {
        return { throttleTimeMs: 0, topics: request.body.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })) };
      },
    }),
    defineHandler({
      apiKey: ApiKey.WriteTxnMarkers,
      versions: [0, 1],
      async handle(request) {
        const markers = await Promise.all(
          request.body.markers.map(async (m) => {
            const tps = m.topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
            const results = await writeMarkersLocally(ctx, groups, { producerId: m.producerId, producerEpoch: m.producerEpoch, coordinatorEpoch: m.coordinatorEpoch, commit: m.transactionResult }, tps);
            return { producerId: m.producerId, topics: [...byTopic(results)].map(([name, rs]) => ({ name, partitions: rs.map((r) => ({ partitionIndex: r.partition, errorCode: r.errorCode })) })) };
          }),
        );
        return { markers };
      },
    }),
    defineHandler({
      apiKey: ApiKey.DescribeTransactions,
      versions: [0, 0],
      handle(request) {
        return { throttleTimeMs: 0, transactionStates: txns.describeTransactions(request.body.transactionalIds) };
      },
    }),
    defineHandler({
      apiKey: ApiKey.ListTransactions,
      versions: [0, 1],
      handle(request) {
        const b = request.body;
        const r = txns.listTransactions(b.stateFilters, b.producerIdFilters, request.header.apiVersion >= 1 ? b.durationFilter : -1n);
        return { throttleTimeMs: 0, ...r };
      },
    }),
    defineHandler({
      apiKey: ApiKey.DescribeProducers,
      versions: [0, 0],
      handle(request) {
        return {
          throttleTimeMs: 0,
          topics: request.body.topics.map((t) => ({
            name: t.name,
            partitions: t.partitionIndexes.map((partitionIndex) => {
              const p = ctx.replicaManager.partition(t.name, partitionIndex);
              const fail = (errorCode: number) => ({ partitionIndex, errorCode, errorMessage: null, activeProducers: [] });
              if (!p) return fail(ctx.metadata.partition(t.name, partitionIndex) ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
              if (!p.isLeader) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
              return { partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers: p.log.activeProducers?.() ?? [] };
            }),
          })),
        };
      },
    }),
  ];
}
