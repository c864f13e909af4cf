// Reads from older (on-disk) segments verify batch CRCs: a damaged replica answers
// KAFKA_STORAGE_ERROR instead of serving bytes that fail in the client.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PartitionLog } from '../../../src/engine/storage/partition-log.js';
import { isCorruptLogError } from '../../../src/engine/storage/segment-check.js';
import { batch, config, flipByte, makeTempDir, openLog } from './helpers.js';

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

function writeSegments(): PartitionLog {
  const l = openLog(tmp.dir, { config: config({ 'segment.bytes': '400' }) });
  for (let i = 0; i < 12; i++) l.appendAsLeader(batch(2, { start: i * 2, valueSize: 40 }), 1);
  expect(l.numberOfSegments).toBeGreaterThan(2);
  return l;
}

describe('reading a damaged older segment', () => {
  it('throws a corrupt-log error with KAFKA_STORAGE_ERROR instead of serving the bytes', () => {
    log = writeSegments();
    flipByte(join(tmp.dir, 'topic-0', '00000000000000000000.log'), 100);
    let caught: unknown;
    try {
      log.read(0n, 1 << 20, { minOneMessage: true });
    } catch (error) {
      caught = error;
    }
    expect(isCorruptLogError(caught)).toBe(true);
    expect(caught).toMatchObject({ kafkaErrorCode: 56, message: expect.stringContaining('fails its CRC check') });
  });

  it('serves intact older segments and the active one', () => {
    log = writeSegments();
    flipByte(join(tmp.dir, 'topic-0', '00000000000000000000.log'), 100);
    const second = log.segments[1]!.baseOffset;
    expect(log.read(second, 1 << 20, { minOneMessage: true }).records.length).toBeGreaterThan(0);
    expect(log.read(log.activeSegment.baseOffset, 1 << 20, { minOneMessage: true }).records.length).toBeGreaterThan(0);
  });
});
