// KIP-848 consumer groups on the coordinator (fake broker, manual clock): join, hand-over with
// revocation first, member-epoch checks on commits, session timeouts, static members, the
// records in __consumer_offsets and reloading them on another broker, ListGroups types and
// the classic/consumer boundary.
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsumerGroupHeartbeatParams } from '../../../src/engine/coordinator/consumer-group-coordinator.js';
import type { GroupCoordinator } from '../../../src/engine/coordinator/group-coordinator.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { fakeTopicId } from './fake-broker-services.js';
import { joinParams, newCoordinator, settle, startKit, type Kit } from './group-test-kit.js';

const open: GroupCoordinator[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});
async function kit(): Promise<Kit> {
  const k = await startKit({ consumerSessionTimeoutMs: 45_000 });
  open.push(k.coordinator);
  return k;
}

const ORDERS = fakeTopicId('orders');
type Owned = Array<{ topicId: string; partitions: number[] }>;

function hb(k: Kit, p: Partial<ConsumerGroupHeartbeatParams>) {
  return k.coordinator.consumerGroupHeartbeat({
    apiVersion: 1,
    groupId: 'g',
    memberId: 'm1',
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: p.memberEpoch === undefined || p.memberEpoch === 0 ? 30_000 : -1,
    subscribedTopicNames: p.memberEpoch === undefined || p.memberEpoch === 0 ? ['orders'] : null,
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: p.memberEpoch === undefined || p.memberEpoch === 0 ? [] : null,
    clientId: 'c',
    clientHost: '/127.0.0.1',
    ...p,
  });
}

const parts = (owned: Owned | undefined) => (owned ?? []).flatMap((t) => t.partitions).sort((a, b) => a - b);

function commit(k: Kit, memberId: string, memberEpoch: number) {
  return k.coordinator.commitOffsets({
    groupId: 'g',
    generationId: memberEpoch,
    memberId,
    groupInstanceId: null,
    retentionTimeMs: -1n,
    apiVersion: 9,
    topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '' }] }],
  });
}

