// DescribeTopicPartitions (api 75, v0; KIP-966), what kafka-topics 3.8+ describes with: the
// topics asked (all when none), sorted by name, with their partitions from the metadata
// cache, paged by responsePartitionLimit (capped at max.request.partition.size.limit, 2000)
// and a cursor. Elr and LastKnownElr are empty lists, as a Kafka 3.9 KRaft broker answers
// while eligible leader replicas are disabled (the default). Leaderless partitions carry
// leader -1 and LEADER_NOT_AVAILABLE; unknown topics UNKNOWN_TOPIC_OR_PARTITION.
import { ApiKey } from '../../protocol/api-keys.js';
import { ZERO_UUID, type DescribeTopicPartitionsResponse, type Encodable } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { defineHandler, type ApiHandler } from '../api-handler.js';
import type { TopicMetadata } from '../metadata-cache.js';
import type { BrokerContext } from './broker-context.js';

const MAX_PARTITIONS_PER_RESPONSE = 2000;
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

type TopicResponse = Encodable<DescribeTopicPartitionsResponse['topics'][number]>;
type PartitionResponse = DescribeTopicPartitionsResponse['topics'][number]['partitions'][number];

export function createDescribeTopicPartitionsHandler(ctx: BrokerContext): ApiHandler {
  return defineHandler({
    apiKey: ApiKey.DescribeTopicPartitions,
    versions: [0, 0],
    handle(request) {
      const body = request.body;
      const cursor = body.cursor;
      let names = body.topics.length === 0 ? ctx.metadata.topics().map((t) => t.name) : [...new Set(body.topics.map((t) => t.name))];
      names.sort();
      if (cursor) names = names.filter((n) => n >= cursor.topicName);
      let remaining = Math.max(1, Math.min(body.responsePartitionLimit > 0 ? body.responsePartitionLimit : MAX_PARTITIONS_PER_RESPONSE, MAX_PARTITIONS_PER_RESPONSE));
      const topics: TopicResponse[] = [];
      let nextCursor: { topicName: string; partitionIndex: number } | null = null;
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        if (remaining === 0) {
          nextCursor = { topicName: name, partitionIndex: 0 };
          break;
        }
        const t = ctx.metadata.topic(name);
        if (!t) {
          topics.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED });
          continue;
        }
        const start = cursor && name === cursor.topicName ? Math.max(0, cursor.partitionIndex) : 0;
        const all = partitionsOf(t).filter((p) => p.partitionIndex >= start);
        const taken = all.slice(0, remaining);
        remaining -= taken.length;
        topics.push({ errorCode: ErrorCode.NONE, name, topicId: t.topicId, isInternal: t.isInternal, partitions: taken, topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED });
        if (taken.length < all.length) {
          nextCursor = { topicName: name, partitionIndex: all[taken.length]!.partitionIndex };
          break;
        }
      }
      return { throttleTimeMs: 0, topics, nextCursor };
    },
  });
}

function partitionsOf(t: TopicMetadata): PartitionResponse[] {
  return t.partitions
    .filter((p) => p !== undefined)
    .map((p) => ({
      errorCode: p.leaderId < 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
      partitionIndex: p.partition,
      leaderId: p.leaderId,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicas,
      isrNodes: p.isr,
      eligibleLeaderReplicas: [],
      lastKnownElr: [],
      offlineReplicas: p.offlineReplicas,
    }));
}
