// The group API handlers at every version they serve: requests go through the codec (so
// fields absent from a version take their defaults), responses must encode at that version.
import { afterEach, describe, expect, it } from 'vitest';
import { createGroupHandlers, type GroupHandlerDeps } from '../../../src/engine/broker/handlers/group-handlers.js';
import type { ApiHandler } from '../../../src/engine/broker/api-handler.js';
import { silentLogger } from '../../../src/engine/common/logger.js';
import { ApiKey } from '../../../src/engine/protocol/api-keys.js';
import { apiName, decodeMessage, encodeMessage, type Message, type MessageName } from '../../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { partitionsOf, assignment, startKit, subscription, type Kit } from './group-test-kit.js';

let kit: Kit;
let handlers: Map<number, ApiHandler>;

afterEach(() => kit?.coordinator.close());

async function setup(): Promise<void> {
  kit = await startKit();
  const deps = { services: kit.services, settings: {}, logger: silentLogger } as unknown as GroupHandlerDeps;
  handlers = new Map(createGroupHandlers(deps, kit.coordinator).map((h) => [h.apiKey, h]));
}

function roundTrip(name: MessageName, version: number, body: Message): Message {
  return decodeMessage(name, version, encodeMessage(name, version, body));
}

/** Sends a request through the codec to the handler and the response back through the codec. */
async function call(apiKey: number, version: number, body: Message, advance = true): Promise<Message> {
  const name = apiName(apiKey)!;
  const handler = handlers.get(apiKey)!;
  expect(version).toBeGreaterThanOrEqual(handler.versions[0]);
  expect(version).toBeLessThanOrEqual(handler.versions[1]);
  const pending = handler.handle({
    header: { apiKey, apiVersion: version, correlationId: 1, clientId: 'cli' },
    body: roundTrip(`${name}Request` as MessageName, version, body),
    connection: { id: 1, remoteAddress: '127.0.0.1', remotePort: 5555 },
  });
  if (advance) kit.clock.advance(0);
  const response = await pending;
  return roundTrip(`${name}Response` as MessageName, version, response!);
}

const range = (lo: number, hi: number) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);

