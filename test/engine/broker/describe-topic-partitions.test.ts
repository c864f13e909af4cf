import { describe, expect, it } from 'vitest';
import { createDescribeTopicPartitionsHandler } from '../../../src/engine/broker/handlers/describe-topic-partitions.js';
import type { BrokerContext } from '../../../src/engine/broker/handlers/broker-context.js';
import { MetadataCache } from '../../../src/engine/broker/metadata-cache.js';
import type { KafkaRequest } from '../../../src/engine/network/server.js';
import { ApiKey } from '../../../src/engine/protocol/api-keys.js';
import type { DescribeTopicPartitionsResponse, MetadataResponse } from '../../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';

function cacheWith(topics: Array<{ name: string; partitions: number; leaderless?: number }>): MetadataCache {
  const cache = new MetadataCache({ clusterId: 'c' });
  const response = {
    throttleTimeMs: 0,
    brokers: [{ nodeId: 1, host: '127.0.0.1', port: 1, rack: null }],
    clusterId: 'c',
    controllerId: 1,
    topics: topics.map((t, i) => ({
      errorCode: 0,
      name: t.name,
      topicId: `id-${i}`,
      isInternal: false,
      partitions: Array.from({ length: t.partitions }, (_, p) => ({
        errorCode: 0,
        partitionIndex: p,
        leaderId: p === t.leaderless ? -1 : 1,
        leaderEpoch: 0,
        replicaNodes: [1],
        isrNodes: [1],
        offlineReplicas: [],
      })),
      topicAuthorizedOperations: 0,
    })),
    clusterAuthorizedOperations: 0,
  } satisfies MetadataResponse;
  cache.update(response);
  return cache;
}

async function ask(cache: MetadataCache, body: { topics: Array<{ name: string }>; responsePartitionLimit: number; cursor: { topicName: string; partitionIndex: number } | null }): Promise<DescribeTopicPartitionsResponse> {
  const handler = createDescribeTopicPartitionsHandler({ metadata: cache } satisfies Partial<BrokerContext> as BrokerContext);
  const request: KafkaRequest = { header: { apiKey: ApiKey.DescribeTopicPartitions, apiVersion: 0, correlationId: 1, clientId: 't' }, body, connection: { id: 1, remoteAddress: '127.0.0.1', remotePort: 1 } };
  return (await handler.handle(request)) as DescribeTopicPartitionsResponse;
}

describe('DescribeTopicPartitions', () => {
  it('answers every topic sorted by name, paged by the partition limit with a cursor', async () => {
    const cache = cacheWith([{ name: 'b', partitions: 3 }, { name: 'a', partitions: 2 }]);
    const first = await ask(cache, { topics: [], responsePartitionLimit: 3, cursor: null });
    expect(first.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)])).toEqual([['a', [0, 1]], ['b', [0]]]);
    expect(first.nextCursor).toEqual({ topicName: 'b', partitionIndex: 1 });
    const second = await ask(cache, { topics: [], responsePartitionLimit: 3, cursor: first.nextCursor });
    expect(second.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)])).toEqual([['b', [1, 2]]]);
    expect(second.nextCursor).toBeNull();
  });

  it('fills Elr and LastKnownElr with empty lists, marks leaderless partitions and unknown topics', async () => {
    const cache = cacheWith([{ name: 'a', partitions: 2, leaderless: 1 }]);
    const r = await ask(cache, { topics: [{ name: 'a' }, { name: 'missing' }], responsePartitionLimit: 2000, cursor: null });
    expect(r.topics[0]!.partitions[0]).toMatchObject({ errorCode: ErrorCode.NONE, leaderId: 1, eligibleLeaderReplicas: [], lastKnownElr: [] });
    expect(r.topics[0]!.partitions[1]).toMatchObject({ errorCode: ErrorCode.LEADER_NOT_AVAILABLE, leaderId: -1 });
    expect(r.topics[1]).toMatchObject({ name: 'missing', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partitions: [] });
  });
});
