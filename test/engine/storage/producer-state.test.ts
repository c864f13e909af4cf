import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../../../src/engine/common/logger.js';
import { readBatchHeader, type BatchHeader } from '../../../src/engine/protocol/records/record-batch.js';
import { RecordsErrorCode } from '../../../src/engine/protocol/records/records-error.js';
import { NUM_BATCHES_TO_RETAIN, ProducerStateManager, lastSequenceOf } from '../../../src/engine/storage/producer-state.js';
import { batch, kafkaCode, makeTempDir } from './helpers.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => (tmp = makeTempDir()));
afterEach(() => tmp.cleanup());

const PID = 42n;

/** The header of an idempotent batch of `count` records at `baseOffset`. */
function header(baseSequence: number, count: number, baseOffset: bigint, producerEpoch = 0): BatchHeader {
  const h = readBatchHeader(batch(count, { producerId: PID, producerEpoch, baseSequence }), 0);
  h.baseOffset = baseOffset;
  return h;
}

function appendOne(m: ProducerStateManager, h: BatchHeader): void {
  const info = m.prepareUpdate();
  expect(info.checkLeaderBatch(h)).toBeUndefined();
  info.append(h);
  m.commit(info, h.baseOffset + BigInt(h.lastOffsetDelta) + 1n);
}

function manager(): ProducerStateManager {
  return new ProducerStateManager({ dir: tmp.dir, logger: silentLogger });
}

describe('ProducerStateManager', () => {
  it('answers a retried batch with its original offsets', () => {
    const m = manager();
    appendOne(m, header(0, 3, 0n));
    appendOne(m, header(3, 2, 3n));
    const dup = m.prepareUpdate().checkLeaderBatch(header(0, 3, 99n));
    expect(dup).toMatchObject({ firstSeq: 0, lastSeq: 2, firstOffset: 0n, lastOffset: 2n });
  });

  it('refuses a sequence gap and an older epoch', () => {
    const m = manager();
    appendOne(m, header(0, 3, 0n, 1));
    expect(kafkaCode(() => m.prepareUpdate().checkLeaderBatch(header(5, 1, 3n, 1)))).toBe(RecordsErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(kafkaCode(() => m.prepareUpdate().checkLeaderBatch(header(3, 1, 3n, 0)))).toBe(RecordsErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('a new epoch must start at sequence 0', () => {
    const m = manager();
    appendOne(m, header(0, 3, 0n, 0));
    expect(kafkaCode(() => m.prepareUpdate().checkLeaderBatch(header(3, 1, 3n, 1)))).toBe(RecordsErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    appendOne(m, header(0, 1, 3n, 1));
    expect(m.entry(PID)!.producerEpoch).toBe(1);
    expect(m.entry(PID)!.batches).toHaveLength(1);
  });

  it('keeps only the last five batches of a producer', () => {
    const m = manager();
    for (let i = 0; i < NUM_BATCHES_TO_RETAIN + 2; i++) appendOne(m, header(i, 1, BigInt(i)));
    expect(m.entry(PID)!.batches.map((b) => b.firstSeq)).toEqual([2, 3, 4, 5, 6]);
    expect(() => m.prepareUpdate().checkLeaderBatch(header(0, 1, 100n))).toThrow();
  });

  it('stages changes until commit', () => {
    const m = manager();
    const info = m.prepareUpdate();
    info.append(header(0, 2, 0n));
    expect(m.entry(PID)).toBeUndefined();
    m.commit(info, 2n);
    expect(m.entry(PID)!.batches).toHaveLength(1);
    expect(m.mapEndOffset).toBe(2n);
  });

  it('a snapshot restores the state; newer snapshots than the log end are dropped', () => {
    const m = manager();
    appendOne(m, header(0, 3, 0n));
    m.takeSnapshot();
    appendOne(m, header(3, 3, 3n));
    m.takeSnapshot();
    expect(m.snapshotOffsets()).toEqual([3n, 6n]);
    const again = manager();
    expect(again.loadLatestSnapshot(5n)).toBe(3n);
    expect(again.entry(PID)!.batches.map((b) => b.lastSeq)).toEqual([2]);
    expect(again.snapshotOffsets()).toEqual([3n]);
  });

  it('an unreadable snapshot is discarded and an older one used', () => {
    const m = manager();
    appendOne(m, header(0, 3, 0n));
    m.takeSnapshot();
    appendOne(m, header(3, 3, 3n));
    m.takeSnapshot();
    writeFileSync(join(tmp.dir, '00000000000000000006.snapshot'), '{"version": 1, "off');
    const again = manager();
    expect(again.loadLatestSnapshot(100n)).toBe(3n);
    expect(again.snapshotOffsets()).toEqual([3n]);
  });

  it('sequences wrap at Int32.MAX like Kafka', () => {
    expect(lastSequenceOf(0x7fffffff, 0)).toBe(0x7fffffff);
    expect(lastSequenceOf(0x7fffffff, 2)).toBe(1);
    expect(lastSequenceOf(10, 4)).toBe(14);
  });
});
