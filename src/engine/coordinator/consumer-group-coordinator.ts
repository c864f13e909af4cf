// The KIP-848 side of the group coordinator: ConsumerGroupHeartbeat (join, subscription
// changes, reconciliation, leave, static members' temporary leave), ConsumerGroupDescribe,
// session and revocation timeouts that fence members, and member-epoch checks for
// OffsetCommit v9+ / OffsetFetch v9+. Every change is written to the group's
// `__consumer_offsets` partition as Kafka's consumer-group records (acks=-1) before the
// heartbeat is answered, so a new coordinator reloads the group as it was.
// Mixed groups: a classic member may not join a consumer group that has members (Kafka's
// INCONSISTENT_GROUP_PROTOCOL), nor a consumer-protocol member a classic group that has
// members (GROUP_ID_NOT_FOUND); an empty group of either kind converts to the other.
// Concurrency: one event loop. A heartbeat changes the group synchronously, then awaits its
// append; timers only act if the member is still the same object in the same group.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { RecordInput } from '../protocol/records/record-codec.js';
import type { CoordinatorServices } from './coordinator-types.js';
import { ASSIGNORS, type Assignment, type AssignorMember } from './consumer-group-assignors.js';
import { ConsumerGroup, ConsumerGroupMember, LEAVE_GROUP_MEMBER_EPOCH, LEAVE_GROUP_STATIC_MEMBER_EPOCH } from './consumer-group.js';
import { MemberState, isSubset, reconcile, sameAssignment } from './consumer-group-reconciler.js';
import { cgRecords, consumerGroupTombstones, fromWire, memberTombstones, toWire } from './consumer-group-records.js';
import { Group, GroupState } from './group.js';
import type { GroupCoordinatorConfig } from './group-coordinator-config.js';
import type { GroupMetadataManager } from './group-metadata-manager.js';
import { groupMetadataKey } from './offsets-topic-records.js';

type TopicPartitionsWire = Array<{ topicId: string; partitions: number[] }>;

export interface ConsumerGroupHeartbeatParams {
  apiVersion: number;
  groupId: string;
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[] | null;
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  topicPartitions: TopicPartitionsWire | null;
  clientId: string;
  clientHost: string;
}

export interface ConsumerGroupHeartbeatResult {
  errorCode: number;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: { topicPartitions: TopicPartitionsWire } | null;
}

type DescribedAssignment = { topicPartitions: Array<{ topicId: string; topicName: string; partitions: number[] }> };

export interface ConsumerGroupDescription {
  errorCode: number;
  errorMessage: string | null;
  groupId: string;
  groupState: string;
  groupEpoch: number;
  assignmentEpoch: number;
  assignorName: string;
  members: Array<{
    memberId: string;
    instanceId: string | null;
    rackId: string | null;
    memberEpoch: number;
    clientId: string;
    clientHost: string;
    subscribedTopicNames: string[];
    subscribedTopicRegex: string | null;
    assignment: DescribedAssignment;
    targetAssignment: DescribedAssignment;
  }>;
}

export interface ConsumerGroupCoordinatorOptions {
  services: CoordinatorServices;
  logger: Logger;
  config: GroupCoordinatorConfig;
  clock: Clock;
  groupManager: GroupMetadataManager;
  newUuid?: () => string;
}

export class ConsumerGroupCoordinator {
  readonly #services: CoordinatorServices;
  readonly #logger: Logger;
  readonly #config: GroupCoordinatorConfig;
  readonly #clock: Clock;
  readonly #manager: GroupMetadataManager;
  readonly #newUuid: () => string;

  constructor(options: ConsumerGroupCoordinatorOptions) {
    this.#services = options.services;
    this.#logger = options.logger;
    this.#config = options.config;
    this.#clock = options.clock;
    this.#manager = options.groupManager;
    this.#newUuid = options.newUuid ?? randomUUID;
  }

  // -------------------------------------------------------------------------------------
  // ConsumerGroupHeartbeat

