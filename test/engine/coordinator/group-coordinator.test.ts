import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { OFFSETS_TOPIC } from '../../../src/engine/coordinator/offsets-topic-records.js';
import { GroupState } from '../../../src/engine/coordinator/group.js';
import type { GroupCoordinator } from '../../../src/engine/coordinator/group-coordinator.js';
import {
  REBALANCE_MS,
  SESSION_MS,
  assignment,
  completeRebalance,
  joinParams,
  newCoordinator,
  partitionsOf,
  rangeAssign,
  settle,
  startKit,
  subscription,
  type Kit,
} from './group-test-kit.js';

const open: GroupCoordinator[] = [];
async function kit(config = {}): Promise<Kit> {
  const k = await startKit(config);
  open.push(k.coordinator);
  return k;
}
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

function commit(k: Kit, groupId: string, offsets: Record<string, Record<number, bigint>>, member = { memberId: '', generationId: -1 }) {
  return k.coordinator.commitOffsets({
    groupId,
    generationId: member.generationId,
    memberId: member.memberId,
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: Object.entries(offsets).map(([name, ps]) => ({
      name,
      partitions: Object.entries(ps).map(([p, o]) => ({
        partitionIndex: Number(p),
        committedOffset: o,
        committedLeaderEpoch: -1,
        commitTimestamp: -1n,
        committedMetadata: '',
      })),
    })),
  });
}

function fetched(k: Kit | GroupCoordinator, groupId: string, topic: string, partitions: number[]): bigint[] {
  const c = 'coordinator' in k ? k.coordinator : k;
  const r = c.fetchOffsets(groupId, [{ name: topic, partitionIndexes: partitions }]);
  return r.topics[0]!.partitions.map((p) => p.committedOffset);
}

