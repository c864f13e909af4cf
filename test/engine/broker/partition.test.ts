import { describe, expect, it } from 'vitest';
import { Partition } from '../../../src/engine/broker/partition.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { buildRecordBatch } from '../../../src/engine/protocol/records/record-codec.js';
import { MemoryLog } from './memory-log.js';

const batch = (n: number) => buildRecordBatch(Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`) })));

function leader(replicas = [1, 2, 3], isr = [1, 2, 3], minIsr = 1): Partition {
  const p = new Partition({ topic: 't', partition: 0, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', localBrokerId: 1, log: new MemoryLog('t', 0, { minInsyncReplicas: minIsr }) });
  p.makeLeader({ leaderId: 1, leaderEpoch: 3, replicas, isr }, 1000);
  return p;
}

describe('Partition', () => {
  it('a single-replica leader advances the high watermark on every append', () => {
    const p = leader([1], [1]);
    p.appendAsLeader(batch(5));
    expect(p.highWatermark).toBe(5n);
  });

  it('the high watermark is the lowest log end offset of the ISR', () => {
    const p = leader();
    p.appendAsLeader(batch(10));
    expect(p.highWatermark).toBe(0n);
    p.updateFollowerFetchState(2, 10n, 1001);
    expect(p.highWatermark).toBe(0n);
    const r = p.updateFollowerFetchState(3, 4n, 1001);
    expect(r.highWatermarkChanged).toBe(true);
    expect(p.highWatermark).toBe(4n);
    p.updateFollowerFetchState(3, 10n, 1002);
    expect(p.highWatermark).toBe(10n);
  });

  it('acks=-1 is done once the high watermark reaches the required offset, with NOT_ENOUGH_REPLICAS_AFTER_APPEND below min.insync.replicas', () => {
    const p = leader([1, 2], [1, 2], 2);
    p.appendAsLeader(batch(3));
    expect(p.checkEnoughReplicasReachOffset(3n).done).toBe(false);
    p.updateFollowerFetchState(2, 3n, 1001);
    expect(p.checkEnoughReplicasReachOffset(3n)).toEqual({ done: true, errorCode: ErrorCode.NONE });
    p.setPendingIsr([1]);
    p.completeIsrChange({ isr: [1], leaderEpoch: 3 });
    p.appendAsLeader(batch(1));
    expect(p.checkEnoughReplicasReachOffset(4n)).toEqual({ done: true, errorCode: ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND });
  });

  it('a follower that has not caught up within the lag time is reported lagging', () => {
    const p = leader();
    p.appendAsLeader(batch(10));
    p.updateFollowerFetchState(2, 10n, 2000);
    p.updateFollowerFetchState(3, 2n, 2000);
    p.updateFollowerFetchState(2, 10n, 31_000);
    p.updateFollowerFetchState(3, 2n, 31_000);
    expect(p.laggingReplicas(32_500, 30_000)).toEqual([3]);
  });

  it('a caught-up follower outside the ISR may join it', () => {
    const p = leader([1, 2], [1]);
    p.appendAsLeader(batch(4));
    expect(p.updateFollowerFetchState(2, 2n, 1001).canJoinIsr).toBe(false);
    expect(p.updateFollowerFetchState(2, 4n, 1002).canJoinIsr).toBe(true);
  });

  it('a pending ISR expansion counts for the high watermark (maximal ISR)', () => {
    const p = leader([1, 2], [1]);
    p.appendAsLeader(batch(4));
    expect(p.highWatermark).toBe(4n);
    p.setPendingIsr([1, 2]);
    expect(p.maximalIsr).toEqual([1, 2]);
  });

  it('metadata read before an ISR proposal does not shrink the ISR back (the HW waits for the new member)', () => {
    const p = leader([1, 2], [1]);
    p.setPendingIsr([1, 2]);
    p.completeIsrChange({ isr: [1, 2], leaderEpoch: 3 });
    // A poll requested before the proposal (same epoch, old ISR) is answered after it.
    p.makeLeader({ leaderId: 1, leaderEpoch: 3, replicas: [1, 2], isr: [1] }, 2000, true);
    expect(p.isr).toEqual([1, 2]);
    p.appendAsLeader(batch(3));
    expect(p.highWatermark).toBe(0n);
    // Metadata requested after the proposal is taken as it is, and so is a new epoch.
    p.makeLeader({ leaderId: 1, leaderEpoch: 3, replicas: [1, 2], isr: [1] }, 2000, false);
    expect(p.isr).toEqual([1]);
    p.makeLeader({ leaderId: 1, leaderEpoch: 4, replicas: [1, 2], isr: [1, 2] }, 2000, true);
    expect(p.isr).toEqual([1, 2]);
  });

  it('an ISR expansion committed together with a leader change, or unanswered, keeps counting until metadata settles it', () => {
    for (const answer of [{ isr: [1, 2], leaderEpoch: 4 }, null]) {
      const p = leader([1, 2], [1]);
      p.setPendingIsr([1, 2]);
      p.completeIsrChange(answer, true);
      expect(p.maximalIsr).toEqual([1, 2]);
      p.appendAsLeader(batch(2));
      expect(p.highWatermark).toBe(0n);
      p.makeLeader({ leaderId: 1, leaderEpoch: 3, replicas: [1, 2], isr: [1] }, 2000, false);
      expect(p.maximalIsr).toEqual([1]);
    }
  });

  it('stale and future client leader epochs are fenced', () => {
    const p = leader();
    expect(p.checkLeaderEpoch(2)).toBe(ErrorCode.FENCED_LEADER_EPOCH);
    expect(p.checkLeaderEpoch(4)).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH);
    expect(p.checkLeaderEpoch(3)).toBe(ErrorCode.NONE);
    expect(p.checkLeaderEpoch(-1)).toBe(ErrorCode.NONE);
  });

  it('becoming leader records the new epoch start offset and becoming follower caps the high watermark at the log end', () => {
    const log = new MemoryLog();
    const p = new Partition({ topic: 't', partition: 0, topicId: 'x', localBrokerId: 1, log });
    expect(p.role).toBe('none');
    p.makeLeader({ leaderId: 1, leaderEpoch: 0, replicas: [1], isr: [1] }, 0);
    p.appendAsLeader(batch(1));
    p.appendAsLeader(batch(2));
    expect(p.makeFollower({ leaderId: 2, leaderEpoch: 1, replicas: [1, 2], isr: [2] })).toBe(true);
    expect(p.role).toBe('follower');
    expect(p.makeFollower({ leaderId: 2, leaderEpoch: 1, replicas: [1, 2], isr: [1, 2] })).toBe(false);
    p.truncateTo(1n);
    expect(p.highWatermark).toBe(1n);
    expect(p.makeLeader({ leaderId: 1, leaderEpoch: 2, replicas: [1, 2], isr: [1, 2] }, 0)).toBe(true);
    expect(log.endOffsetForEpoch(0)).toEqual({ epoch: 0, endOffset: 1n });
  });
});
