// The group coordinator of one broker (KIP-848 consumer groups are consumer-group-coordinator.ts's,
// reached through the methods at the end): owns the groups whose
// `__consumer_offsets` partition this broker leads and runs their rebalances (join, sync,
// heartbeats, session and rebalance timeouts, static membership). This file checks
// ownership, validates each request against the group's state and membership and changes
// the group; joining (new, known and static members) is group-join.ts's, the rebalance
// state machine and its timers are group-rebalancer.ts's, and loading, storing and expiring
// groups and committed offsets (records in that partition, acks=-1 before answering) is
// group-metadata-manager.ts's (Kafka's GroupMetadataManager), to which the storage APIs
// (OffsetFetch, OffsetDelete, ListGroups, DeleteGroups) are delegated. FindCoordinator is
// answered here, creating the offsets topic on first use.
// Partitions are loaded when this broker becomes their leader (COORDINATOR_LOAD_IN_PROGRESS
// meanwhile) and unloaded when it stops leading them (NOT_COORDINATOR).
//
// It speaks in plain values, not wire messages: broker/handlers/group-handlers.ts maps the
// versions of each API onto these methods. Kafka errors are returned as error codes.
//
// Concurrency: one event loop. Group state changes happen synchronously between awaits; the
// only awaits are log appends and loads (in the manager). After an await, work is applied
// only if the partition is still owned by the same load (token check) and the group is the
// same object (and generation). Every JoinGroup/SyncGroup promise is eventually resolved (by
// the rebalance, a timeout, an unload or close()), because a connection's later responses
// queue behind it.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../common/clock.js';
import { systemClock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type {
  CoordinatorLookup,
  CoordinatorServices,
  FetchedOffsets,
  GroupDescription,
  GroupListing,
  HeartbeatParams,
  JoinGroupParams,
  LeaveGroupOutcome,
  LeavingMember,
  OffsetCommitParams,
  PartitionErrors,
  SyncGroupParams,
} from './coordinator-types.js';
import { CoordinatorType } from './coordinator-types.js';
import {
  ConsumerGroupCoordinator,
  type ConsumerGroupDescription,
  type ConsumerGroupHeartbeatParams,
  type ConsumerGroupHeartbeatResult,
} from './consumer-group-coordinator.js';
import { Group, GroupState, type JoinGroupOutcome, type SyncGroupOutcome } from './group.js';
import { DEFAULT_GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from './group-coordinator-config.js';
import { GroupJoin } from './group-join.js';
import { GroupMetadataManager } from './group-metadata-manager.js';
import { GroupRebalancer, answerSync, joinError } from './group-rebalancer.js';
import { OFFSETS_TOPIC } from './offsets-topic-records.js';

// The contract and the request/result shapes stay importable from here.
export * from './coordinator-types.js';

export interface GroupCoordinatorOptions {
  services: CoordinatorServices;
  logger: Logger;
  config?: Partial<GroupCoordinatorConfig>;
  clock?: Clock;
  /** Member-id suffixes; defaults to random UUIDs. */
  newUuid?: () => string;
}

const EMPTY = Buffer.alloc(0);

export class GroupCoordinator {
  readonly #services: CoordinatorServices;
  readonly #logger: Logger;
  readonly #config: GroupCoordinatorConfig;
  readonly #clock: Clock;
  readonly #groupManager: GroupMetadataManager;
  readonly #rebalancer: GroupRebalancer;
  readonly #joiner: GroupJoin;
  readonly #consumer: ConsumerGroupCoordinator;
  #ensureTopic: Promise<void> | null = null;

  constructor(options: GroupCoordinatorOptions) {
    this.#services = options.services;
    this.#logger = options.logger.child({ component: 'group-coordinator' });
    this.#config = { ...DEFAULT_GROUP_COORDINATOR_CONFIG, ...options.config };
    this.#clock = options.clock ?? systemClock;
    // The manager starts loading the partitions this broker leads; it calls back only after a
    // load's first await, or on a later leadership change or request, so the rebalancer
    // exists by then.
    this.#groupManager = new GroupMetadataManager({
      services: this.#services,
      logger: this.#logger,
      config: this.#config,
      clock: this.#clock,
      onGroupLoaded: (group) => {
        for (const m of group.members.values()) this.#rebalancer.scheduleHeartbeatExpiry(group, m);
        this.#consumer.startSessions(group);
      },
      onGroupRemoved: (group, errorCode) => {
        this.#rebalancer.shutdownGroup(group, errorCode);
        this.#consumer.shutdownGroup(group);
      },
    });
    this.#rebalancer = new GroupRebalancer({ logger: this.#logger, config: this.#config, clock: this.#clock, groupManager: this.#groupManager });
    this.#consumer = new ConsumerGroupCoordinator({
      services: this.#services,
      logger: this.#logger,
      config: this.#config,
      clock: this.#clock,
      groupManager: this.#groupManager,
      newUuid: options.newUuid,
    });
    this.#joiner = new GroupJoin({
      logger: this.#logger,
      config: this.#config,
      clock: this.#clock,
      newUuid: options.newUuid ?? randomUUID,
      groupManager: this.#groupManager,
      rebalancer: this.#rebalancer,
    });
  }

  get config(): Readonly<GroupCoordinatorConfig> {
    return this.#config;
  }

  /** Resolves every waiting JoinGroup/SyncGroup with NOT_COORDINATOR and stops all timers. */
  close(): void {
    this.#groupManager.close();
    this.#rebalancer.close();
  }

  // -------------------------------------------------------------------------------------
  // Ownership and loading (the manager's)

  /** The offsets-topic partition that owns a group. */
  partitionFor(groupId: string): number {
    return this.#groupManager.partitionFor(groupId);
  }

  /** Partitions of `__consumer_offsets` this coordinator owns, with their load state. */
  ownedPartitions(): Array<{ partition: number; state: 'loading' | 'loaded' }> {
    return this.#groupManager.ownedPartitions();
  }

  /** Resolves once no owned partition is loading (for tests and start-up). */
  waitForLoads(): Promise<void> {
    return this.#groupManager.waitForLoads();
  }

  #validateGroup(groupId: string, requireNonEmpty: boolean): number {
    if (requireNonEmpty && groupId === '') return ErrorCode.INVALID_GROUP_ID;
    return this.#groupManager.ownerError(groupId);
  }

  // -------------------------------------------------------------------------------------
  // FindCoordinator

  async findCoordinator(keyType: number, key: string): Promise<CoordinatorLookup> {
    const fail = (errorCode: number, errorMessage: string | null = null): CoordinatorLookup => ({ errorCode, errorMessage, nodeId: -1, host: '', port: -1 });
    if (keyType === CoordinatorType.Transaction) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'transactions are not supported');
    if (keyType !== CoordinatorType.Group) return fail(ErrorCode.INVALID_REQUEST, `unknown coordinator key type ${keyType}`);
    if (this.#services.metadata.partitionCount(OFFSETS_TOPIC) === 0) {
      try {
        await this.#ensureOffsetsTopic();
      } catch (err) {
        this.#logger.warn('creating the offsets topic failed', { err });
        return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'the offsets topic is not available');
      }
      if (this.#services.metadata.partitionCount(OFFSETS_TOPIC) === 0) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'the offsets topic is being created');
    }
    const leader = this.#services.metadata.leaderFor(OFFSETS_TOPIC, this.partitionFor(key));
    if (!leader) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'the group coordinator is not available');
    return { errorCode: ErrorCode.NONE, errorMessage: null, nodeId: leader.nodeId, host: leader.host, port: leader.port };
  }

  #ensureOffsetsTopic(): Promise<void> {
    if (!this.#ensureTopic) {
      this.#ensureTopic = this.#services
        .ensureInternalTopic(OFFSETS_TOPIC, {
          partitions: this.#config.offsetsTopicPartitions,
          replicationFactor: this.#config.offsetsTopicReplicationFactor,
          configs: {
            'cleanup.policy': 'compact',
            'compression.type': 'producer',
            'segment.bytes': String(this.#config.offsetsTopicSegmentBytes),
          },
        })
        .finally(() => {
          this.#ensureTopic = null;
        });
    }
    return this.#ensureTopic;
  }

  // -------------------------------------------------------------------------------------
  // JoinGroup

  async joinGroup(params: JoinGroupParams): Promise<JoinGroupOutcome> {
    const error = this.#validateGroup(params.groupId, true);
    if (error !== ErrorCode.NONE) return joinError(params.memberId, error);
    const existing = this.#groupManager.group(params.groupId);
    if (existing?.consumer) {
      const code = await this.#consumer.classicJoin(existing);
      if (code !== ErrorCode.NONE) return joinError(params.memberId, code);
    }
    return this.#joiner.join(params);
  }

  // -------------------------------------------------------------------------------------
  // SyncGroup

  async syncGroup(params: SyncGroupParams): Promise<SyncGroupOutcome> {
    const fail = (errorCode: number): SyncGroupOutcome => ({ errorCode, protocolType: null, protocolName: null, assignment: EMPTY });
    const error = this.#validateGroup(params.groupId, true);
    if (error !== ErrorCode.NONE) return fail(error);
    const group = this.#groupManager.group(params.groupId);
    if (!group) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (group.is(GroupState.Dead)) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (group.isFencedStaticMember(params.memberId, params.groupInstanceId)) return fail(ErrorCode.FENCED_INSTANCE_ID);
    const member = group.members.get(params.memberId);
    if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (params.generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
    if (
      (params.protocolType !== null && params.protocolType !== group.protocolType) ||
      (params.protocolName !== null && params.protocolName !== group.protocolName)
    ) {
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    switch (group.state) {
      case GroupState.Empty:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      case GroupState.PreparingRebalance:
        return fail(ErrorCode.REBALANCE_IN_PROGRESS);
      case GroupState.Stable:
        group.pendingSyncMembers.delete(member.memberId);
        this.#rebalancer.scheduleHeartbeatExpiry(group, member);
        return { errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment };
      case GroupState.CompletingRebalance:
        break;
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
    group.pendingSyncMembers.delete(member.memberId);
    const outcome = new Promise<SyncGroupOutcome>((respond) => {
      answerSync(member, fail(ErrorCode.REBALANCE_IN_PROGRESS));
      member.awaitingSync = respond;
    });
    this.#rebalancer.scheduleHeartbeatExpiry(group, member);
    if (group.isLeader(member.memberId)) {
      const assignments = new Map<string, Buffer>();
      for (const a of params.assignments) if (group.members.has(a.memberId)) assignments.set(a.memberId, a.assignment);
      for (const id of group.members.keys()) if (!assignments.has(id)) assignments.set(id, EMPTY);
      const generation = group.generationId;
      const code = await this.#groupManager.storeGroup(group, assignments);
      if (this.#groupManager.group(group.groupId) === group && group.is(GroupState.CompletingRebalance) && group.generationId === generation) {
        if (code !== ErrorCode.NONE) {
          this.#rebalancer.resetAndPropagateAssignmentError(group, code);
          this.#rebalancer.maybePrepareRebalance(group, 'storing the assignment failed');
        } else {
          this.#rebalancer.setAndPropagateAssignment(group, assignments);
          group.transitionTo(GroupState.Stable, this.#clock.now());
          this.#logger.info('group stable', { groupId: group.groupId, generationId: group.generationId, members: group.members.size });
        }
      }
    }
    return outcome;
  }

  // -------------------------------------------------------------------------------------
  // Heartbeat

  async heartbeat(params: HeartbeatParams): Promise<number> {
    const error = this.#validateGroup(params.groupId, true);
    if (error !== ErrorCode.NONE) return error;
    const group = this.#groupManager.group(params.groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is(GroupState.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (group.isFencedStaticMember(params.memberId, params.groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
    const member = group.members.get(params.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (params.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    switch (group.state) {
      case GroupState.Empty:
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case GroupState.PreparingRebalance:
        this.#rebalancer.scheduleHeartbeatExpiry(group, member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case GroupState.CompletingRebalance:
      case GroupState.Stable:
        this.#rebalancer.scheduleHeartbeatExpiry(group, member);
        return ErrorCode.NONE;
      default:
        return ErrorCode.UNKNOWN_MEMBER_ID;
    }
  }

  // -------------------------------------------------------------------------------------
  // LeaveGroup

  async leaveGroup(groupId: string, leaving: LeavingMember[]): Promise<LeaveGroupOutcome> {
    const each = (errorCode: number) => leaving.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode }));
    const error = this.#validateGroup(groupId, true);
    if (error !== ErrorCode.NONE) return { errorCode: error, members: each(error) };
    const group = this.#groupManager.group(groupId);
    if (!group) return { errorCode: ErrorCode.NONE, members: each(ErrorCode.UNKNOWN_MEMBER_ID) };
    if (group.is(GroupState.Dead)) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: each(ErrorCode.COORDINATOR_NOT_AVAILABLE) };
    const members = leaving.map((l) => ({ memberId: l.memberId, groupInstanceId: l.groupInstanceId, errorCode: this.#leaveOne(group, l) }));
    return { errorCode: ErrorCode.NONE, members };
  }

  #leaveOne(group: Group, leaving: LeavingMember): number {
    let memberId = leaving.memberId;
    if (memberId === '') {
      const byInstance = group.staticMemberId(leaving.groupInstanceId);
      if (byInstance === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      memberId = byInstance;
    } else if (group.isFencedStaticMember(memberId, leaving.groupInstanceId)) {
      return ErrorCode.FENCED_INSTANCE_ID;
    }
    if (group.pendingMembers.delete(memberId)) {
      this.#rebalancer.cancelPendingMemberTimer(group.groupId, memberId);
      this.#rebalancer.tryCompleteJoin(group);
      return ErrorCode.NONE;
    }
    const member = group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.#logger.info('member left the group', { groupId: group.groupId, memberId, reason: leaving.reason ?? undefined });
    this.#rebalancer.removeMemberAndUpdateGroup(group, member, `member ${memberId} left the group${leaving.reason ? ` (${leaving.reason})` : ''}`);
    return ErrorCode.NONE;
  }

  // -------------------------------------------------------------------------------------
  // OffsetCommit / OffsetFetch / OffsetDelete

  async commitOffsets(params: OffsetCommitParams): Promise<PartitionErrors> {
    const all = (errorCode: number): PartitionErrors =>
      params.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) }));
    const error = this.#validateGroup(params.groupId, false);
    if (error !== ErrorCode.NONE) return all(error);
    let group = this.#groupManager.group(params.groupId);
    if (!group || group.is(GroupState.Dead)) {
      if (params.generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
      // A group that only uses Kafka to store offsets.
      group = new Group(params.groupId, GroupState.Empty, this.#clock.now());
      this.#groupManager.addGroup(group);
    }
    let groupError: number = ErrorCode.NONE;
    if (group.consumer) groupError = this.#consumer.validateOffsetCommit(group.consumer, params.memberId, params.generationId, params.apiVersion ?? 9);
    else if (group.isFencedStaticMember(params.memberId, params.groupInstanceId)) groupError = ErrorCode.FENCED_INSTANCE_ID;
    else if (params.generationId < 0 && group.is(GroupState.Empty)) groupError = ErrorCode.NONE;
    else if (!group.members.has(params.memberId)) groupError = ErrorCode.UNKNOWN_MEMBER_ID;
    else if (params.generationId !== group.generationId) groupError = ErrorCode.ILLEGAL_GENERATION;
    else if (group.is(GroupState.CompletingRebalance)) groupError = ErrorCode.REBALANCE_IN_PROGRESS;
    if (groupError !== ErrorCode.NONE) return all(groupError);
    const member = group.members.get(params.memberId);
    if (member) this.#rebalancer.scheduleHeartbeatExpiry(group, member);
    // Validated: the manager writes the commits, then applies them to the group.
    return this.#groupManager.storeOffsets(group, params);
  }

  /**
   * TxnOffsetCommit: the commits are written as part of the producer's transaction and
   * become visible when its COMMIT marker reaches the group's offsets partition. KIP-447
   * checks: a member id must be known and a generation must be current when given.
   */
  async txnCommitOffsets(params: OffsetCommitParams & { producerId: bigint; producerEpoch: number }): Promise<PartitionErrors> {
    const all = (errorCode: number): PartitionErrors =>
      params.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) }));
    const error = this.#validateGroup(params.groupId, true);
    if (error !== ErrorCode.NONE) return all(error);
    let group = this.#groupManager.group(params.groupId);
    if (!group) {
      group = new Group(params.groupId, GroupState.Empty, this.#clock.now());
      this.#groupManager.addGroup(group);
    }
    if (group.is(GroupState.Dead)) return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (group.isFencedStaticMember(params.memberId, params.groupInstanceId)) return all(ErrorCode.FENCED_INSTANCE_ID);
    if (params.memberId !== '' && !group.members.has(params.memberId)) return all(ErrorCode.UNKNOWN_MEMBER_ID);
    if (params.generationId >= 0 && params.generationId !== group.generationId) return all(ErrorCode.ILLEGAL_GENERATION);
    return this.#groupManager.storeOffsets(group, params, { producerId: params.producerId, producerEpoch: params.producerEpoch });
  }

  /** A transaction marker was written to these `__consumer_offsets` partitions (WriteTxnMarkers). */
  onTransactionCompleted(producerId: bigint, offsetsPartitions: readonly number[], commit: boolean): void {
    this.#groupManager.completeTransaction(producerId, offsetsPartitions, commit);
  }

  /** Committed offsets of a group; `topics` null = every partition with a commit. */
  fetchOffsets(
    groupId: string,
    topics: Array<{ name: string; partitionIndexes: number[] }> | null,
    member?: { memberId: string | null; memberEpoch: number },
  ): FetchedOffsets {
    const consumer = member && this.#groupManager.ownerError(groupId) === ErrorCode.NONE ? this.#groupManager.group(groupId)?.consumer : null;
    const code = consumer && member ? this.#consumer.validateOffsetFetch(consumer, member.memberId, member.memberEpoch) : ErrorCode.NONE;
    if (code !== ErrorCode.NONE) return { errorCode: code, topics: [] };
    return this.#groupManager.fetchOffsets(groupId, topics);
  }

  deleteOffsets(groupId: string, topics: Array<{ name: string; partitionIndexes: number[] }>): Promise<{ errorCode: number; topics: PartitionErrors }> {
    return this.#groupManager.deleteOffsets(groupId, topics);
  }

  // -------------------------------------------------------------------------------------
  // ListGroups / DescribeGroups / DeleteGroups

  listGroups(statesFilter: string[] = [], typesFilter: string[] = []): { errorCode: number; groups: GroupListing[] } {
    return this.#groupManager.listGroups(statesFilter, typesFilter);
  }

  describeGroup(groupId: string): GroupDescription {
    const base = { groupId, groupState: GroupState.Dead as string, protocolType: '', protocolData: '', members: [] as GroupDescription['members'] };
    const error = this.#validateGroup(groupId, false);
    if (error !== ErrorCode.NONE) return { errorCode: error, ...base, groupState: '' };
    const group = this.#groupManager.group(groupId);
    // A consumer-protocol group is not a classic group: Dead here, ConsumerGroupDescribe describes it.
    if (!group || group.is(GroupState.Dead) || group.consumer) return { errorCode: ErrorCode.NONE, ...base };
    const stable = group.is(GroupState.Stable) && group.protocolName !== null;
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      groupState: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: stable ? group.protocolName! : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? m.metadataFor(group.protocolName!) : EMPTY,
        memberAssignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  deleteGroups(groupIds: string[]): Promise<Array<{ groupId: string; errorCode: number }>> {
    return this.#groupManager.deleteGroups(groupIds);
  }

  /** Topics were deleted or recreated: their committed offsets go from every group led here. */
  onTopicsDeleted(topics: readonly string[]): Promise<void> {
    return this.#groupManager.removeOffsetsOfTopics(new Set(topics));
  }

  // -------------------------------------------------------------------------------------
  // KIP-848 consumer groups (consumer-group-coordinator.ts)

  async consumerGroupHeartbeat(params: ConsumerGroupHeartbeatParams): Promise<ConsumerGroupHeartbeatResult> {
    return this.#consumer.heartbeat(params);
  }

  consumerGroupDescribe(groupId: string): ConsumerGroupDescription {
    return this.#consumer.describe(groupId);
  }

  // -------------------------------------------------------------------------------------
  // Offset retention (KIP-211, the manager's)

  /** Runs one retention pass now (the coordinator also runs it periodically). */
  expireOffsets(): Promise<void> {
    return this.#groupManager.expireOffsets();
  }

  // -------------------------------------------------------------------------------------
  // Introspection (tests, describe tooling)

  group(groupId: string): Group | undefined {
    return this.#groupManager.group(groupId);
  }
}