describe('GroupCoordinator: join, sync, heartbeat', () => {
  it('forms a generation of three members that share the partitions and heartbeat successfully', async () => {
    const k = await kit();
    const joins = [0, 1, 2].map((i) => k.coordinator.joinGroup(joinParams('g', { clientId: `c${i}` })));
    const members = await completeRebalance(k, 'g', joins);
    expect(new Set(members.map((m) => m.generationId))).toEqual(new Set([1]));
    members.forEach((m, i) => expect(m.memberId).toMatch(new RegExp(`^c${i}-u\\d+$`)));
    const all = members.flatMap((m) => m.partitions.orders ?? []).sort();
    expect(all).toEqual([0, 1, 2, 3, 4, 5]);
    expect(members.every((m) => (m.partitions.orders ?? []).length === 2)).toBe(true);
    expect(k.coordinator.group('g')!.state).toBe(GroupState.Stable);
    for (const m of members) {
      expect(await k.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: m.memberId, groupInstanceId: null })).toBe(ErrorCode.NONE);
    }
  });

  it('gives member ids as clientId-uuid and only the leader the members metadata', async () => {
    const k = await kit();
    const joins = [0, 1].map((i) => k.coordinator.joinGroup(joinParams('g', { clientId: `app${i}` })));
    k.clock.advance(0);
    const [a, b] = await Promise.all(joins);
    expect(a!.memberId).toMatch(/^app0-u\d+$/);
    expect(b!.memberId).toMatch(/^app1-u\d+$/);
    const leader = [a!, b!].find((j) => j.leaderId === j.memberId)!;
    const follower = [a!, b!].find((j) => j.leaderId !== j.memberId)!;
    expect(leader.members.map((m) => m.memberId).sort()).toEqual([a!.memberId, b!.memberId].sort());
    expect(leader.members[0]!.metadata.equals(subscription(['orders']))).toBe(true);
    expect(follower.members).toEqual([]);
    expect(follower.leaderId).toBe(leader.memberId);
    expect(leader.protocolName).toBe('range');
  });

  it('answers a first JoinGroup v4+ with MEMBER_ID_REQUIRED and accepts the rejoin with that id', async () => {
    const k = await kit();
    const first = await k.coordinator.joinGroup(joinParams('g', { requireKnownMemberId: true }));
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^client-u\d+$/);
    const second = k.coordinator.joinGroup(joinParams('g', { requireKnownMemberId: true, memberId: first.memberId }));
    k.clock.advance(0);
    const r = await second;
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.memberId).toBe(first.memberId);
    expect(r.leaderId).toBe(first.memberId);
    expect(r.generationId).toBe(1);
  });

  it('selects the protocol every member supports by the members votes', async () => {
    const k = await kit();
    const p = (names: string[]) => names.map((name) => ({ name, metadata: subscription(['orders']) }));
    const joins = [
      k.coordinator.joinGroup(joinParams('g', { protocols: p(['roundrobin', 'range']) })),
      k.coordinator.joinGroup(joinParams('g', { protocols: p(['roundrobin', 'range', 'sticky']) })),
      k.coordinator.joinGroup(joinParams('g', { protocols: p(['range', 'roundrobin']) })),
    ];
    k.clock.advance(0);
    const r = await Promise.all(joins);
    expect(r.map((j) => j.protocolName)).toEqual(['roundrobin', 'roundrobin', 'roundrobin']);
  });

  it('refuses a member whose protocols the group does not support with INCONSISTENT_GROUP_PROTOCOL', async () => {
    const k = await kit();
    const members = await completeRebalance(k, 'g', [k.coordinator.joinGroup(joinParams('g'))]);
    expect(members).toHaveLength(1);
    const bad = await k.coordinator.joinGroup(joinParams('g', { protocols: [{ name: 'cooperative-sticky', metadata: subscription(['orders']) }] }));
    expect(bad.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const otherType = await k.coordinator.joinGroup(joinParams('g', { protocolType: 'connect' }));
    expect(otherType.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('refuses session timeouts outside the configured bounds', async () => {
    const k = await kit();
    const r = await k.coordinator.joinGroup(joinParams('g', { sessionTimeoutMs: 100 }));
    expect(r.errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await k.coordinator.joinGroup(joinParams('', {}))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  it('waits the initial rebalance delay and extends it while members keep arriving', async () => {
    const k = await kit({ initialRebalanceDelayMs: 100 });
    let done = 0;
    const a = k.coordinator.joinGroup(joinParams('g')).then((r) => (done++, r));
    k.clock.advance(60);
    const b = k.coordinator.joinGroup(joinParams('g')).then((r) => (done++, r));
    k.clock.advance(60); // first delay expired at 100 with a new member: extended to 200
    await settle();
    expect(done).toBe(0);
    k.clock.advance(80);
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.generationId).toBe(1);
    expect(rb.generationId).toBe(1);
    expect(ra.errorCode).toBe(ErrorCode.NONE);
  });

  it('rebalances when a member leaves and the others take over its partitions in the next generation', async () => {
    const k = await kit();
    const gen1 = await completeRebalance(k, 'g', [0, 1, 2].map(() => k.coordinator.joinGroup(joinParams('g'))));
    const [stay1, stay2, leaver] = gen1;
    const left = await k.coordinator.leaveGroup('g', [{ memberId: leaver!.memberId, groupInstanceId: null }]);
    expect(left).toEqual({ errorCode: 0, members: [{ memberId: leaver!.memberId, groupInstanceId: null, errorCode: 0 }] });
    expect(k.coordinator.group('g')!.state).toBe(GroupState.PreparingRebalance);
    for (const m of [stay1!, stay2!]) {
      expect(await k.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: m.memberId, groupInstanceId: null })).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    const gen2 = await completeRebalance(k, 'g', [stay1!, stay2!].map((m) => k.coordinator.joinGroup(joinParams('g', { memberId: m.memberId }))));
    expect(gen2.map((m) => m.generationId)).toEqual([2, 2]);
    expect(gen2.flatMap((m) => m.partitions.orders!).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(gen2.every((m) => m.partitions.orders!.length === 3)).toBe(true);
    expect(await k.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: stay1!.memberId, groupInstanceId: null })).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await k.coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: leaver!.memberId, groupInstanceId: null })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('removes a member whose session expires and rebalances the rest', async () => {
    const k = await kit();
    const [a, b, silent] = await completeRebalance(k, 'g', [0, 1, 2].map(() => k.coordinator.joinGroup(joinParams('g'))));
    for (let t = 0; t < 3; t++) {
      k.clock.advance(3_000);
      for (const m of [a!, b!]) {
        expect(await k.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: m.memberId, groupInstanceId: null })).toBe(ErrorCode.NONE);
      }
    }
    k.clock.advance(SESSION_MS - 9_000); // the silent member's session ends now
    expect(k.coordinator.group('g')!.members.has(silent!.memberId)).toBe(false);
    expect(k.coordinator.group('g')!.state).toBe(GroupState.PreparingRebalance);
    expect(await k.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: a!.memberId, groupInstanceId: null })).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(await k.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: silent!.memberId, groupInstanceId: null })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('removes members that do not rejoin within the rebalance timeout', async () => {
    const k = await kit();
    const [a, b, c] = await completeRebalance(k, 'g', [0, 1, 2].map(() => k.coordinator.joinGroup(joinParams('g'))));
    await k.coordinator.leaveGroup('g', [{ memberId: c!.memberId, groupInstanceId: null }]);
    let answered = false;
    const rejoin = k.coordinator.joinGroup(joinParams('g', { memberId: a!.memberId })).then((r) => ((answered = true), r));
    // b keeps heartbeating (so its session is alive) but never rejoins.
    for (let t = 0; t < 9; t++) {
      k.clock.advance(3_000);
      await k.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: b!.memberId, groupInstanceId: null });
    }
    await settle();
    expect(answered).toBe(false);
    k.clock.advance(REBALANCE_MS - 27_000);
    const r = await rejoin;
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.generationId).toBe(2);
    expect(r.members.map((m) => m.memberId)).toEqual([a!.memberId]);
    expect(await k.coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: b!.memberId, groupInstanceId: null })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('removes members that never send SyncGroup within the rebalance timeout', async () => {
    const k = await kit();
    const joins = [0, 1].map(() => k.coordinator.joinGroup(joinParams('g')));
    k.clock.advance(0);
    const [x, y] = await Promise.all(joins);
    const leader = x!.members.length > 0 ? x! : y!;
    const follower = leader === x ? y! : x!;
    const sync = k.coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: follower.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    k.clock.advance(REBALANCE_MS);
    expect((await sync).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(k.coordinator.group('g')!.members.has(leader.memberId)).toBe(false);
  });

  it('answers SyncGroup with ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID and INCONSISTENT_GROUP_PROTOCOL when they apply', async () => {
    const k = await kit();
    const [m] = await completeRebalance(k, 'g', [k.coordinator.joinGroup(joinParams('g'))]);
    const base = { groupId: 'g', generationId: 1, memberId: m!.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] };
    expect((await k.coordinator.syncGroup({ ...base, generationId: 7 })).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await k.coordinator.syncGroup({ ...base, memberId: 'nobody' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await k.coordinator.syncGroup({ ...base, protocolName: 'roundrobin' })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const ok = await k.coordinator.syncGroup(base);
    expect(ok.errorCode).toBe(ErrorCode.NONE);
    expect(partitionsOf(ok.assignment)).toEqual({ orders: [0, 1, 2, 3, 4, 5] });
  });

  it('lets a leaving static member be removed by group.instance.id alone', async () => {
    const k = await kit();
    const joins = ['a', 'b'].map((id) => k.coordinator.joinGroup(joinParams('g', { groupInstanceId: id })));
    await completeRebalance(k, 'g', joins);
    const r = await k.coordinator.leaveGroup('g', [
      { memberId: '', groupInstanceId: 'a' },
      { memberId: '', groupInstanceId: 'zzz' },
    ]);
    expect(r.members.map((m) => m.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(k.coordinator.group('g')!.staticMembers.has('a')).toBe(false);
  });
});

describe('GroupCoordinator: rebalance triggers', () => {
  it('starts a new generation when the leader rejoins a stable group', async () => {
    const k = await kit();
    const [a, b] = await completeRebalance(k, 'g', [0, 1].map(() => k.coordinator.joinGroup(joinParams('g'))));
    const leaderId = k.coordinator.group('g')!.leaderId!;
    const follower = [a!, b!].find((m) => m.memberId !== leaderId)!;
    const rejoin = k.coordinator.joinGroup(joinParams('g', { memberId: leaderId }));
    expect(k.coordinator.group('g')!.state).toBe(GroupState.PreparingRebalance);
    expect(await k.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: follower.memberId, groupInstanceId: null })).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
    const gen2 = await completeRebalance(k, 'g', [rejoin, k.coordinator.joinGroup(joinParams('g', { memberId: follower.memberId }))]);
    expect(gen2.map((m) => m.generationId)).toEqual([2, 2]);
  });

  it('gives a non-leader that rejoins a stable group with the same protocols the current generation', async () => {
    const k = await kit();
    await completeRebalance(k, 'g', [0, 1].map(() => k.coordinator.joinGroup(joinParams('g'))));
    const follower = [...k.coordinator.group('g')!.members.keys()].find((id) => id !== k.coordinator.group('g')!.leaderId)!;
    const r = await k.coordinator.joinGroup(joinParams('g', { memberId: follower }));
    expect(r).toMatchObject({ errorCode: 0, generationId: 1, members: [] });
    expect(k.coordinator.group('g')!.state).toBe(GroupState.Stable);
  });

  it('completes a rebalance once a member id handed out with MEMBER_ID_REQUIRED expires unused', async () => {
    const k = await kit();
    const [a] = await completeRebalance(k, 'g', [k.coordinator.joinGroup(joinParams('g'))]);
    const pending = await k.coordinator.joinGroup(joinParams('g', { requireKnownMemberId: true }));
    expect(pending.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    // A protocol change forces a rebalance with the pending id still outstanding.
    let done = false;
    const rejoin = k.coordinator.joinGroup(joinParams('g', { memberId: a!.memberId, protocols: [{ name: 'range', metadata: subscription(['orders', 'payments']) }] })).then((r) => {
      done = true;
      return r;
    });
    await settle();
    expect(done).toBe(false);
    k.clock.advance(SESSION_MS);
    expect((await rejoin).generationId).toBe(2);
  });

  it('moves a static member that rejoins during a rebalance to its new member id', async () => {
    const k = await kit();
    const joins = ['s1', 's2'].map((id) => k.coordinator.joinGroup(joinParams('g', { groupInstanceId: id })));
    const gen1 = await completeRebalance(k, 'g', joins);
    const s2 = gen1.find((m) => m.memberId.startsWith('s2-'))!;
    const s1 = gen1.find((m) => m.memberId.startsWith('s1-'))!;
    const j1 = k.coordinator.joinGroup(joinParams('g', { memberId: s1.memberId, groupInstanceId: 's1', protocols: [{ name: 'range', metadata: subscription(['payments']) }] }));
    expect(k.coordinator.group('g')!.state).toBe(GroupState.PreparingRebalance);
    const j2 = k.coordinator.joinGroup(joinParams('g', { groupInstanceId: 's2' }));
    const [r1, r2] = await Promise.all([j1, j2]);
    expect(r2.memberId).not.toBe(s2.memberId);
    expect(r2.memberId).toMatch(/^s2-/);
    expect([r1.generationId, r2.generationId]).toEqual([2, 2]);
    expect(await k.coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: s2.memberId, groupInstanceId: 's2' })).toBe(ErrorCode.FENCED_INSTANCE_ID);
  });

  it('persists the assignment as a GroupMetadataValue v3 record when the leader syncs', async () => {
    const k = await kit();
    const members = await completeRebalance(k, 'g', [0, 1].map((i) => k.coordinator.joinGroup(joinParams('g', { clientId: `c${i}`, groupInstanceId: i === 0 ? 'inst' : null }))));
    const records = k.cluster.records(k.coordinator.partitionFor('g')).filter((r) => r.kind === 'group');
    expect(records).toHaveLength(1);
    const value = records[0]!.value!;
    expect(value).toMatchObject({ protocolType: 'consumer', generation: 1, protocol: 'range', leader: k.coordinator.group('g')!.leaderId });
    expect(value.members.map((m) => [m.memberId, m.groupInstanceId, m.sessionTimeout, m.rebalanceTimeout])).toEqual(
      members.map((m, i) => [m.memberId, i === 0 ? 'inst' : null, SESSION_MS, REBALANCE_MS]),
    );
    for (const m of value.members) {
      expect(partitionsOf(m.assignment)).toEqual(members.find((x) => x.memberId === m.memberId)!.partitions);
      expect(m.subscription.equals(subscription(['orders']))).toBe(true);
    }
    const raw = k.cluster.log(OFFSETS_TOPIC, k.coordinator.partitionFor('g')).batches.at(-1)!;
    const { decodeRecordBatch } = await import('../../../src/engine/protocol/records/record-codec.js');
    const rec = decodeRecordBatch(raw).records[0]!;
    expect([rec.key!.readInt16BE(0), rec.value!.readInt16BE(0)]).toEqual([2, 3]);
  });

  it('writes an empty group record with the next generation when the last member leaves', async () => {
    const k = await kit();
    const [m] = await completeRebalance(k, 'g', [k.coordinator.joinGroup(joinParams('g'))]);
    await k.coordinator.leaveGroup('g', [{ memberId: m!.memberId, groupInstanceId: null }]);
    await settle();
    expect(k.coordinator.group('g')!.state).toBe(GroupState.Empty);
    expect(k.coordinator.group('g')!.generationId).toBe(2);
    const last = k.cluster.records(k.coordinator.partitionFor('g')).at(-1)!;
    expect(last).toMatchObject({ kind: 'group', value: { generation: 2, protocol: null, leader: null, members: [] } });
  });
});