  async heartbeat(p: ConsumerGroupHeartbeatParams): Promise<ConsumerGroupHeartbeatResult> {
    const fail = (errorCode: number, errorMessage: string | null = null): ConsumerGroupHeartbeatResult => ({
      errorCode,
      errorMessage,
      memberId: null,
      memberEpoch: 0,
      heartbeatIntervalMs: 0,
      assignment: null,
    });
    const invalid = this.#validate(p);
    if (invalid !== null) return fail(invalid.code, invalid.message);
    const ownerError = this.#manager.ownerError(p.groupId);
    if (ownerError !== ErrorCode.NONE) return fail(ownerError);
    let group = this.#manager.group(p.groupId);
    const records: RecordInput[] = [];
    if (p.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || p.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      const cg = group?.consumer;
      const member = cg ? (cg.members.get(p.memberId) ?? (p.memberId === '' ? cg.memberByInstance(p.instanceId) : undefined)) : undefined;
      if (!group || !cg || !member) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${p.memberId} is not a member of group ${p.groupId}.`);
      if (p.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH && member.instanceId !== null) {
        // A static member leaves for a while: it keeps its assignment until its session ends.
        member.memberEpoch = LEAVE_GROUP_STATIC_MEMBER_EPOCH;
        member.rebalanceTimer?.cancel();
        member.rebalanceTimer = null;
        records.push(cgRecords.currentAssignment(p.groupId, member.memberId, member));
      } else {
        this.#logger.info('consumer group member left', { groupId: p.groupId, memberId: member.memberId });
        records.push(...this.#fence(group, cg, member));
      }
      const code = await this.#manager.storeRecords(p.groupId, records);
      if (code !== ErrorCode.NONE) return fail(code);
      return { errorCode: ErrorCode.NONE, errorMessage: null, memberId: member.memberId, memberEpoch: p.memberEpoch, heartbeatIntervalMs: 0, assignment: null };
    }

    // The group: create it, or convert an empty classic group.
    if (!group || group.is(GroupState.Dead)) {
      if (p.memberEpoch !== 0) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${p.memberId} is not a member of group ${p.groupId}.`);
      group = new Group(p.groupId, GroupState.Empty, this.#clock.now());
      this.#manager.addGroup(group);
    }
    if (!group.consumer) {
      if (!group.is(GroupState.Empty) || group.members.size > 0) return fail(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${p.groupId} is not a consumer group.`);
      if (p.memberEpoch !== 0) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${p.memberId} is not a member of group ${p.groupId}.`);
      group.consumer = new ConsumerGroup(p.groupId);
      if (group.generationId > 0 || group.protocolType !== null) records.push({ key: groupMetadataKey(p.groupId), value: null });
    }
    const cg = group.consumer;

    // The member.
    let member: ConsumerGroupMember;
    let changed = false;
    if (p.memberEpoch === 0) {
      const memberId = p.memberId !== '' ? p.memberId : this.#newUuid();
      const previous = cg.members.get(memberId);
      if (previous) records.push(...this.#fence(group, cg, previous));
      const staticPrevious = cg.memberByInstance(p.instanceId);
      if (staticPrevious && staticPrevious.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
        return fail(ErrorCode.UNRELEASED_INSTANCE_ID, `Static member ${staticPrevious.memberId} with instance id ${p.instanceId} is not released yet.`);
      }
      if (!staticPrevious && cg.members.size >= this.#config.consumerMaxSize) {
        return fail(ErrorCode.GROUP_MAX_SIZE_REACHED, `The consumer group has reached its maximum capacity of ${this.#config.consumerMaxSize} members.`);
      }
      member = new ConsumerGroupMember(memberId);
      member.instanceId = p.instanceId;
      if (staticPrevious) {
        // The static member is back under a new member id: it takes over its assignment and
        // target (no new assignment is computed) and reconciles from epoch 0.
        member.setAssignmentState({ ...staticPrevious, memberEpoch: 0, previousMemberEpoch: 0, state: MemberState.Stable, pendingRevocation: new Map() });
        member.subscribedTopicNames = staticPrevious.subscribedTopicNames;
        member.serverAssignor = staticPrevious.serverAssignor;
        member.rebalanceTimeoutMs = staticPrevious.rebalanceTimeoutMs;
        const target = cg.targetAssignment.get(staticPrevious.memberId);
        staticPrevious.cancelTimers();
        cg.removeMember(staticPrevious.memberId);
        records.push(...memberTombstones(p.groupId, staticPrevious.memberId));
        if (target) {
          cg.targetAssignment.set(memberId, target);
          records.push(cgRecords.targetMember(p.groupId, memberId, target));
        }
        this.#logger.info('static member rejoined', { groupId: p.groupId, instanceId: p.instanceId, memberId, previousMemberId: staticPrevious.memberId });
      } else {
        changed = true;
      }
      cg.putMember(member);
    } else {
      const found = cg.members.get(p.memberId);
      if (!found) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${p.memberId} is not a member of group ${p.groupId}.`);
      if (p.instanceId !== null && found.instanceId !== p.instanceId) return fail(ErrorCode.FENCED_INSTANCE_ID, `Member ${p.memberId} has another instance id.`);
      member = found;
      const owned = p.topicPartitions === null ? null : fromWire(p.topicPartitions);
      if (p.memberEpoch > member.memberEpoch) {
        return fail(ErrorCode.FENCED_MEMBER_EPOCH, `The consumer group member has a greater member epoch (${p.memberEpoch}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`);
      }
      if (p.memberEpoch < member.memberEpoch && (p.memberEpoch !== member.previousMemberEpoch || owned === null || !isSubset(owned, member.assigned))) {
        return fail(ErrorCode.FENCED_MEMBER_EPOCH, `The consumer group member has a smaller member epoch (${p.memberEpoch}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`);
      }
    }

    // Its subscription.
    member.clientId = p.clientId;
    member.clientHost = p.clientHost;
    if (p.rackId !== null) member.rackId = p.rackId;
    if (p.rebalanceTimeoutMs !== -1) member.rebalanceTimeoutMs = p.rebalanceTimeoutMs;
    if (p.subscribedTopicNames !== null) {
      const names = [...new Set(p.subscribedTopicNames)].sort();
      if (names.join('\u0000') !== member.subscribedTopicNames.join('\u0000')) changed = true;
      member.subscribedTopicNames = names;
    }
    if (p.serverAssignor !== null && p.serverAssignor !== member.serverAssignor) {
      member.serverAssignor = p.serverAssignor;
      changed = true;
    }
    if (changed || p.memberEpoch === 0) records.push(cgRecords.member(p.groupId, member.memberId, member));
    const metadataChanged = this.#refreshSubscriptionMetadata(cg);
    if (metadataChanged) records.push(cgRecords.partitionMetadata(cg));
    if (changed || metadataChanged) {
      cg.groupEpoch++;
      records.push(cgRecords.metadata(p.groupId, cg.groupEpoch));
    }
    if (cg.assignmentEpoch < cg.groupEpoch) records.push(...this.#computeTargetAssignment(cg));

    // Reconcile it.
    const owned = p.topicPartitions === null ? null : fromWire(p.topicPartitions);
    const next = reconcile({
      member,
      targetEpoch: cg.assignmentEpoch,
      target: cg.targetAssignment.get(member.memberId) ?? new Map(),
      owned,
      ownedByOther: (t, q) => cg.ownedByOther(member.memberId, t, q),
    });
    const assignmentChanged = next !== member;
    if (assignmentChanged) cg.updateAssignment(member, next);
    if (assignmentChanged || p.memberEpoch === 0) records.push(cgRecords.currentAssignment(p.groupId, member.memberId, member));
    this.#scheduleTimers(group, cg, member);

    if (records.length > 0) {
      const code = await this.#manager.storeRecords(p.groupId, records);
      if (code !== ErrorCode.NONE) return fail(code);
    }
    const sendAssignment = p.memberEpoch === 0 || assignmentChanged || (owned !== null && !sameAssignment(owned, member.assigned));
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: member.memberId,
      memberEpoch: member.memberEpoch,
      heartbeatIntervalMs: this.#config.consumerHeartbeatIntervalMs,
      assignment: sendAssignment ? { topicPartitions: toWire(member.assigned) } : null,
    };
  }

  #validate(p: ConsumerGroupHeartbeatParams): { code: number; message: string } | null {
    const bad = (message: string) => ({ code: ErrorCode.INVALID_REQUEST, message });
    if (p.groupId.trim() === '') return bad("GroupId can't be empty.");
    if (p.instanceId !== null && p.instanceId.trim() === '') return bad("InstanceId can't be empty.");
    if (p.rackId !== null && p.rackId.trim() === '') return bad("RackId can't be empty.");
    if ((p.apiVersion >= 1 || p.memberEpoch !== 0) && p.memberId.trim() === '' && !(p.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH && p.instanceId !== null)) {
      return bad("MemberId can't be empty.");
    }
    if (p.memberEpoch === 0) {
      if (p.rebalanceTimeoutMs === -1) return bad('RebalanceTimeoutMs must be provided in first request.');
      if (p.topicPartitions !== null && p.topicPartitions.some((t) => t.partitions.length > 0)) return bad('TopicPartitions must be empty when (re-)joining.');
      if (p.subscribedTopicNames === null && p.subscribedTopicRegex === null) return bad('SubscribedTopicNames or SubscribedTopicRegex must be set in first request.');
    } else if (p.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      if (p.instanceId === null) return bad("InstanceId can't be null.");
    } else if (p.memberEpoch < LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      return bad(`MemberEpoch is invalid.`);
    }
    if (p.subscribedTopicRegex !== null && p.subscribedTopicRegex !== '') {
      return { code: ErrorCode.INVALID_REQUEST, message: 'SubscribedTopicRegex is not supported by this broker yet; subscribe to topic names.' };
    }
    if (p.serverAssignor !== null && !this.#config.consumerAssignors.includes(p.serverAssignor)) {
      return { code: ErrorCode.UNSUPPORTED_ASSIGNOR, message: `ServerAssignor ${p.serverAssignor} is not supported. Supported assignors: ${this.#config.consumerAssignors.join(', ')}.` };
    }
    return null;
  }

  /** Re-reads the subscribed topics' ids and partition counts; true when they changed. */
  #refreshSubscriptionMetadata(cg: ConsumerGroup): boolean {
    const fresh = new Map<string, { topicId: string; numPartitions: number }>();
    for (const name of [...cg.subscribedTopicNames()].sort()) {
      const topicId = this.#services.metadata.topicId?.(name) ?? null;
      const numPartitions = this.#services.metadata.partitionCount(name);
      if (topicId !== null && numPartitions > 0) fresh.set(name, { topicId, numPartitions });
    }
    const old = cg.subscriptionMetadata;
    const same = fresh.size === old.size && [...fresh].every(([n, t]) => old.get(n)?.topicId === t.topicId && old.get(n)?.numPartitions === t.numPartitions);
    if (same) return false;
    cg.subscriptionMetadata = fresh;
    return true;
  }

  #computeTargetAssignment(cg: ConsumerGroup): RecordInput[] {
    const assignorName = cg.preferredAssignor(this.#config.consumerAssignors[0]!);
    const assign = ASSIGNORS[assignorName] ?? ASSIGNORS[this.#config.consumerAssignors[0]!]!;
    const topics = new Map([...cg.subscriptionMetadata.values()].map((t) => [t.topicId, t.numPartitions]));
    const members: AssignorMember[] = [...cg.members.values()].map((m) => ({
      memberId: m.memberId,
      subscribedTopicIds: new Set(m.subscribedTopicNames.map((n) => cg.subscriptionMetadata.get(n)?.topicId).filter((id): id is string => id !== undefined)),
      previous: cg.targetAssignment.get(m.memberId) ?? new Map(),
    }));
    const result = assign({ members, topics });
    const records: RecordInput[] = [];
    for (const [memberId, target] of result) {
      const old = cg.targetAssignment.get(memberId);
      if (old && sameAssignment(old, target)) continue;
      cg.targetAssignment.set(memberId, target);
      records.push(cgRecords.targetMember(cg.groupId, memberId, target));
    }
    cg.assignmentEpoch = cg.groupEpoch;
    records.push(cgRecords.targetMetadata(cg.groupId, cg.assignmentEpoch));
    this.#logger.info('consumer group target assignment', { groupId: cg.groupId, assignmentEpoch: cg.assignmentEpoch, assignor: assignorName, members: cg.members.size });
    return records;
  }

  /** Removes a member (session or revocation timeout, leave, rejoin) and bumps the group epoch. */
  #fence(group: Group, cg: ConsumerGroup, member: ConsumerGroupMember): RecordInput[] {
    member.cancelTimers();
    cg.removeMember(member.memberId);
    const records = memberTombstones(cg.groupId, member.memberId);
    if (this.#refreshSubscriptionMetadata(cg)) records.push(cgRecords.partitionMetadata(cg));
    cg.groupEpoch++;
    records.push(cgRecords.metadata(cg.groupId, cg.groupEpoch));
    if (cg.members.size === 0) group.currentStateTimestampMs = this.#clock.now();
    return records;
  }

  #scheduleTimers(group: Group, cg: ConsumerGroup, member: ConsumerGroupMember): void {
    member.sessionTimer?.cancel();
    member.sessionTimer = this.#clock.setTimeout(() => {
      member.sessionTimer = null;
      this.#expire(group, cg, member, 'session timeout');
    }, this.#config.consumerSessionTimeoutMs);
    if (member.state === MemberState.UnrevokedPartitions) {
      if (member.rebalanceTimer === null) {
        const timeout = member.rebalanceTimeoutMs > 0 ? member.rebalanceTimeoutMs : this.#config.consumerSessionTimeoutMs;
        member.rebalanceTimer = this.#clock.setTimeout(() => {
          member.rebalanceTimer = null;
          this.#expire(group, cg, member, 'did not revoke its partitions within the rebalance timeout');
        }, timeout);
      }
    } else {
      member.rebalanceTimer?.cancel();
      member.rebalanceTimer = null;
    }
  }

