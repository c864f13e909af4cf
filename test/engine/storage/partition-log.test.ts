import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/common/clock.js';
import { CompressionType, computeBatchCrc, readBatchHeader, validateRecordBatches } from '../../../src/engine/protocol/records/record-batch.js';
import { buildRecordBatch, decodeRecordBatch } from '../../../src/engine/protocol/records/record-codec.js';
import type { PartitionLog } from '../../../src/engine/storage/partition-log.js';
import { batch, config, kafkaCode, makeTempDir, openLog } from './helpers.js';

let tmp: ReturnType<typeof makeTempDir>;
let log: PartitionLog | undefined;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  if (log && !log.closed) log.close();
  log = undefined;
  tmp.cleanup();
});

function offsetsOf(records: Buffer): bigint[] {
  return validateRecordBatches(records).batches.flatMap((b) => decodeRecordBatch(records, b.position).records.map((r) => r.offset));
}

function valuesOf(records: Buffer): string[] {
  return validateRecordBatches(records).batches.flatMap((b) => decodeRecordBatch(records, b.position).records.map((r) => r.value!.toString()));
}

/** Reads everything from `from` to the end, batch group by group. */
function readAll(l: PartitionLog, from = l.logStartOffset, maxBytes = 64 * 1024): string[] {
  const out: string[] = [];
  let offset = from;
  while (offset < l.logEndOffset) {
    const r = l.read(offset, maxBytes, { minOneMessage: true });
    expect(r.records.length).toBeGreaterThan(0);
    out.push(...valuesOf(r.records));
    offset = r.nextOffset;
  }
  return out;
}

