import { gzipSync } from 'node:zlib';
import { compressFrameSync } from 'lz4-napi';
import { compressSync as snappyRaw } from 'snappy';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/common/clock.js';
import { compress } from '../../../src/engine/protocol/records/compression.js';
import { CompressionType, computeBatchCrc, makeAttributes, readBatchHeader } from '../../../src/engine/protocol/records/record-batch.js';
import { buildRecordBatch, decodeRecordBatch } from '../../../src/engine/protocol/records/record-codec.js';
import { RecordsError } from '../../../src/engine/protocol/records/records-error.js';
import { validateRecordsAsLeader, type LogValidatorConfig } from '../../../src/engine/storage/log-validator.js';
import { craftBatch, craftRecord, craftRecords, gzipBomb, zstdBomb } from '../../helpers/crafted-batches.js';
import { batch, config, makeTempDir, openLog } from './helpers.js';

const CORRUPT_MESSAGE = 2;
const MESSAGE_TOO_LARGE = 10;
const INVALID_TIMESTAMP = 32;
const INVALID_RECORD = 87;
const NOW = 1_700_000_000_000;

function validate(records: Buffer, overrides: Record<string, string> = {}): ReturnType<typeof validateRecordsAsLeader> {
  const c: LogValidatorConfig = config(overrides);
  return validateRecordsAsLeader(records, { topicPartition: 'orders-0', config: c, nowMs: NOW });
}

function failure(records: Buffer, overrides: Record<string, string> = {}): RecordsError {
  try {
    validate(records, overrides);
  } catch (error) {
    if (error instanceof RecordsError) return error;
    throw error;
  }
  throw new Error('the records were accepted');
}

/** A batch of `n` crafted records compressed with `codec` (the records section compressed as a whole). */
function compressedBatch(codec: CompressionType, body: Buffer, recordCount: number): Buffer {
  return craftBatch(compress(codec, body), { attributes: makeAttributes({ compression: codec }), recordCount });
}

describe('log validator: record structure', () => {
  it('accepts well-formed uncompressed records and counts them', () => {
    const r = validate(Buffer.concat([craftBatch(craftRecords(3), { recordCount: 3 }), craftBatch(craftRecords(2), { recordCount: 2 })]));
    expect(r.recordCount).toBe(5);
    expect(r.batches).toHaveLength(2);
  });

  it('refuses a record count larger than the records present with INVALID_RECORD', () => {
    const e = failure(craftBatch(craftRecords(2), { recordCount: 3 }));
    expect(e.kafkaErrorCode).toBe(INVALID_RECORD);
    expect(e.message).toContain('premature EOF');
  });

  it('refuses a record count smaller than the records present with INVALID_RECORD', () => {
    const e = failure(craftBatch(craftRecords(3), { recordCount: 2 }));
    expect(e.kafkaErrorCode).toBe(INVALID_RECORD);
    expect(e.message).toContain('records still remaining');
  });

  it('refuses garbage varints with INVALID_RECORD', () => {
    expect(failure(craftBatch(Buffer.alloc(40, 0xff), { recordCount: 1 })).kafkaErrorCode).toBe(INVALID_RECORD);
  });

  it('refuses a varint longer than 5 bytes inside a record with INVALID_RECORD', () => {
    // length prefix (zig-zag 11), attributes, timestamp delta 0, an offset delta of six bytes, null key and value, no headers
    const body = Buffer.from([22, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 1, 1, 0]);
    expect(failure(craftBatch(body, { recordCount: 1 })).message).toContain('longer than 5 bytes');
  });

  it('refuses a length prefix longer than the record body with INVALID_RECORD', () => {
    const body = Buffer.concat([craftRecord({ lengthError: 2 }, 0), craftRecord({}, 1)]);
    expect(failure(craftBatch(body, { recordCount: 2 })).kafkaErrorCode).toBe(INVALID_RECORD);
  });

  it('refuses a length prefix shorter than the record body with INVALID_RECORD', () => {
    const e = failure(craftBatch(Buffer.concat([craftRecord({ lengthError: -1 }, 0)]), { recordCount: 1 }));
    expect(e.kafkaErrorCode).toBe(INVALID_RECORD);
  });

  it('refuses a length prefix running past the end of the batch with INVALID_RECORD', () => {
    expect(failure(craftBatch(craftRecord({ lengthError: 100 }), { recordCount: 1 })).message).toContain('Invalid record size');
  });

  it('refuses trailing bytes after the last record with INVALID_RECORD', () => {
    const e = failure(craftBatch(Buffer.concat([craftRecords(2), Buffer.from([1, 2, 3])]), { recordCount: 2 }));
    expect(e.kafkaErrorCode).toBe(INVALID_RECORD);
    expect(e.recordErrors).toEqual([{ batchIndex: 1, message: e.message }]);
  });

  it('refuses a negative header count with INVALID_RECORD', () => {
    expect(failure(craftBatch(craftRecord({ headerCount: -1 }), { recordCount: 1 })).message).toContain('invalid number of record headers');
  });

  it('refuses a header count larger than the headers present with INVALID_RECORD', () => {
    const record = craftRecord({ headerCount: 1_000_000 });
    expect(failure(craftBatch(record, { recordCount: 1 })).kafkaErrorCode).toBe(INVALID_RECORD);
  });

  it('refuses a key size below -1 with INVALID_RECORD', () => {
    const body = Buffer.from([4, 0, 0, 0, 3]); // length 4: attributes, ts delta, offset delta, key size -2
    expect(failure(craftBatch(body, { recordCount: 1 })).kafkaErrorCode).toBe(INVALID_RECORD);
  });

  it('refuses offset deltas that do not run 0..n-1 with INVALID_RECORD and a record error per record', () => {
    const e = failure(craftBatch(craftRecords(3, (i) => ({ offsetDelta: [0, 2, 1][i] })), { recordCount: 3 }));
    expect(e.kafkaErrorCode).toBe(INVALID_RECORD);
    expect(e.recordErrors.map((r) => r.batchIndex)).toEqual([1, 2]);
  });

  it('reports record errors by index across the batches of one request', () => {
    const e = failure(Buffer.concat([craftBatch(craftRecords(2), { recordCount: 2 }), craftBatch(craftRecords(2, (i) => ({ offsetDelta: i + 5 })), { recordCount: 2 })]));
    expect(e.recordErrors.map((r) => r.batchIndex)).toEqual([2, 3]);
  });
});

