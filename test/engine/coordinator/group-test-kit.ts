// Shared set-up for coordinator tests: a coordinator on a fake broker with a manual clock,
// consumer-protocol metadata builders and a client-side range assignor (assignment is the
// clients' job; the tests play the clients).
import { ManualClock } from '../../../src/engine/common/clock.js';
import { silentLogger } from '../../../src/engine/common/logger.js';
import { GroupCoordinator, type JoinGroupParams } from '../../../src/engine/coordinator/group-coordinator.js';
import type { GroupCoordinatorConfig } from '../../../src/engine/coordinator/group-coordinator-config.js';
import type { JoinGroupOutcome } from '../../../src/engine/coordinator/group.js';
import { decodeMessage, encodeMessage } from '../../../src/engine/protocol/codec.js';
import { FakeCluster, type FakeBrokerServices } from './fake-broker-services.js';

export const SESSION_MS = 10_000;
export const REBALANCE_MS = 30_000;

function versioned(version: number, body: Buffer): Buffer {
  const v = Buffer.alloc(2);
  v.writeInt16BE(version, 0);
  return Buffer.concat([v, body]);
}

export function subscription(topics: string[]): Buffer {
  return versioned(0, encodeMessage('ConsumerProtocolSubscription', 0, { topics, userData: null }));
}

export function assignment(parts: Record<string, number[]>): Buffer {
  return versioned(
    0,
    encodeMessage('ConsumerProtocolAssignment', 0, {
      assignedPartitions: Object.entries(parts).map(([topic, partitions]) => ({ topic, partitions })),
      userData: null,
    }),
  );
}

export function partitionsOf(buf: Buffer): Record<string, number[]> {
  if (buf.length === 0) return {};
  const a = decodeMessage('ConsumerProtocolAssignment', buf.readInt16BE(0), buf, 2);
  return Object.fromEntries((a.assignedPartitions as Array<{ topic: string; partitions: number[] }>).map((x) => [x.topic, x.partitions]));
}

/** Kafka's RangeAssignor for one topic, over sorted member ids. */
export function rangeAssign(memberIds: string[], topic: string, partitions: number): Array<{ memberId: string; assignment: Buffer }> {
  const sorted = [...memberIds].sort();
  const per = Math.floor(partitions / sorted.length);
  const extra = partitions % sorted.length;
  let next = 0;
  return sorted.map((memberId, i) => {
    const n = per + (i < extra ? 1 : 0);
    const ps = Array.from({ length: n }, (_, k) => next + k);
    next += n;
    return { memberId, assignment: assignment({ [topic]: ps }) };
  });
}

export interface Kit {
  clock: ManualClock;
  cluster: FakeCluster;
  services: FakeBrokerServices;
  coordinator: GroupCoordinator;
}

export async function startKit(config: Partial<GroupCoordinatorConfig> = {}, brokerId = 1): Promise<Kit> {
  const clock = new ManualClock();
  const cluster = new FakeCluster({ orders: 6, payments: 3 });
  cluster.createOffsetsTopic(50, brokerId);
  const services = cluster.broker(brokerId);
  const coordinator = newCoordinator(services, clock, config);
  await coordinator.waitForLoads();
  return { clock, cluster, services, coordinator };
}

let uuid = 0;
export function newCoordinator(services: FakeBrokerServices, clock: ManualClock, config: Partial<GroupCoordinatorConfig> = {}): GroupCoordinator {
  return new GroupCoordinator({
    services,
    logger: silentLogger,
    clock,
    config: { initialRebalanceDelayMs: 0, ...config },
    newUuid: () => `u${++uuid}`,
  });
}

export function joinParams(groupId: string, overrides: Partial<JoinGroupParams> = {}): JoinGroupParams {
  return {
    groupId,
    memberId: '',
    groupInstanceId: null,
    requireKnownMemberId: false,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: SESSION_MS,
    rebalanceTimeoutMs: REBALANCE_MS,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['orders']) }],
    ...overrides,
  };
}

/** Lets appends and other promise chains settle. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export interface StableMember {
  memberId: string;
  generationId: number;
  groupInstanceId: string | null;
  partitions: Record<string, number[]>;
}

/** Completes a rebalance: the given joins resolve, the leader range-assigns `orders`, all sync. */
export async function completeRebalance(kit: Kit, groupId: string, joins: Array<Promise<JoinGroupOutcome>>, advanceMs = 0): Promise<StableMember[]> {
  kit.clock.advance(advanceMs);
  const joined = await Promise.all(joins);
  for (const j of joined) if (j.errorCode !== 0) throw new Error(`join failed with ${j.errorCode}`);
  const leader = joined.find((j) => j.members.length > 0);
  if (!leader) throw new Error('no leader in join responses');
  const plan = rangeAssign(
    leader.members.map((m) => m.memberId),
    'orders',
    6,
  );
  const syncs = joined.map((j) =>
    kit.coordinator.syncGroup({
      groupId,
      generationId: j.generationId,
      memberId: j.memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: j.memberId === leader.memberId ? plan : [],
    }),
  );
  const synced = await Promise.all(syncs);
  return joined.map((j, i) => {
    if (synced[i]!.errorCode !== 0) throw new Error(`sync failed with ${synced[i]!.errorCode}`);
    return { memberId: j.memberId, generationId: j.generationId, groupInstanceId: null, partitions: partitionsOf(synced[i]!.assignment) };
  });
}