  #expire(group: Group, cg: ConsumerGroup, member: ConsumerGroupMember, why: string): void {
    if (this.#manager.group(group.groupId) !== group || group.consumer !== cg || cg.members.get(member.memberId) !== member) return;
    this.#logger.info('consumer group member fenced', { groupId: cg.groupId, memberId: member.memberId, reason: why });
    const records = this.#fence(group, cg, member);
    void this.#manager.storeRecords(cg.groupId, records);
  }

  /** Starts the sessions of a group's members (after a load). */
  startSessions(group: Group): void {
    const cg = group.consumer;
    if (!cg) return;
    for (const m of cg.members.values()) this.#scheduleTimers(group, cg, m);
  }

  /** Stops a group's timers (it leaves the cache). */
  shutdownGroup(group: Group): void {
    if (group.consumer) for (const m of group.consumer.members.values()) m.cancelTimers();
  }

  /** A classic JoinGroup for a consumer group: refused while it has members, else it converts back. */
  async classicJoin(group: Group): Promise<number> {
    const cg = group.consumer;
    if (!cg) return ErrorCode.NONE;
    if (cg.members.size > 0) return ErrorCode.INCONSISTENT_GROUP_PROTOCOL;
    group.consumer = null;
    return this.#manager.storeRecords(group.groupId, consumerGroupTombstones(group.groupId));
  }

