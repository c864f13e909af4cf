// @platformatic/kafka (the client streamctl's own commands use) against real controller +
// broker processes: Admin createTopics/listTopics/metadata, Producer send (acks all,
// idempotent), and a group Consumer reading the records back (keys, values, headers).
import { Admin, Consumer, Producer, ProduceAcks, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type KafkaProcesses } from './helpers/kafka-processes.js';
import { waitFor } from '../helpers/wait-for.js';

let k: KafkaProcesses;
let admin: Admin;

beforeAll(async () => {
  k = await startKafka({ brokers: 1 });
  admin = new Admin({ clientId: 'interop-admin', bootstrapBrokers: k.bootstrap.split(',') });
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await k?.stop();
});

describe('@platformatic/kafka against one broker', () => {
  it('Admin creates topics, lists them and reads their metadata', async () => {
    const created = await admin.createTopics({ topics: ['pk-admin'], partitions: 3, replicas: 1 });
    expect(created[0]!.name).toBe('pk-admin');
    expect(await admin.listTopics()).toContain('pk-admin');
    const meta = await admin.metadata({ topics: ['pk-admin'] });
    const topic = meta.topics.get('pk-admin')!;
    expect(topic.partitionsCount).toBe(3);
    expect(meta.brokers.get(1)).toMatchObject({ host: '127.0.0.1', port: k.broker(1).port });
  });

  it('a Producer sends and a group Consumer reads keys, values and headers back', async () => {
    await admin.createTopics({ topics: ['pk-data'], partitions: 2, replicas: 1 });
    const producer = new Producer({ clientId: 'interop-producer', bootstrapBrokers: k.bootstrap.split(','), serializers: stringSerializers, idempotent: true });
    const sent = Array.from({ length: 200 }, (_, i) => ({ topic: 'pk-data', key: `k${i}`, value: `v${i}`, headers: { n: String(i) } }));
    try {
      const res = await producer.send({ messages: sent, acks: ProduceAcks.ALL });
      expect(res.offsets?.length ?? 0).toBeGreaterThan(0);
    } finally {
      await producer.close();
    }
    const consumer = new Consumer({
      groupId: 'pk-group',
      clientId: 'interop-consumer',
      bootstrapBrokers: k.bootstrap.split(','),
      deserializers: stringDeserializers,
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
    });
    const received: Array<{ key: string; value: string; n: string }> = [];
    try {
      const stream = await consumer.consume({ topics: ['pk-data'], mode: 'earliest', autocommit: true });
      stream.on('data', (m) => {
        received.push({ key: m.key as string, value: m.value as string, n: String((m.headers as Map<string, string>).get('n')) });
      });
      await waitFor('all records consumed', () => received.length >= sent.length, 45_000);
      await stream.close();
    } finally {
      await consumer.close(true);
    }
    expect(received.map((r) => `${r.key}=${r.value}#${r.n}`).sort()).toEqual(sent.map((s) => `${s.key}=${s.value}#${s.headers.n}`).sort());
  });
});
