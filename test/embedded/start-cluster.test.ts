// The programmatic cluster (src/embedded/start-cluster.ts) as a test suite uses it: three
// brokers, kafkajs producing and consuming (a real client, in this process), a broker killed
// in between, and nothing left behind by stop(): no process, no directory, no port lease.
import { Kafka, logLevel } from 'kafkajs';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { processesUnder } from '../../src/engine/cluster/ephemeral-cleanup.js';
import { PORT_LOCK_DIR } from '../../src/engine/cluster/port-lock.js';
import { startCluster, type EmbeddedCluster } from '../../src/embedded/start-cluster.js';
import { waitFor } from '../helpers/wait-for.js';

describe('startCluster (embedded, ephemeral)', () => {
  let cluster: EmbeddedCluster | undefined;
  afterAll(async () => cluster?.stop());

  it('starts three brokers, survives a broker kill and removes everything on stop', async () => {
    cluster = await startCluster({ brokers: 3, config: { 'num.partitions': 3 } });
    expect(cluster.ephemeral).toBe(true);
    expect(cluster.brokers).toHaveLength(3);
    expect(cluster.nimbusUrl).toBeNull();
    expect(processesUnder(cluster.dir).length).toBe(4); // controller + 3 brokers; no daemon process

    await cluster.createTopic('orders', { partitions: 6, replicationFactor: 3, config: { 'min.insync.replicas': 2 } });
    const kafka = new Kafka({ clientId: 'embedded-test', brokers: cluster.brokers, logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100 } });
    const producer = kafka.producer();
    await producer.connect();
    const values = Array.from({ length: 300 }, (_, i) => `order-${i}`);
    await producer.send({ topic: 'orders', acks: -1, messages: values.slice(0, 150).map((value, i) => ({ key: `k${i % 17}`, value })) });

    const killed = await cluster.killBroker(2);
    expect(killed.status).toBe('killed');
    // Read at once, while broker 2's partitions still name it as leader: the convenience
    // rides out the election, as Kafka's consumers do. A new leader's high watermark can trail
    // for a fetch round (as in Kafka), so wait for the 150 acknowledged records to be visible.
    const early = await cluster.readTopic('orders', { maxRecords: 150, timeoutMs: 30_000 });
    expect(early.map((r) => r.value!.toString()).sort()).toEqual(values.slice(0, 150).sort());
    await producer.send({ topic: 'orders', acks: -1, messages: values.slice(150).map((value, i) => ({ key: `k${i % 17}`, value })) });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'embedded-readers' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    const seen = new Set<string>();
    await consumer.run({ eachMessage: async ({ message }) => void seen.add(message.value!.toString()) });
    await waitFor('all 300 records consumed', () => seen.size === 300, 60_000);
    await consumer.disconnect();
    expect([...seen].sort()).toEqual([...values].sort());

    // The conveniences read the same data, and the broker comes back.
    const read = await cluster.readTopic('orders');
    expect(read.map((r) => r.value!.toString()).sort()).toEqual([...values].sort());
    expect((await cluster.startBroker(2)).status).toBe('running');

    const dir = cluster.dir;
    const basePort = cluster.describe().basePort;
    await cluster.stop();
    expect(processesUnder(dir)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(`${PORT_LOCK_DIR}/${basePort}`)).toBe(false);
    await cluster.stop(); // idempotent
  }, 180_000);

  it('produces and reads back keys, values, headers and timestamps', async () => {
    const c = await startCluster();
    try {
      await c.createTopic('events', { partitions: 2 });
      await c.produce('events', [
        { key: 'a', value: 'one', headers: { h: 'x' }, partition: 0, timestamp: 1_700_000_000_000 },
        { key: null, value: Buffer.from([0, 255]), partition: 1 },
        'plain',
      ]);
      const records = await c.readTopic('events', { maxRecords: 3, timeoutMs: 10_000 });
      expect(records).toHaveLength(3);
      const first = records.find((r) => r.key?.toString() === 'a')!;
      expect(first.value!.toString()).toBe('one');
      expect(first.headers.map(([k, v]) => [k, v!.toString()])).toEqual([['h', 'x']]);
      expect(first.timestamp).toBe(1_700_000_000_000n);
      expect(records.some((r) => r.value!.equals(Buffer.from([0, 255])))).toBe(true);
      await expect(c.readTopic('missing-topic')).rejects.toThrow(/Unknown topic missing-topic|does not exist/);
    } finally {
      await c.stop();
    }
    expect(existsSync(c.dir)).toBe(false);
  }, 120_000);

  it('refuses bad options before starting anything', async () => {
    await expect(startCluster({ brokers: 0 })).rejects.toThrow(/brokers must be an integer from 1/);
    await expect(startCluster({ brokers: 2.5 })).rejects.toThrow(/brokers must be an integer/);
  });
});
