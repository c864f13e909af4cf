// A cleanly shut down log is trusted at load, except for a cheap tail check of its active
// segment: garbage written after the stop is cut off before anything is served or appended.
import { appendFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/engine/common/logger.js';
import { PartitionLog } from '../../../src/engine/storage/partition-log.js';
import { batch, config, flipByte, makeTempDir, openLog, readValues } from './helpers.js';
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
    expect(readValues(log)).toEqual(Array.from({ length: 11 }, (_, i) => `v${i}`));
  });

  it('drops a last batch whose bytes changed after a clean stop', () => {
    const size = writeAndStopCleanly();
    flipByte(segFile(0n, '.log'), size - 2);
    log = reopenClean();
    expect(log.logEndOffset).toBe(8n);
    expect(readValues(log)).toEqual(Array.from({ length: 8 }, (_, i) => `v${i}`));
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
