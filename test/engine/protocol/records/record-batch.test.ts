import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../../src/engine/protocol/records/crc32c.js';
import {
  BATCH_HEADER_SIZE,
  CompressionType,
  assignOffsets,
  computeBatchCrc,
  isLogAppendTime,
  isControl,
  isTransactional,
  compressionOf,
  lastOffsetOf,
  readBatchHeader,
  validateRecordBatches,
} from '../../../../src/engine/protocol/records/record-batch.js';
import { buildRecordBatch } from '../../../../src/engine/protocol/records/record-codec.js';
import { RecordsError } from '../../../../src/engine/protocol/records/records-error.js';

function sample(n = 3, opts: Parameters<typeof buildRecordBatch>[1] = {}): Buffer {
  const records = Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`value-${i}`), timestamp: 1000n + BigInt(i) }));
  return buildRecordBatch(records, opts);
}

function expectKafkaError(fn: () => unknown, code: number): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RecordsError);
    expect((error as RecordsError).kafkaErrorCode).toBe(code);
    return;
  }
  throw new Error('expected a RecordsError');
}

describe('record-batch', () => {
  it('computes the standard CRC-32C check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('reads a built batch header with the expected fields', () => {
    const buf = sample(3, { producerId: 7n, producerEpoch: 2, baseSequence: 10, partitionLeaderEpoch: 4 });
    const h = readBatchHeader(buf, 0);
    expect(h.magic).toBe(2);
    expect(h.batchLength + 12).toBe(buf.length);
    expect(h.recordCount).toBe(3);
    expect(h.lastOffsetDelta).toBe(2);
    expect(h.baseTimestamp).toBe(1000n);
    expect(h.maxTimestamp).toBe(1002n);
    expect(h.producerId).toBe(7n);
    expect(h.producerEpoch).toBe(2);
    expect(h.baseSequence).toBe(10);
    expect(h.partitionLeaderEpoch).toBe(4);
    expect(h.crc).toBe(computeBatchCrc(buf, 0, buf.length));
    expect(buf.length).toBeGreaterThan(BATCH_HEADER_SIZE);
  });

  it('validates several concatenated batches and reports their positions', () => {
    const a = sample(2);
    const b = sample(5);
    const { batches } = validateRecordBatches(Buffer.concat([a, b]));
    expect(batches.map((x) => [x.position, x.size])).toEqual([
      [0, a.length],
      [a.length, b.length],
    ]);
  });

  it('detects a flipped byte through the CRC', () => {
    const buf = sample();
    buf[buf.length - 2]! ^= 0xff;
    expectKafkaError(() => validateRecordBatches(buf), 2);
  });

  it('rejects a truncated batch as corrupt', () => {
    const buf = sample();
    expectKafkaError(() => validateRecordBatches(buf.subarray(0, buf.length - 1)), 2);
    expectKafkaError(() => validateRecordBatches(buf.subarray(0, 10)), 2);
  });

  it('rejects a batch length smaller than the header', () => {
    const buf = sample();
    buf.writeInt32BE(10, 8);
    expectKafkaError(() => validateRecordBatches(buf), 2);
  });

  it('rejects magic other than 2 with UNSUPPORTED_FOR_MESSAGE_FORMAT', () => {
    const buf = sample();
    buf.writeInt8(1, 16);
    expectKafkaError(() => validateRecordBatches(buf), 43);
  });

  it('assigns offsets in place and keeps the CRC valid', () => {
    const buf = Buffer.concat([sample(2), sample(3)]);
    const { batches } = validateRecordBatches(buf);
    assignOffsets(buf, batches[0]!, 100n, 7);
    assignOffsets(buf, batches[1]!, 102n, 7);
    const again = validateRecordBatches(buf).batches;
    expect(again[0]!.header.baseOffset).toBe(100n);
    expect(again[1]!.header.baseOffset).toBe(102n);
    expect(lastOffsetOf(again[1]!.header)).toBe(104n);
    expect(again[1]!.header.partitionLeaderEpoch).toBe(7);
  });

  it('sets LogAppendTime, maxTimestamp and a fresh CRC when asked', () => {
    const buf = sample(2);
    const { batches } = validateRecordBatches(buf);
    assignOffsets(buf, batches[0]!, 5n, 1, 99999n);
    const [b] = validateRecordBatches(buf).batches;
    expect(isLogAppendTime(b!.header.attributes)).toBe(true);
    expect(b!.header.maxTimestamp).toBe(99999n);
  });

  it('decodes the attribute bits', () => {
    const buf = sample(1, { compression: CompressionType.Zstd, transactional: true, control: true });
    const h = readBatchHeader(buf, 0);
    expect(compressionOf(h.attributes)).toBe(CompressionType.Zstd);
    expect(isTransactional(h.attributes)).toBe(true);
    expect(isControl(h.attributes)).toBe(true);
    expect(isLogAppendTime(h.attributes)).toBe(false);
  });
});
