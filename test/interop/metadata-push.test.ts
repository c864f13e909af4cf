// A topic is usable on every broker the moment CreateTopics (or CreatePartitions) answers: the
// controller pushes the change to the live brokers and answers only once they applied it.
// 100 create-then-produce trials through each of 3 brokers, with no wait between the answer
// and the produce: zero UNKNOWN_TOPIC_OR_PARTITION / NOT_LEADER answers anywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaConnection } from '../../src/engine/network/connection.js';
import { ApiKey } from '../../src/engine/protocol/api-keys.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../src/engine/protocol/error-codes.js';
import { buildRecordBatch } from '../../src/engine/protocol/records/record-codec.js';
import { createTopic, startKafka, type KafkaProcesses } from './helpers/kafka-processes.js';

let k: KafkaProcesses;
const conns = new Map<number, KafkaConnection>();

beforeAll(async () => {
  k = await startKafka({ brokers: 3 });
  await createTopic(k, 'warm-up', 3); // every broker registered, unfenced and reachable
  for (const b of k.brokers) conns.set(b.id, await KafkaConnection.connect({ host: '127.0.0.1', port: b.port, requestTimeoutMs: 20_000 }));
}, 90_000);

afterAll(async () => {
  for (const c of conns.values()) c.close();
  await k?.stop();
});

/** Every broker's metadata for `topic`, then a produce to each partition's leader; returns the problems seen. */
async function useAtOnce(topic: string, partitions: number[]): Promise<string[]> {
  const problems: string[] = [];
  const leaders = new Map<number, number>();
  for (const [id, conn] of conns) {
    const md = await conn.send(ApiKey.Metadata, 12, { topics: [{ name: topic }], allowAutoTopicCreation: false });
    const t = (md.topics as Message[])[0]!;
    if (t.errorCode !== ErrorCode.NONE) problems.push(`broker ${id} Metadata(${topic}) error ${t.errorCode}`);
    for (const p of partitions) {
      const pm = (t.partitions as Message[]).find((x) => x.partitionIndex === p);
      if (!pm || pm.leaderId < 0) problems.push(`broker ${id} knows no leader for ${topic}-${p}`);
      else leaders.set(p, pm.leaderId);
    }
  }
  for (const [p, leader] of leaders) {
    const res = await conns.get(leader)!.send(ApiKey.Produce, 9, {
      acks: -1,
      timeoutMs: 10_000,
      topicData: [{ name: topic, partitionData: [{ index: p, records: buildRecordBatch([{ key: null, value: Buffer.from(`${topic}-${p}`) }]) }] }],
    });
    const code = (res.responses as Message[])[0]!.partitionResponses[0].errorCode as number;
    if (code !== ErrorCode.NONE) problems.push(`produce to ${topic}-${p} on broker ${leader}: error ${code}`);
  }
  return problems;
}

describe('metadata pushed to every broker before admin requests answer', () => {
  it('100 create-then-produce trials through each broker see no unknown partition', async () => {
    const problems: string[] = [];
    for (const [id, conn] of conns) {
      for (let i = 0; i < 100; i++) {
        const topic = `push-${id}-${i}`;
        const res = await conn.send(ApiKey.CreateTopics, 7, { topics: [{ name: topic, numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 15_000, validateOnly: false });
        const t = (res.topics as Message[])[0]!;
        if (t.errorCode !== ErrorCode.NONE) problems.push(`CreateTopics ${topic} via ${id}: ${t.errorCode} ${t.errorMessage}`);
        else problems.push(...(await useAtOnce(topic, [0, 1, 2])));
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  }, 240_000);

  it('20 create-partitions-then-produce trials reach the new partition at once', async () => {
    const topic = 'grows';
    const conn = conns.get(2)!;
    const created = await conn.send(ApiKey.CreateTopics, 7, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 15_000, validateOnly: false });
    expect((created.topics as Message[])[0]!.errorCode).toBe(ErrorCode.NONE);
    const problems: string[] = [];
    for (let count = 2; count <= 21; count++) {
      const res = await conn.send(ApiKey.CreatePartitions, 3, { topics: [{ name: topic, count, assignments: null }], timeoutMs: 15_000, validateOnly: false });
      const r = (res.results as Message[])[0]!;
      if (r.errorCode !== ErrorCode.NONE) problems.push(`CreatePartitions ${count}: ${r.errorCode} ${r.errorMessage}`);
      else problems.push(...(await useAtOnce(topic, [count - 1])));
    }
    expect(problems.slice(0, 10)).toEqual([]);
  }, 120_000);
});
