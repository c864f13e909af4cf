// kafkajs against real controller + broker processes: admin (create/list/delete topics,
// fetchTopicOffsets), producer (plain and idempotent), and a group consumer reading back
// what was produced.
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type KafkaProcesses } from './helpers/kafka-processes.js';
import { waitFor } from '../helpers/wait-for.js';

let k: KafkaProcesses;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  k = await startKafka({ brokers: 1 });
  kafka = new Kafka({ clientId: 'interop', brokers: k.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
  admin = kafka.admin();
  await admin.connect();
}, 60_000);

afterAll(async () => {
  await admin?.disconnect();
  await k?.stop();
});

describe('kafkajs against one broker', () => {
  it('the admin client creates, lists and deletes topics', async () => {
    expect(await admin.createTopics({ topics: [{ topic: 'kjs-admin', numPartitions: 2 }], waitForLeaders: true })).toBe(true);
    expect(await admin.listTopics()).toContain('kjs-admin');
    const meta = await admin.fetchTopicMetadata({ topics: ['kjs-admin'] });
    expect(meta.topics[0]!.partitions).toHaveLength(2);
    await admin.deleteTopics({ topics: ['kjs-admin'] });
    await waitFor('topic gone', async () => !(await admin.listTopics()).includes('kjs-admin'));
  });

  it('a producer sends and fetchTopicOffsets reports the high watermarks', async () => {
    await admin.createTopics({ topics: [{ topic: 'kjs-produce', numPartitions: 2 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    try {
      const res = await producer.send({
        topic: 'kjs-produce',
        acks: -1,
        messages: Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, key: `k${i}`, value: `v${i}` })),
      });
      expect(res.every((r) => r.errorCode === 0)).toBe(true);
    } finally {
      await producer.disconnect();
    }
    const offsets = await admin.fetchTopicOffsets('kjs-produce');
    expect(offsets.map((o) => [o.partition, o.high, o.low]).sort()).toEqual([
      [0, '5', '0'],
      [1, '5', '0'],
    ]);
  });

  it('an idempotent producer gets every record stored exactly once', async () => {
    await admin.createTopics({ topics: [{ topic: 'kjs-idem', numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      for (let batch = 0; batch < 5; batch++) {
        await producer.send({ topic: 'kjs-idem', acks: -1, messages: Array.from({ length: 20 }, (_, i) => ({ value: `b${batch}-${i}` })) });
      }
    } finally {
      await producer.disconnect();
    }
    const offsets = await admin.fetchTopicOffsets('kjs-idem');
    expect(offsets[0]!.high).toBe('100');
  });

  it('a group consumer reads back what was produced', async () => {
    await admin.createTopics({ topics: [{ topic: 'kjs-consume', numPartitions: 3 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    const sent = Array.from({ length: 300 }, (_, i) => `m${i}`);
    await producer.send({ topic: 'kjs-consume', messages: sent.map((value) => ({ key: value, value })) });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'kjs-group', sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    const received: string[] = [];
    try {
      await consumer.subscribe({ topic: 'kjs-consume', fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          received.push(message.value!.toString());
        },
      });
      await waitFor('all messages consumed', () => received.length >= sent.length, 45_000);
    } finally {
      await consumer.disconnect();
    }
    expect([...received].sort()).toEqual([...sent].sort());
  });
});
