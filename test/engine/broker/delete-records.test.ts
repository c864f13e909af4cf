import { describe, expect, it } from 'vitest';
import { deleteRecordsOnLeaders, type DeleteRecordsDeps } from '../../../src/engine/broker/delayed-delete-records.js';
import { DelayedOperationPurgatory } from '../../../src/engine/broker/delayed-operations.js';
import { Partition } from '../../../src/engine/broker/partition.js';
import { ManualClock } from '../../../src/engine/common/clock.js';
import { silentLogger } from '../../../src/engine/common/logger.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { buildRecordBatch } from '../../../src/engine/protocol/records/record-codec.js';
import { MemoryLog } from './memory-log.js';

const batch = (n: number) => buildRecordBatch(Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`) })));

function leaderWith(records: number, config: Partial<MemoryLog['config']> = {}): Partition {
  const p = new Partition({ topic: 't', partition: 0, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', localBrokerId: 1, log: new MemoryLog('t', 0, config) });
  p.makeLeader({ leaderId: 1, leaderEpoch: 1, replicas: [1, 2], isr: [1, 2] }, 0);
  for (let i = 0; i < records; i++) p.appendAsLeader(batch(1));
  p.updateFollowerFetchState(2, BigInt(records), 1, 0n);
  return p;
}

function deps(p: Partition | undefined, clock: ManualClock): DeleteRecordsDeps {
  return {
    partition: () => p,
    isKnown: () => true,
    isAlive: () => true,
    logDirOffline: () => false,
    failed: () => undefined,
    logger: silentLogger,
    purgatory: new DelayedOperationPurgatory({ name: 'deleteRecords', clock }),
  };
}

describe('DeleteRecords on the leader', () => {
  it('moves the log start offset and answers once the follower reported it', async () => {
    const clock = new ManualClock();
    const p = leaderWith(10);
    const d = deps(p, clock);
    let answer: unknown;
    const pending = deleteRecordsOnLeaders([{ topic: 't', partition: 0, offset: 6n }], 30_000, d).then((r) => (answer = r));
    expect(p.logStartOffset).toBe(6n);
    await Promise.resolve();
    expect(answer).toBeUndefined();
    p.updateFollowerFetchState(2, 10n, 2, 6n);
    d.purgatory.checkAndComplete(p.key);
    await pending;
    expect(answer).toEqual([{ errorCode: ErrorCode.NONE, lowWatermark: 6n }]);
  });

  it('-1 means the high watermark, and the timeout answers REQUEST_TIMED_OUT with the low watermark so far', async () => {
    const clock = new ManualClock();
    const p = leaderWith(4);
    const pending = deleteRecordsOnLeaders([{ topic: 't', partition: 0, offset: -1n }], 1000, deps(p, clock));
    expect(p.logStartOffset).toBe(4n);
    clock.advance(1001);
    expect(await pending).toEqual([{ errorCode: ErrorCode.REQUEST_TIMED_OUT, lowWatermark: 0n }]);
  });

  it('refuses offsets past the high watermark, compacted topics and partitions it does not lead', async () => {
    const clock = new ManualClock();
    expect(await deleteRecordsOnLeaders([{ topic: 't', partition: 0, offset: 11n }], 10, deps(leaderWith(10), clock))).toEqual([{ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, lowWatermark: -1n }]);
    const compacted = leaderWith(2, { cleanupPolicy: { delete: false, compact: true } });
    expect(await deleteRecordsOnLeaders([{ topic: 't', partition: 0, offset: 1n }], 10, deps(compacted, clock))).toEqual([{ errorCode: ErrorCode.POLICY_VIOLATION, lowWatermark: -1n }]);
    expect(compacted.logStartOffset).toBe(0n);
    expect(await deleteRecordsOnLeaders([{ topic: 't', partition: 0, offset: 1n }], 10, deps(undefined, clock))).toEqual([{ errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, lowWatermark: -1n }]);
  });

  it('a follower takes the leader log start offset, never past its own high watermark', () => {
    const p = new Partition({ topic: 't', partition: 0, topicId: 'x', localBrokerId: 2, log: new MemoryLog() });
    p.makeFollower({ leaderId: 1, leaderEpoch: 1, replicas: [1, 2], isr: [1, 2] });
    const leader = leaderWith(8);
    p.appendAsFollower(leader.log.read(0n, 1 << 20, { minOneMessage: true }).records, 5n);
    expect(p.updateFollowerLogStartOffset(7n)).toBe(true);
    expect(p.logStartOffset).toBe(5n);
    p.truncateFullyAndStartAt(20n);
    expect([p.logStartOffset, p.logEndOffset, p.highWatermark]).toEqual([20n, 20n, 20n]);
  });
});
