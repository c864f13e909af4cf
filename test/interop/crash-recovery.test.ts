// kill -9 of a broker while a producer runs with acks=1: after a restart every acknowledged
// record is there at its acknowledged offset, a torn tail (half a batch at the end of the
// active segment) is cut at the last whole batch, and the broker serves reads and appends.
import { appendFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaConnection } from '../../src/engine/network/connection.js';
import { ApiKey } from '../../src/engine/protocol/api-keys.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { buildRecordBatch, decodeRecordBatch } from '../../src/engine/protocol/records/record-codec.js';
import { iterateBatchPositions } from '../../src/engine/protocol/records/record-batch.js';
import { createTopic, startKafka, type KafkaProcesses } from './helpers/kafka-processes.js';
import { waitFor } from '../helpers/wait-for.js';

let k: KafkaProcesses;

beforeAll(async () => {
  k = await startKafka({ brokers: 1 });
}, 60_000);

afterAll(async () => {
  await k?.stop();
});

function batchOf(seqStart: number, n: number): Buffer {
  return buildRecordBatch(Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${seqStart + i}`), value: Buffer.from(`value-${seqStart + i}`) })));
}

async function produce(conn: KafkaConnection, topic: string, records: Buffer, acks = 1): Promise<{ errorCode: number; baseOffset: bigint }> {
  const res = await conn.send(ApiKey.Produce, 9, { transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  const p = (res.responses as Message[])[0]!.partitionResponses[0] as Message;
  return { errorCode: p.errorCode as number, baseOffset: p.baseOffset as bigint };
}

async function readAll(port: number, topic: string): Promise<Map<bigint, string>> {
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port });
  const out = new Map<bigint, string>();
  try {
    let offset = 0n;
    for (;;) {
      const res = await conn.send(ApiKey.Fetch, 11, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 50 * 1024 * 1024,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 10 * 1024 * 1024, currentLeaderEpoch: -1, logStartOffset: -1n }] }],
        forgottenTopicsData: [],
        rackId: '',
      });
      const p = (res.responses as Message[])[0]!.partitions[0] as Message;
      if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode}`);
      const records = p.records as Buffer | null;
      if (!records || records.length === 0) break;
      for (const b of iterateBatchPositions(records)) {
        for (const r of decodeRecordBatch(records, b.position).records) {
          out.set(r.offset, r.value!.toString());
          offset = r.offset + 1n;
        }
      }
    }
  } finally {
    conn.close();
  }
  return out;
}

describe('broker crash safety', () => {
  it('after kill -9 during acks=1 produce every acknowledged record is there and the broker serves reads and appends', async () => {
    const topic = 'crash';
    await createTopic(k, topic, 1);
    const broker = k.broker(1);
    const acked: Array<{ seq: number; n: number; baseOffset: bigint }> = [];
    const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: broker.port, requestTimeoutMs: 5000 });
    let seq = 0;
    let stop = false;
    // Pipelined producer: several requests in flight, like a real client.
    const producers = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const start = seq;
        const n = 50;
        seq += n;
        try {
          const r = await produce(conn, topic, batchOf(start, n));
          if (r.errorCode === 0) acked.push({ seq: start, n, baseOffset: r.baseOffset });
        } catch {
          return; // connection died with the broker
        }
      }
    });
    await waitFor('some acknowledged batches', () => acked.length >= 200, 30_000, 5);
    await broker.kill('SIGKILL');
    stop = true;
    await Promise.all(producers);
    conn.close();

    // Simulate a torn write: half a batch at the end of the active segment.
    const dir = join(broker.dataDir, `${topic}-0`);
    const active = readdirSync(dir).filter((f) => f.endsWith('.log')).sort().at(-1)!;
    const sizeBefore = statSync(join(dir, active)).size;
    appendFileSync(join(dir, active), batchOf(999_999, 10).subarray(0, 40));

    await broker.start();
    await k.waitForMetadata((m) => (m.topics as Message[]).some((t) => t.name === topic && (t.partitions as Message[])[0]!.leaderId === 1));
    const stored = await waitFor('records readable', async () => {
      const all = await readAll(broker.port, topic);
      return all.size > 0 ? all : undefined;
    });
    // The torn tail was cut at the last whole batch.
    expect(statSync(join(dir, active)).size).toBe(sizeBefore);
    for (const a of acked) {
      for (let i = 0; i < a.n; i++) {
        const v = stored.get(a.baseOffset + BigInt(i));
        if (v !== `value-${a.seq + i}`) throw new Error(`acknowledged record ${a.seq + i} at offset ${a.baseOffset + BigInt(i)} is ${v}`);
      }
    }
    // Offsets are dense from 0.
    const offsets = [...stored.keys()].sort((x, y) => (x < y ? -1 : 1));
    expect(offsets[0]).toBe(0n);
    expect(offsets.at(-1)).toBe(BigInt(offsets.length - 1));

    // It appends again, right after what survived.
    const after = await KafkaConnection.connect({ host: '127.0.0.1', port: broker.port });
    try {
      const r = await waitFor('append after restart', async () => {
        const res = await produce(after, topic, batchOf(5_000_000, 3));
        return res.errorCode === 0 ? res : undefined;
      });
      expect(r.baseOffset).toBe(BigInt(offsets.length));
    } finally {
      after.close();
    }
    const again = await readAll(broker.port, topic);
    expect(again.get(BigInt(offsets.length) + 2n)).toBe('value-5000002');
  });

  it('SIGTERM stops the broker cleanly (exit 0, clean-shutdown marker) and the data is served after a restart', async () => {
    const topic = 'graceful';
    await createTopic(k, topic, 1);
    const broker = k.broker(1);
    const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: broker.port });
    try {
      for (let i = 0; i < 10; i++) expect((await produce(conn, topic, batchOf(i * 10, 10))).errorCode).toBe(0);
    } finally {
      conn.close();
    }
    await broker.kill('SIGTERM');
    expect(broker.exitCode()).toBe(0);
    expect(existsSync(join(broker.dataDir, '.kafka_cleanshutdown'))).toBe(true);
    await broker.start();
    await k.waitForMetadata((m) => (m.topics as Message[]).some((t) => t.name === topic && (t.partitions as Message[])[0]!.leaderId === 1));
    const stored = await waitFor('records readable', async () => {
      const all = await readAll(broker.port, topic);
      return all.size === 100 ? all : undefined;
    });
    expect(stored.get(99n)).toBe('value-99');
  });
});