describe('GroupCoordinator: static membership', () => {
  it('keeps the assignment without a rebalance when a static member rejoins with a new member id', async () => {
    const k = await kit();
    const joins = ['i0', 'i1', 'i2'].map((id) => k.coordinator.joinGroup(joinParams('g', { groupInstanceId: id, clientId: 'app' })));
    const gen1 = await completeRebalance(k, 'g', joins);
    const restarted = gen1.find((m) => m.memberId.startsWith('i1-'))!;
    const before = k.coordinator.group('g')!.generationId;
    const appendsBefore = k.services.appends;
    const rejoin = await k.coordinator.joinGroup(joinParams('g', { groupInstanceId: 'i1', clientId: 'app' }));
    expect(rejoin.errorCode).toBe(ErrorCode.NONE);
    expect(rejoin.memberId).not.toBe(restarted.memberId);
    expect(rejoin.memberId).toMatch(/^i1-/);
    expect(rejoin.generationId).toBe(before);
    expect(k.coordinator.group('g')!.state).toBe(GroupState.Stable);
    expect(k.services.appends).toBe(appendsBefore + 1); // the new member id is persisted
    const sync = await k.coordinator.syncGroup({
      groupId: 'g',
      generationId: rejoin.generationId,
      memberId: rejoin.memberId,
      groupInstanceId: 'i1',
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [],
    });
    expect(partitionsOf(sync.assignment)).toEqual(restarted.partitions);
    expect(await k.coordinator.heartbeat({ groupId: 'g', generationId: before, memberId: restarted.memberId, groupInstanceId: 'i1' })).toBe(
      ErrorCode.FENCED_INSTANCE_ID,
    );
    for (const m of gen1.filter((x) => x !== restarted)) {
      expect(await k.coordinator.heartbeat({ groupId: 'g', generationId: before, memberId: m.memberId, groupInstanceId: null })).toBe(ErrorCode.NONE);
    }
  });

  it('keeps a static member that does not rejoin within the rebalance timeout', async () => {
    const k = await kit();
    const gen1 = await completeRebalance(k, 'g', ['s1', 's2'].map((id) => k.coordinator.joinGroup(joinParams('g', { groupInstanceId: id }))));
    const s1 = gen1.find((m) => m.memberId.startsWith('s1-'))!;
    const s2 = gen1.find((m) => m.memberId.startsWith('s2-'))!;
    const rejoin = k.coordinator.joinGroup(
      joinParams('g', { memberId: s1.memberId, groupInstanceId: 's1', protocols: [{ name: 'range', metadata: subscription(['orders', 'payments']) }] }),
    );
    for (let t = 0; t < 10; t++) {
      k.clock.advance(3_000);
      await k.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: s2.memberId, groupInstanceId: 's2' });
    }
    const r = await rejoin;
    expect(r.generationId).toBe(2);
    expect(r.leaderId).toBe(s1.memberId);
    expect(r.members.map((m) => m.groupInstanceId).sort()).toEqual(['s1', 's2']);
    expect(k.coordinator.group('g')!.members.has(s2.memberId)).toBe(true);
  });

  it('tells a rejoining static leader to skip assignment', async () => {
    const k = await kit();
    const [m] = await completeRebalance(k, 'g', [k.coordinator.joinGroup(joinParams('g', { groupInstanceId: 'solo' }))]);
    const rejoin = await k.coordinator.joinGroup(joinParams('g', { groupInstanceId: 'solo' }));
    expect(rejoin.leaderId).toBe(rejoin.memberId);
    expect(rejoin.skipAssignment).toBe(true);
    expect(rejoin.members.map((x) => x.memberId)).toEqual([rejoin.memberId]);
    expect(m!.memberId).not.toBe(rejoin.memberId);
  });
});