describe('group handlers', () => {
  it('serve the versions current clients use', async () => {
    await setup();
    const served = Object.fromEntries([...handlers.values()].map((h) => [apiName(h.apiKey), h.versions]));
    expect(served).toEqual({
      FindCoordinator: [0, 6],
      JoinGroup: [0, 9],
      SyncGroup: [0, 5],
      Heartbeat: [0, 4],
      LeaveGroup: [0, 5],
      OffsetCommit: [0, 9],
      OffsetFetch: [0, 9],
      ListGroups: [0, 5],
      DescribeGroups: [0, 5],
      DeleteGroups: [0, 2],
      OffsetDelete: [0, 0],
    });
  });

  it('answer FindCoordinator at every version, batched from v4', async () => {
    await setup();
    for (const v of range(0, 3)) {
      const r = await call(ApiKey.FindCoordinator, v, { key: 'g', keyType: 0 });
      expect(r).toMatchObject({ errorCode: 0, nodeId: 1, host: '127.0.0.1', port: 9001 });
    }
    for (const v of range(4, 6)) {
      const r = await call(ApiKey.FindCoordinator, v, { keyType: 0, coordinatorKeys: ['a', 'b'] });
      expect(r.coordinators.map((c: Message) => [c.key, c.nodeId, c.errorCode])).toEqual([
        ['a', 1, 0],
        ['b', 1, 0],
      ]);
    }
    const txn = await call(ApiKey.FindCoordinator, 3, { key: 't', keyType: 1 });
    expect(txn.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  });

  it('run a join, sync, heartbeat, commit, fetch, describe, list and leave cycle at every version', async () => {
    await setup();
    for (const v of range(0, 9)) {
      const groupId = `group-v${v}`;
      const join: Message = {
        groupId,
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 20_000,
        memberId: '',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: subscription(['orders']) }],
        reason: null,
      };
      let joined = await call(ApiKey.JoinGroup, v, join);
      if (v >= 4) {
        expect(joined.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
        expect(joined.memberId).toMatch(/^cli-/);
        joined = await call(ApiKey.JoinGroup, v, { ...join, memberId: joined.memberId });
      }
      expect(joined).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range' });
      expect(joined.leader).toBe(joined.memberId);
      expect(joined.members).toHaveLength(1);
      const memberId = joined.memberId as string;

      const sv = Math.min(v, 5);
      const synced = await call(ApiKey.SyncGroup, sv, {
        groupId,
        generationId: 1,
        memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments: [{ memberId, assignment: assignment({ orders: [0, 1, 2] }) }],
      });
      expect(synced.errorCode).toBe(0);
      expect(partitionsOf(synced.assignment)).toEqual({ orders: [0, 1, 2] });
      if (sv >= 5) expect([synced.protocolType, synced.protocolName]).toEqual(['consumer', 'range']);

      const hb = await call(ApiKey.Heartbeat, Math.min(v, 4), { groupId, generationId: 1, memberId, groupInstanceId: null });
      expect(hb.errorCode).toBe(0);

      const committed = await call(ApiKey.OffsetCommit, v, {
        groupId,
        generationIdOrMemberEpoch: 1,
        memberId,
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, committedOffset: BigInt(100 + v), committedLeaderEpoch: 0, commitTimestamp: -1n, committedMetadata: 'm' }] }],
      });
      // v0 carries no member or generation: Kafka refuses it for a group with members.
      expect(committed.topics[0].partitions[0]).toEqual({ partitionIndex: 1, errorCode: v === 0 ? ErrorCode.UNKNOWN_MEMBER_ID : 0 });

      const fetchBody =
        v >= 8
          ? { groups: [{ groupId, memberId: null, memberEpoch: -1, topics: [{ name: 'orders', partitionIndexes: [1, 2] }] }], requireStable: false }
          : { groupId, topics: [{ name: 'orders', partitionIndexes: [1, 2] }], requireStable: false };
      const fetched = await call(ApiKey.OffsetFetch, v, fetchBody);
      const partitions = (v >= 8 ? fetched.groups[0].topics : fetched.topics)[0].partitions as Message[];
      expect(partitions.map((p) => p.committedOffset)).toEqual([v === 0 ? -1n : BigInt(100 + v), -1n]);
      expect(partitions[0]!.metadata).toBe(v === 0 ? '' : 'm');

      const described = await call(ApiKey.DescribeGroups, Math.min(v, 5), { groups: [groupId], includeAuthorizedOperations: true });
      expect(described.groups[0]).toMatchObject({ errorCode: 0, groupId, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
      expect(described.groups[0].members[0]).toMatchObject({ memberId, clientId: 'cli', clientHost: '/127.0.0.1' });
      expect(partitionsOf(described.groups[0].members[0].memberAssignment)).toEqual({ orders: [0, 1, 2] });

      const listed = await call(ApiKey.ListGroups, Math.min(v, 5), { statesFilter: [], typesFilter: [] });
      expect(listed.groups.map((g: Message) => g.groupId)).toContain(groupId);

      const lv = Math.min(v, 5);
      const left = await call(ApiKey.LeaveGroup, lv, lv >= 3 ? { groupId, members: [{ memberId, groupInstanceId: null, reason: 'bye' }] } : { groupId, memberId });
      expect(left.errorCode).toBe(0);
      if (lv >= 3) expect(left.members).toEqual([{ memberId, groupInstanceId: null, errorCode: 0 }]);
      expect(kit.coordinator.group(groupId)!.state).toBe('Empty');
    }
  });

  it('fetch all committed offsets with null topics from v2 and report per-group errors from v8', async () => {
    await setup();
    await call(ApiKey.OffsetCommit, 2, {
      groupId: 'simple',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      retentionTimeMs: -1n,
      topics: [{ name: 'payments', partitions: [{ partitionIndex: 0, committedOffset: 9n, committedMetadata: null }] }],
    });
    const all = await call(ApiKey.OffsetFetch, 2, { groupId: 'simple', topics: null });
    expect(all.topics[0].partitions[0].committedOffset).toBe(9n);
    const notOurs = 'elsewhere';
    kit.cluster.moveLeader(kit.coordinator.partitionFor(notOurs), 2);
    const multi = await call(ApiKey.OffsetFetch, 8, {
      groups: [
        { groupId: 'simple', topics: null },
        { groupId: notOurs, topics: null },
      ],
    });
    expect(multi.groups.map((g: Message) => [g.groupId, g.errorCode, g.topics.length])).toEqual([
      ['simple', 0, 1],
      [notOurs, ErrorCode.NOT_COORDINATOR, 0],
    ]);
  });

  it('delete groups and offsets through DeleteGroups and OffsetDelete', async () => {
    await setup();
    await call(ApiKey.OffsetCommit, 8, {
      groupId: 'gone',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 3n, committedMetadata: null }, { partitionIndex: 1, committedOffset: 4n, committedMetadata: null }] }],
    });
    const od = await call(ApiKey.OffsetDelete, 0, { groupId: 'gone', topics: [{ name: 'orders', partitions: [{ partitionIndex: 1 }] }] });
    expect(od).toMatchObject({ errorCode: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, errorCode: 0 }] }] });
    for (const v of range(0, 2)) {
      const r = await call(ApiKey.DeleteGroups, v, { groupsNames: [v === 0 ? 'gone' : 'never'] });
      expect(r.results[0].errorCode).toBe(v === 0 ? 0 : ErrorCode.GROUP_ID_NOT_FOUND);
    }
  });
});
