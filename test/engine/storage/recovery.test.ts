import { appendFileSync, existsSync, readFileSync, openSync, closeSync, readSync, statSync, truncateSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeRecordBatch } from '../../../src/engine/protocol/records/record-codec.js';
import type { PartitionLog } from '../../../src/engine/storage/partition-log.js';
import { batch, config, makeTempDir, openLog, readValues } from './helpers.js';

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

const segFile = (base: bigint, suffix: string) => join(tmp.dir, 'topic-0', base.toString().padStart(20, '0') + suffix);


/** Writes 5 batches of 2 records (offsets 0..9) and crashes (no flush, no snapshot). */
function writeAndCrash(): { sizes: number[] } {
  log = openLog(tmp.dir);
  const sizes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const b = batch(2, { start: i * 2 });
    sizes.push(b.length);
    log.appendAsLeader(b, 1);
  }
  log.closeWithoutFlush();
  return { sizes };
}

describe('PartitionLog recovery', () => {
  it('drops garbage appended after the last batch and continues at the right offset', () => {
    const { sizes } = writeAndCrash();
    const total = sizes.reduce((a, b) => a + b, 0);
    appendFileSync(segFile(0n, '.log'), Buffer.from('this is not a record batch at all, just junk bytes'));
    log = openLog(tmp.dir, { hadCleanShutdown: false });
    expect(log.logEndOffset).toBe(10n);
    expect(statSync(segFile(0n, '.log')).size).toBe(total);
    expect(log.appendAsLeader(batch(1, { start: 10 }), 1).firstOffset).toBe(10n);
    expect(readValues(log)).toEqual(Array.from({ length: 11 }, (_, i) => `v${i}`));
  });

  it('truncates a last batch cut in half at the previous whole batch', () => {
    const { sizes } = writeAndCrash();
    const total = sizes.reduce((a, b) => a + b, 0);
    truncateSync(segFile(0n, '.log'), total - Math.floor(sizes[4]! / 2));
    log = openLog(tmp.dir, { hadCleanShutdown: false });
    expect(log.logEndOffset).toBe(8n);
    expect(log.size).toBe(total - sizes[4]!);
    expect(log.appendAsLeader(batch(2, { start: 8 }), 1).firstOffset).toBe(8n);
    expect(readValues(log)).toEqual(Array.from({ length: 10 }, (_, i) => `v${i}`));
  });

  it('truncates at a last batch whose CRC no longer matches after a flipped byte', () => {
    const { sizes } = writeAndCrash();
    const total = sizes.reduce((a, b) => a + b, 0);
    const fd = openSync(segFile(0n, '.log'), 'r+');
    const pos = total - 3;
    const one = Buffer.alloc(1);
    readSync(fd, one, 0, 1, pos);
    one[0]! ^= 0x5a;
    writeSync(fd, one, 0, 1, pos);
    closeSync(fd);
    log = openLog(tmp.dir, { hadCleanShutdown: false });
    expect(log.logEndOffset).toBe(8n);
    expect(readValues(log)).toEqual(Array.from({ length: 8 }, (_, i) => `v${i}`));
    expect(log.appendAsLeader(batch(1, { start: 8 }), 1).firstOffset).toBe(8n);
  });

  it('deletes the segments after a corrupt one found during recovery', () => {
    log = openLog(tmp.dir, { config: config({ 'segment.bytes': '300' }) });
    for (let i = 0; i < 12; i++) log.appendAsLeader(batch(2, { start: i * 2, valueSize: 40 }), 1);
    const bases = log.segments.map((s) => s.baseOffset);
    expect(bases.length).toBeGreaterThan(3);
    log.closeWithoutFlush();
    // corrupt the tail of the second segment
    const second = segFile(bases[1]!, '.log');
    const size = statSync(second).size;
    const fd = openSync(second, 'r+');
    writeSync(fd, Buffer.from([0xff, 0xff]), 0, 2, size - 5);
    closeSync(fd);
    log = openLog(tmp.dir, { config: config({ 'segment.bytes': '300' }), hadCleanShutdown: false, recoveryPoint: 0n });
    expect(log.numberOfSegments).toBe(2);
    expect(existsSync(segFile(bases[2]!, '.log'))).toBe(false);
    expect(log.logEndOffset).toBeLessThan(bases[2]!);
    const next = log.logEndOffset;
    expect(log.appendAsLeader(batch(1), 1).firstOffset).toBe(next);
  });

  it('trusts segments below the recovery point and recovers only after it', () => {
    log = openLog(tmp.dir, { config: config({ 'segment.bytes': '300' }) });
    for (let i = 0; i < 6; i++) log.appendAsLeader(batch(2, { start: i * 2, valueSize: 40 }), 1);
    const active = log.activeSegment.baseOffset;
    const leo = log.logEndOffset;
    log.closeWithoutFlush();
    appendFileSync(segFile(active, '.log'), Buffer.alloc(30, 7));
    log = openLog(tmp.dir, { config: config({ 'segment.bytes': '300' }), hadCleanShutdown: false, recoveryPoint: active });
    expect(log.logEndOffset).toBe(leo);
    expect(readValues(log)).toHaveLength(Number(leo));
  });

  it('rebuilds a corrupt offset index even after a clean shutdown', () => {
    log = openLog(tmp.dir, { config: config({ 'index.interval.bytes': '10' }) });
    for (let i = 0; i < 40; i++) log.appendAsLeader(batch(3, { start: i * 3 }), 1);
    const entries = log.activeSegment.offsetIndex.entries;
    expect(entries).toBeGreaterThan(30);
    log.close();
    // garbage entries: decreasing offsets and positions beyond the log, plus a partial entry
    writeFileSync(segFile(0n, '.index'), Buffer.concat([Buffer.from([0, 0, 0, 50, 0, 0, 0, 9, 0, 0, 0, 3, 0x7f, 0, 0, 0]), Buffer.alloc(3)]));
    log = openLog(tmp.dir, { config: config({ 'index.interval.bytes': '10' }), hadCleanShutdown: true });
    expect(log.activeSegment.offsetIndex.entries).toBe(entries);
    expect(readValues(log)).toHaveLength(120);
    for (const o of [0n, 1n, 59n, 60n, 119n]) {
      const r = log.read(o, 1, { minOneMessage: true });
      const { records } = decodeRecordBatch(r.records);
      expect(records.some((x) => x.offset === o)).toBe(true);
    }
  });

  it('rebuilds an index whose last entry points at the wrong batch', () => {
    log = openLog(tmp.dir, { config: config({ 'index.interval.bytes': '10' }) });
    for (let i = 0; i < 10; i++) log.appendAsLeader(batch(3, { start: i * 3 }), 1);
    log.close();
    const path = segFile(0n, '.index');
    const data = readFileSync(path);
    data.writeInt32BE(data.readInt32BE(data.length - 8) + 1, data.length - 8); // off by one
    writeFileSync(path, data);
    log = openLog(tmp.dir, { config: config({ 'index.interval.bytes': '10' }), hadCleanShutdown: true });
    expect(log.activeSegment.offsetIndex.lastOffset).toBe(29n);
    expect(readValues(log)).toHaveLength(30);
  });

  it('rebuilds missing index files', () => {
    log = openLog(tmp.dir, { config: config({ 'index.interval.bytes': '10' }) });
    for (let i = 0; i < 10; i++) log.appendAsLeader(batch(3, { start: i * 3, ts: 5000n + BigInt(i * 10) }), 1);
    log.close();
    unlinkSync(segFile(0n, '.index'));
    unlinkSync(segFile(0n, '.timeindex'));
    log = openLog(tmp.dir, { config: config({ 'index.interval.bytes': '10' }), hadCleanShutdown: true });
    expect(log.activeSegment.offsetIndex.entries).toBeGreaterThan(5);
    expect(log.offsetForTimestamp(5041n)).toMatchObject({ offset: 13n, timestamp: 5041n });
    expect(readValues(log)).toHaveLength(30);
  });

  it('rebuilds the leader epoch cache from batches when its checkpoint is lost', () => {
    log = openLog(tmp.dir);
    log.appendAsLeader(batch(2), 3);
    log.appendAsLeader(batch(2), 5);
    log.closeWithoutFlush();
    unlinkSync(join(tmp.dir, 'topic-0', 'leader-epoch-checkpoint'));
    log = openLog(tmp.dir, { hadCleanShutdown: false });
    expect(log.leaderEpochCache.entries).toEqual([
      { epoch: 3, startOffset: 0n },
      { epoch: 5, startOffset: 2n },
    ]);
  });

  it('keeps the time index largest timestamp across a crash for retention', () => {
    log = openLog(tmp.dir);
    log.appendAsLeader(batch(2, { ts: 123_000n }), 1);
    log.closeWithoutFlush();
    log = openLog(tmp.dir, { hadCleanShutdown: false });
    expect(log.activeSegment.largestTimestamp).toBe(123_001);
  });
  it('writes index entries in runs, not one system call each, and a crash loses none of them', () => {
    const cfg = config({ 'index.interval.bytes': '0' });
    log = openLog(tmp.dir, { config: cfg });
    for (let i = 0; i < 40; i++) log.appendAsLeader(batch(2, { start: i * 2, ts: 9_000n + BigInt(i * 10) }), 1);
    const entries = log.activeSegment.offsetIndex.entries;
    const timeEntries = log.activeSegment.timeIndex.entries;
    expect(entries).toBeGreaterThanOrEqual(39);
    expect(timeEntries).toBeGreaterThanOrEqual(39);
    // Kept in memory until a run is full or the segment is flushed, rolled or closed.
    expect(statSync(segFile(0n, '.index')).size).toBe(0);
    expect(statSync(segFile(0n, '.timeindex')).size).toBe(0);
    expect(log.offsetForTimestamp(9_201n)).toMatchObject({ offset: 41n, timestamp: 9_201n });

    // kill -9: the unwritten entries are rebuilt from the log on the unclean start.
    log.closeWithoutFlush();
    log = openLog(tmp.dir, { config: cfg, hadCleanShutdown: false });
    expect(log.activeSegment.offsetIndex.entries).toBe(entries);
    expect(log.activeSegment.timeIndex.entries).toBe(timeEntries);
    expect(statSync(segFile(0n, '.index')).size).toBe(entries * 8);
    expect(log.offsetForTimestamp(9_201n)).toMatchObject({ offset: 41n, timestamp: 9_201n });
    expect(readValues(log)).toEqual(Array.from({ length: 80 }, (_, i) => `v${i}`));

    // flush (the recovery point moves past these offsets) and a clean close write them all.
    for (let i = 40; i < 50; i++) log.appendAsLeader(batch(2, { start: i * 2, ts: 9_000n + BigInt(i * 10) }), 1);
    log.flush();
    expect(statSync(segFile(0n, '.index')).size).toBe(log.activeSegment.offsetIndex.entries * 8);
    log.appendAsLeader(batch(2, { start: 100, ts: 9_500n }), 1);
    const finalEntries = log.activeSegment.offsetIndex.entries;
    const finalTimeEntries = log.activeSegment.timeIndex.entries;
    log.close();
    expect(statSync(segFile(0n, '.index')).size).toBe(finalEntries * 8);
    expect(statSync(segFile(0n, '.timeindex')).size).toBeGreaterThanOrEqual(finalTimeEntries * 12);
    log = openLog(tmp.dir, { config: cfg, hadCleanShutdown: true });
    expect(log.activeSegment.offsetIndex.entries).toBe(finalEntries);
    expect(readValues(log)).toHaveLength(102);
  });

  it('writes a full run of index entries without waiting for a flush', () => {
    log = openLog(tmp.dir, { config: config({ 'index.interval.bytes': '0' }) });
    for (let i = 0; i < 600; i++) log.appendAsLeader(batch(1, { start: i, ts: 1_000n + BigInt(i) }), 1);
    expect(statSync(segFile(0n, '.index')).size).toBe(512 * 8);
    expect(statSync(segFile(0n, '.timeindex')).size).toBe(512 * 12);
  });

  it('truncation drops unwritten index entries and shrinks the file only past what it holds', () => {
    const cfg = config({ 'index.interval.bytes': '0' });
    log = openLog(tmp.dir, { config: cfg });
    for (let i = 0; i < 600; i++) log.appendAsLeader(batch(1, { start: i }), 1);
    log.truncateTo(550n);
    expect(statSync(segFile(0n, '.index')).size).toBe(512 * 8);
    expect(log.activeSegment.offsetIndex.lastOffset).toBeLessThan(550n);
    log.truncateTo(100n);
    expect(statSync(segFile(0n, '.index')).size).toBe(log.activeSegment.offsetIndex.entries * 8);
    expect(log.appendAsLeader(batch(1, { start: 100 }), 1).firstOffset).toBe(100n);
    log.close();
    log = openLog(tmp.dir, { config: cfg, hadCleanShutdown: true });
    expect(readValues(log)).toEqual(Array.from({ length: 101 }, (_, i) => `v${i}`));
  });
});
