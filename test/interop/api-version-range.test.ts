// Every API a broker advertises in ApiVersions answers at its oldest and its newest version:
// a request with the schema's defaults (plus what makes it meaningful) gets a decodable
// response with its correlation id, never a closed connection. The ranges themselves come
// from the handler table, so this walks exactly what is served.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaConnection } from '../../src/engine/network/connection.js';
import { ApiKey, API_SCHEMA_VERSIONS, isApiKey } from '../../src/engine/protocol/index.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { createTopic, startKafka, type KafkaProcesses } from './helpers/kafka-processes.js';

let k: KafkaProcesses;
let served: Array<{ apiKey: number; minVersion: number; maxVersion: number }>;

/** What a request needs beyond the schema defaults to mean something (acks 0 would get no answer). */
const BODIES: Partial<Record<number, Message>> = {
  [ApiKey.Produce]: { acks: 1, timeoutMs: 1000, topicData: [{ name: 'ranges', partitionData: [{ index: 0, records: null }] }] },
  [ApiKey.Fetch]: { maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, topics: [{ topic: 'ranges', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }] },
  [ApiKey.ListOffsets]: { replicaId: -1, topics: [{ name: 'ranges', partitions: [{ partitionIndex: 0, timestamp: -1n, maxNumOffsets: 1 }] }] },
  [ApiKey.Metadata]: { topics: null },
  [ApiKey.FindCoordinator]: { key: 'g', coordinatorKeys: ['g'] },
  [ApiKey.JoinGroup]: { groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', protocolType: 'consumer', protocols: [] },
};

beforeAll(async () => {
  k = await startKafka({ brokers: 1 });
  await createTopic(k, 'ranges', 1);
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: k.broker(1).port, connectTimeoutMs: 2000, requestTimeoutMs: 10_000 });
  try {
    served = (await conn.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'range-test', clientSoftwareVersion: '1' })).apiKeys;
  } finally {
    conn.close();
  }
}, 60_000);

afterAll(async () => {
  await k?.stop();
});

describe('every served API at its oldest and newest version', () => {
  it('advertises the old versions Kafka 3.9 still serves', () => {
    const range = (key: number) => served.find((a) => a.apiKey === key);
    for (const key of [ApiKey.Produce, ApiKey.Fetch, ApiKey.ListOffsets, ApiKey.Metadata, ApiKey.OffsetCommit, ApiKey.OffsetFetch, ApiKey.FindCoordinator, ApiKey.JoinGroup]) {
      expect(range(key)?.minVersion, API_SCHEMA_VERSIONS[key]![0]).toBe(0);
    }
  });

  it('answers each at both ends of its range on one connection', async () => {
    const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: k.broker(1).port, connectTimeoutMs: 2000, requestTimeoutMs: 15_000 });
    const failures: string[] = [];
    try {
      for (const { apiKey, minVersion, maxVersion } of served) {
        for (const version of new Set([minVersion, maxVersion])) {
          const name = `${API_SCHEMA_VERSIONS[apiKey]![0]} v${version}`;
          try {
            if (!isApiKey(apiKey)) throw new Error(`served api key ${apiKey} has no schema`);
            const body = await conn.send(apiKey, version, BODIES[apiKey] ?? {});
            if (typeof body !== 'object' || body === null) failures.push(`${name}: no body`);
          } catch (error) {
            failures.push(`${name}: ${(error as Error).message}`);
          }
        }
      }
    } finally {
      conn.close();
    }
    expect(failures).toEqual([]);
    expect(served.length).toBeGreaterThan(20);
  });
});
