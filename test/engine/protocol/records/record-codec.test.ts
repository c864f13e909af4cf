import { describe, expect, it } from 'vitest';
import { CompressionType, readBatchHeader, validateRecordBatches } from '../../../../src/engine/protocol/records/record-batch.js';
import { buildRecordBatch, decodeRecordBatch } from '../../../../src/engine/protocol/records/record-codec.js';
import { compress, decompress, isXerialSnappy } from '../../../../src/engine/protocol/records/compression.js';
import { compressSync as rawSnappy } from 'snappy';
import { RecordsError } from '../../../../src/engine/protocol/records/records-error.js';

const records = Array.from({ length: 50 }, (_, i) => ({
  key: i % 7 === 0 ? null : Buffer.from(`key-${i}`),
  value: i % 11 === 0 ? null : Buffer.from(`value-${i}-`.repeat(i % 5 + 1)),
  headers: i % 3 === 0 ? ([['h1', Buffer.from('v')], ['ünïcode', null]] as Array<[string, Buffer | null]>) : [],
  timestamp: 1_700_000_000_000n + BigInt(i * 13 - 40),
}));

describe('record-codec', () => {
  for (const [name, type] of Object.entries(CompressionType)) {
    it(`round-trips records, keys, nulls and headers with ${name} compression`, () => {
      const buf = buildRecordBatch(records, { compression: type, baseOffset: 1000n, producerId: 3n, producerEpoch: 1, baseSequence: 0 });
      validateRecordBatches(buf);
      const { header, records: out } = decodeRecordBatch(buf);
      expect(header.recordCount).toBe(records.length);
      expect(header.attributes & 7).toBe(type);
      expect(out).toHaveLength(records.length);
      out.forEach((r, i) => {
        const inp = records[i]!;
        expect(r.offset).toBe(1000n + BigInt(i));
        expect(r.timestamp).toBe(inp.timestamp);
        expect(r.key).toEqual(inp.key);
        expect(r.value).toEqual(inp.value);
        expect(r.headers).toEqual(inp.headers);
      });
      expect(header.maxTimestamp).toBe(records.reduce((m, r) => (r.timestamp > m ? r.timestamp : m), 0n));
    });
  }

  it('round-trips an empty key and value distinctly from null', () => {
    const buf = buildRecordBatch([{ key: Buffer.alloc(0), value: Buffer.alloc(0) }], { timestamp: 5n });
    const [r] = decodeRecordBatch(buf).records;
    expect(r!.key).toEqual(Buffer.alloc(0));
    expect(r!.value).toEqual(Buffer.alloc(0));
  });

  it('writes xerial-framed snappy and reads both xerial and raw snappy', () => {
    const data = Buffer.from('abcabcabcabc'.repeat(10_000));
    const framed = compress(CompressionType.Snappy, data);
    expect(isXerialSnappy(framed)).toBe(true);
    // Compared as hex: as strict as toEqual on the Buffers, without its per-byte walk over 120 KB.
    expect(decompress(CompressionType.Snappy, framed).toString('hex')).toBe(data.toString('hex'));
    expect(decompress(CompressionType.Snappy, rawSnappy(data)).toString('hex')).toBe(data.toString('hex'));
  });

  it('keeps explicit offset deltas and lastOffsetDelta for compacted batches', () => {
    const buf = buildRecordBatch(
      [
        { key: Buffer.from('a'), value: Buffer.from('1'), offsetDelta: 2, timestamp: 10n },
        { key: Buffer.from('b'), value: Buffer.from('2'), offsetDelta: 5, timestamp: 11n },
      ],
      { baseOffset: 100n, lastOffsetDelta: 9 },
    );
    const { header, records: out } = decodeRecordBatch(buf);
    expect(header.lastOffsetDelta).toBe(9);
    expect(out.map((r) => r.offset)).toEqual([102n, 105n]);
  });

  it('gives every record the batch maxTimestamp under LogAppendTime', () => {
    const buf = buildRecordBatch([{ key: null, value: Buffer.from('x'), timestamp: 1n }, { key: null, value: Buffer.from('y'), timestamp: 2n }], { logAppendTime: true, maxTimestamp: 777n });
    expect(decodeRecordBatch(buf).records.map((r) => r.timestamp)).toEqual([777n, 777n]);
  });

  it('reports garbage inside a compressed batch as CORRUPT_MESSAGE', () => {
    const buf = buildRecordBatch(records, { compression: CompressionType.Gzip });
    buf.fill(0x41, 70, 90);
    expect(() => decodeRecordBatch(buf)).toThrow(RecordsError);
  });

  it('reports a record count that does not match the records as corrupt', () => {
    const buf = buildRecordBatch(records.slice(0, 3));
    buf.writeInt32BE(4, 57);
    expect(() => decodeRecordBatch(buf)).toThrow(/Malformed records/);
    expect(readBatchHeader(buf, 0).recordCount).toBe(4);
  });
});
