// A cleanly shut down log is trusted at load, except for a cheap tail check of its active
// segment: garbage written after the stop is cut off before anything is served or appended.
import { appendFileSync, closeSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/engine/common/logger.js';
import { validateRecordBatches } from '../../../src/engine/protocol/records/record-batch.js';
import { decodeRecordBatch } from '../../../src/engine/protocol/records/record-codec.js';
import { PartitionLog } from '../../../src/engine/storage/partition-log.js';
import { batch, config, makeTempDir, openLog } from './helpers.js';
import { ManualClock } from '../../../src/engine/common/clock.js';

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

function values(l: PartitionLog): string[] {
  const out: string[] = [];
  let offset = l.logStartOffset;
  while (offset < l.logEndOffset) {
    const r = l.read(offset, 1 << 20, { minOneMessage: true });
    for (const b of validateRecordBatches(r.records).batches) out.push(...decodeRecordBatch(r.records, b.position).records.map((x) => x.value!.toString()));
    offset = r.nextOffset;
  }
  return out;
}

/** 5 batches of 2 records (offsets 0..9), closed cleanly; returns the .log size. */
function writeAndStopCleanly(): number {
  log = openLog(tmp.dir, { config: config({ 'index.interval.bytes': '100' }) });
  for (let i = 0; i < 5; i++) log.appendAsLeader(batch(2, { start: i * 2 }), 1);
  log.close();
  return statSync(segFile(0n, '.log')).size;
}

function reopenClean(lines?: Record<string, unknown>[]): PartitionLog {
  if (!lines) return openLog(tmp.dir, { config: config({ 'index.interval.bytes': '100' }), hadCleanShutdown: true });
  return PartitionLog.open({
    dir: join(tmp.dir, 'topic-0'),
    topic: 'topic',
    partition: 0,
    config: config({ 'index.interval.bytes': '100' }),
    logger: createLogger({ sink: (l) => lines.push(JSON.parse(l)) }),
    clock: new ManualClock(1_700_000_000_000),
    hadCleanShutdown: true,
  });
}

describe('clean-shutdown tail check', () => {
  it('truncates garbage appended after a clean stop and logs it as an error', () => {
    const size = writeAndStopCleanly();
    appendFileSync(segFile(0n, '.log'), Buffer.from('garbage written after the clean shutdown'));
    const lines: Record<string, unknown>[] = [];
    log = reopenClean(lines);
    expect(statSync(segFile(0n, '.log')).size).toBe(size);
    expect(log.logEndOffset).toBe(10n);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', msg: expect.stringContaining('CORRUPT LOG TAIL'), truncatedBytes: 40 }));
    expect(log.appendAsLeader(batch(1, { start: 10 }), 1).firstOffset).toBe(10n);
    expect(values(log)).toEqual(Array.from({ length: 11 }, (_, i) => `v${i}`));
  });

  it('drops a last batch whose bytes changed after a clean stop', () => {
    const size = writeAndStopCleanly();
    const fd = openSync(segFile(0n, '.log'), 'r+');
    const one = Buffer.alloc(1);
    readSync(fd, one, 0, 1, size - 2);
    one[0]! ^= 0xff;
    writeSync(fd, one, 0, 1, size - 2);
    closeSync(fd);
    log = reopenClean();
    expect(log.logEndOffset).toBe(8n);
    expect(values(log)).toEqual(Array.from({ length: 8 }, (_, i) => `v${i}`));
  });

  it('leaves an intact cleanly stopped log alone', () => {
    const size = writeAndStopCleanly();
    const lines: Record<string, unknown>[] = [];
    log = reopenClean(lines);
    expect(statSync(segFile(0n, '.log')).size).toBe(size);
    expect(log.logEndOffset).toBe(10n);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});
