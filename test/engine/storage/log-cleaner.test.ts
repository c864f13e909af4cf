import { copyFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { ManualClock } from '../../../src/engine/common/clock.js';
import { silentLogger } from '../../../src/engine/common/logger.js';
import { CompressionType, hasDeleteHorizon, validateRecordBatches } from '../../../src/engine/protocol/records/record-batch.js';
import { buildRecordBatch, decodeRecordBatch, type DecodedRecord } from '../../../src/engine/protocol/records/record-codec.js';
import { LogCleaner } from '../../../src/engine/storage/log-cleaner.js';
import { LogManager } from '../../../src/engine/storage/log-manager.js';
import type { PartitionLog } from '../../../src/engine/storage/partition-log.js';
import { config, kafkaCode, makeTempDir, openLog } from './helpers.js';

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

const compactConfig = (extra: Record<string, string> = {}) => config({ 'cleanup.policy': 'compact', 'segment.bytes': '4096', ...extra });

function allRecords(l: PartitionLog): DecodedRecord[] {
  const out: DecodedRecord[] = [];
  let offset = l.logStartOffset;
  while (offset < l.logEndOffset) {
    const r = l.read(offset, 1 << 20, { minOneMessage: true });
    if (r.records.length === 0) break;
    for (const b of validateRecordBatches(r.records).batches) out.push(...decodeRecordBatch(r.records, b.position).records);
    offset = r.nextOffset;
  }
  return out;
}

/** 2,000 updates over 50 keys, 10 records per batch; value = `key:update`. */
function writeUpdates(l: PartitionLog, ts = 1_000n, compression: CompressionType = CompressionType.None): Map<string, { offset: bigint; value: string }> {
  const latest = new Map<string, { offset: bigint; value: string }>();
  for (let b = 0; b < 200; b++) {
    const recs = Array.from({ length: 10 }, (_, i) => {
      const n = b * 10 + i;
      return { key: Buffer.from(`key-${(n * 7) % 50}`), value: Buffer.from(`key-${(n * 7) % 50}:${n}`), timestamp: ts };
    });
    const info = l.appendAsLeader(buildRecordBatch(recs, { compression }), 0);
    recs.forEach((r, i) => latest.set(r.key.toString(), { offset: info.firstOffset + BigInt(i), value: r.value.toString() }));
  }
  return latest;
}

describe('LogCleaner', () => {
  it('keeps only the latest record per key, with its original offset', async () => {
    log = openLog(tmp.dir, { config: compactConfig() });
    const latest = writeUpdates(log, 1_000n, CompressionType.Snappy);
    const before = log.size;
    const result = (await new LogCleaner({ logger: silentLogger, clock: new ManualClock(2_000) }).clean(log, 0n, { nowMs: 2_000 }))!;
    expect(result).toBeDefined();
    expect(log.size).toBeLessThan(before / 5);
    const records = allRecords(log);
    const byKey = new Map<string, DecodedRecord[]>();
    for (const r of records) byKey.set(r.key!.toString(), [...(byKey.get(r.key!.toString()) ?? []), r]);
    // Records in the active segment are not cleaned; below it, one record per key.
    const activeBase = log.activeSegment.baseOffset;
    for (const [key, { offset, value }] of latest) {
      const rs = byKey.get(key)!;
      expect(rs.at(-1)!.offset).toBe(offset);
      expect(rs.at(-1)!.value!.toString()).toBe(value);
      expect(rs.filter((r) => r.offset < activeBase).length).toBeLessThanOrEqual(1);
    }
    expect(log.logEndOffset).toBe(2000n);
    for (let i = 1; i < records.length; i++) expect(records[i]!.offset).toBeGreaterThan(records[i - 1]!.offset);
  });

  it('gives a retained tombstone a delete horizon of now + delete.retention.ms and drops it once the horizon has passed', async () => {
    log = openLog(tmp.dir, { config: compactConfig({ 'delete.retention.ms': '1000' }) });
    writeUpdates(log, 1_000n);
    log.appendAsLeader(buildRecordBatch([{ key: Buffer.from('key-3'), value: null, timestamp: 5_000n }]), 0);
    log.roll();
    log.appendAsLeader(buildRecordBatch([{ key: Buffer.from('other'), value: Buffer.from('x'), timestamp: 5_000n }]), 0);
    const cleaner = new LogCleaner({ logger: silentLogger, clock: new ManualClock(0) });
    const first = (await cleaner.clean(log, 0n, { nowMs: 5_500, force: true }))!;
    expect(first.pendingDeleteHorizonMs).toBe(6_500);
    const tombstone = () => allRecords(log!).filter((r) => r.key!.toString() === 'key-3');
    expect(tombstone()).toHaveLength(1);
    expect(tombstone()[0]!.value).toBeNull();
    expect(tombstone()[0]!.timestamp).toBe(5_000n); // the record keeps its timestamp
    const header = log.batchHeaders().find((h) => h.baseOffset <= tombstone()[0]!.offset && tombstone()[0]!.offset <= h.baseOffset + BigInt(h.lastOffsetDelta))!;
    expect(hasDeleteHorizon(header.attributes)).toBe(true);
    expect(header.baseTimestamp).toBe(6_500n);
    // Still before the horizon: kept, horizon unchanged.
    expect((await cleaner.clean(log, 0n, { nowMs: 6_499, force: true }))!.tombstonesRemoved).toBe(0);
    expect(tombstone()).toHaveLength(1);
    const last = (await cleaner.clean(log, 0n, { nowMs: 6_500, force: true }))!;
    expect(last.tombstonesRemoved).toBe(1);
    expect(last.pendingDeleteHorizonMs).toBeUndefined();
    const keys = allRecords(log).map((r) => r.key!.toString());
    expect(keys).not.toContain('key-3');
    expect(keys).toContain('key-4');
  });

  it('cleans a log with no new dirty data once a tombstone delete horizon has passed', async () => {
    log = openLog(tmp.dir, { config: compactConfig({ 'delete.retention.ms': '1000', 'min.cleanable.dirty.ratio': '0.5' }) });
    writeUpdates(log, 1_000n);
    log.appendAsLeader(buildRecordBatch([{ key: Buffer.from('key-7'), value: null, timestamp: 2_000n }]), 0);
    log.roll();
    const cleaner = new LogCleaner({ logger: silentLogger, clock: new ManualClock(0) });
    const first = (await cleaner.clean(log, 0n, { nowMs: 3_000 }))!;
    expect(first.pendingDeleteHorizonMs).toBe(4_000);
    // Nothing dirty, horizon not reached: nothing to do.
    expect(await cleaner.clean(log, first.firstDirtyOffset, { nowMs: 3_999 })).toBeUndefined();
    const second = (await cleaner.clean(log, first.firstDirtyOffset, { nowMs: 4_000 }))!;
    expect(second).toBeDefined();
    expect(second.tombstonesRemoved).toBe(1);
    expect(allRecords(log).map((r) => r.key!.toString())).not.toContain('key-7');
    // No tombstone left: no further pass.
    expect(await cleaner.clean(log, second.firstDirtyOffset, { nowMs: 100_000 })).toBeUndefined();
  });

  it('finds pending delete horizons of a reopened log from batch headers', async () => {
    log = openLog(tmp.dir, { config: compactConfig({ 'delete.retention.ms': '1000' }) });
    writeUpdates(log, 1_000n);
    log.appendAsLeader(buildRecordBatch([{ key: Buffer.from('key-9'), value: null, timestamp: 2_000n }]), 0);
    log.roll();
    const first = (await new LogCleaner({ logger: silentLogger, clock: new ManualClock(0) }).clean(log, 0n, { nowMs: 3_000 }))!;
    log.close();
    log = openLog(tmp.dir, { config: compactConfig({ 'delete.retention.ms': '1000' }), hadCleanShutdown: true });
    const cleaner = new LogCleaner({ logger: silentLogger, clock: new ManualClock(0) });
    expect(await cleaner.pendingDeleteHorizon(log)).toBe(4_000);
    expect(await cleaner.clean(log, first.firstDirtyOffset, { nowMs: 3_500 })).toBeUndefined();
    expect((await cleaner.clean(log, first.firstDirtyOffset, { nowMs: 4_500 }))!.tombstonesRemoved).toBe(1);
  });

  it('does not clean below min.cleanable.dirty.ratio or within min.compaction.lag.ms', async () => {
    log = openLog(tmp.dir, { config: compactConfig({ 'min.compaction.lag.ms': '10000' }) });
    writeUpdates(log, 1_000n);
    const cleaner = new LogCleaner({ logger: silentLogger, clock: new ManualClock(0) });
    expect(await cleaner.clean(log, 0n, { nowMs: 5_000 })).toBeUndefined();
    const result = (await cleaner.clean(log, 0n, { nowMs: 20_000 }))!;
    expect(result.recordsRetained).toBeLessThan(result.recordsRead);
    // all clean now: ratio 0
    expect(await cleaner.clean(log, result.firstDirtyOffset, { nowMs: 20_000 })).toBeUndefined();
  });

  it('waits for min.cleanable.dirty.ratio of new dirty data after a clean', async () => {
    log = openLog(tmp.dir, { config: compactConfig({ 'min.cleanable.dirty.ratio': '0.9' }) });
    writeUpdates(log, 1_000n);
    const cleaner = new LogCleaner({ logger: silentLogger, clock: new ManualClock(0) });
    const first = (await cleaner.clean(log, 0n, { nowMs: 2_000 }))!;
    // A little more data: the dirty part is far below 90% of the cleanable bytes.
    for (let i = 0; i < 3; i++) log.appendAsLeader(buildRecordBatch([{ key: Buffer.from(`key-${i}`), value: Buffer.from('new'), timestamp: 1_500n }]), 0);
    log.roll();
    const range = cleaner.cleanableRange(log, first.firstDirtyOffset, 2_000);
    expect(range.dirtyBytes).toBeGreaterThan(0);
    expect(range.dirtyRatio).toBeLessThan(0.9);
    expect(await cleaner.clean(log, first.firstDirtyOffset, { nowMs: 2_000 })).toBeUndefined();
  });

  it('rejects records without a key on a compacted topic', () => {
    log = openLog(tmp.dir, { config: compactConfig() });
    expect(kafkaCode(() => log!.appendAsLeader(buildRecordBatch([{ key: null, value: Buffer.from('x') }]), 0))).toBe(87);
  });

  it('survives reopening after cleaning and finishes an interrupted swap', async () => {
    log = openLog(tmp.dir, { config: compactConfig() });
    const latest = writeUpdates(log);
    await new LogCleaner({ logger: silentLogger, clock: new ManualClock(0) }).clean(log, 0n, { nowMs: 10_000, force: true });
    const expected = allRecords(log).map((r) => [r.offset, r.value!.toString()]);
    const firstBase = log.segments[0]!.baseOffset;
    log.close();
    // Simulate a crash after the old segment was deleted but before .swap was renamed.
    const dir = join(tmp.dir, 'topic-0');
    const name = firstBase.toString().padStart(20, '0');
    copyFileSync(join(dir, `${name}.log`), join(dir, `${name}.log.swap`));
    unlinkSync(join(dir, `${name}.log`));
    unlinkSync(join(dir, `${name}.index`));
    log = openLog(tmp.dir, { config: compactConfig(), hadCleanShutdown: true });
    expect(readdirSync(dir).filter((f) => f.endsWith('.swap'))).toEqual([]);
    expect(allRecords(log).map((r) => [r.offset, r.value!.toString()])).toEqual(expected);
    expect(latest.size).toBe(50);
  });

  it('is run by the LogManager and remembers its checkpoint', async () => {
    const clock = new ManualClock(100_000);
    const manager = LogManager.open({ dataDir: tmp.dir, logger: silentLogger, clock, defaultConfig: config(), cleanerIntervalMs: 1000 });
    try {
      const l = manager.getOrCreateLog('compacted', 0, undefined, compactConfig());
      writeUpdates(l, 1_000n);
      const before = l.size;
      manager.startBackgroundTasks();
      clock.advance(1000);
      await waitFor('old segments deleted', () => l.size < before, 10_000, 10);
      expect(await manager.runCleaner()).toEqual(new Map());
    } finally {
      manager.close();
    }
  });
});