describe('log validator: attributes', () => {
  it.each([5, 6, 7])('refuses compression codec %i with CORRUPT_MESSAGE', (codec) => {
    const e = failure(craftBatch(craftRecords(1), { recordCount: 1, attributes: codec }));
    expect(e.kafkaErrorCode).toBe(CORRUPT_MESSAGE);
    expect(e.message).toContain(`Unknown compression type id ${codec}`);
  });

  it('refuses control batches from clients with INVALID_RECORD', () => {
    expect(failure(craftBatch(craftRecords(1), { recordCount: 1, attributes: makeAttributes({ control: true }) })).kafkaErrorCode).toBe(INVALID_RECORD);
  });

  it('refuses transactional batches without a producer id with INVALID_RECORD', () => {
    const attributes = makeAttributes({ transactional: true });
    expect(failure(craftBatch(craftRecords(1), { recordCount: 1, attributes, producerId: -1n, baseSequence: -1 })).kafkaErrorCode).toBe(INVALID_RECORD);
  });

  it('refuses the delete-horizon bit from clients with INVALID_RECORD', () => {
    expect(failure(craftBatch(craftRecords(1), { recordCount: 1, attributes: makeAttributes({ deleteHorizon: true }) })).kafkaErrorCode).toBe(INVALID_RECORD);
  });

  it('refuses a producer id without a base sequence with INVALID_RECORD', () => {
    expect(failure(craftBatch(craftRecords(1), { recordCount: 1, producerId: 9n, baseSequence: -1 })).message).toContain('Invalid sequence number -1');
  });

  it('refuses a zero record count with INVALID_RECORD', () => {
    expect(failure(craftBatch(Buffer.alloc(0), { recordCount: 0, lastOffsetDelta: 0 })).kafkaErrorCode).toBe(INVALID_RECORD);
  });

  it('refuses a last offset delta inconsistent with the record count with INVALID_RECORD', () => {
    expect(failure(craftBatch(craftRecords(2), { recordCount: 2, lastOffsetDelta: 5 })).message).toContain('Inconsistent batch offset range');
  });

  it('refuses a bad CRC with CORRUPT_MESSAGE', () => {
    const b = craftBatch(craftRecords(2), { recordCount: 2 });
    b[b.length - 1]! ^= 1;
    expect(failure(b).kafkaErrorCode).toBe(CORRUPT_MESSAGE);
  });
});

const CODECS = [
  ['gzip', CompressionType.Gzip],
  ['snappy', CompressionType.Snappy],
  ['lz4', CompressionType.Lz4],
  ['zstd', CompressionType.Zstd],
] as const;

