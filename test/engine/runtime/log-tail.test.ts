import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogTail } from '../../../src/engine/runtime/log-tail.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('LogTail', () => {
  it('returns only complete new lines of each file, once, and starts over when a file shrinks', () => {
    dir = mkdtempSync(join(tmpdir(), 'log-tail-'));
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    writeFileSync(a, 'one\ntw');
    const tail = new LogTail([a, b]);
    expect(tail.read()).toEqual([{ index: 0, line: 'one' }]);
    appendFileSync(a, 'o\n');
    writeFileSync(b, 'bee\n');
    expect(tail.read()).toEqual([
      { index: 0, line: 'two' },
      { index: 1, line: 'bee' },
    ]);
    expect(tail.read()).toEqual([]);
    writeFileSync(b, 'x\n');
    expect(tail.read()).toEqual([{ index: 1, line: 'x' }]);
  });
});
