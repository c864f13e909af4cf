// The KIP-848 server assignors (uniform, range) and the reconciliation of one member towards
// its target (revocation before reassignment, waiting for partitions other members still own).
import { describe, expect, it } from 'vitest';
import { rangeAssign, uniformAssign, assignmentSize, type Assignment, type AssignorMember } from '../../../src/engine/coordinator/consumer-group-assignors.js';
import { MemberState, reconcile, type MemberAssignmentState } from '../../../src/engine/coordinator/consumer-group-reconciler.js';

const a = (parts: Record<string, number[]>): Assignment => new Map(Object.entries(parts).map(([t, ps]) => [t, new Set(ps)]));
const plain = (x: Assignment | undefined) => Object.fromEntries([...(x ?? new Map<string, Set<number>>())].map(([t, s]) => [t, [...s].sort((p, q) => p - q)]));
const member = (memberId: string, topics: string[], previous: Assignment = new Map()): AssignorMember => ({ memberId, subscribedTopicIds: new Set(topics), previous });

describe('range assignor', () => {
  it('gives each subscriber a consecutive range per topic, the first members one more', () => {
    const r = rangeAssign({ members: [member('b', ['t']), member('a', ['t'])], topics: new Map([['t', 5]]) });
    expect(plain(r.get('a'))).toEqual({ t: [0, 1, 2] });
    expect(plain(r.get('b'))).toEqual({ t: [3, 4] });
  });

  it('assigns a topic only to the members subscribed to it', () => {
    const r = rangeAssign({ members: [member('a', ['t']), member('b', ['u'])], topics: new Map([['t', 2], ['u', 2]]) });
    expect(plain(r.get('a'))).toEqual({ t: [0, 1] });
    expect(plain(r.get('b'))).toEqual({ u: [0, 1] });
  });
});

describe('uniform assignor', () => {
  it('balances equal subscriptions to within one partition', () => {
    const r = uniformAssign({ members: ['a', 'b', 'c', 'd'].map((m) => member(m, ['t', 'u'])), topics: new Map([['t', 6], ['u', 3]]) });
    const sizes = [...r.values()].map(assignmentSize);
    expect(sizes.reduce((x, y) => x + y)).toBe(9);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('keeps partitions where they were and moves only what balance needs when a member joins', () => {
    const before = a({ t: [0, 1, 2, 3, 4, 5] });
    const r = uniformAssign({ members: [member('a', ['t'], before), member('b', ['t'])], topics: new Map([['t', 6]]) });
    expect(assignmentSize(r.get('a')!)).toBe(3);
    expect(assignmentSize(r.get('b')!)).toBe(3);
    const kept = [...r.get('a')!.get('t')!].every((p) => before.get('t')!.has(p));
    expect(kept).toBe(true);
  });

  it('drops partitions of topics a member no longer subscribes to or that shrank', () => {
    const r = uniformAssign({ members: [member('a', ['t'], a({ t: [0, 7], u: [0] }))], topics: new Map([['t', 2], ['u', 1]]) });
    expect(plain(r.get('a'))).toEqual({ t: [0, 1] });
  });

  it('gives a leaving member\'s partitions to those left', () => {
    const r = uniformAssign({ members: [member('b', ['t'], a({ t: [3, 4, 5] }))], topics: new Map([['t', 6]]) });
    expect(plain(r.get('b'))).toEqual({ t: [0, 1, 2, 3, 4, 5] });
  });
});

describe('reconcile', () => {
  const stable = (epoch: number, assigned: Assignment): MemberAssignmentState => ({
    memberEpoch: epoch,
    previousMemberEpoch: epoch - 1,
    state: MemberState.Stable,
    assigned,
    pendingRevocation: new Map(),
  });
  const nobodyElse = () => false;

  it('moves a new member straight to the target when nobody owns its partitions', () => {
    const next = reconcile({ member: stable(0, new Map()), targetEpoch: 1, target: a({ t: [0, 1] }), owned: new Map(), ownedByOther: nobodyElse });
    expect(next.memberEpoch).toBe(1);
    expect(next.state).toBe(MemberState.Stable);
    expect(plain(next.assigned)).toEqual({ t: [0, 1] });
  });

  it('asks for revocation first and keeps the epoch while the member still owns what it loses', () => {
    const m = stable(1, a({ t: [0, 1, 2, 3] }));
    const next = reconcile({ member: m, targetEpoch: 2, target: a({ t: [0, 1] }), owned: a({ t: [0, 1, 2, 3] }), ownedByOther: nobodyElse });
    expect(next.state).toBe(MemberState.UnrevokedPartitions);
    expect(next.memberEpoch).toBe(1);
    expect(plain(next.assigned)).toEqual({ t: [0, 1] });
    expect(plain(next.pendingRevocation)).toEqual({ t: [2, 3] });
    // Still reporting the revoked partitions: no progress.
    expect(reconcile({ member: next, targetEpoch: 2, target: a({ t: [0, 1] }), owned: a({ t: [0, 1, 2] }), ownedByOther: nobodyElse })).toBe(next);
    // Acknowledged: the member moves to the target epoch.
    const done = reconcile({ member: next, targetEpoch: 2, target: a({ t: [0, 1] }), owned: a({ t: [0, 1] }), ownedByOther: nobodyElse });
    expect(done.memberEpoch).toBe(2);
    expect(done.previousMemberEpoch).toBe(1);
    expect(done.state).toBe(MemberState.Stable);
    expect(plain(done.pendingRevocation)).toEqual({});
  });

  it('holds back partitions another member still owns, then hands them over once released', () => {
    let owner = true;
    const input = { targetEpoch: 2, target: a({ t: [2, 3] }), owned: new Map() as Assignment, ownedByOther: () => owner };
    const waiting = reconcile({ ...input, member: stable(0, new Map()) });
    expect(waiting.state).toBe(MemberState.UnreleasedPartitions);
    expect(waiting.memberEpoch).toBe(2);
    expect(plain(waiting.assigned)).toEqual({});
    owner = false;
    const got = reconcile({ ...input, member: waiting });
    expect(got.state).toBe(MemberState.Stable);
    expect(plain(got.assigned)).toEqual({ t: [2, 3] });
  });

  it('returns the same member when it is already at the target', () => {
    const m = stable(3, a({ t: [0] }));
    expect(reconcile({ member: m, targetEpoch: 3, target: a({ t: [0] }), owned: null, ownedByOther: nobodyElse })).toBe(m);
  });
});

describe('group.consumer.assignors', () => {
  it('accepts our names and Kafka\'s class names, first one the default, and refuses others', async () => {
    const { parseGroupCoordinatorConfig } = await import('../../../src/engine/coordinator/group-coordinator-config.js');
    expect(parseGroupCoordinatorConfig().consumerAssignors).toEqual(['uniform', 'range']);
    expect(parseGroupCoordinatorConfig({ 'group.consumer.assignors': 'range, org.apache.kafka.coordinator.group.assignor.UniformAssignor' }).consumerAssignors).toEqual(['range', 'uniform']);
    expect(() => parseGroupCoordinatorConfig({ 'group.consumer.assignors': 'sticky' })).toThrow(/unknown assignor/);
  });
});
