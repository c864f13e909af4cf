import { compressionsAlgorithms } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { decodePartition } from '../../../src/engine/client/partition-fetcher.js';
import { ensureZstdSupport } from '../../../src/engine/client/zstd-support.js';

const rec = (offsetDelta: number, value: string, headers: [Buffer | null, Buffer | null][] = []) => ({
  timestampDelta: BigInt(offsetDelta),
  offsetDelta,
  key: null,
  value: Buffer.from(value),
  headers,
});

describe('decodePartition', () => {
  it('skips records before the fetch offset and control batches, and advances past both', () => {
    const decoded = decodePartition(
      't',
      {
        partitionIndex: 3,
        errorCode: 0,
        highWatermark: 10n,
        logStartOffset: 0n,
        records: [
          { firstOffset: 0n, attributes: 0, lastOffsetDelta: 2, firstTimestamp: 1000n, maxTimestamp: 1002n, records: [rec(0, 'a'), rec(1, 'b'), rec(2, 'c')] },
          { firstOffset: 3n, attributes: 0x20, lastOffsetDelta: 0, firstTimestamp: 0n, maxTimestamp: 0n, records: [rec(0, 'marker')] },
        ],
      },
      1n,
    );
    expect(decoded.records.map((r) => [r.partition, r.offset, r.value?.toString(), r.timestamp])).toEqual([
      [3, 1n, 'b', 1001n],
      [3, 2n, 'c', 1002n],
    ]);
    expect(decoded.nextOffset).toBe(4n);
  });

  it('uses the batch max timestamp for LogAppendTime topics and keeps header order', () => {
    const decoded = decodePartition(
      't',
      {
        partitionIndex: 0,
        errorCode: 0,
        highWatermark: 1n,
        logStartOffset: 0n,
        records: [
          {
            firstOffset: 0n,
            attributes: 0x08,
            lastOffsetDelta: 0,
            firstTimestamp: 5n,
            maxTimestamp: 99n,
            records: [rec(0, 'x', [[Buffer.from('h'), Buffer.from('1')], [Buffer.from('h'), null]])],
          },
        ],
      },
      0n,
    );
    expect(decoded.records[0]!.timestampType).toBe('LogAppendTime');
    expect(decoded.records[0]!.timestamp).toBe(99n);
    expect(decoded.records[0]!.headers).toEqual([
      ['h', Buffer.from('1')],
      ['h', null],
    ]);
  });
});

describe('ensureZstdSupport', () => {
  it('gives the Kafka client a working zstd codec', () => {
    expect(ensureZstdSupport()).toBe(true);
    const codec = compressionsAlgorithms.zstd;
    const input = Buffer.from('hello hello hello hello');
    expect(codec.decompressSync(codec.compressSync(input)).equals(input)).toBe(true);
  });
});