describe('consumer group heartbeat', () => {
  it('gives a first member every partition at epoch 1', async () => {
    const k = await kit();
    const r = await hb(k, {});
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.memberId).toBe('m1');
    expect(r.memberEpoch).toBe(1);
    expect(r.heartbeatIntervalMs).toBe(5000);
    expect(parts(r.assignment?.topicPartitions)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.assignment?.topicPartitions[0]?.topicId).toBe(ORDERS);
    expect(k.coordinator.consumerGroupDescribe('g').groupState).toBe('Stable');
  });

  it('hands partitions to a second member only after the first revoked them', async () => {
    const k = await kit();
    await hb(k, { memberId: 'm1' });
    const b1 = await hb(k, { memberId: 'm2' });
    expect(b1.memberEpoch).toBe(2);
    expect(parts(b1.assignment?.topicPartitions)).toEqual([]);
    expect(k.coordinator.consumerGroupDescribe('g').groupState).toBe('Reconciling');
    // m1 is asked to revoke: its epoch stays 1 and it keeps half.
    const a2 = await hb(k, { memberId: 'm1', memberEpoch: 1, topicPartitions: [{ topicId: ORDERS, partitions: [0, 1, 2, 3, 4, 5] }] });
    expect(a2.memberEpoch).toBe(1);
    const kept = parts(a2.assignment?.topicPartitions);
    expect(kept).toHaveLength(3);
    // m2 still gets nothing: m1 has not acknowledged.
    expect(parts((await hb(k, { memberId: 'm2', memberEpoch: 2, topicPartitions: [] })).assignment?.topicPartitions)).toEqual([]);
    // m1 acknowledges the revocation and moves to epoch 2.
    const a3 = await hb(k, { memberId: 'm1', memberEpoch: 1, topicPartitions: [{ topicId: ORDERS, partitions: kept }] });
    expect(a3.memberEpoch).toBe(2);
    const b2 = await hb(k, { memberId: 'm2', memberEpoch: 2, topicPartitions: [] });
    const handed = parts(b2.assignment?.topicPartitions);
    expect(handed).toHaveLength(3);
    expect([...kept, ...handed].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const d = k.coordinator.consumerGroupDescribe('g');
    expect(d.groupState).toBe('Stable');
    expect(d.groupEpoch).toBe(2);
    expect(d.assignmentEpoch).toBe(2);
    expect(d.assignorName).toBe('uniform');
  });

  it('checks member epochs on OffsetCommit v9', async () => {
    const k = await kit();
    await hb(k, {});
    expect((await commit(k, 'm1', 1))[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE);
    expect((await commit(k, 'm1', 0))[0]!.partitions[0]!.errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect((await commit(k, 'nobody', 1))[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(k.coordinator.fetchOffsets('g', [{ name: 'orders', partitionIndexes: [0] }], { memberId: 'm1', memberEpoch: 1 }).topics[0]!.partitions[0]!.committedOffset).toBe(42n);
    expect(k.coordinator.fetchOffsets('g', null, { memberId: 'm1', memberEpoch: 7 }).errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH);
  });

  it('fences a member whose session times out and gives its partitions to the others', async () => {
    const k = await kit();
    await hb(k, { memberId: 'm1' });
    await hb(k, { memberId: 'm2' });
    k.clock.advance(40_000);
    await hb(k, { memberId: 'm2', memberEpoch: 2, topicPartitions: [] });
    k.clock.advance(10_000); // m1 silent for 50 s > 45 s
    expect((await hb(k, { memberId: 'm1', memberEpoch: 1 })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const r = await hb(k, { memberId: 'm2', memberEpoch: 2, topicPartitions: [] });
    expect(r.memberEpoch).toBe(3);
    expect(parts(r.assignment?.topicPartitions)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('frees a leaving member\'s partitions at once (epoch -1)', async () => {
    const k = await kit();
    await hb(k, { memberId: 'm1' });
    const left = await hb(k, { memberId: 'm1', memberEpoch: -1 });
    expect(left.memberEpoch).toBe(-1);
    const r = await hb(k, { memberId: 'm2' });
    expect(parts(r.assignment?.topicPartitions)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('lets a static member leave with epoch -2 and rejoin with its assignment; another member id with its instance id is refused meanwhile', async () => {
    const k = await kit();
    await hb(k, { memberId: 'm1', instanceId: 'i1' });
    expect((await hb(k, { memberId: 'mx', instanceId: 'i1' })).errorCode).toBe(ErrorCode.UNRELEASED_INSTANCE_ID);
    expect((await hb(k, { memberId: 'm1', instanceId: 'i1', memberEpoch: -2 })).memberEpoch).toBe(-2);
    const back = await hb(k, { memberId: 'm9', instanceId: 'i1' });
    expect(back.errorCode).toBe(ErrorCode.NONE);
    expect(back.memberEpoch).toBe(1);
    expect(parts(back.assignment?.topicPartitions)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(k.coordinator.consumerGroupDescribe('g').members.map((m) => m.memberId)).toEqual(['m9']);
  });

  it('rejects bad requests with Kafka\'s errors', async () => {
    const k = await kit();
    expect((await hb(k, { rebalanceTimeoutMs: -1 })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect((await hb(k, { serverAssignor: 'sticky' })).errorCode).toBe(ErrorCode.UNSUPPORTED_ASSIGNOR);
    expect((await hb(k, { memberId: 'zz', memberEpoch: 3 })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    await hb(k, {});
    expect((await hb(k, { memberEpoch: 5 })).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    expect(k.coordinator.consumerGroupDescribe('nope').errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('uses the range assignor when the members ask for it', async () => {
    const k = await kit();
    await hb(k, { memberId: 'a', serverAssignor: 'range' });
    await hb(k, { memberId: 'b', serverAssignor: 'range' });
    expect(k.coordinator.consumerGroupDescribe('g').assignorName).toBe('range');
    const target = k.coordinator.consumerGroupDescribe('g').members.find((m) => m.memberId === 'a')!.targetAssignment;
    expect(target.topicPartitions).toEqual([{ topicId: ORDERS, topicName: 'orders', partitions: [0, 1, 2] }]);
  });
});

describe('consumer groups and the rest of the coordinator', () => {
  it('survives a coordinator move: the new one reloads epochs, members and assignments', async () => {
    const k = await kit();
    await hb(k, { memberId: 'm1' });
    await hb(k, { memberId: 'm2' });
    await hb(k, { memberId: 'm1', memberEpoch: 1, topicPartitions: [{ topicId: ORDERS, partitions: [0, 1, 2, 3, 4, 5] }] });
    await commit(k, 'm2', 2);
    const before = k.coordinator.consumerGroupDescribe('g');
    const other = newCoordinator(k.cluster.broker(2), k.clock, { consumerSessionTimeoutMs: 45_000 });
    open.push(other);
    k.cluster.moveLeader(k.coordinator.partitionFor('g'), 2);
    await other.waitForLoads();
    const after = other.consumerGroupDescribe('g');
    expect(after).toEqual(before);
    expect(other.fetchOffsets('g', [{ name: 'orders', partitionIndexes: [0] }]).topics[0]!.partitions[0]!.committedOffset).toBe(42n);
    expect((await hb(k, { memberId: 'm1', memberEpoch: 1 })).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });

  it('lists consumer groups with their type and state, and filters by type', async () => {
    const k = await kit();
    await hb(k, {});
    expect(k.coordinator.listGroups().groups).toEqual([{ groupId: 'g', protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' }]);
    expect(k.coordinator.listGroups([], ['classic']).groups).toEqual([]);
    expect(k.coordinator.listGroups(['stable'], ['Consumer']).groups).toHaveLength(1);
  });

  it('refuses a classic member while the consumer group has members, and converts it once empty', async () => {
    const k = await kit();
    await hb(k, {});
    expect((await k.coordinator.joinGroup(joinParams('g'))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await k.coordinator.deleteGroups(['g']))[0]!.errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);
    await hb(k, { memberEpoch: -1 });
    const joining = k.coordinator.joinGroup(joinParams('g'));
    await settle();
    k.clock.advance(0);
    expect((await joining).errorCode).toBe(ErrorCode.NONE);
    expect(k.coordinator.group('g')!.consumer).toBeNull();
    expect((await hb(k, { memberId: 'm5' })).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });
});
