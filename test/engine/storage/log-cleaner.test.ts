import { copyFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/common/clock.js';
import { silentLogger } from '../../../src/engine/common/logger.js';
import { CompressionType, validateRecordBatches } from '../../../src/engine/protocol/records/record-batch.js';
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
  it('keeps only the latest record per key, with its original offset', () => {
    log = openLog(tmp.dir, { config: compactConfig() });
    const latest = writeUpdates(log, 1_000n, CompressionType.Snappy);
    const before = log.size;
    const result = new LogCleaner({ logger: silentLogger, clock: new ManualClock(2_000) }).clean(log, 0n, { nowMs: 2_000 })!;
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

  it('drops tombstones only once they are older than delete.retention.ms', () => {
    log = openLog(tmp.dir, { config: compactConfig({ 'delete.retention.ms': '1000' }) });
    writeUpdates(log, 1_000n);
    log.appendAsLeader(buildRecordBatch([{ key: Buffer.from('key-3'), value: null, timestamp: 5_000n }]), 0);
    log.roll();
    log.appendAsLeader(buildRecordBatch([{ key: Buffer.from('other'), value: Buffer.from('x'), timestamp: 5_000n }]), 0);
    const cleaner = new LogCleaner({ logger: silentLogger, clock: new ManualClock(0) });
    cleaner.clean(log, 0n, { nowMs: 5_500, force: true });
    let keys = allRecords(log).map((r) => r.key!.toString());
    expect(keys.filter((k) => k === 'key-3')).toHaveLength(1);
    expect(allRecords(log).find((r) => r.key!.toString() === 'key-3')!.value).toBeNull();
    cleaner.clean(log, 0n, { nowMs: 7_000, force: true });
    keys = allRecords(log).map((r) => r.key!.toString());
    expect(keys).not.toContain('key-3');
    expect(keys).toContain('key-4');
  });

  it('does not clean below min.cleanable.dirty.ratio or within min.compaction.lag.ms', () => {
    log = openLog(tmp.dir, { config: compactConfig({ 'min.compaction.lag.ms': '10000' }) });
    writeUpdates(log, 1_000n);
    const cleaner = new LogCleaner({ logger: silentLogger, clock: new ManualClock(0) });
    expect(cleaner.clean(log, 0n, { nowMs: 5_000 })).toBeUndefined();
    const result = cleaner.clean(log, 0n, { nowMs: 20_000 })!;
    expect(result.recordsRetained).toBeLessThan(result.recordsRead);
    // all clean now: ratio 0
    expect(cleaner.clean(log, result.firstDirtyOffset, { nowMs: 20_000 })).toBeUndefined();
  });

  it('rejects records without a key on a compacted topic', () => {
    log = openLog(tmp.dir, { config: compactConfig() });
    expect(kafkaCode(() => log!.appendAsLeader(buildRecordBatch([{ key: null, value: Buffer.from('x') }]), 0))).toBe(87);
  });

  it('survives reopening after cleaning and finishes an interrupted swap', () => {
    log = openLog(tmp.dir, { config: compactConfig() });
    const latest = writeUpdates(log);
    new LogCleaner({ logger: silentLogger, clock: new ManualClock(0) }).clean(log, 0n, { nowMs: 10_000, force: true });
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

  it('is run by the LogManager and remembers its checkpoint', () => {
    const clock = new ManualClock(100_000);
    const manager = LogManager.open({ dataDir: tmp.dir, logger: silentLogger, clock, defaultConfig: config(), cleanerIntervalMs: 1000 });
    try {
      const l = manager.getOrCreateLog('compacted', 0, undefined, compactConfig());
      writeUpdates(l, 1_000n);
      const before = l.size;
      manager.startBackgroundTasks();
      clock.advance(1000);
      expect(l.size).toBeLessThan(before);
      expect(manager.runCleaner()).toEqual(new Map());
    } finally {
      manager.close();
    }
  });
});
