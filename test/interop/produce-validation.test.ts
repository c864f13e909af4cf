// Batch validation on the wire: crafted Produce requests whose batches carry a valid CRC but
// undecodable or forbidden contents are refused by a real broker with Kafka's error codes,
// error_message and record_errors, and the topic then reads back clean with kcat (CRCs
// checked) holding only the good records.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaConnection } from '../../src/engine/network/connection.js';
import { ApiKey } from '../../src/engine/protocol/api-keys.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../src/engine/protocol/error-codes.js';
import { CompressionType } from '../../src/engine/protocol/records/record-batch.js';
import { buildRecordBatch } from '../../src/engine/protocol/records/record-codec.js';
import { craftBatch, craftRecord, craftRecords, gzipBomb } from '../helpers/crafted-batches.js';
import { createTopic, startKafka, type KafkaProcesses } from './helpers/kafka-processes.js';

const KCAT = '/usr/bin/kcat';
let k: KafkaProcesses;
let conn: KafkaConnection;

beforeAll(async () => {
  k = await startKafka({ brokers: 1 });
  conn = await KafkaConnection.connect({ host: '127.0.0.1', port: k.broker(1).port });
}, 60_000);

afterAll(async () => {
  conn?.close();
  await k?.stop();
});

async function produce(topic: string, records: Buffer): Promise<Message> {
  const res = await conn.send(ApiKey.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  return (res.responses as Message[])[0]!.partitionResponses[0] as Message;
}

function good(from: number, n: number): Buffer {
  return buildRecordBatch(Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${from + i}`), value: Buffer.from(`good-${from + i}`) })));
}

async function kcatRead(topic: string): Promise<string[]> {
  const { stdout } = await execa(KCAT, ['-C', '-b', k.bootstrap, '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-X', 'check.crcs=true', '-f', '%o %k %s\n']);
  return stdout.split('\n').filter((l) => l.length > 0);
}

describe('produce validation against a real broker', () => {
  it('refuses each crafted batch with its Kafka error and the topic reads back clean with kcat', async () => {
    await createTopic(k, 'validated', 1);
    expect((await produce('validated', good(0, 3))).errorCode).toBe(ErrorCode.NONE);

    const crafted: [string, Buffer, number][] = [
      ['record count larger than the records', craftBatch(craftRecords(2), { recordCount: 3 }), ErrorCode.INVALID_RECORD],
      ['record count smaller than the records', craftBatch(craftRecords(3), { recordCount: 2 }), ErrorCode.INVALID_RECORD],
      ['garbage varints', craftBatch(Buffer.alloc(64, 0xff), { recordCount: 1 }), ErrorCode.INVALID_RECORD],
      ['length prefix longer than the body', craftBatch(Buffer.concat([craftRecord({ lengthError: 3 }), craftRecord({}, 1)]), { recordCount: 2 }), ErrorCode.INVALID_RECORD],
      ['trailing bytes', craftBatch(Buffer.concat([craftRecords(1), Buffer.from([0, 0])]), { recordCount: 1 }), ErrorCode.INVALID_RECORD],
      ['offset deltas out of order', craftBatch(craftRecords(2, (i) => ({ offsetDelta: 1 - i })), { recordCount: 2 }), ErrorCode.INVALID_RECORD],
      ['compression codec 7', craftBatch(craftRecords(1), { recordCount: 1, attributes: 7 }), ErrorCode.CORRUPT_MESSAGE],
      ['a non-gzip payload under the gzip flag', craftBatch(craftRecords(5), { recordCount: 5, attributes: CompressionType.Gzip }), ErrorCode.CORRUPT_MESSAGE],
      ['a 200 MiB gzip bomb', craftBatch(await gzipBomb(200), { recordCount: 1, attributes: CompressionType.Gzip }), ErrorCode.MESSAGE_TOO_LARGE],
    ];
    for (const [what, records, code] of crafted) {
      const r = await produce('validated', records);
      expect({ what, errorCode: r.errorCode, baseOffset: r.baseOffset }).toEqual({ what, errorCode: code, baseOffset: -1n });
      expect(r.errorMessage, what).toMatch(/.+/);
    }
    const ordered = await produce('validated', craftBatch(craftRecords(2, (i) => ({ offsetDelta: 1 - i })), { recordCount: 2 }));
    expect(ordered.recordErrors).toEqual([
      { batchIndex: 0, batchIndexErrorMessage: expect.stringContaining('offset delta 1') },
      { batchIndex: 1, batchIndexErrorMessage: expect.stringContaining('offset delta 0') },
    ]);

    expect(await produce('validated', good(3, 2))).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 3n });
    expect(await kcatRead('validated')).toEqual(['0 k0 good-0', '1 k1 good-1', '2 k2 good-2', '3 k3 good-3', '4 k4 good-4']);
  }, 60_000);

  it('refuses a keyless record on a compacted topic with INVALID_RECORD and a record error', async () => {
    await createTopic(k, 'validated-compact', 1, 1, { 'cleanup.policy': 'compact' });
    const keyless = craftBatch(craftRecords(3, (i) => ({ key: i === 1 ? null : undefined })), { recordCount: 3 });
    const r = await produce('validated-compact', keyless);
    expect(r.errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(r.recordErrors).toEqual([{ batchIndex: 1, batchIndexErrorMessage: 'Compacted topic cannot accept message without key in topic partition validated-compact-0' }]);
    expect(r.errorMessage).toContain('One or more records have been rejected');
    expect((await produce('validated-compact', good(0, 2))).errorCode).toBe(ErrorCode.NONE);
    expect(await kcatRead('validated-compact')).toEqual(['0 k0 good-0', '1 k1 good-1']);
  }, 60_000);
});
