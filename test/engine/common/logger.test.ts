import { mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rotatingFileSink } from '../../../src/engine/common/log-file-sink.js';
import { createLogger, fileSink } from '../../../src/engine/common/logger.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'logger-'));
  dirs.push(d);
  return d;
}
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('logger', () => {
  it('rotates the file by size and keeps a bounded number of files', () => {
    const dir = tempDir();
    const path = join(dir, 'broker.log');
    const log = createLogger({ sink: fileSink(path, { maxBytes: 1000, maxFiles: 2 }), repeatWindowMs: 0 });
    for (let i = 0; i < 100; i++) log.info('line', { i, pad: 'x'.repeat(50) });
    expect(readdirSync(dir).sort()).toEqual(['broker.log', 'broker.log.1', 'broker.log.2']);
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f)).length).toBeLessThanOrEqual(1000);
    expect(lines(path).at(-1)).toMatchObject({ i: 99 });
  });

  it('never throws when the log file cannot be written, and reports the lost lines later', () => {
    const dir = tempDir();
    const path = join(dir, 'gone', 'x.log');
    const sink = rotatingFileSink(path);
    rmSync(join(dir, 'gone'), { recursive: true, force: true });
    mkdirSync(path, { recursive: true }); // a directory where the file should be: every append fails
    const log = createLogger({ sink, repeatWindowMs: 0 });
    expect(() => log.error('disk trouble', { n: 1 })).not.toThrow();
    log.error('disk trouble', { n: 2 });
    expect(sink.dropped).toBe(2);
    rmSync(path, { recursive: true });
    log.info('back');
    const written = lines(path);
    expect(written[0]).toMatchObject({ msg: 'log lines were lost to write errors', droppedLines: 2 });
    expect(written[1]).toMatchObject({ msg: 'back' });
  });

  it('writes a repeated identical error at most once per window with a suppressed count', () => {
    const out: Record<string, unknown>[] = [];
    let now = 1_000;
    const log = createLogger({ sink: (l) => out.push(JSON.parse(l)), repeatWindowMs: 5_000, nowMs: () => now });
    const child = log.child({ component: 'fetcher' });
    for (let i = 0; i < 50; i++) child.error('fetch failed', { error: new Error('ECONNREFUSED') });
    child.error('fetch failed', { error: new Error('other cause') });
    child.info('info lines are never limited');
    child.info('info lines are never limited');
    now += 5_000;
    child.error('fetch failed', { error: new Error('ECONNREFUSED') });
    expect(out.map((l) => [l.msg, l.suppressed])).toEqual([
      ['fetch failed', undefined],
      ['fetch failed', undefined],
      ['info lines are never limited', undefined],
      ['info lines are never limited', undefined],
      ['fetch failed', 49],
    ]);
  });
});
