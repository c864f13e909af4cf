// A leader whose older segment is damaged on disk answers KAFKA_STORAGE_ERROR for the bad
// range (not bytes that fail in the client) and hands leadership to an in-sync replica, from
// which every record reads intact.
import { closeSync, openSync, readdirSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaConnection } from '../../src/engine/network/connection.js';
import { ApiKey } from '../../src/engine/protocol/api-keys.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../src/engine/protocol/error-codes.js';
import { iterateBatchPositions } from '../../src/engine/protocol/records/record-batch.js';
import { buildRecordBatch, decodeRecordBatch } from '../../src/engine/protocol/records/record-codec.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/wait-for.js';

const settings = { 'broker.heartbeat.interval.ms': '200', 'broker.session.timeout.ms': '3000', 'auto.leader.rebalance.enable': 'false' };
let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function send(port: number, apiKey: number, version: number, body: Record<string, unknown>): Promise<Message> {
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port, connectTimeoutMs: 2000, requestTimeoutMs: 10_000 });
  try {
    return await conn.send(apiKey, version, body);
  } finally {
    conn.close();
  }
}

async function partitionState(port: number, topic: string): Promise<Message> {
  const md = await send(port, ApiKey.Metadata, 12, { topics: [{ name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  return ((md.topics as Message[])[0]!.partitions as Message[])[0]!;
}

async function fetchFrom(port: number, topic: string, offset: bigint): Promise<Message> {
  const res = await send(port, ApiKey.Fetch, 11, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 50 * 1024 * 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 10 * 1024 * 1024, currentLeaderEpoch: -1, logStartOffset: -1n }] }],
    forgottenTopicsData: [], rackId: '',
  });
  return (res.responses as Message[])[0]!.partitions[0] as Message;
}

async function readAll(port: number, topic: string): Promise<string[]> {
  const out: string[] = [];
  let offset = 0n;
  for (;;) {
    const p = await fetchFrom(port, topic, offset);
    if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode}`);
    const records = p.records as Buffer | null;
    if (!records || records.length === 0) return out;
    for (const b of iterateBatchPositions(records)) {
      for (const r of decodeRecordBatch(records, b.position).records) {
        out.push(r.value!.toString());
        offset = r.offset + 1n;
      }
    }
  }
}

describe('a leader with a damaged older segment', () => {
  it('answers KAFKA_STORAGE_ERROR and hands leadership to an in-sync replica with good data', async () => {
    cluster = await startTestCluster({ brokers: 3, settings });
    const file = cluster.readClusterFile();
    const port = (id: number) => file.brokers.find((b) => b.id === id)!.port;
    const created = await send(file.controller.port, ApiKey.CreateTopics, 5, {
      topics: [{ name: 'damaged', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2, 3] }], configs: [{ name: 'segment.bytes', value: '4096' }] }],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    expect((created.topics as Message[])[0]!.errorCode).toBe(0);
    await waitFor('broker 1 leads with a full ISR', async () => {
      const p = await partitionState(port(1), 'damaged');
      return p.leaderId === 1 && (p.isrNodes as number[]).length === 3;
    });
    const values: string[] = [];
    for (let i = 0; i < 40; i++) {
      const batchValues = Array.from({ length: 10 }, (_, j) => `v${i}-${j}-${'y'.repeat(40)}`);
      const records = buildRecordBatch(batchValues.map((v) => ({ key: null, value: Buffer.from(v) })));
      const res = await send(port(1), ApiKey.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'damaged', partitionData: [{ index: 0, records }] }] });
      expect(((res.responses as Message[])[0]!.partitionResponses[0] as Message).errorCode).toBe(0);
      values.push(...batchValues);
    }
    const partitionDir = join(cluster.dir, 'broker-1', 'damaged-0');
    const segments = readdirSync(partitionDir).filter((f) => f.endsWith('.log')).sort();
    expect(segments.length).toBeGreaterThan(2);
    // Damage a byte inside the first (older, on-disk) segment of the leader only.
    const fd = openSync(join(partitionDir, segments[0]!), 'r+');
    const one = Buffer.alloc(1);
    readSync(fd, one, 0, 1, 300);
    one[0]! ^= 0xff;
    writeSync(fd, one, 0, 1, 300);
    closeSync(fd);

    const p = await fetchFrom(port(1), 'damaged', 0n);
    expect(p.errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    const moved = await waitFor('leadership moved off broker 1', async () => {
      const st = await partitionState(port(2), 'damaged');
      return st.leaderId !== 1 && st.leaderId > 0 ? st : undefined;
    });
    expect(await readAll(port(moved.leaderId as number), 'damaged')).toEqual(values);
  });
});