  // -------------------------------------------------------------------------------------
  // Offset commits and fetches of consumer groups (OffsetCommit v9+ / OffsetFetch v9+)

  validateOffsetCommit(cg: ConsumerGroup, memberId: string, memberEpoch: number, apiVersion: number): number {
    if (memberEpoch < 0 && cg.members.size === 0) return ErrorCode.NONE;
    const member = cg.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (apiVersion < 9) return ErrorCode.UNSUPPORTED_VERSION;
    return memberEpoch === member.memberEpoch ? ErrorCode.NONE : ErrorCode.STALE_MEMBER_EPOCH;
  }

  validateOffsetFetch(cg: ConsumerGroup, memberId: string | null, memberEpoch: number): number {
    if ((memberId === null || memberId === '') && memberEpoch < 0) return ErrorCode.NONE;
    const member = memberId === null ? undefined : cg.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    return memberEpoch === member.memberEpoch ? ErrorCode.NONE : ErrorCode.STALE_MEMBER_EPOCH;
  }

  // -------------------------------------------------------------------------------------
  // ConsumerGroupDescribe

  describe(groupId: string): ConsumerGroupDescription {
    const base = { groupId, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [] };
    const ownerError = this.#manager.ownerError(groupId);
    if (ownerError !== ErrorCode.NONE) return { errorCode: ownerError, errorMessage: null, ...base };
    const group = this.#manager.group(groupId);
    if (!group || group.is(GroupState.Dead)) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${groupId} not found.`, ...base };
    const cg = group.consumer;
    if (!cg) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${groupId} is not a consumer group.`, ...base };
    const names = new Map([...cg.subscriptionMetadata].map(([name, t]) => [t.topicId, name]));
    const described = (a: Assignment): DescribedAssignment => ({
      topicPartitions: toWire(a).map((t) => ({ topicId: t.topicId, topicName: names.get(t.topicId) ?? '', partitions: t.partitions })),
    });
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      groupId,
      groupState: cg.state,
      groupEpoch: cg.groupEpoch,
      assignmentEpoch: cg.assignmentEpoch,
      assignorName: cg.preferredAssignor(this.#config.consumerAssignors[0]!),
      members: [...cg.members.values()].map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        rackId: m.rackId,
        memberEpoch: m.memberEpoch,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: m.subscribedTopicNames,
        subscribedTopicRegex: m.subscribedTopicRegex,
        assignment: described(m.assigned),
        targetAssignment: described(cg.targetAssignment.get(m.memberId) ?? new Map()),
      })),
    };
  }
}