describe('GroupCoordinator: committed offsets', () => {
  it('commits and fetches offsets for a group that only stores offsets, and -1 where nothing was committed', async () => {
    const k = await kit();
    const r = await commit(k, 'g', { orders: { 0: 42n, 3: 7n } });
    expect(r).toEqual([{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 3, errorCode: 0 }] }]);
    expect(fetched(k, 'g', 'orders', [0, 1, 3])).toEqual([42n, -1n, 7n]);
    const all = k.coordinator.fetchOffsets('g', null);
    expect(all.topics).toEqual([
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
          { partitionIndex: 3, committedOffset: 7n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
        ],
      },
    ]);
    expect(k.coordinator.fetchOffsets('unknown', null)).toEqual({ errorCode: 0, topics: [] });
    expect(fetched(k, 'unknown', 'orders', [0])).toEqual([-1n]);
  });

  it('stores each commit as an OffsetCommitKey v1 / OffsetCommitValue v3 record in the group partition', async () => {
    const k = await kit();
    await commit(k, 'g', { orders: { 2: 99n } });
    const p = k.coordinator.partitionFor('g');
    const records = k.cluster.records(p);
    expect(records).toEqual([
      {
        kind: 'offset',
        group: 'g',
        topic: 'orders',
        partition: 2,
        value: { offset: 99n, leaderEpoch: -1, metadata: '', commitTimestamp: BigInt(k.clock.now()), expireTimestamp: -1n },
      },
    ]);
    const raw = k.cluster.log(OFFSETS_TOPIC, p).batches[0]!;
    const { decodeRecordBatch } = await import('../../../src/engine/protocol/records/record-codec.js');
    const rec = decodeRecordBatch(raw).records[0]!;
    expect(rec.key!.readInt16BE(0)).toBe(1);
    expect(rec.value!.readInt16BE(0)).toBe(3);
  });

  it('answers a commit only after the append is acknowledged', async () => {
    const k = await kit();
    await commit(k, 'g', { orders: { 0: 1n } });
    k.services.holdAppends = true;
    let done = false;
    const pending = commit(k, 'g', { orders: { 0: 2n } }).then((r) => ((done = true), r));
    await settle();
    expect(done).toBe(false);
    expect(fetched(k, 'g', 'orders', [0])).toEqual([1n]);
    k.services.release();
    expect((await pending)[0]!.partitions[0]!.errorCode).toBe(0);
    expect(fetched(k, 'g', 'orders', [0])).toEqual([2n]);
  });

  it('maps a failed append to NOT_COORDINATOR and keeps the previous offset', async () => {
    const k = await kit();
    await commit(k, 'g', { orders: { 0: 1n } });
    k.services.failAppendsWith = ErrorCode.NOT_LEADER_OR_FOLLOWER;
    const r = await commit(k, 'g', { orders: { 0: 5n } });
    expect(r[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    k.services.failAppendsWith = ErrorCode.NOT_ENOUGH_REPLICAS;
    expect((await commit(k, 'g', { orders: { 0: 5n } }))[0]!.partitions[0]!.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(fetched(k, 'g', 'orders', [0])).toEqual([1n]);
  });

  it('checks the member and generation of a commit from a group member', async () => {
    const k = await kit();
    const [m] = await completeRebalance(k, 'g', [k.coordinator.joinGroup(joinParams('g'))]);
    const code = async (member: { memberId: string; generationId: number }) => (await commit(k, 'g', { orders: { 0: 3n } }, member))[0]!.partitions[0]!.errorCode;
    expect(await code({ memberId: m!.memberId, generationId: 1 })).toBe(ErrorCode.NONE);
    expect(await code({ memberId: m!.memberId, generationId: 0 })).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await code({ memberId: 'ghost', generationId: 1 })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await code({ memberId: '', generationId: -1 })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await commit(k, 'nogroup', { orders: { 0: 1n } }, { memberId: 'x', generationId: 3 }))[0]!.partitions[0]!.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
  });

  it('refuses commits while the group waits for its assignment', async () => {
    const k = await kit();
    const j = k.coordinator.joinGroup(joinParams('g'));
    k.clock.advance(0);
    const joined = await j;
    expect(k.coordinator.group('g')!.state).toBe(GroupState.CompletingRebalance);
    const r = await commit(k, 'g', { orders: { 0: 3n } }, { memberId: joined.memberId, generationId: 1 });
    expect(r[0]!.partitions[0]!.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('rejects unknown partitions and oversized metadata per partition', async () => {
    const k = await kit({ offsetMetadataMaxBytes: 4 });
    const r = await k.coordinator.commitOffsets({
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [
        { name: 'orders', partitions: [{ partitionIndex: 9, committedOffset: 1n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] },
        { name: 'nope', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] },
        { name: 'payments', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: 3, commitTimestamp: -1n, committedMetadata: 'too long' }] },
        { name: 'payments', partitions: [{ partitionIndex: 1, committedOffset: 8n, committedLeaderEpoch: 3, commitTimestamp: -1n, committedMetadata: 'ok' }] },
      ],
    });
    expect(r.map((t) => t.partitions[0]!.errorCode)).toEqual([
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.OFFSET_METADATA_TOO_LARGE,
      ErrorCode.NONE,
    ]);
    expect(k.coordinator.fetchOffsets('g', [{ name: 'payments', partitionIndexes: [1] }]).topics[0]!.partitions[0]).toEqual({
      partitionIndex: 1,
      committedOffset: 8n,
      committedLeaderEpoch: 3,
      metadata: 'ok',
      errorCode: 0,
    });
  });

  it('expires the offsets of an empty group after the retention and then forgets the group', async () => {
    const k = await kit({ offsetsRetentionMs: 60_000 });
    await commit(k, 'g', { orders: { 0: 5n } });
    await k.coordinator.expireOffsets();
    expect(fetched(k, 'g', 'orders', [0])).toEqual([5n]);
    k.clock.advance(60_000);
    await k.coordinator.expireOffsets();
    expect(fetched(k, 'g', 'orders', [0])).toEqual([-1n]);
    expect(k.coordinator.group('g')).toBeUndefined();
    const last = k.cluster.records(k.coordinator.partitionFor('g')).slice(-2);
    expect(last.map((r) => [r.kind, r.value])).toEqual([
      ['offset', null],
      ['group', null],
    ]);
  });
});

describe('GroupCoordinator: ownership, loading and failover', () => {
  it('answers NOT_COORDINATOR for groups whose offsets partition another broker leads', async () => {
    const k = await kit();
    const p = k.coordinator.partitionFor('g');
    k.cluster.moveLeader(p, 2);
    expect((await k.coordinator.joinGroup(joinParams('g'))).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect((await commit(k, 'g', { orders: { 0: 1n } }))[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(k.coordinator.fetchOffsets('g', null).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(k.coordinator.describeGroup('g').errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });

  it('restores offsets and the stable group on the broker that takes over the offsets partition', async () => {
    const k = await kit();
    const members = await completeRebalance(k, 'g', [0, 1].map(() => k.coordinator.joinGroup(joinParams('g'))));
    await commit(k, 'g', { orders: { 0: 10n, 1: 11n } }, { memberId: members[0]!.memberId, generationId: 1 });
    await commit(k, 'g', { orders: { 0: 12n } }, { memberId: members[1]!.memberId, generationId: 1 });
    await commit(k, 'simple', { payments: { 2: 5n } });
    const p = k.coordinator.partitionFor('g');

    const broker2 = k.cluster.broker(2);
    const second = newCoordinator(broker2, k.clock);
    open.push(second);
    k.cluster.moveLeader(p, 2);
    expect((await k.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: members[0]!.memberId, groupInstanceId: null }))).toBe(
      ErrorCode.NOT_COORDINATOR,
    );
    expect(second.fetchOffsets('g', null).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    await second.waitForLoads();
    expect(fetched(second, 'g', 'orders', [0, 1, 2])).toEqual([12n, 11n, -1n]);
    const d = second.describeGroup('g');
    expect(d.groupState).toBe('Stable');
    expect(d.protocolData).toBe('range');
    expect(d.members.map((m) => m.memberId).sort()).toEqual(members.map((m) => m.memberId).sort());
    for (const m of members) {
      const described = d.members.find((x) => x.memberId === m.memberId)!;
      expect(partitionsOf(described.memberAssignment)).toEqual(m.partitions);
      expect(await second.heartbeat({ groupId: 'g', generationId: 1, memberId: m.memberId, groupInstanceId: null })).toBe(ErrorCode.NONE);
    }
    if (second.partitionFor('simple') === p) expect(fetched(second, 'simple', 'payments', [2])).toEqual([5n]);
  });

  it('answers a waiting JoinGroup with NOT_COORDINATOR when the partition moves away', async () => {
    const k = await kit({ initialRebalanceDelayMs: 1_000 });
    const waiting = k.coordinator.joinGroup(joinParams('g'));
    k.cluster.moveLeader(k.coordinator.partitionFor('g'), 2);
    expect((await waiting).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });

  it('finds the coordinator at the leader of partition abs(hashCode(group)) % 50 and refuses transactions', async () => {
    const k = await kit();
    const p = k.coordinator.partitionFor('polygenelubricants');
    expect(p).toBe(0); // hashCode is Integer.MIN_VALUE, and Kafka's abs maps it to 0
    k.cluster.moveLeader(k.coordinator.partitionFor('my-group'), 3);
    expect(await k.coordinator.findCoordinator(0, 'my-group')).toEqual({ errorCode: 0, errorMessage: null, nodeId: 3, host: '127.0.0.1', port: 9003 });
    expect((await k.coordinator.findCoordinator(1, 'txn')).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect((await k.coordinator.findCoordinator(5, 'x')).errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });
});

describe('GroupCoordinator: list, describe, delete', () => {
  it('describes a stable group with its members, metadata, assignment and protocol', async () => {
    const k = await kit();
    const members = await completeRebalance(k, 'g', [0, 1].map((i) => k.coordinator.joinGroup(joinParams('g', { clientId: `c${i}` }))));
    const d = k.coordinator.describeGroup('g');
    expect(d).toMatchObject({ errorCode: 0, groupId: 'g', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(d.members).toHaveLength(2);
    for (const m of d.members) {
      expect(m.clientHost).toBe('/127.0.0.1');
      expect(m.memberMetadata.equals(subscription(['orders']))).toBe(true);
      expect(partitionsOf(m.memberAssignment)).toEqual(members.find((x) => x.memberId === m.memberId)!.partitions);
    }
    expect(k.coordinator.describeGroup('missing')).toMatchObject({ errorCode: 0, groupState: 'Dead', members: [] });
  });

  it('lists groups with their state and filters by state', async () => {
    const k = await kit();
    await completeRebalance(k, 'g1', [k.coordinator.joinGroup(joinParams('g1'))]);
    await commit(k, 'g2', { orders: { 0: 1n } });
    expect(k.coordinator.listGroups().groups).toEqual([
      { groupId: 'g1', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' },
      { groupId: 'g2', protocolType: '', groupState: 'Empty', groupType: 'classic' },
    ]);
    expect(k.coordinator.listGroups(['empty']).groups.map((g) => g.groupId)).toEqual(['g2']);
    expect(k.coordinator.listGroups(['Stable', 'PreparingRebalance']).groups.map((g) => g.groupId)).toEqual(['g1']);
    expect(k.coordinator.listGroups([], ['consumer']).groups).toEqual([]);
  });

  it('deletes only empty groups, writing tombstones so a reload does not bring them back', async () => {
    const k = await kit();
    await completeRebalance(k, 'busy', [k.coordinator.joinGroup(joinParams('busy'))]);
    await commit(k, 'idle', { orders: { 0: 4n, 1: 5n } });
    expect(await k.coordinator.deleteGroups(['busy', 'idle', 'ghost'])).toEqual([
      { groupId: 'busy', errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'idle', errorCode: ErrorCode.NONE },
      { groupId: 'ghost', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    expect(fetched(k, 'idle', 'orders', [0, 1])).toEqual([-1n, -1n]);
    const second = newCoordinator(k.cluster.broker(2), k.clock);
    open.push(second);
    k.cluster.moveLeader(k.coordinator.partitionFor('idle'), 2);
    await second.waitForLoads();
    expect(second.group('idle')).toBeUndefined();
    expect(fetched(second, 'idle', 'orders', [0, 1])).toEqual([-1n, -1n]);
  });

  it('deletes offsets of topics the group does not subscribe to and refuses subscribed ones', async () => {
    const k = await kit();
    const [m] = await completeRebalance(k, 'g', [k.coordinator.joinGroup(joinParams('g'))]);
    await commit(k, 'g', { orders: { 0: 1n }, payments: { 0: 2n } }, { memberId: m!.memberId, generationId: 1 });
    const r = await k.coordinator.deleteOffsets('g', [
      { name: 'orders', partitionIndexes: [0] },
      { name: 'payments', partitionIndexes: [0] },
    ]);
    expect(r).toEqual({
      errorCode: 0,
      topics: [
        { name: 'orders', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }] },
        { name: 'payments', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.NONE }] },
      ],
    });
    expect(fetched(k, 'g', 'orders', [0])).toEqual([1n]);
    expect(fetched(k, 'g', 'payments', [0])).toEqual([-1n]);
    expect((await k.coordinator.deleteOffsets('ghost', [{ name: 'orders', partitionIndexes: [0] }])).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('deletes any offset of an empty group', async () => {
    const k = await kit();
    await commit(k, 'g', { orders: { 0: 1n, 1: 2n } });
    const r = await k.coordinator.deleteOffsets('g', [{ name: 'orders', partitionIndexes: [1] }]);
    expect(r.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE);
    expect(fetched(k, 'g', 'orders', [0, 1])).toEqual([1n, -1n]);
  });
});

describe('range assignor helper', () => {
  it('spreads six partitions over three members two each', () => {
    const plan = rangeAssign(['b', 'a', 'c'], 'orders', 6);
    expect(plan.map((p) => [p.memberId, partitionsOf(p.assignment)])).toEqual([
      ['a', { orders: [0, 1] }],
      ['b', { orders: [2, 3] }],
      ['c', { orders: [4, 5] }],
    ]);
    expect(partitionsOf(assignment({}))).toEqual({});
  });
});
