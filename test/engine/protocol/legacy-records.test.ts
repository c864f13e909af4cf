import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { downConvert, encodeLegacyMessage, readLegacyMessageSet, upConvertToBatch } from '../../../src/engine/protocol/records/legacy-records.js';
import { CompressionType } from '../../../src/engine/protocol/records/record-batch.js';
import { buildRecordBatch, decodeRecordBatch } from '../../../src/engine/protocol/records/record-codec.js';
import { RecordsErrorCode } from '../../../src/engine/protocol/records/records-error.js';

const b = (s: string) => Buffer.from(s);

function messageSet(magic: 0 | 1, entries: Array<[string | null, string]>, firstTs = 1_700_000_000_000n): Buffer {
  return Buffer.concat(entries.map(([k, v], i) => encodeLegacyMessage(magic, BigInt(i), firstTs + BigInt(i), false, k === null ? null : b(k), b(v))));
}

/** A compressed wrapper as old producers write it (magic 1: relative inner offsets, the wrapper carries the last). */
function compressedSet(magic: 0 | 1, entries: Array<[string | null, string]>): Buffer {
  const inner = messageSet(magic, entries);
  return encodeLegacyMessage(magic, BigInt(entries.length - 1), 1_700_000_000_000n, false, null, gzipSync(inner), CompressionType.Gzip);
}

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { kafkaErrorCode?: number }).kafkaErrorCode;
  }
  return undefined;
}

describe('legacy message formats (magic 0 and 1)', () => {
  for (const magic of [0, 1] as const) {
    it(`up-converts an uncompressed magic ${magic} message set to one magic-2 batch with the same records`, () => {
      const set = readLegacyMessageSet(messageSet(magic, [['k1', 'v1'], [null, 'v2'], ['k3', 'v3']]));
      expect([set.magic, set.compression]).toEqual([magic, CompressionType.None]);
      const { header, records } = decodeRecordBatch(upConvertToBatch(set));
      expect(header.magic).toBe(2);
      expect(records.map((r) => [r.key?.toString() ?? null, r.value?.toString(), r.offsetDelta])).toEqual([
        ['k1', 'v1', 0],
        [null, 'v2', 1],
        ['k3', 'v3', 2],
      ]);
      // Magic 0 has no timestamps: they become -1, as Kafka converts them.
      expect(records.map((r) => r.timestamp)).toEqual(magic === 1 ? [1_700_000_000_000n, 1_700_000_000_001n, 1_700_000_000_002n] : [-1n, -1n, -1n]);
    });

    it(`opens a gzip wrapper of magic ${magic} and keeps the codec for the converted batch`, () => {
      const set = readLegacyMessageSet(compressedSet(magic, [['a', '1'], ['b', '2']]));
      expect(set.compression).toBe(CompressionType.Gzip);
      expect(set.messages.map((m) => [m.offset, m.key?.toString()])).toEqual([
        [0n, 'a'],
        [1n, 'b'],
      ]);
      const { header, records } = decodeRecordBatch(upConvertToBatch(set));
      expect(header.attributes & 0x07).toBe(CompressionType.Gzip);
      expect(records.map((r) => r.value?.toString())).toEqual(['1', '2']);
    });
  }

  it('refuses a message whose CRC does not match as CORRUPT_MESSAGE', () => {
    const set = messageSet(1, [['k', 'v']]);
    set[set.length - 1]! ^= 0xff;
    expect(codeOf(() => readLegacyMessageSet(set))).toBe(RecordsErrorCode.CORRUPT_MESSAGE);
  });

  it('refuses a truncated message and trailing bytes as CORRUPT_MESSAGE', () => {
    const set = messageSet(0, [['k', 'v']]);
    expect(codeOf(() => readLegacyMessageSet(set.subarray(0, set.length - 3)))).toBe(RecordsErrorCode.CORRUPT_MESSAGE);
    expect(codeOf(() => readLegacyMessageSet(Buffer.concat([set, Buffer.alloc(5)])))).toBe(RecordsErrorCode.CORRUPT_MESSAGE);
  });

  it('stops a gzip bomb in a legacy wrapper at the size limit with MESSAGE_TOO_LARGE', () => {
    const inner = encodeLegacyMessage(1, 0n, 0n, false, null, Buffer.alloc(4 * 1024 * 1024));
    const bomb = encodeLegacyMessage(1, 0n, 0n, false, null, gzipSync(inner), CompressionType.Gzip);
    expect(codeOf(() => readLegacyMessageSet(bomb, 1024 * 1024))).toBe(RecordsErrorCode.MESSAGE_TOO_LARGE);
  });

  it('down-converts magic-2 batches to magic 0 and 1 with absolute offsets, dropping control batches', () => {
    const data = buildRecordBatch([{ key: b('k0'), value: b('v0'), timestamp: 5n }, { key: null, value: b('v1'), timestamp: 6n, headers: [['h', b('x')]] }], { baseOffset: 10n });
    const control = buildRecordBatch([{ key: Buffer.from([0, 0, 0, 0]), value: Buffer.alloc(6), timestamp: 7n }], { baseOffset: 12n, control: true, transactional: true });
    const more = buildRecordBatch([{ key: b('k3'), value: b('v3'), timestamp: 8n }], { baseOffset: 13n });
    const stored = Buffer.concat([data, control, more]);
    for (const magic of [0, 1] as const) {
      const set = readLegacyMessageSet(downConvert(stored, magic, 1 << 20));
      expect(set.magic).toBe(magic);
      expect(set.messages.map((m) => [m.offset, m.key?.toString() ?? null, m.value?.toString(), m.timestamp])).toEqual([
        [10n, 'k0', 'v0', magic === 1 ? 5n : -1n],
        [11n, null, 'v1', magic === 1 ? 6n : -1n],
        [13n, 'k3', 'v3', magic === 1 ? 8n : -1n],
      ]);
    }
  });

  it('down-converts from the fetch offset, dropping earlier records of the first batch', () => {
    const batch = buildRecordBatch([{ key: null, value: b('a') }, { key: null, value: b('b') }, { key: null, value: b('c') }], { baseOffset: 20n });
    expect(readLegacyMessageSet(downConvert(batch, 1, 1 << 20, 21n)).messages.map((m) => m.offset)).toEqual([21n, 22n]);
  });

  it('down-converts within the size limit but always returns the first message, leaving a partial batch out', () => {
    const big = buildRecordBatch([{ key: null, value: Buffer.alloc(1000) }, { key: null, value: Buffer.alloc(1000) }], { baseOffset: 0n });
    expect(readLegacyMessageSet(downConvert(big, 1, 10)).messages).toHaveLength(1);
    expect(readLegacyMessageSet(downConvert(big, 1, 1 << 20)).messages).toHaveLength(2);
    expect(downConvert(Buffer.concat([big, big.subarray(0, 100)]), 1, 1 << 20).length).toBe(downConvert(big, 1, 1 << 20).length);
  });
});
