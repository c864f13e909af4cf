import { describe, expect, it } from 'vitest';
import { electLeader, initialLeadership, type PartitionLeadership } from '../../../src/engine/controller/election.js';

const state = (over: Partial<PartitionLeadership> = {}): PartitionLeadership => ({
  replicas: [1, 2, 3],
  isr: [1, 2, 3],
  leader: 1,
  leaderEpoch: 5,
  partitionEpoch: 7,
  ...over,
});
const ctx = (live: number[], over: { unclean?: boolean; rebalance?: boolean } = {}) => ({
  liveBrokerIds: new Set(live),
  uncleanLeaderElection: over.unclean ?? false,
  preferredLeaderRebalance: over.rebalance ?? true,
});

describe('electLeader', () => {
  it('keeps everything when all replicas are live', () => {
    const r = electLeader(state(), ctx([1, 2, 3]));
    expect(r.reason).toBe('unchanged');
    expect(r.state).toEqual(state());
  });

  it('elects the next replica in assignment order from the ISR when the leader dies', () => {
    const r = electLeader(state(), ctx([2, 3]));
    expect(r.reason).toBe('leader-elected');
    expect(r.state).toMatchObject({ leader: 2, isr: [2, 3], leaderEpoch: 6, partitionEpoch: 8 });
  });

  it('shrinks the ISR without bumping the leader epoch when a follower dies', () => {
    const r = electLeader(state(), ctx([1, 3]));
    expect(r.reason).toBe('isr-shrink');
    expect(r.state).toMatchObject({ leader: 1, isr: [1, 3], leaderEpoch: 5, partitionEpoch: 8 });
  });

  it('skips a live replica that is not in the ISR', () => {
    const r = electLeader(state({ isr: [1, 3] }), ctx([2, 3]));
    expect(r.state.leader).toBe(3);
  });

  it('leaves the partition leaderless when no ISR member is live and unclean election is off', () => {
    const r = electLeader(state({ isr: [1] }), ctx([2, 3]));
    expect(r.reason).toBe('leader-lost');
    expect(r.state).toMatchObject({ leader: -1, isr: [1], leaderEpoch: 6 });
  });

  it('elects an out-of-sync replica when unclean election is enabled', () => {
    const r = electLeader(state({ isr: [1] }), ctx([3], { unclean: true }));
    expect(r.reason).toBe('unclean-leader-elected');
    expect(r.state).toMatchObject({ leader: 3, isr: [3] });
  });

  it('re-elects the last ISR member when it comes back', () => {
    const lost = electLeader(state({ isr: [1] }), ctx([2])).state;
    const back = electLeader(lost, ctx([1, 2]));
    expect(back.reason).toBe('leader-elected');
    expect(back.state).toMatchObject({ leader: 1, leaderEpoch: 7 });
  });

  it('restores the preferred leader once it is back in the ISR', () => {
    const r = electLeader(state({ leader: 2 }), ctx([1, 2, 3]));
    expect(r.reason).toBe('preferred-leader-restored');
    expect(r.state).toMatchObject({ leader: 1, leaderEpoch: 6 });
  });

  it('does not restore the preferred leader when rebalancing is off', () => {
    const r = electLeader(state({ leader: 2 }), ctx([1, 2, 3], { rebalance: false }));
    expect(r.reason).toBe('unchanged');
  });

  it('does not move leadership to a preferred replica outside the ISR', () => {
    const r = electLeader(state({ leader: 2, isr: [2, 3] }), ctx([1, 2, 3]));
    expect(r.state.leader).toBe(2);
  });
});

describe('initialLeadership', () => {
  it('makes the first live replica leader with all live replicas in the ISR', () => {
    expect(initialLeadership([2, 3, 1], new Set([1, 2, 3]))).toEqual({ replicas: [2, 3, 1], isr: [2, 3, 1], leader: 2, leaderEpoch: 0, partitionEpoch: 0 });
  });
});