describe('log validator: compression', () => {
  it.each(CODECS)('accepts a %s batch whose records are well formed', (_name, codec) => {
    expect(validate(buildRecordBatch([{ key: Buffer.from('a'), value: Buffer.alloc(3000, 1) }, { key: null, value: Buffer.from('b') }], { compression: codec })).recordCount).toBe(2);
  });

  it('accepts raw (non-xerial) snappy as librdkafka may send it', () => {
    expect(validate(craftBatch(snappyRaw(craftRecords(4)), { recordCount: 4, attributes: CompressionType.Snappy })).recordCount).toBe(4);
  });

  it.each(CODECS)('refuses a payload that is not %s under the %s flag with CORRUPT_MESSAGE', (_name, codec) => {
    const e = failure(craftBatch(Buffer.from('this is plainly not compressed data, just text'), { recordCount: 1, attributes: codec }));
    expect(e.kafkaErrorCode).toBe(CORRUPT_MESSAGE);
    expect(e.message).toContain('Cannot decompress records');
  });

  it('refuses a truncated gzip payload with CORRUPT_MESSAGE', () => {
    const gz = gzipSync(craftRecords(50));
    expect(failure(craftBatch(gz.subarray(0, gz.length - 20), { recordCount: 50, attributes: CompressionType.Gzip })).kafkaErrorCode).toBe(CORRUPT_MESSAGE);
  });

  it('refuses a compressed batch whose decompressed records are malformed with INVALID_RECORD', () => {
    expect(failure(compressedBatch(CompressionType.Gzip, craftRecords(3), 4)).kafkaErrorCode).toBe(INVALID_RECORD);
    expect(failure(compressedBatch(CompressionType.Zstd, Buffer.alloc(30, 0xff), 1)).kafkaErrorCode).toBe(INVALID_RECORD);
  });

  it('refuses a compressed batch without a key on a compacted topic', () => {
    const e = failure(compressedBatch(CompressionType.Lz4, craftRecords(2, (i) => ({ key: i === 1 ? null : Buffer.from('k') })), 2), { 'cleanup.policy': 'compact' });
    expect(e.kafkaErrorCode).toBe(INVALID_RECORD);
    expect(e.recordErrors).toEqual([{ batchIndex: 1, message: 'Compacted topic cannot accept message without key in topic partition orders-0' }]);
  });

  it('refuses a 200 MiB gzip bomb with MESSAGE_TOO_LARGE without allocating its size', async () => {
    const bomb = craftBatch(await gzipBomb(200), { recordCount: 1, attributes: CompressionType.Gzip });
    expect(bomb.length).toBeLessThan(1_048_588);
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 1);
    const e = failure(bomb);
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    clearInterval(timer);
    expect(e.kafkaErrorCode).toBe(MESSAGE_TOO_LARGE);
    expect(e.message).toContain('decompresses to more than max.message.bytes');
    expect(peak - before).toBeLessThan(32 * 1024 * 1024);
  }, 30_000);

  it('refuses a 200 MiB zstd bomb with MESSAGE_TOO_LARGE without allocating its size', () => {
    const bomb = craftBatch(zstdBomb(200), { recordCount: 1, attributes: CompressionType.Zstd });
    const before = process.memoryUsage().arrayBuffers;
    const e = failure(bomb);
    expect(e.kafkaErrorCode).toBe(MESSAGE_TOO_LARGE);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 1024 * 1024);
  });

  it.each([
    ['snappy (xerial)', CompressionType.Snappy, (d: Buffer) => compress(CompressionType.Snappy, d)],
    ['snappy (raw)', CompressionType.Snappy, (d: Buffer) => snappyRaw(d)],
    ['lz4', CompressionType.Lz4, (d: Buffer) => compressFrameSync(d)],
  ] as const)('refuses a %s payload declaring more than max.message.bytes before decompressing it', (_name, codec, pack) => {
    const e = failure(craftBatch(pack(Buffer.alloc(8 * 1024 * 1024)), { recordCount: 1, attributes: codec }));
    expect(e.kafkaErrorCode).toBe(MESSAGE_TOO_LARGE);
  });

  it('counts the decompressed size against the topic max.message.bytes', () => {
    const b = buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.alloc(20_000) }], { compression: CompressionType.Gzip });
    expect(b.length).toBeLessThan(5000);
    expect(failure(b, { 'max.message.bytes': '10000' }).kafkaErrorCode).toBe(MESSAGE_TOO_LARGE);
    expect(validate(b, { 'max.message.bytes': '30000' }).recordCount).toBe(1);
  });
});

