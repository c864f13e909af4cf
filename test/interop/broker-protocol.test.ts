// The broker's Kafka errors and edge cases on the wire, against real processes with our own
// codec as the client: idempotent duplicates and out-of-order sequences, max.message.bytes,
// unknown topics, fetch out of range and long polls, auto topic creation, and serving on
// with the controller down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaConnection } from '../../src/engine/network/connection.js';
import { ApiKey } from '../../src/engine/protocol/api-keys.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../src/engine/protocol/error-codes.js';
import { buildRecordBatch } from '../../src/engine/protocol/records/record-codec.js';
import { createTopic, metadataOf, startKafka, type KafkaProcesses } from './helpers/kafka-processes.js';
import { waitFor } from '../helpers/wait-for.js';
import { fetchBody } from './helpers/request-bodies.js';

let k: KafkaProcesses;
let conn: KafkaConnection;

beforeAll(async () => {
  k = await startKafka({ brokers: 1, settings: { 'auto.create.topics.enable': 'true', 'num.partitions': '2' } });
  conn = await KafkaConnection.connect({ host: '127.0.0.1', port: k.broker(1).port });
}, 60_000);

afterAll(async () => {
  conn?.close();
  await k?.stop();
});

async function produce(topic: string, records: Buffer, acks = 1, partition = 0): Promise<Message> {
  const res = await conn.send(ApiKey.Produce, 9, { transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
  return (res.responses as Message[])[0]!.partitionResponses[0] as Message;
}

describe('broker protocol behaviour', () => {
  it('an idempotent retry is acknowledged with the original offset and an out-of-order sequence is refused', async () => {
    await createTopic(k, 'idem', 1);
    const init = await conn.send(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
    expect(init.errorCode).toBe(ErrorCode.NONE);
    const producerId = init.producerId as bigint;
    const batch = (baseSequence: number, n: number) =>
      buildRecordBatch(Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`s${baseSequence + i}`) })), { producerId, producerEpoch: 0, baseSequence });
    const first = await produce('idem', batch(0, 5));
    expect(first).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0n });
    const second = await produce('idem', batch(5, 5));
    expect(second.baseOffset).toBe(5n);
    const retry = await produce('idem', batch(5, 5));
    expect(retry).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 5n });
    const gap = await produce('idem', batch(20, 5));
    expect(gap.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    const list = await conn.send(ApiKey.ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'idem', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }] });
    expect(((list.topics as Message[])[0]!.partitions[0] as Message).offset).toBe(10n);
  });

  it('producer ids are unique', async () => {
    const ids = new Set<bigint>();
    for (let i = 0; i < 5; i++) {
      const r = await conn.send(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
      ids.add(r.producerId as bigint);
    }
    expect(ids.size).toBe(5);
  });

  it('a batch larger than max.message.bytes gets MESSAGE_TOO_LARGE with a message', async () => {
    await createTopic(k, 'small', 1, 1, { 'max.message.bytes': '1000' });
    const big = buildRecordBatch([{ key: null, value: Buffer.alloc(5000, 1) }]);
    const r = await produce('small', big);
    expect(r.errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect(r.errorMessage).toContain('max.message.bytes');
    expect((await produce('small', buildRecordBatch([{ key: null, value: Buffer.from('ok') }]))).errorCode).toBe(ErrorCode.NONE);
  });

  it('a corrupt batch gets CORRUPT_MESSAGE and nothing is appended', async () => {
    await createTopic(k, 'corrupt', 1);
    const b = buildRecordBatch([{ key: null, value: Buffer.from('payload') }]);
    b[b.length - 1]! ^= 0xff;
    expect((await produce('corrupt', b)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    const ok = await produce('corrupt', buildRecordBatch([{ key: null, value: Buffer.from('fine') }]));
    expect(ok.baseOffset).toBe(0n);
  });

  it('produce and fetch on an unknown topic answer UNKNOWN_TOPIC_OR_PARTITION', async () => {
    expect((await produce('nope-unknown', buildRecordBatch([{ key: null, value: Buffer.from('x') }]))).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const f = await conn.send(ApiKey.Fetch, 11, fetchBody('nope-unknown', 0n));
    expect(((f.responses as Message[])[0]!.partitions[0] as Message).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('a fetch past the log end gets OFFSET_OUT_OF_RANGE with the log start offset', async () => {
    await createTopic(k, 'range', 1);
    await produce('range', buildRecordBatch([{ key: null, value: Buffer.from('a') }]));
    const f = await conn.send(ApiKey.Fetch, 11, fetchBody('range', 100n));
    expect((f.responses as Message[])[0]!.partitions[0]).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, logStartOffset: 0n });
  });

  it('a long-poll fetch waits for data and returns as soon as it is produced', async () => {
    await createTopic(k, 'poll', 1);
    const other = await KafkaConnection.connect({ host: '127.0.0.1', port: k.broker(1).port });
    try {
      const started = Date.now();
      const pending = other.send(ApiKey.Fetch, 11, fetchBody('poll', 0n, { maxWaitMs: 10_000, minBytes: 1 }));
      let done = false;
      void pending.then(() => (done = true));
      // Deliberately time, not a condition: nothing may answer the fetch within 200 ms.
      await new Promise((r) => setTimeout(r, 200));
      expect(done).toBe(false);
      await produce('poll', buildRecordBatch([{ key: null, value: Buffer.from('wake') }]));
      const res = await pending;
      expect(Date.now() - started).toBeLessThan(5000);
      const p = (res.responses as Message[])[0]!.partitions[0] as Message;
      expect(p.errorCode).toBe(ErrorCode.NONE);
      expect((p.records as Buffer).includes(Buffer.from('wake'))).toBe(true);
      // And an empty long poll ends after maxWaitMs with no records.
      const t0 = Date.now();
      const empty = await other.send(ApiKey.Fetch, 11, fetchBody('poll', 1n, { maxWaitMs: 300, minBytes: 1 }));
      expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
      expect(((empty.responses as Message[])[0]!.partitions[0] as Message).records?.length ?? 0).toBe(0);
    } finally {
      other.close();
    }
  });

  it('Fetch v13+ addresses topics by id', async () => {
    await createTopic(k, 'byid', 1);
    await produce('byid', buildRecordBatch([{ key: null, value: Buffer.from('id!') }]));
    const m = await metadataOf(k.broker(1).port, ['byid']);
    const topicId = (m.topics as Message[])[0]!.topicId as string;
    const res = await conn.send(ApiKey.Fetch, 16, {
      ...fetchBody('byid', 0n),
      topics: [{ topicId, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n, lastFetchedEpoch: -1 }] }],
    });
    const t = (res.responses as Message[])[0]!;
    expect(t.topicId).toBe(topicId);
    expect((t.partitions[0].records as Buffer).includes(Buffer.from('id!'))).toBe(true);
  });

  it('Metadata auto-creates a topic when auto.create.topics.enable is true', async () => {
    const first = await conn.send(ApiKey.Metadata, 12, { topics: [{ name: 'auto-made' }], allowAutoTopicCreation: true });
    expect([ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.NONE]).toContain((first.topics as Message[])[0]!.errorCode);
    const m = await waitFor('auto-created topic', async () => {
      const r = await conn.send(ApiKey.Metadata, 12, { topics: [{ name: 'auto-made' }], allowAutoTopicCreation: true });
      const t = (r.topics as Message[])[0]!;
      return t.errorCode === ErrorCode.NONE && (t.partitions as Message[]).every((p) => p.leaderId === 1) ? t : undefined;
    });
    expect(m.partitions).toHaveLength(2);
  });

  it('with the controller down the broker keeps serving produce and fetch, and registers again when it is back', async () => {
    await createTopic(k, 'no-controller', 1);
    await k.controller.kill('SIGKILL');
    try {
      const r = await produce('no-controller', buildRecordBatch([{ key: null, value: Buffer.from('still here') }]));
      expect(r.errorCode).toBe(ErrorCode.NONE);
      const f = await conn.send(ApiKey.Fetch, 11, fetchBody('no-controller', 0n));
      expect(((f.responses as Message[])[0]!.partitions[0] as Message).records.includes(Buffer.from('still here'))).toBe(true);
      const create = await conn.send(ApiKey.CreateTopics, 5, { topics: [{ name: 'later', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 15_000, validateOnly: false });
      expect((create.topics as Message[])[0]!.errorCode).toBe(ErrorCode.NOT_CONTROLLER);
    } finally {
      await k.controller.start();
    }
    // The broker reconnects (with backoff) and forwards admin requests again.
    await waitFor('admin requests forwarded again', () => createTopic(k, 'later', 1).then(() => true), 20_000, 200);
  });
});
