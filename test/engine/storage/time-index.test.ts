import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TIME_INDEX_ENTRY_SIZE, TimeIndex } from '../../../src/engine/storage/time-index.js';
import { makeTempDir } from './helpers.js';

let tmp: ReturnType<typeof makeTempDir>;
let path: string;
beforeEach(() => {
  tmp = makeTempDir();
  path = join(tmp.dir, '00000000000000000050.timeindex');
});
afterEach(() => tmp.cleanup());

describe('TimeIndex', () => {
  it('appends only when the timestamp grows and never with a smaller offset', () => {
    const index = TimeIndex.open(path, 50n, 1200);
    index.maybeAppend(1000n, 55n);
    index.maybeAppend(1000n, 60n);
    index.maybeAppend(900n, 61n);
    index.maybeAppend(1100n, 54n);
    expect(index.entries).toBe(1);
    index.maybeAppend(1100n, 62n);
    expect(index.entries).toBe(2);
    expect(index.lastEntry).toEqual({ timestamp: 1100n, offset: 62n });
    index.close();
  });

  it('looks up the largest entry at or below a timestamp, or (-1, base offset)', () => {
    const index = TimeIndex.open(path, 50n, 1200);
    index.maybeAppend(1000n, 55n);
    index.maybeAppend(2000n, 70n);
    expect(index.lookup(999n)).toEqual({ timestamp: -1n, offset: 50n });
    expect(index.lookup(1500n)).toEqual({ timestamp: 1000n, offset: 55n });
    expect(index.lookup(5000n)).toEqual({ timestamp: 2000n, offset: 70n });
    index.close();
  });

  it('survives a reopen once written and truncates by offset', () => {
    const index = TimeIndex.open(path, 50n, 1200);
    index.maybeAppend(1000n, 55n);
    index.maybeAppend(2000n, 70n);
    index.maybeAppend(3000n, 80n);
    index.flush();
    expect(statSync(path).size).toBe(3 * TIME_INDEX_ENTRY_SIZE);
    index.truncateTo(70n);
    expect(index.lastEntry).toEqual({ timestamp: 1000n, offset: 55n });
    index.close();
    const again = TimeIndex.open(path, 50n, 1200);
    expect(again.entries).toBe(1);
    again.reset();
    expect(again.lastEntry).toBeUndefined();
    expect(statSync(path).size).toBe(0);
    again.close();
  });

  it('sanity check rejects a partial entry and a decreasing one', () => {
    const index = TimeIndex.open(path, 50n, 1200);
    index.maybeAppend(1000n, 55n);
    index.flush();
    index.close();
    expect(() => TimeIndex.open(path, 50n, 1200).sanityCheck()).not.toThrow();
    appendFileSync(path, Buffer.from([1, 2]));
    expect(() => TimeIndex.open(path, 50n, 1200).sanityCheck()).toThrow(/not a multiple/);
    const bad = Buffer.alloc(24);
    bad.writeBigInt64BE(2000n, 0);
    bad.writeInt32BE(5, 8);
    bad.writeBigInt64BE(1000n, 12);
    bad.writeInt32BE(6, 20);
    writeFileSync(path, bad);
    expect(() => TimeIndex.open(path, 50n, 1200).sanityCheck()).toThrow(/decreasing/);
  });
});
