import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync } from 'node:fs';
import { ManualClock } from '../../../src/engine/common/clock.js';
import { assignOffsets, validateRecordBatches, type BatchPosition } from '../../../src/engine/protocol/records/record-batch.js';
import { LogSegment } from '../../../src/engine/storage/log-segment.js';
import { batch, makeTempDir } from './helpers.js';

let tmp: ReturnType<typeof makeTempDir>;
let clock: ManualClock;
beforeEach(() => {
  tmp = makeTempDir();
  clock = new ManualClock(1_700_000_000_000);
});
afterEach(() => tmp.cleanup());

function open(baseOffset = 0n, indexIntervalBytes = 4096): LogSegment {
  return LogSegment.open({ dir: tmp.dir, baseOffset, indexIntervalBytes, segmentIndexBytes: 10 * 1024 * 1024, clock });
}

/** `count` records as one batch with offsets from `base`. */
function assigned(count: number, base: bigint, opts: { ts?: bigint; valueSize?: number } = {}): { records: Buffer; batches: BatchPosition[] } {
  const records = batch(count, opts);
  const { batches } = validateRecordBatches(records);
  assignOffsets(records, batches[0]!, base, 0);
  return { records, batches };
}

function append(segment: LogSegment, count: number, base: bigint, opts: { ts?: bigint; valueSize?: number } = {}): number {
  const { records, batches } = assigned(count, base, opts);
  segment.append(records, batches);
  return records.length;
}

describe('LogSegment', () => {
  it('reads whole batches from the one holding an offset, within max bytes', () => {
    const segment = open();
    const first = append(segment, 5, 0n);
    const second = append(segment, 5, 5n);
    append(segment, 5, 10n);
    expect(segment.readNextOffset()).toBe(15n);
    const fromThree = segment.read(3n, 1 << 20, segment.size, false)!;
    expect(fromThree.position).toBe(0);
    expect(fromThree.nextOffset).toBe(15n);
    const two = segment.read(5n, second + first, segment.size, false)!;
    expect(two.records.length).toBe(second + first);
    expect(two.nextOffset).toBe(15n);
    const bounded = segment.read(0n, first + 10, first + second, false)!;
    expect(bounded.records.length).toBe(first);
    expect(bounded.nextOffset).toBe(5n);
    expect(segment.read(15n, 100, segment.size, true)).toBeUndefined();
    segment.close();
  });

  it('returns the first batch beyond max bytes only with minOneMessage', () => {
    const segment = open();
    const size = append(segment, 3, 0n);
    expect(segment.read(0n, 10, segment.size, false)!.records.length).toBe(0);
    expect(segment.read(0n, 10, segment.size, true)!.records.length).toBe(size);
    segment.close();
  });

  it('indexes every index.interval.bytes and finds offsets through the index after a reopen', () => {
    const segment = open(0n, 100);
    for (let i = 0; i < 20; i++) append(segment, 2, BigInt(i * 2), { valueSize: 60 });
    expect(segment.offsetIndex.entries).toBeGreaterThan(5);
    segment.close();
    const again = open(0n, 100);
    expect(again.readNextOffset()).toBe(40n);
    expect(again.translateOffset(21n)!.baseOffset).toBe(20n);
    expect(() => again.sanityCheck()).not.toThrow();
    again.close();
  });

  it('truncates to an offset, dropping the batch holding it and everything after', () => {
    const segment = open();
    append(segment, 5, 0n);
    append(segment, 5, 5n);
    const removed = segment.truncateTo(7n);
    expect(removed).toBeGreaterThan(0);
    expect(segment.readNextOffset()).toBe(5n);
    append(segment, 1, 5n);
    expect(segment.readNextOffset()).toBe(6n);
    segment.close();
  });

  it('recovery truncates a torn tail and rebuilds the indexes', () => {
    const segment = open(0n, 100);
    for (let i = 0; i < 10; i++) append(segment, 2, BigInt(i * 2), { valueSize: 60 });
    const good = segment.size;
    segment.close();
    appendFileSync(segment.log.path, Buffer.from('a torn half-written batch'));
    const again = open(0n, 100);
    const headers: bigint[] = [];
    expect(again.recover((h) => headers.push(h.baseOffset))).toBe('a torn half-written batch'.length);
    expect(again.size).toBe(good);
    expect(headers).toHaveLength(10);
    expect(again.readNextOffset()).toBe(20n);
    expect(again.offsetIndex.entries).toBeGreaterThan(0);
    again.close();
  });

  it('finds the first offset at or after a timestamp', () => {
    const segment = open();
    append(segment, 3, 0n, { ts: 1000n });
    append(segment, 3, 3n, { ts: 2000n });
    expect(segment.findOffsetByTimestamp(1001n, 0n)).toEqual({ offset: 1n, timestamp: 1001n });
    expect(segment.findOffsetByTimestamp(1500n, 0n)).toEqual({ offset: 3n, timestamp: 2000n });
    expect(segment.findOffsetByTimestamp(5000n, 0n)).toBeUndefined();
    expect(segment.maxTimestampSoFar).toBe(2002n);
    segment.close();
  });

  it('rolls when the next append would pass segment.bytes, or its records are segment.ms newer than the first batch', () => {
    const segment = open();
    append(segment, 3, 0n, { ts: BigInt(clock.now()) });
    const params = { segmentBytes: 1 << 20, segmentMs: 60_000, maxTimestampInMessages: BigInt(clock.now()), maxOffsetInMessages: 10n, messagesSize: 100, nowMs: clock.now() };
    expect(segment.shouldRoll(params)).toBe(false);
    expect(segment.shouldRoll({ ...params, messagesSize: 1 << 20 })).toBe(true);
    expect(segment.shouldRoll({ ...params, maxTimestampInMessages: BigInt(clock.now()) + 60_000n })).toBe(false);
    expect(segment.shouldRoll({ ...params, maxTimestampInMessages: BigInt(clock.now()) + 60_003n })).toBe(true);
    segment.close();
  });
});
