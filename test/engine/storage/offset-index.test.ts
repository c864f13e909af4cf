import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OFFSET_INDEX_ENTRY_SIZE, OffsetIndex } from '../../../src/engine/storage/offset-index.js';
import { makeTempDir } from './helpers.js';

let tmp: ReturnType<typeof makeTempDir>;
let path: string;
beforeEach(() => {
  tmp = makeTempDir();
  path = join(tmp.dir, '00000000000000000100.index');
});
afterEach(() => tmp.cleanup());

describe('OffsetIndex', () => {
  it('looks up the largest entry at or below an offset, or the segment start', () => {
    const index = OffsetIndex.open(path, 100n, 1024);
    index.append(110n, 400);
    index.append(120n, 900);
    expect(index.lookup(99n)).toEqual({ offset: 100n, position: 0 });
    expect(index.lookup(105n)).toEqual({ offset: 100n, position: 0 });
    expect(index.lookup(110n)).toEqual({ offset: 110n, position: 400 });
    expect(index.lookup(119n)).toEqual({ offset: 110n, position: 400 });
    expect(index.lookup(10_000n)).toEqual({ offset: 120n, position: 900 });
    index.close();
  });

  it('refuses an entry that does not follow the last one', () => {
    const index = OffsetIndex.open(path, 100n, 1024);
    index.append(110n, 400);
    expect(() => index.append(110n, 500)).toThrow(/does not follow/);
    expect(() => index.append(111n, 400)).toThrow(/does not follow/);
    expect(index.entries).toBe(1);
    index.close();
  });

  it('keeps entries in memory until flushed, then reopens with them', () => {
    const index = OffsetIndex.open(path, 100n, 1024);
    index.append(101n, 10);
    index.append(102n, 20);
    expect(statSync(path).size).toBe(0);
    index.flush();
    expect(statSync(path).size).toBe(2 * OFFSET_INDEX_ENTRY_SIZE);
    index.close();
    const again = OffsetIndex.open(path, 100n, 1024);
    expect(again.entries).toBe(2);
    expect(again.lastOffset).toBe(102n);
    expect(again.lastPosition).toBe(20);
    again.close();
  });

  it('truncates by offset and by position, shrinking the written file', () => {
    const index = OffsetIndex.open(path, 100n, 1024);
    for (let i = 1; i <= 5; i++) index.append(100n + BigInt(i * 10), i * 100);
    index.flush();
    index.truncateTo(130n);
    expect(index.entries).toBe(2);
    expect(statSync(path).size).toBe(2 * OFFSET_INDEX_ENTRY_SIZE);
    index.truncateToPosition(200);
    expect(index.entries).toBe(1);
    expect(index.lastOffset).toBe(110n);
    index.reset();
    expect(index.entries).toBe(0);
    expect(index.lastOffset).toBe(100n);
    expect(statSync(path).size).toBe(0);
    index.close();
  });

  it('is full at segment.index.bytes worth of entries', () => {
    const index = OffsetIndex.open(path, 0n, 3 * OFFSET_INDEX_ENTRY_SIZE);
    index.append(1n, 1);
    index.append(2n, 2);
    expect(index.isFull).toBe(false);
    index.append(3n, 3);
    expect(index.isFull).toBe(true);
    expect(index.sizeInBytes).toBe(3 * OFFSET_INDEX_ENTRY_SIZE);
    index.close();
  });

  it('sanity check rejects a partial entry, a non-increasing entry and a position past the log', () => {
    const index = OffsetIndex.open(path, 100n, 1024);
    index.append(101n, 10);
    index.append(102n, 20);
    index.flush();
    index.close();
    expect(() => OffsetIndex.open(path, 100n, 1024).sanityCheck(1000)).not.toThrow();
    expect(() => OffsetIndex.open(path, 100n, 1024).sanityCheck(15)).toThrow(/beyond the log size/);
    appendFileSync(path, Buffer.from([0, 0, 0]));
    expect(() => OffsetIndex.open(path, 100n, 1024).sanityCheck(1000)).toThrow(/not a multiple/);
    const bad = Buffer.alloc(16);
    bad.writeInt32BE(5, 0);
    bad.writeInt32BE(50, 4);
    bad.writeInt32BE(4, 8);
    bad.writeInt32BE(60, 12);
    writeFileSync(path, bad);
    expect(() => OffsetIndex.open(path, 100n, 1024).sanityCheck(1000)).toThrow(/non-increasing/);
  });

  it('renames its file and deletes it', () => {
    const index = OffsetIndex.open(path, 100n, 1024);
    index.renameTo(path + '.swap');
    expect(index.path).toBe(path + '.swap');
    index.delete();
    expect(() => statSync(path + '.swap')).toThrow();
  });
});