describe('log validator: keys and timestamps', () => {
  it('refuses a record without key on a compacted topic with Kafka\'s message', () => {
    const e = failure(craftBatch(craftRecords(3, (i) => ({ key: i === 2 ? null : undefined })), { recordCount: 3 }), { 'cleanup.policy': 'compact,delete' });
    expect(e.kafkaErrorCode).toBe(INVALID_RECORD);
    expect(e.recordErrors).toEqual([{ batchIndex: 2, message: 'Compacted topic cannot accept message without key in topic partition orders-0' }]);
    expect(e.message).toContain('One or more records have been rejected due to 1 record errors in total');
  });

  it('accepts records without key on a delete-only topic', () => {
    expect(validate(craftBatch(craftRecords(2, () => ({ key: null })), { recordCount: 2 })).recordCount).toBe(2);
  });

  it('refuses CreateTime records older than message.timestamp.before.max.ms with INVALID_TIMESTAMP per record', () => {
    const base = BigInt(NOW - 120_000);
    const e = failure(craftBatch(craftRecords(3, (i) => ({ timestampDelta: BigInt(i * 60_000) })), { recordCount: 3, baseTimestamp: base }), { 'message.timestamp.before.max.ms': '60000' });
    expect(e.kafkaErrorCode).toBe(INVALID_TIMESTAMP);
    expect(e.recordErrors.map((r) => r.batchIndex)).toEqual([0]);
    expect(e.recordErrors[0]!.message).toContain(`Timestamp ${NOW - 120_000} of message with offset 0 is out of range`);
  });

  it('refuses CreateTime records further ahead than message.timestamp.after.max.ms with INVALID_TIMESTAMP', () => {
    const e = failure(craftBatch(craftRecords(2, (i) => ({ timestampDelta: BigInt(i * 7_200_000) })), { recordCount: 2, baseTimestamp: BigInt(NOW) }), { 'message.timestamp.after.max.ms': '3600000' });
    expect(e.kafkaErrorCode).toBe(INVALID_TIMESTAMP);
    expect(e.recordErrors.map((r) => r.batchIndex)).toEqual([1]);
  });

  it('does not bound timestamps under LogAppendTime', () => {
    const b = craftBatch(craftRecords(1), { recordCount: 1, baseTimestamp: 5n });
    expect(validate(b, { 'message.timestamp.type': 'LogAppendTime', 'message.timestamp.before.max.ms': '1000' }).recordCount).toBe(1);
  });

  it('refuses a batch whose producer set the LogAppendTime type with INVALID_TIMESTAMP', () => {
    const e = failure(craftBatch(craftRecords(2), { recordCount: 2, attributes: makeAttributes({ logAppendTime: true }) }));
    expect(e.kafkaErrorCode).toBe(INVALID_TIMESTAMP);
    expect(e.recordErrors).toHaveLength(2);
  });

  it('sets maxTimestamp to the records\' largest timestamp and keeps the CRC valid', () => {
    const b = craftBatch(craftRecords(3, (i) => ({ timestampDelta: BigInt([0, 50, 20][i]!) })), { recordCount: 3, baseTimestamp: 1000n, maxTimestamp: 999_999n });
    const r = validate(b);
    expect(r.batches[0]!.header.maxTimestamp).toBe(1050n);
    const h = readBatchHeader(b, 0);
    expect(h.maxTimestamp).toBe(1050n);
    expect(computeBatchCrc(b, 0, b.length)).toBe(h.crc);
  });

  it('leaves a batch whose maxTimestamp is right byte-identical', () => {
    const b = batch(5);
    const copy = Buffer.from(b);
    validate(b);
    expect(b.equals(copy)).toBe(true);
  });
});

describe('log validator in PartitionLog.appendAsLeader', () => {
  it('appends nothing when one batch of a request is refused', () => {
    const tmp = makeTempDir();
    const log = openLog(tmp.dir, { clock: new ManualClock(NOW) });
    try {
      log.appendAsLeader(batch(2), 0);
      expect(() => log.appendAsLeader(Buffer.concat([batch(2, { start: 2 }), craftBatch(craftRecords(2), { recordCount: 3, lastOffsetDelta: 2 })]), 0)).toThrow(RecordsError);
      expect(log.logEndOffset).toBe(2n);
      const read = log.read(0n, 1 << 20);
      expect(decodeRecordBatch(read.records).records.map((r) => r.value!.toString())).toEqual(['v0', 'v1']);
      expect(read.nextOffset).toBe(2n);
    } finally {
      log.close();
      tmp.cleanup();
    }
  });
});
