// Committed offsets survive the group coordinator's broker being killed: the new leader of
// the group's __consumer_offsets partition reloads them from the replicated records.
// Build first (`npm run build`): the cluster runs from dist/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { brokerControl } from '../../../src/engine/cluster/local-cluster.js';
import { KafkaConnection } from '../../../src/engine/network/connection.js';
import { ApiKey } from '../../../src/engine/protocol/api-keys.js';
import { startTestCluster, type TestCluster } from '../../helpers/cluster.js';
import { waitFor } from '../../helpers/wait-for.js';

let cluster: TestCluster;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  cluster = await startTestCluster({ brokers: 3 });
  kafka = new Kafka({ clientId: 'failover', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10 } });
  admin = kafka.admin();
  await admin.connect();
}, 90_000);

afterAll(async () => {
  await admin?.disconnect().catch(() => undefined);
  await cluster?.stop();
}, 60_000);

async function findCoordinator(groupId: string, ports: number[]): Promise<number | undefined> {
  for (const port of ports) {
    try {
      const conn = await KafkaConnection.connect({ host: '127.0.0.1', port });
      try {
        const r = await conn.send(ApiKey.FindCoordinator, 3, { key: groupId, keyType: 0 });
        if (r.errorCode === 0) return r.nodeId as number;
      } finally {
        conn.close();
      }
    } catch {
      // that broker is down; ask the next one
    }
  }
  return undefined;
}

describe('group coordinator failover', () => {
  it('keeps committed offsets when the coordinator broker is killed', async () => {
    const topic = 'ledger';
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'durable', sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 500 });
    let consumed = 0;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => void consumed++ });
    await waitFor('30 records consumed', () => consumed >= 30, 45_000, 200);
    const ends = await admin.fetchTopicOffsets(topic);
    const committedEverywhere = async () => {
      const [c] = await admin.fetchOffsets({ groupId: 'durable', topics: [topic] });
      const byPartition = new Map(c!.partitions.map((p) => [p.partition, p.offset]));
      return ends.every((e) => byPartition.get(e.partition) === e.high);
    };
    await waitFor('offsets committed', committedEverywhere, 45_000, 200);
    await consumer.disconnect();

    const ports = cluster.clusterFile.brokers.map((b) => b.port);
    const coordinatorId = await waitFor('the group coordinator', () => findCoordinator('durable', ports), 45_000, 200);
    await brokerControl(cluster.dir, 'kill', coordinatorId);

    const survivors = cluster.clusterFile.brokers.filter((b) => b.id !== coordinatorId).map((b) => b.port);
    const next = await waitFor('a new coordinator', async () => {
      const id = await findCoordinator('durable', survivors);
      return id !== undefined && id !== coordinatorId ? id : undefined;
    }, 45_000, 200);
    expect(next).not.toBe(coordinatorId);
    const survivorAdmin = new Kafka({
      clientId: 'failover-2',
      brokers: survivors.map((p) => `127.0.0.1:${p}`),
      logLevel: logLevel.NOTHING,
    }).admin();
    await survivorAdmin.connect();
    try {
      await waitFor('the committed offsets on the new coordinator', async () => {
        const [c] = await survivorAdmin.fetchOffsets({ groupId: 'durable', topics: [topic] });
        const byPartition = new Map(c!.partitions.map((p) => [p.partition, p.offset]));
        return ends.every((e) => byPartition.get(e.partition) === e.high);
      }, 45_000, 200);
    } finally {
      await survivorAdmin.disconnect();
    }
  }, 150_000);
});
