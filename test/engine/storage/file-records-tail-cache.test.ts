import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileRecords } from '../../../src/engine/storage/file-records.js';
import type { PartitionLog } from '../../../src/engine/storage/partition-log.js';
import { batch, makeTempDir, openLog } from './helpers.js';

let tmp: ReturnType<typeof makeTempDir>;
let file: FileRecords | undefined;
let log: PartitionLog | undefined;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  file?.close();
  file = undefined;
  if (log && !log.closed) log.close();
  log = undefined;
  tmp.cleanup();
});

/** A buffer with its own memory (not a slice of Node's shared pool). */
const own = (n: number, fill: number) => Buffer.from(new Uint8Array(n).fill(fill).buffer);

describe('FileRecords tail cache', () => {
  it('serves reads inside a kept append from its buffer, without copying', () => {
    file = FileRecords.open(join(tmp.dir, 'a.log'));
    const a = own(10_000, 1);
    const b = own(10_000, 2);
    file.append(a, true);
    file.append(b, true);
    const r = file.read(10_000, 10_000);
    expect(r.buffer).toBe(b.buffer);
    expect(r.equals(b)).toBe(true);
    expect(file.read(100, 50).buffer).toBe(a.buffer);
    // A range across two appends is read from the file.
    const across = file.read(9_990, 20);
    expect(across.buffer).not.toBe(a.buffer);
    expect([...across]).toEqual([...Array(10).fill(1), ...Array(10).fill(2)]);
  });

  it('keeps nothing for appends not marked kept, too big, or pinning a much larger buffer', () => {
    file = FileRecords.open(join(tmp.dir, 'a.log'));
    const plain = own(10_000, 1);
    file.append(plain);
    expect(file.read(0, 100).buffer).not.toBe(plain.buffer);
    const big = own(300_000, 2);
    file.append(big, true);
    expect(file.read(10_000, 100).buffer).not.toBe(big.buffer);
    const view = own(1_000_000, 3).subarray(0, 10_000);
    file.append(view, true);
    const r = file.read(310_000, 100);
    expect(r.buffer).not.toBe(view.buffer);
    expect([...r]).toEqual(Array(100).fill(3));
  });

  it('never returns bytes a truncation removed', () => {
    file = FileRecords.open(join(tmp.dir, 'a.log'));
    file.append(own(10_000, 1), true);
    file.append(own(10_000, 2), true);
    file.truncateTo(10_000);
    file.append(own(10_000, 7), true);
    expect([...file.read(10_000, 5)]).toEqual([7, 7, 7, 7, 7]);
    file.truncateTo(10_000);
    file.append(own(10_000, 9));
    expect([...file.read(10_000, 5)]).toEqual([9, 9, 9, 9, 9]);
  });

  it('stays bounded: older appends are read back from the file, with the same bytes', () => {
    file = FileRecords.open(join(tmp.dir, 'a.log'));
    const parts = Array.from({ length: 200 }, (_, i) => own(10_000, i % 256));
    for (const p of parts) file.append(p, true);
    expect(file.read(0, 10).buffer).not.toBe(parts[0]!.buffer);
    expect(file.read(199 * 10_000, 10).buffer).toBe(parts[199]!.buffer);
    for (const i of [0, 50, 150, 199]) expect(file.read(i * 10_000, 10_000).equals(parts[i]!)).toBe(true);
  });

  it('a partition log reads back what leaders and followers appended, before and after a roll', () => {
    log = openLog(tmp.dir);
    const first = Buffer.from(batch(50, { start: 0, valueSize: 200 }));
    log.appendAsLeader(first, 1);
    const r = log.read(0n, 1 << 20);
    expect(r.records.buffer).toBe(first.buffer);
    log.roll();
    log.appendAsLeader(Buffer.from(batch(50, { start: 50, valueSize: 200 })), 1);
    const old = log.read(0n, 1 << 20);
    expect(old.records.buffer).not.toBe(first.buffer); // the rolled segment reads its file
    expect(old.records.equals(r.records)).toBe(true);
  });
});