describe('PartitionLog', () => {
  it('assigns consecutive offsets and reads the same bytes back', () => {
    log = openLog(tmp.dir);
    const a = log.appendAsLeader(batch(3), 0);
    const b = log.appendAsLeader(batch(2, { start: 3 }), 0);
    expect([a.firstOffset, a.lastOffset, b.firstOffset, b.lastOffset]).toEqual([0n, 2n, 3n, 4n]);
    expect(log.logEndOffset).toBe(5n);
    const r = log.read(0n, 1 << 20, { minOneMessage: true });
    expect(offsetsOf(r.records)).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(r.nextOffset).toBe(5n);
    const fromMiddle = log.read(3n, 1 << 20, { minOneMessage: true });
    expect(offsetsOf(fromMiddle.records)).toEqual([3n, 4n]);
  });

  it('serves the batch containing a mid-batch fetch offset', () => {
    log = openLog(tmp.dir);
    log.appendAsLeader(batch(10), 0);
    const r = log.read(4n, 1 << 20, { minOneMessage: true });
    expect(readBatchHeader(r.records, 0).baseOffset).toBe(0n);
  });

  it('returns whole batches within maxBytes, and one oversized batch only with minOneMessage', () => {
    log = openLog(tmp.dir);
    const one = batch(5, { valueSize: 100 });
    log.appendAsLeader(Buffer.from(one), 0);
    log.appendAsLeader(batch(5, { valueSize: 100 }), 0);
    const r = log.read(0n, one.length + 10, { minOneMessage: true });
    expect(r.records.length).toBe(one.length);
    expect(r.nextOffset).toBe(5n);
    expect(log.read(0n, 10, { minOneMessage: false }).records.length).toBe(0);
    expect(log.read(0n, 10, { minOneMessage: true }).records.length).toBe(one.length);
  });

  it('bounds reads by maxOffset (high watermark)', () => {
    log = openLog(tmp.dir);
    log.appendAsLeader(batch(3), 0);
    log.appendAsLeader(batch(3, { start: 3 }), 0);
    log.appendAsLeader(batch(3, { start: 6 }), 0);
    expect(offsetsOf(log.read(0n, 1 << 20, { maxOffset: 6n, minOneMessage: true }).records)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
    expect(log.read(6n, 1 << 20, { maxOffset: 6n, minOneMessage: true }).records.length).toBe(0);
    expect(offsetsOf(log.read(3n, 1 << 20, { maxOffset: 9n, minOneMessage: true }).records)).toEqual([3n, 4n, 5n, 6n, 7n, 8n]);
  });

  it('throws OFFSET_OUT_OF_RANGE outside [logStartOffset, logEndOffset]', () => {
    log = openLog(tmp.dir);
    log.appendAsLeader(batch(3), 0);
    expect(kafkaCode(() => log!.read(4n, 1000, { minOneMessage: true }))).toBe(1);
    expect(kafkaCode(() => log!.read(-1n, 1000, { minOneMessage: true }))).toBe(1);
    expect(log.read(3n, 1000, { minOneMessage: true }).records.length).toBe(0);
  });

  it('rolls segments by size and reads across them', () => {
    log = openLog(tmp.dir, { config: config({ 'segment.bytes': '2000' }) });
    for (let i = 0; i < 50; i++) log.appendAsLeader(batch(4, { start: i * 4, valueSize: 50 }), 0);
    expect(log.numberOfSegments).toBeGreaterThan(5);
    const logs = readdirSync(join(tmp.dir, 'topic-0')).filter((f) => f.endsWith('.log'));
    expect(logs).toContain('00000000000000000000.log');
    expect(logs.length).toBe(log.numberOfSegments);
    for (const s of log.segments) expect(s.size).toBeLessThanOrEqual(2000);
    const values = readAll(log);
    expect(values).toHaveLength(200);
    expect(values[199]).toBe('z'.repeat(0) + Buffer.alloc(50, 97 + (199 % 26)).toString());
    expect(offsetsOf(log.read(101n, 1 << 20, { minOneMessage: true }).records)[0]).toBeLessThanOrEqual(101n);
  });

  it('rolls by segment.ms measured from the first batch timestamp', () => {
    const clock = new ManualClock(1_700_000_000_000);
    log = openLog(tmp.dir, { clock, config: config({ 'segment.ms': '1000' }) });
    log.appendAsLeader(batch(1, { ts: 1_700_000_000_000n }), 0);
    log.appendAsLeader(batch(1, { ts: 1_700_000_000_900n }), 0);
    expect(log.numberOfSegments).toBe(1);
    log.appendAsLeader(batch(1, { ts: 1_700_000_001_001n }), 0);
    expect(log.numberOfSegments).toBe(2);
    expect(log.activeSegment.baseOffset).toBe(2n);
    expect(readAll(log)).toEqual(['v0', 'v0', 'v0']);
  });

  it('finds every offset through the sparse index over many batches', () => {
    log = openLog(tmp.dir, { config: config({ 'index.interval.bytes': '256' }) });
    for (let i = 0; i < 300; i++) log.appendAsLeader(batch((i % 5) + 1, { start: i }), 0);
    expect(log.activeSegment.offsetIndex.entries).toBeGreaterThan(50);
    const headers = log.batchHeaders();
    for (const h of headers) {
      for (let d = 0; d <= h.lastOffsetDelta; d++) {
        const r = log.read(h.baseOffset + BigInt(d), 1, { minOneMessage: true });
        expect(readBatchHeader(r.records, 0).baseOffset).toBe(h.baseOffset);
      }
    }
  });

  it('rejects a batch over max.message.bytes with MESSAGE_TOO_LARGE and appends nothing', () => {
    log = openLog(tmp.dir, { config: config({ 'max.message.bytes': '500' }) });
    const ok = batch(1);
    const big = batch(10, { valueSize: 100 });
    expect(kafkaCode(() => log!.appendAsLeader(Buffer.concat([ok, big]), 0))).toBe(10);
    expect(log.logEndOffset).toBe(0n);
    expect(log.size).toBe(0);
  });

  it('rejects a corrupt batch with CORRUPT_MESSAGE and appends nothing', () => {
    log = openLog(tmp.dir);
    const bad = batch(2);
    bad[bad.length - 1]! ^= 1;
    expect(kafkaCode(() => log!.appendAsLeader(Buffer.concat([batch(1), bad]), 0))).toBe(2);
    expect(log.logEndOffset).toBe(0n);
  });

  it('rejects a batch whose record count disagrees with its offset range', () => {
    log = openLog(tmp.dir);
    const b = batch(3);
    b.writeInt32BE(5, 23); // lastOffsetDelta; fix the CRC so only the count check can fail
    b.writeUInt32BE(computeBatchCrc(b, 0, b.length), 17);
    expect(kafkaCode(() => log!.appendAsLeader(b, 0))).toBe(87);
  });

  it('stamps LogAppendTime when the topic says so', () => {
    const clock = new ManualClock(1_800_000_000_000);
    log = openLog(tmp.dir, { clock, config: config({ 'message.timestamp.type': 'LogAppendTime' }) });
    const info = log.appendAsLeader(batch(2, { ts: 5n }), 0);
    expect(info.logAppendTimeMs).toBe(1_800_000_000_000n);
    const { header, records } = decodeRecordBatch(log.read(0n, 1 << 20, { minOneMessage: true }).records);
    expect(header.maxTimestamp).toBe(1_800_000_000_000n);
    expect(records.map((r) => r.timestamp)).toEqual([1_800_000_000_000n, 1_800_000_000_000n]);
  });

  it('re-compresses batches to the topic compression.type', () => {
    log = openLog(tmp.dir, { config: config({ 'compression.type': 'gzip' }) });
    log.appendAsLeader(batch(3, { compression: CompressionType.None }), 0);
    const r = log.read(0n, 1 << 20, { minOneMessage: true });
    const { header, records } = decodeRecordBatch(r.records);
    expect(header.attributes & 7).toBe(CompressionType.Gzip);
    expect(records.map((x) => x.value!.toString())).toEqual(['v0', 'v1', 'v2']);
    expect(log.logEndOffset).toBe(3n);
  });

  it('finds the exact record offset for a timestamp, inside a compressed batch', () => {
    log = openLog(tmp.dir, { config: config({ 'index.interval.bytes': '100' }) });
    for (let i = 0; i < 20; i++) log.appendAsLeader(batch(10, { ts: 1000n + BigInt(i * 100), compression: CompressionType.Lz4 }), 0);
    // batch i holds timestamps 1000+100i .. 1009+100i at offsets 10i .. 10i+9
    expect(log.offsetForTimestamp(1505n)).toMatchObject({ offset: 55n, timestamp: 1505n });
    expect(log.offsetForTimestamp(1510n)).toMatchObject({ offset: 60n, timestamp: 1600n });
    expect(log.offsetForTimestamp(0n)).toMatchObject({ offset: 0n, timestamp: 1000n });
    expect(log.offsetForTimestamp(99999n)).toBeNull();
    expect(log.offsetForTimestamp(-2n)).toMatchObject({ offset: 0n, timestamp: -1n });
    expect(log.offsetForTimestamp(-1n)).toMatchObject({ offset: 200n, timestamp: -1n });
  });

  it('finds timestamps across rolled segments', () => {
    log = openLog(tmp.dir, { config: config({ 'segment.bytes': '1000' }) });
    for (let i = 0; i < 30; i++) log.appendAsLeader(batch(3, { ts: 10_000n + BigInt(i * 10), valueSize: 40 }), 0);
    expect(log.numberOfSegments).toBeGreaterThan(3);
    for (let i = 0; i < 30; i++) {
      expect(log.offsetForTimestamp(10_000n + BigInt(i * 10) + 1n)).toMatchObject({ offset: BigInt(i * 3 + 1), timestamp: 10_000n + BigInt(i * 10) + 1n });
    }
  });

  it('deletes whole segments past retention.ms and moves the log start offset', () => {
    const clock = new ManualClock(1_000_000);
    log = openLog(tmp.dir, { clock, config: config({ 'segment.bytes': '500', 'retention.ms': '10000' }) });
    for (let i = 0; i < 10; i++) log.appendAsLeader(batch(2, { ts: BigInt(1_000_000 + i * 1000), valueSize: 80 }), 0);
    const before = log.numberOfSegments;
    expect(before).toBeGreaterThan(3);
    // now = 1,015,500: batches with ts <= 1,005,499 are older than 10 s
    const deleted = log.deleteOldSegments(1_015_500);
    expect(deleted).toBeGreaterThan(0);
    expect(log.numberOfSegments).toBe(before - deleted);
    expect(log.logStartOffset).toBe(log.segments[0]!.baseOffset);
    expect(log.logStartOffset).toBeGreaterThan(0n);
    for (const s of log.segments.slice(0, -1)) expect(1_015_500 - s.largestTimestamp).toBeLessThanOrEqual(10000);
    expect(kafkaCode(() => log!.read(0n, 100, { minOneMessage: true }))).toBe(1);
    expect(log.read(log.logStartOffset, 1 << 20, { minOneMessage: true }).records.length).toBeGreaterThan(0);
  });

  it('deletes the oldest segments while the rest stays at or above retention.bytes, as Kafka', () => {
    log = openLog(tmp.dir, { config: config({ 'segment.bytes': '500', 'retention.bytes': '1200' }) });
    for (let i = 0; i < 20; i++) log.appendAsLeader(batch(2, { valueSize: 80 }), 0);
    const before = log.size;
    expect(log.deleteOldSegments()).toBeGreaterThan(0);
    expect(log.size).toBeLessThan(before);
    expect(log.size).toBeGreaterThanOrEqual(1200);
    expect(log.size - log.segments[0]!.size).toBeLessThan(1200);
    expect(log.logStartOffset).toBe(log.segments[0]!.baseOffset);
    expect(log.logEndOffset).toBe(40n);
  });

  it('rolls and deletes an expired active segment, leaving an empty log at the end offset', () => {
    log = openLog(tmp.dir, { config: config({ 'retention.ms': '1000' }) });
    log.appendAsLeader(batch(3, { ts: 1000n }), 0);
    expect(log.deleteOldSegments(10_000)).toBe(1);
    expect(log.numberOfSegments).toBe(1);
    expect([log.logStartOffset, log.logEndOffset, BigInt(log.size)]).toEqual([3n, 3n, 0n]);
    expect(log.appendAsLeader(batch(1), 0).firstOffset).toBe(3n);
  });

  it('never deletes beyond the high watermark', () => {
    log = openLog(tmp.dir, { config: config({ 'segment.bytes': '300', 'retention.ms': '1' }) });
    for (let i = 0; i < 6; i++) log.appendAsLeader(batch(2, { ts: 1000n, valueSize: 80 }), 0);
    log.updateHighWatermark(0n);
    expect(log.deleteOldSegments(1_000_000)).toBe(0);
    log.updateHighWatermark(log.segments[2]!.baseOffset);
    expect(log.deleteOldSegments(1_000_000)).toBe(2);
  });

  it('moves the log start offset with DeleteRecords and refuses to go past the high watermark', () => {
    log = openLog(tmp.dir, { config: config({ 'segment.bytes': '300' }) });
    for (let i = 0; i < 6; i++) log.appendAsLeader(batch(2, { valueSize: 80 }), 0);
    log.updateHighWatermark(8n);
    expect(kafkaCode(() => log!.maybeIncrementLogStartOffset(9n))).toBe(1);
    expect(log.maybeIncrementLogStartOffset(5n)).toBe(true);
    expect(log.logStartOffset).toBe(5n);
    expect(log.segments[0]!.baseOffset).toBeLessThanOrEqual(5n);
    expect(kafkaCode(() => log!.read(4n, 100, { minOneMessage: true }))).toBe(1);
    expect(log.read(5n, 100, { minOneMessage: true }).records.length).toBeGreaterThan(0);
  });

  it('truncates to an offset, dropping later segments, and appends continue there', () => {
    log = openLog(tmp.dir, { config: config({ 'segment.bytes': '400' }) });
    for (let i = 0; i < 10; i++) log.appendAsLeader(batch(2, { start: i * 2, valueSize: 60 }), i < 5 ? 1 : 2);
    expect(log.leaderEpochCache.entries).toEqual([
      { epoch: 1, startOffset: 0n },
      { epoch: 2, startOffset: 10n },
    ]);
    expect(log.truncateTo(6n)).toBe(true);
    expect(log.logEndOffset).toBe(6n);
    expect(log.leaderEpochCache.entries).toEqual([{ epoch: 1, startOffset: 0n }]);
    expect(log.appendAsLeader(batch(1), 3).firstOffset).toBe(6n);
    expect(readAll(log)).toHaveLength(7);
  });

  it('truncates fully and starts at a new offset', () => {
    log = openLog(tmp.dir);
    log.appendAsLeader(batch(5), 0);
    log.truncateFullyAndStartAt(100n);
    expect([log.logStartOffset, log.logEndOffset, log.numberOfSegments]).toEqual([100n, 100n, 1]);
    expect(log.appendAsLeader(batch(1), 0).firstOffset).toBe(100n);
  });

  it('appends as follower with leader offsets, including gaps, and rejects going backwards', () => {
    log = openLog(tmp.dir);
    const a = batch(3, { baseOffset: 0n, partitionLeaderEpoch: 4 });
    const b = batch(2, { baseOffset: 10n, partitionLeaderEpoch: 5 });
    expect(log.appendAsFollower(Buffer.concat([a, b])).lastOffset).toBe(11n);
    expect(log.logEndOffset).toBe(12n);
    expect(log.leaderEpochCache.entries).toEqual([
      { epoch: 4, startOffset: 0n },
      { epoch: 5, startOffset: 10n },
    ]);
    expect(log.leaderEpochCache.endOffsetFor(4, log.logEndOffset)).toEqual({ epoch: 4, endOffset: 10n });
    expect(() => log!.appendAsFollower(batch(1, { baseOffset: 11n }))).toThrow(/Unexpected append offset/);
    expect(offsetsOf(log.read(10n, 1 << 20, { minOneMessage: true }).records)).toEqual([10n, 11n]);
  });

  it('keeps data, offsets and indexes across a clean close and reopen', () => {
    log = openLog(tmp.dir, { config: config({ 'segment.bytes': '1000' }) });
    for (let i = 0; i < 20; i++) log.appendAsLeader(batch(3, { start: i * 3, valueSize: 30 }), 2);
    const segments = log.numberOfSegments;
    log.close();
    log = openLog(tmp.dir, { config: config({ 'segment.bytes': '1000' }), hadCleanShutdown: true });
    expect(log.logEndOffset).toBe(60n);
    expect(log.numberOfSegments).toBe(segments);
    expect(readAll(log)).toHaveLength(60);
    expect(log.latestEpoch).toBe(2);
    expect(log.appendAsLeader(batch(1), 2).firstOffset).toBe(60n);
  });
});

describe('PartitionLog idempotent producers', () => {
  const pid = { producerId: 1000n, producerEpoch: 0 };

  it('acknowledges a duplicate batch with its original offsets without appending it again', () => {
    log = openLog(tmp.dir);
    log.appendAsLeader(batch(2), 0);
    const first = log.appendAsLeader(batch(3, { ...pid, baseSequence: 0 }), 0);
    log.appendAsLeader(batch(1, { ...pid, baseSequence: 3 }), 0);
    const size = log.size;
    const retry = log.appendAsLeader(batch(3, { ...pid, baseSequence: 0 }), 0);
    expect(retry.duplicate).toBe(true);
    expect([retry.firstOffset, retry.lastOffset]).toEqual([first.firstOffset, first.lastOffset]);
    expect(log.size).toBe(size);
    expect(log.logEndOffset).toBe(6n);
  });

  it('rejects an out-of-order sequence with OUT_OF_ORDER_SEQUENCE_NUMBER', () => {
    log = openLog(tmp.dir);
    log.appendAsLeader(batch(3, { ...pid, baseSequence: 0 }), 0);
    expect(kafkaCode(() => log!.appendAsLeader(batch(1, { ...pid, baseSequence: 5 }), 0))).toBe(45);
    expect(log.logEndOffset).toBe(3n);
    expect(log.appendAsLeader(batch(1, { ...pid, baseSequence: 3 }), 0).firstOffset).toBe(3n);
  });

  it('rejects an older producer epoch with INVALID_PRODUCER_EPOCH and a new epoch not starting at 0', () => {
    log = openLog(tmp.dir);
    log.appendAsLeader(batch(1, { producerId: 7n, producerEpoch: 3, baseSequence: 0 }), 0);
    expect(kafkaCode(() => log!.appendAsLeader(batch(1, { producerId: 7n, producerEpoch: 2, baseSequence: 1 }), 0))).toBe(47);
    expect(kafkaCode(() => log!.appendAsLeader(batch(1, { producerId: 7n, producerEpoch: 4, baseSequence: 1 }), 0))).toBe(45);
    expect(log.appendAsLeader(batch(1, { producerId: 7n, producerEpoch: 4, baseSequence: 0 }), 0).firstOffset).toBe(1n);
  });

  it('checks sequences across batches of one request', () => {
    log = openLog(tmp.dir);
    const ok = Buffer.concat([batch(2, { ...pid, baseSequence: 0 }), batch(2, { ...pid, baseSequence: 2 })]);
    expect(log.appendAsLeader(ok, 0).lastOffset).toBe(3n);
    const gap = Buffer.concat([batch(1, { ...pid, baseSequence: 4 }), batch(1, { ...pid, baseSequence: 9 })]);
    expect(kafkaCode(() => log!.appendAsLeader(gap, 0))).toBe(45);
    expect(log.logEndOffset).toBe(4n);
  });

  it('remembers producer state across a clean reopen and a crash', () => {
    log = openLog(tmp.dir, { config: config({ 'segment.bytes': '300' }) });
    for (let i = 0; i < 8; i++) log.appendAsLeader(batch(2, { ...pid, baseSequence: i * 2, valueSize: 50 }), 0);
    log.close();
    log = openLog(tmp.dir, { config: config({ 'segment.bytes': '300' }), hadCleanShutdown: true });
    expect(log.appendAsLeader(batch(2, { ...pid, baseSequence: 14, valueSize: 50 }), 0).duplicate).toBe(true);
    expect(kafkaCode(() => log!.appendAsLeader(batch(1, { ...pid, baseSequence: 20 }), 0))).toBe(45);
    log.appendAsLeader(batch(1, { ...pid, baseSequence: 16 }), 0);
    log.closeWithoutFlush();
    log = openLog(tmp.dir, { config: config({ 'segment.bytes': '300' }), hadCleanShutdown: false });
    const dup = log.appendAsLeader(batch(1, { ...pid, baseSequence: 16 }), 0);
    expect(dup.duplicate).toBe(true);
    expect(dup.firstOffset).toBe(16n);
    expect(log.appendAsLeader(batch(1, { ...pid, baseSequence: 17 }), 0).firstOffset).toBe(17n);
  });

  it('rebuilds producer state after truncation', () => {
    log = openLog(tmp.dir);
    log.appendAsLeader(batch(2, { ...pid, baseSequence: 0 }), 0);
    log.appendAsLeader(batch(2, { ...pid, baseSequence: 2 }), 0);
    log.truncateTo(2n);
    expect(log.appendAsLeader(batch(2, { ...pid, baseSequence: 2 }), 0)).toMatchObject({ duplicate: false, firstOffset: 2n });
  });
});

describe('buildRecordBatch with the log', () => {
  it('stores control-free batches from several producers in order', () => {
    log = openLog(tmp.dir);
    for (let p = 0; p < 3; p++) log.appendAsLeader(buildRecordBatch([{ key: null, value: Buffer.from(`p${p}`) }], { producerId: BigInt(p), producerEpoch: 0, baseSequence: 0 }), 0);
    expect(readAll(log)).toEqual(['p0', 'p1', 'p2']);
  });
});
