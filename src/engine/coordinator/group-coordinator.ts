// The classic-protocol group coordinator of one broker: owns the groups whose
// `__consumer_offsets` partition this broker leads, runs their rebalances (join, sync,
// heartbeats, session and rebalance timeouts, static membership) and stores committed
// offsets and group metadata as records in that partition (acks=-1 before answering).
// Partitions are loaded when this broker becomes their leader (COORDINATOR_LOAD_IN_PROGRESS
// meanwhile) and unloaded when it stops leading them (NOT_COORDINATOR).
//
// It speaks in plain values, not wire messages: broker/handlers/group-handlers.ts maps the
// versions of each API onto these methods. Kafka errors are returned as error codes.
//
// Concurrency: one event loop. Group state changes happen synchronously between awaits; the
// only awaits are log appends and loads. After an await, work is applied only if the
// partition is still owned by the same load (token check) and the group is the same object.
// Every JoinGroup/SyncGroup promise is eventually resolved (by the rebalance, a timeout, an
// unload or close()), because a connection's later responses queue behind it.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../common/clock.js';
import { systemClock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { buildRecordBatch, decodeRecordBatch, type RecordInput } from '../protocol/records/record-codec.js';
import { isControl, iterateBatchPositions, lastOffsetOf } from '../protocol/records/record-batch.js';
import {
  CONSUMER_PROTOCOL_TYPE,
  Group,
  GroupMember,
  GroupState,
  type CommittedOffset,
  type GroupProtocol,
  type JoinGroupOutcome,
  type SyncGroupOutcome,
  type Timer,
} from './group.js';
import { DEFAULT_GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from './group-coordinator-config.js';
import {
  OFFSETS_TOPIC,
  decodeOffsetsTopicRecord,
  groupMetadataKey,
  groupMetadataValue,
  offsetCommitKey,
  offsetCommitValue,
  partitionForGroup,
  type GroupMetadataRecordValue,
  type OffsetCommitRecordValue,
} from './offsets-topic-records.js';

// ---------------------------------------------------------------------------------------
// What the coordinator needs from the broker. Declared here (the lower layer) so the
// coordinator never imports the broker; the broker's BrokerServices satisfies it.

export interface CoordinatorNode {
  nodeId: number;
  host: string;
  port: number;
}

export interface CoordinatorServices {
  readonly brokerId: number;
  readonly metadata: {
    leaderFor(topic: string, partition: number): CoordinatorNode | null;
    partitionCount(topic: string): number;
    isLocalLeader(topic: string, partition: number): boolean;
  };
  appendToInternalTopic(topic: string, partition: number, records: Buffer, acks: -1 | 1): Promise<{ errorCode: number; errorMessage?: string }>;
  readInternalTopic(
    topic: string,
    partition: number,
    fromOffset: bigint,
    maxBytes: number,
  ): { errorCode: number; records: Buffer; highWatermark: bigint; logStartOffset: bigint };
  logEndOffset(topic: string, partition: number): bigint;
  onLeadershipChange(listener: (topic: string, partition: number, isLeader: boolean, leaderEpoch: number) => void): () => void;
  ensureInternalTopic(topic: string, options: { partitions: number; replicationFactor: number; configs?: Record<string, string> }): Promise<void>;
}

export interface GroupCoordinatorOptions {
  services: CoordinatorServices;
  logger: Logger;
  config?: Partial<GroupCoordinatorConfig>;
  clock?: Clock;
  /** Member-id suffixes; defaults to random UUIDs. */
  newUuid?: () => string;
}

// ---------------------------------------------------------------------------------------
// Request and result shapes (version-independent).

export interface JoinGroupParams {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  /** JoinGroup v4+: a first join without a member id gets MEMBER_ID_REQUIRED. */
  requireKnownMemberId: boolean;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  reason?: string | null;
}

export interface SyncGroupParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: Array<{ memberId: string; assignment: Buffer }>;
}

export interface HeartbeatParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
  reason?: string | null;
}

export interface LeaveGroupOutcome {
  errorCode: number;
  members: Array<{ memberId: string; groupInstanceId: string | null; errorCode: number }>;
}

export interface OffsetCommitParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** OffsetCommit v2-4; -1 = the broker's retention. */
  retentionTimeMs: bigint;
  topics: Array<{
    name: string;
    partitions: Array<{
      partitionIndex: number;
      committedOffset: bigint;
      committedLeaderEpoch: number;
      /** OffsetCommit v1 only; -1 = now. */
      commitTimestamp: bigint;
      committedMetadata: string | null;
    }>;
  }>;
}

export type PartitionErrors = Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }>;

export interface FetchedOffsets {
  errorCode: number;
  topics: Array<{
    name: string;
    partitions: Array<{ partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; metadata: string; errorCode: number }>;
  }>;
}

export interface GroupListing {
  groupId: string;
  protocolType: string;
  groupState: GroupState;
  groupType: string;
}

export interface GroupDescription {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: Array<{
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    memberMetadata: Buffer;
    memberAssignment: Buffer;
  }>;
}

export interface CoordinatorLookup {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

export const CoordinatorType = { Group: 0, Transaction: 1 } as const;

interface OffsetsPartition {
  readonly index: number;
  state: 'loading' | 'loaded';
  /** Identity of this load; work resumed after an await checks it is still current. */
  readonly token: object;
}

const NO_MEMBERS: JoinGroupOutcome['members'] = [];
const EMPTY = Buffer.alloc(0);
const LOAD_RETRY_MS = 50;
const LOAD_CATCH_UP_DEADLINE_MS = 10_000;

/** Kafka's mapping of append errors for offset commits (GroupMetadataManager.storeOffsets). */
function commitAppendError(code: number): number {
  switch (code) {
    case ErrorCode.NONE:
      return ErrorCode.NONE;
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
    default:
      return code;
  }
}

/** Kafka's mapping of append errors for group metadata (GroupMetadataManager.storeGroup). */
function groupAppendError(code: number): number {
  switch (code) {
    case ErrorCode.NONE:
      return ErrorCode.NONE;
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.REBALANCE_IN_PROGRESS;
    case ErrorCode.COORDINATOR_NOT_AVAILABLE:
    case ErrorCode.NOT_COORDINATOR:
      return code;
    default:
      return ErrorCode.UNKNOWN_SERVER_ERROR;
  }
}

export class GroupCoordinator {
  readonly #services: CoordinatorServices;
  readonly #logger: Logger;
  readonly #config: GroupCoordinatorConfig;
  readonly #clock: Clock;
  readonly #newUuid: () => string;
  readonly #partitions = new Map<number, OffsetsPartition>();
  readonly #groups = new Map<string, Group>();
  /** `${groupId}\0${memberId}` → expiry timer of a member id handed out with MEMBER_ID_REQUIRED */
  readonly #pendingMemberTimers = new Map<string, Timer>();
  readonly #unsubscribe: () => void;
  #ensureTopic: Promise<void> | null = null;
  #expiryTimer: Timer | null = null;
  #closed = false;

  constructor(options: GroupCoordinatorOptions) {
    this.#services = options.services;
    this.#logger = options.logger.child({ component: 'group-coordinator' });
    this.#config = { ...DEFAULT_GROUP_COORDINATOR_CONFIG, ...options.config };
    this.#clock = options.clock ?? systemClock;
    this.#newUuid = options.newUuid ?? randomUUID;
    this.#unsubscribe = this.#services.onLeadershipChange((topic, partition, isLeader) => {
      if (topic !== OFFSETS_TOPIC) return;
      if (isLeader) this.#startLoad(partition);
      else this.#unload(partition);
    });
    // Partitions this broker already leads when the coordinator starts.
    const count = this.#services.metadata.partitionCount(OFFSETS_TOPIC);
    for (let p = 0; p < count; p++) if (this.#services.metadata.isLocalLeader(OFFSETS_TOPIC, p)) this.#startLoad(p);
    this.#scheduleOffsetExpiry();
  }

  get config(): Readonly<GroupCoordinatorConfig> {
    return this.#config;
  }

  /** Resolves every waiting JoinGroup/SyncGroup with NOT_COORDINATOR and stops all timers. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    this.#expiryTimer?.cancel();
    for (const p of [...this.#partitions.keys()]) this.#unload(p);
    for (const t of this.#pendingMemberTimers.values()) t.cancel();
    this.#pendingMemberTimers.clear();
  }

  // -------------------------------------------------------------------------------------
  // Ownership and loading

  /** The offsets-topic partition that owns a group. */
  partitionFor(groupId: string): number {
    const count = this.#services.metadata.partitionCount(OFFSETS_TOPIC);
    return partitionForGroup(groupId, count > 0 ? count : this.#config.offsetsTopicPartitions);
  }

  /** Partitions of `__consumer_offsets` this coordinator owns, with their load state. */
  ownedPartitions(): Array<{ partition: number; state: 'loading' | 'loaded' }> {
    return [...this.#partitions.values()].map((p) => ({ partition: p.index, state: p.state })).sort((a, b) => a.partition - b.partition);
  }

  /** Resolves once no owned partition is loading (for tests and start-up). */
  async waitForLoads(): Promise<void> {
    while ([...this.#partitions.values()].some((p) => p.state === 'loading')) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  #ownerError(groupId: string): number {
    if (this.#closed) return ErrorCode.NOT_COORDINATOR;
    const p = this.partitionFor(groupId);
    const part = this.#partitions.get(p);
    if (!this.#services.metadata.isLocalLeader(OFFSETS_TOPIC, p)) {
      if (part) this.#unload(p);
      return ErrorCode.NOT_COORDINATOR;
    }
    if (!part) {
      this.#startLoad(p);
      return this.#partitions.get(p)?.state === 'loaded' ? ErrorCode.NONE : ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    }
    return part.state === 'loading' ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE;
  }

  #validateGroup(groupId: string, requireNonEmpty: boolean): number {
    if (requireNonEmpty && groupId === '') return ErrorCode.INVALID_GROUP_ID;
    return this.#ownerError(groupId);
  }

  #isCurrent(part: OffsetsPartition): boolean {
    return this.#partitions.get(part.index) === part;
  }

  #startLoad(partition: number): void {
    if (this.#closed || this.#partitions.has(partition)) return;
    const part: OffsetsPartition = { index: partition, state: 'loading', token: {} };
    this.#partitions.set(partition, part);
    this.#logger.debug('loading offsets partition', { partition });
    const started = this.#clock.monotonic();
    this.#load(part).then(
      (groups) => {
        if (!this.#isCurrent(part)) return;
        part.state = 'loaded';
        const ms = Math.round(this.#clock.monotonic() - started);
        if (groups > 0) this.#logger.info('loaded offsets partition', { partition, groups, ms });
        else this.#logger.debug('loaded offsets partition', { partition, groups, ms });
      },
      (err: unknown) => {
        this.#logger.error('loading offsets partition failed', { partition, err });
        if (this.#isCurrent(part)) this.#partitions.delete(partition);
      },
    );
  }

  async #load(part: OffsetsPartition): Promise<number> {
    const groupsRead = new Map<string, GroupMetadataRecordValue | null>();
    const offsetsRead = new Map<string, Map<string, Map<number, OffsetCommitRecordValue>>>();
    const target = this.#services.logEndOffset(OFFSETS_TOPIC, part.index);
    const deadline = this.#clock.monotonic() + LOAD_CATCH_UP_DEADLINE_MS;
    let from = 0n;
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!this.#isCurrent(part)) return 0;
      const read = this.#services.readInternalTopic(OFFSETS_TOPIC, part.index, from, this.#config.offsetsLoadBufferSize);
      if (read.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE && from < read.logStartOffset) {
        from = read.logStartOffset;
        continue;
      }
      if (read.errorCode !== ErrorCode.NONE) throw new Error(`reading ${OFFSETS_TOPIC}-${part.index} failed with error ${read.errorCode}`);
      if (from < read.logStartOffset) from = read.logStartOffset;
      let progressed = false;
      for (const batch of iterateBatchPositions(read.records)) {
        const last = lastOffsetOf(batch.header);
        if (last < from) continue;
        progressed = true;
        from = last + 1n;
        if (isControl(batch.header.attributes)) continue;
        const { records } = decodeRecordBatch(read.records, batch.position);
        for (const r of records) {
          let rec;
          try {
            rec = decodeOffsetsTopicRecord(r.key, r.value);
          } catch (err) {
            this.#logger.warn('skipping malformed offsets topic record', { partition: part.index, offset: r.offset, err });
            continue;
          }
          if (rec === null) continue;
          if (rec.kind === 'group') {
            groupsRead.set(rec.group, rec.value);
            continue;
          }
          let byTopic = offsetsRead.get(rec.group);
          if (!byTopic) offsetsRead.set(rec.group, (byTopic = new Map()));
          let byPartition = byTopic.get(rec.topic);
          if (!byPartition) byTopic.set(rec.topic, (byPartition = new Map()));
          if (rec.value === null) {
            byPartition.delete(rec.partition);
            if (byPartition.size === 0) byTopic.delete(rec.topic);
          } else {
            byPartition.set(rec.partition, rec.value);
          }
        }
      }
      if (progressed) continue;
      // Nothing more below the high watermark. A new leader's high watermark can trail its
      // log end for a moment: wait (bounded) for what was in the log when loading started.
      if (from >= target || read.highWatermark >= target || this.#clock.monotonic() > deadline) break;
      await new Promise<void>((resolve) => setTimeout(resolve, LOAD_RETRY_MS));
    }
    if (!this.#isCurrent(part)) return 0;
    const now = this.#clock.now();
    let loaded = 0;
    const ids = new Set([...groupsRead.keys(), ...offsetsRead.keys()]);
    for (const groupId of ids) {
      const meta = groupsRead.get(groupId) ?? null;
      const offsets = offsetsRead.get(groupId);
      const hasOffsets = offsets !== undefined && offsets.size > 0;
      if (meta === null && !hasOffsets) continue;
      const group = meta ? this.#groupFromRecord(groupId, meta, now) : new Group(groupId, GroupState.Empty, now);
      if (offsets) for (const [topic, byPartition] of offsets) for (const [p, v] of byPartition) group.putOffset(topic, p, v);
      this.#groups.set(groupId, group);
      loaded++;
      for (const m of group.members.values()) this.#scheduleHeartbeatExpiry(group, m);
    }
    return loaded;
  }

  #groupFromRecord(groupId: string, meta: GroupMetadataRecordValue, now: number): Group {
    const group = new Group(groupId, meta.members.length > 0 ? GroupState.Stable : GroupState.Empty, now);
    group.generationId = meta.generation;
    group.protocolType = meta.protocolType === '' ? null : meta.protocolType;
    group.protocolName = meta.protocol;
    if (meta.currentStateTimestamp >= 0n) group.currentStateTimestampMs = Number(meta.currentStateTimestamp);
    for (const m of meta.members) {
      const member = new GroupMember({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeout >= 0 ? m.rebalanceTimeout : m.sessionTimeout,
        sessionTimeoutMs: m.sessionTimeout,
        protocolType: meta.protocolType,
        protocols: meta.protocol === null ? [] : [{ name: meta.protocol, metadata: m.subscription }],
      });
      member.assignment = m.assignment;
      group.add(member);
    }
    group.leaderId = meta.leader !== null && group.members.has(meta.leader) ? meta.leader : group.leaderId;
    if (group.members.size === 0) group.leaderId = null;
    return group;
  }

  #unload(partition: number): void {
    const part = this.#partitions.get(partition);
    if (!part) return;
    this.#partitions.delete(partition);
    let count = 0;
    for (const group of [...this.#groups.values()]) {
      if (this.partitionFor(group.groupId) !== partition) continue;
      this.#shutdownGroup(group, ErrorCode.NOT_COORDINATOR);
      this.#groups.delete(group.groupId);
      count++;
    }
    if (count > 0) this.#logger.info('unloaded offsets partition', { partition, groups: count });
  }

  /** Cancels a group's timers and answers its waiting requests (unload, close, delete). */
  #shutdownGroup(group: Group, errorCode: number): void {
    group.joinTimer?.cancel();
    group.syncTimer?.cancel();
    group.joinTimer = group.syncTimer = null;
    for (const m of group.members.values()) {
      m.heartbeatTimer?.cancel();
      m.heartbeatTimer = null;
      this.#answerJoin(m, this.#joinError(m.memberId, errorCode));
      this.#answerSync(m, { errorCode, protocolType: null, protocolName: null, assignment: EMPTY });
    }
    for (const id of group.pendingMembers) this.#cancelPendingMemberTimer(group.groupId, id);
    if (!group.is(GroupState.Dead)) group.transitionTo(GroupState.Dead, this.#clock.now());
  }

  // -------------------------------------------------------------------------------------
  // Log writes

  async #append(part: OffsetsPartition, records: RecordInput[]): Promise<number> {
    const batch = buildRecordBatch(records, { timestamp: BigInt(this.#clock.now()) });
    try {
      const result = await this.#services.appendToInternalTopic(OFFSETS_TOPIC, part.index, batch, -1);
      if (!this.#isCurrent(part)) return ErrorCode.NOT_COORDINATOR;
      return result.errorCode;
    } catch (err) {
      this.#logger.error('append to offsets topic failed', { partition: part.index, err });
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    }
  }

  #groupRecord(group: Group, assignments?: Map<string, Buffer>): RecordInput {
    const value: GroupMetadataRecordValue = {
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol: group.protocolName,
      leader: group.leaderId,
      currentStateTimestamp: BigInt(group.currentStateTimestampMs),
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: group.protocolName === null ? EMPTY : m.metadataFor(group.protocolName),
        assignment: assignments?.get(m.memberId) ?? m.assignment,
      })),
    };
    return { key: groupMetadataKey(group.groupId), value: groupMetadataValue(value), timestamp: BigInt(this.#clock.now()) };
  }

  /** Writes the group's metadata record; resolves to a client-facing error code. */
  async #storeGroup(group: Group, assignments?: Map<string, Buffer>): Promise<number> {
    const part = this.#partitions.get(this.partitionFor(group.groupId));
    if (!part || part.state !== 'loaded') return ErrorCode.NOT_COORDINATOR;
    const code = groupAppendError(await this.#append(part, [this.#groupRecord(group, assignments)]));
    if (code !== ErrorCode.NONE) this.#logger.warn('storing group metadata failed', { groupId: group.groupId, errorCode: code });
    return code;
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

  #joinError(memberId: string, errorCode: number): JoinGroupOutcome {
    return {
      errorCode,
      memberId,
      generationId: -1,
      protocolType: null,
      protocolName: null,
      leaderId: '',
      skipAssignment: false,
      members: NO_MEMBERS,
    };
  }

  #answerJoin(member: GroupMember, outcome: JoinGroupOutcome): void {
    const respond = member.awaitingJoin;
    if (!respond) return;
    member.awaitingJoin = null;
    respond(outcome);
  }

  #answerSync(member: GroupMember, outcome: SyncGroupOutcome): void {
    const respond = member.awaitingSync;
    if (!respond) return;
    member.awaitingSync = null;
    respond(outcome);
  }

  #currentMemberMetadata(group: Group): JoinGroupOutcome['members'] {
    const protocol = group.protocolName;
    if (protocol === null) return NO_MEMBERS;
    return [...group.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(protocol) }));
  }

  #currentJoinOutcome(group: Group, memberId: string, skipAssignment = false): JoinGroupOutcome {
    const isLeader = group.isLeader(memberId);
    return {
      errorCode: ErrorCode.NONE,
      memberId,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leaderId: group.leaderId ?? '',
      skipAssignment: isLeader && skipAssignment,
      members: isLeader ? this.#currentMemberMetadata(group) : NO_MEMBERS,
    };
  }

  async joinGroup(params: JoinGroupParams): Promise<JoinGroupOutcome> {
    const { groupId, memberId } = params;
    const error = this.#validateGroup(groupId, true);
    if (error !== ErrorCode.NONE) return this.#joinError(memberId, error);
    if (params.sessionTimeoutMs < this.#config.minSessionTimeoutMs || params.sessionTimeoutMs > this.#config.maxSessionTimeoutMs) {
      return this.#joinError(memberId, ErrorCode.INVALID_SESSION_TIMEOUT);
    }
    const isUnknownMember = memberId === '';
    let group = this.#groups.get(groupId);
    if (!group) {
      if (!isUnknownMember) return this.#joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID);
      group = new Group(groupId, GroupState.Empty, this.#clock.now());
      this.#groups.set(groupId, group);
    }
    if (
      group.members.size >= this.#config.maxGroupSize &&
      (isUnknownMember || (!group.members.has(memberId) && !group.pendingMembers.has(memberId))) &&
      group.staticMemberId(params.groupInstanceId) === undefined
    ) {
      return this.#joinError(memberId, ErrorCode.GROUP_MAX_SIZE_REACHED);
    }
    if (params.reason) this.#logger.debug('join group', { groupId, memberId, reason: params.reason });
    const g = group;
    return new Promise<JoinGroupOutcome>((respond) => {
      if (isUnknownMember) this.#joinNewMember(g, params, respond);
      else this.#joinExistingMember(g, params, respond);
    });
  }

  #joinNewMember(group: Group, params: JoinGroupParams, respond: (o: JoinGroupOutcome) => void): void {
    if (group.is(GroupState.Dead)) return respond(this.#joinError('', ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(params.protocolType, params.protocols.map((p) => p.name))) {
      return respond(this.#joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const newMemberId = `${params.groupInstanceId ?? params.clientId}-${this.#newUuid()}`;
    if (params.groupInstanceId !== null) {
      const oldMemberId = group.staticMemberId(params.groupInstanceId);
      if (oldMemberId !== undefined) return this.#replaceStaticMember(group, oldMemberId, newMemberId, params, respond);
      return this.#addMemberAndRebalance(group, newMemberId, params, respond);
    }
    if (params.requireKnownMemberId) {
      group.pendingMembers.add(newMemberId);
      this.#schedulePendingMemberExpiry(group, newMemberId, params.sessionTimeoutMs);
      return respond(this.#joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
    }
    this.#addMemberAndRebalance(group, newMemberId, params, respond);
  }

  #joinExistingMember(group: Group, params: JoinGroupParams, respond: (o: JoinGroupOutcome) => void): void {
    const { memberId } = params;
    if (group.is(GroupState.Dead)) return respond(this.#joinError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(params.protocolType, params.protocols.map((p) => p.name), memberId)) {
      return respond(this.#joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    if (group.pendingMembers.has(memberId)) {
      group.pendingMembers.delete(memberId);
      this.#cancelPendingMemberTimer(group.groupId, memberId);
      return this.#addMemberAndRebalance(group, memberId, params, respond);
    }
    if (group.isFencedStaticMember(memberId, params.groupInstanceId)) return respond(this.#joinError(memberId, ErrorCode.FENCED_INSTANCE_ID));
    const member = group.members.get(memberId);
    if (!member) return respond(this.#joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    switch (group.state) {
      case GroupState.PreparingRebalance:
        return this.#updateMemberAndRebalance(group, member, params, respond, 'member rejoined during a rebalance');
      case GroupState.CompletingRebalance:
        // The member missed its JoinGroup response: give it again unless its protocols changed.
        if (member.matches(params.protocols)) {
          this.#scheduleHeartbeatExpiry(group, member);
          return respond(this.#currentJoinOutcome(group, memberId));
        }
        return this.#updateMemberAndRebalance(group, member, params, respond, 'member changed its protocols');
      case GroupState.Stable:
        if (group.isLeader(memberId) || !member.matches(params.protocols)) {
          return this.#updateMemberAndRebalance(
            group,
            member,
            params,
            respond,
            group.isLeader(memberId) ? 'leader rejoined' : 'member changed its protocols',
          );
        }
        this.#scheduleHeartbeatExpiry(group, member);
        return respond(this.#currentJoinOutcome(group, memberId));
      default:
        return respond(this.#joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  #addMemberAndRebalance(group: Group, memberId: string, params: JoinGroupParams, respond: (o: JoinGroupOutcome) => void): void {
    const member = new GroupMember({
      memberId,
      groupInstanceId: params.groupInstanceId,
      clientId: params.clientId,
      clientHost: params.clientHost,
      rebalanceTimeoutMs: params.rebalanceTimeoutMs,
      sessionTimeoutMs: params.sessionTimeoutMs,
      protocolType: params.protocolType,
      protocols: params.protocols,
    });
    member.isNew = true;
    member.awaitingJoin = respond;
    group.add(member);
    // A member joining during the initial delay extends it (up to the rebalance timeout).
    if (group.is(GroupState.PreparingRebalance) && group.generationId === 0) group.newMemberAdded = true;
    this.#maybePrepareRebalance(group, `member ${memberId} joined`);
    if (group.is(GroupState.PreparingRebalance)) this.#tryCompleteJoin(group);
  }

  #updateMemberAndRebalance(
    group: Group,
    member: GroupMember,
    params: JoinGroupParams,
    respond: (o: JoinGroupOutcome) => void,
    reason: string,
  ): void {
    member.protocols = params.protocols;
    member.rebalanceTimeoutMs = params.rebalanceTimeoutMs;
    member.sessionTimeoutMs = params.sessionTimeoutMs;
    member.clientId = params.clientId;
    member.clientHost = params.clientHost;
    // A duplicate JoinGroup replaces the earlier one, which must still be answered.
    this.#answerJoin(member, this.#joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    member.awaitingJoin = respond;
    this.#maybePrepareRebalance(group, reason);
    if (group.is(GroupState.PreparingRebalance)) this.#tryCompleteJoin(group);
  }

  #replaceStaticMember(group: Group, oldMemberId: string, newMemberId: string, params: JoinGroupParams, respond: (o: JoinGroupOutcome) => void): void {
    const instanceId = params.groupInstanceId!;
    const old = group.members.get(oldMemberId)!;
    // The old incarnation is fenced: answer whatever it still waits for.
    this.#answerJoin(old, this.#joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
    this.#answerSync(old, { errorCode: ErrorCode.FENCED_INSTANCE_ID, protocolType: null, protocolName: null, assignment: EMPTY });
    const previous = {
      protocols: old.protocols,
      rebalanceTimeoutMs: old.rebalanceTimeoutMs,
      sessionTimeoutMs: old.sessionTimeoutMs,
      clientId: old.clientId,
      clientHost: old.clientHost,
    };
    const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    this.#logger.info('static member rejoined with a new member id', { groupId: group.groupId, groupInstanceId: instanceId, oldMemberId, newMemberId });
    switch (group.state) {
      case GroupState.Stable: {
        const selected = group.protocolName;
        member.protocols = params.protocols;
        member.rebalanceTimeoutMs = params.rebalanceTimeoutMs;
        member.sessionTimeoutMs = params.sessionTimeoutMs;
        member.clientId = params.clientId;
        member.clientHost = params.clientHost;
        if (group.selectProtocol() !== selected) {
          member.awaitingJoin = respond;
          this.#maybePrepareRebalance(group, 'static member changed the group protocol');
          return;
        }
        // Same protocol: no rebalance. Persist the new member id, then answer with the
        // current generation (the leader is told to skip assignment, KIP-814).
        this.#scheduleHeartbeatExpiry(group, member);
        const generation = group.generationId;
        void this.#storeGroup(group).then((code) => {
          if (code === ErrorCode.NONE) return respond(this.#currentJoinOutcome(group, newMemberId, true));
          // Could not persist: put the old incarnation back, as Kafka does.
          if (group.members.get(newMemberId) === member && group.generationId === generation) {
            group.replaceStaticMember(instanceId, newMemberId, oldMemberId);
            Object.assign(member, previous);
          }
          respond(this.#joinError('', code));
        });
        return;
      }
      case GroupState.CompletingRebalance:
      case GroupState.PreparingRebalance:
        this.#updateMemberAndRebalance(group, member, params, respond, 'static member rejoined during a rebalance');
        return;
      default:
        // Empty/Dead groups have no members, so a static member cannot be found there.
        respond(this.#joinError('', ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  #schedulePendingMemberExpiry(group: Group, memberId: string, sessionTimeoutMs: number): void {
    const key = `${group.groupId}\0${memberId}`;
    this.#pendingMemberTimers.get(key)?.cancel();
    this.#pendingMemberTimers.set(
      key,
      this.#clock.setTimeout(() => {
        this.#pendingMemberTimers.delete(key);
        if (this.#groups.get(group.groupId) !== group || !group.pendingMembers.delete(memberId)) return;
        if (group.is(GroupState.PreparingRebalance)) this.#tryCompleteJoin(group);
      }, sessionTimeoutMs),
    );
  }

  #cancelPendingMemberTimer(groupId: string, memberId: string): void {
    const key = `${groupId}\0${memberId}`;
    this.#pendingMemberTimers.get(key)?.cancel();
    this.#pendingMemberTimers.delete(key);
  }

  // -------------------------------------------------------------------------------------
  // Rebalance machinery

  #maybePrepareRebalance(group: Group, reason: string): void {
    if (group.canTransitionTo(GroupState.PreparingRebalance)) this.#prepareRebalance(group, reason);
  }

  #prepareRebalance(group: Group, reason: string): void {
    // Members waiting for an assignment must rejoin instead.
    if (group.is(GroupState.CompletingRebalance)) this.#resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    group.syncTimer?.cancel();
    group.syncTimer = null;
    group.pendingSyncMembers.clear();
    group.joinTimer?.cancel();
    const initial = group.is(GroupState.Empty);
    group.transitionTo(GroupState.PreparingRebalance, this.#clock.now());
    this.#logger.info('preparing to rebalance group', { groupId: group.groupId, generationId: group.generationId, reason });
    if (initial) {
      const delay = this.#config.initialRebalanceDelayMs;
      group.initialDelayRemainingMs = Math.max(group.rebalanceTimeoutMs() - delay, 0);
      group.newMemberAdded = false;
      group.inInitialDelay = true;
      group.joinTimer = this.#clock.setTimeout(() => this.#onInitialDelayExpired(group), delay);
    } else {
      group.inInitialDelay = false;
      group.joinTimer = this.#clock.setTimeout(() => this.#completeJoin(group), group.rebalanceTimeoutMs());
      this.#tryCompleteJoin(group);
    }
  }

  #onInitialDelayExpired(group: Group): void {
    if (group.newMemberAdded && group.initialDelayRemainingMs > 0) {
      group.newMemberAdded = false;
      const delay = Math.min(this.#config.initialRebalanceDelayMs, group.initialDelayRemainingMs);
      group.initialDelayRemainingMs = Math.max(group.initialDelayRemainingMs - this.#config.initialRebalanceDelayMs, 0);
      group.joinTimer = this.#clock.setTimeout(() => this.#onInitialDelayExpired(group), delay);
      return;
    }
    this.#completeJoin(group);
  }

  /** Completes the join phase early once every known member has rejoined. */
  #tryCompleteJoin(group: Group): void {
    if (!group.is(GroupState.PreparingRebalance) || group.inInitialDelay) return;
    if (group.hasAllMembersJoined()) this.#completeJoin(group);
  }

  #completeJoin(group: Group): void {
    group.joinTimer?.cancel();
    group.joinTimer = null;
    group.inInitialDelay = false;
    if (!group.is(GroupState.PreparingRebalance) || this.#groups.get(group.groupId) !== group) return;
    const now = this.#clock.now();
    // Dynamic members that did not rejoin in time are removed; static members stay (their
    // session timeout removes them if they are gone), as in Kafka.
    for (const m of group.notYetRejoinedMembers()) {
      if (m.groupInstanceId !== null) continue;
      this.#logger.info('removing member that did not rejoin in time', { groupId: group.groupId, memberId: m.memberId });
      m.heartbeatTimer?.cancel();
      m.heartbeatTimer = null;
      this.#answerSync(m, { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, protocolType: null, protocolName: null, assignment: EMPTY });
      group.remove(m.memberId);
    }
    if (group.isEmpty) {
      group.generationId++;
      group.protocolName = null;
      group.leaderId = null;
      group.transitionTo(GroupState.Empty, now);
      this.#logger.info('group is empty', { groupId: group.groupId, generationId: group.generationId });
      void this.#storeGroup(group);
      return;
    }
    if (group.leaderId === null || !group.members.get(group.leaderId)?.isAwaitingJoin) {
      const joined = [...group.members.values()].find((m) => m.isAwaitingJoin);
      if (!joined) {
        // Only static members that have not rejoined are left: wait another rebalance
        // timeout; their sessions expire meanwhile if they are gone.
        this.#logger.warn('no member rejoined; postponing the rebalance', { groupId: group.groupId });
        group.joinTimer = this.#clock.setTimeout(() => this.#completeJoin(group), group.rebalanceTimeoutMs());
        return;
      }
      group.leaderId = joined.memberId;
    }
    group.generationId++;
    group.protocolName = group.selectProtocol();
    group.transitionTo(GroupState.CompletingRebalance, now);
    this.#logger.info('stabilizing group', {
      groupId: group.groupId,
      generationId: group.generationId,
      protocol: group.protocolName,
      members: group.members.size,
    });
    for (const m of group.members.values()) {
      group.pendingSyncMembers.add(m.memberId);
      m.isNew = false;
      this.#answerJoin(m, this.#currentJoinOutcome(group, m.memberId));
      this.#scheduleHeartbeatExpiry(group, m);
    }
    const generation = group.generationId;
    group.syncTimer = this.#clock.setTimeout(() => this.#onSyncExpired(group, generation), group.rebalanceTimeoutMs());
  }

  #onSyncExpired(group: Group, generation: number): void {
    group.syncTimer = null;
    if (this.#groups.get(group.groupId) !== group || group.generationId !== generation) return;
    if (!group.is(GroupState.CompletingRebalance) && !group.is(GroupState.Stable)) return;
    if (group.pendingSyncMembers.size === 0) return;
    for (const id of [...group.pendingSyncMembers]) {
      const m = group.members.get(id);
      if (!m) continue;
      this.#logger.info('removing member that did not sync in time', { groupId: group.groupId, memberId: id });
      m.heartbeatTimer?.cancel();
      m.heartbeatTimer = null;
      group.remove(id);
    }
    group.pendingSyncMembers.clear();
    this.#maybePrepareRebalance(group, 'members did not sync in time');
  }

  #scheduleHeartbeatExpiry(group: Group, member: GroupMember): void {
    member.heartbeatTimer?.cancel();
    member.lastHeartbeatMs = this.#clock.now();
    member.heartbeatTimer = this.#clock.setTimeout(() => this.#onMemberExpired(group, member), member.sessionTimeoutMs);
  }

  #onMemberExpired(group: Group, member: GroupMember): void {
    member.heartbeatTimer = null;
    if (this.#groups.get(group.groupId) !== group || group.members.get(member.memberId) !== member) return;
    // Members waiting in a rebalance are bounded by the rebalance timeout instead.
    if (member.isAwaitingJoin || member.isAwaitingSync) return;
    this.#logger.info('member session expired', { groupId: group.groupId, memberId: member.memberId, sessionTimeoutMs: member.sessionTimeoutMs });
    this.#removeMemberAndUpdateGroup(group, member, `member ${member.memberId} session expired`);
  }

  #removeMemberAndUpdateGroup(group: Group, member: GroupMember, reason: string): void {
    this.#answerJoin(member, this.#joinError(member.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    this.#answerSync(member, { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, protocolType: null, protocolName: null, assignment: EMPTY });
    member.heartbeatTimer?.cancel();
    member.heartbeatTimer = null;
    group.remove(member.memberId);
    switch (group.state) {
      case GroupState.Stable:
      case GroupState.CompletingRebalance:
        this.#maybePrepareRebalance(group, reason);
        break;
      case GroupState.PreparingRebalance:
        this.#tryCompleteJoin(group);
        break;
      default:
        break;
    }
  }

  #resetAndPropagateAssignmentError(group: Group, errorCode: number): void {
    for (const m of group.members.values()) {
      m.assignment = EMPTY;
      this.#answerSync(m, { errorCode, protocolType: null, protocolName: null, assignment: EMPTY });
    }
  }

  #setAndPropagateAssignment(group: Group, assignments: Map<string, Buffer>): void {
    for (const m of group.members.values()) {
      m.assignment = assignments.get(m.memberId) ?? EMPTY;
      if (m.isAwaitingSync) {
        this.#answerSync(m, { errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment });
        this.#scheduleHeartbeatExpiry(group, m);
      }
    }
  }

  // -------------------------------------------------------------------------------------
  // SyncGroup

  async syncGroup(params: SyncGroupParams): Promise<SyncGroupOutcome> {
    const fail = (errorCode: number): SyncGroupOutcome => ({ errorCode, protocolType: null, protocolName: null, assignment: EMPTY });
    const error = this.#validateGroup(params.groupId, true);
    if (error !== ErrorCode.NONE) return fail(error);
    const group = this.#groups.get(params.groupId);
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
        this.#scheduleHeartbeatExpiry(group, member);
        return { errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment };
      case GroupState.CompletingRebalance:
        break;
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
    group.pendingSyncMembers.delete(member.memberId);
    const outcome = new Promise<SyncGroupOutcome>((respond) => {
      this.#answerSync(member, fail(ErrorCode.REBALANCE_IN_PROGRESS));
      member.awaitingSync = respond;
    });
    this.#scheduleHeartbeatExpiry(group, member);
    if (group.isLeader(member.memberId)) {
      const assignments = new Map<string, Buffer>();
      for (const a of params.assignments) if (group.members.has(a.memberId)) assignments.set(a.memberId, a.assignment);
      for (const id of group.members.keys()) if (!assignments.has(id)) assignments.set(id, EMPTY);
      const generation = group.generationId;
      const code = await this.#storeGroup(group, assignments);
      if (this.#groups.get(group.groupId) === group && group.is(GroupState.CompletingRebalance) && group.generationId === generation) {
        if (code !== ErrorCode.NONE) {
          this.#resetAndPropagateAssignmentError(group, code);
          this.#maybePrepareRebalance(group, 'storing the assignment failed');
        } else {
          this.#setAndPropagateAssignment(group, assignments);
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
    const group = this.#groups.get(params.groupId);
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
        this.#scheduleHeartbeatExpiry(group, member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case GroupState.CompletingRebalance:
      case GroupState.Stable:
        this.#scheduleHeartbeatExpiry(group, member);
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
    const group = this.#groups.get(groupId);
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
      this.#cancelPendingMemberTimer(group.groupId, memberId);
      this.#tryCompleteJoin(group);
      return ErrorCode.NONE;
    }
    const member = group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.#logger.info('member left the group', { groupId: group.groupId, memberId, reason: leaving.reason ?? undefined });
    this.#removeMemberAndUpdateGroup(group, member, `member ${memberId} left the group${leaving.reason ? ` (${leaving.reason})` : ''}`);
    return ErrorCode.NONE;
  }

  // -------------------------------------------------------------------------------------
  // OffsetCommit / OffsetFetch / OffsetDelete

  async commitOffsets(params: OffsetCommitParams): Promise<PartitionErrors> {
    const all = (errorCode: number): PartitionErrors =>
      params.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) }));
    const error = this.#validateGroup(params.groupId, false);
    if (error !== ErrorCode.NONE) return all(error);
    let group = this.#groups.get(params.groupId);
    if (!group || group.is(GroupState.Dead)) {
      if (params.generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
      // A group that only uses Kafka to store offsets.
      group = new Group(params.groupId, GroupState.Empty, this.#clock.now());
      this.#groups.set(params.groupId, group);
    }
    let groupError: number = ErrorCode.NONE;
    if (group.isFencedStaticMember(params.memberId, params.groupInstanceId)) groupError = ErrorCode.FENCED_INSTANCE_ID;
    else if (params.generationId < 0 && group.is(GroupState.Empty)) groupError = ErrorCode.NONE;
    else if (!group.members.has(params.memberId)) groupError = ErrorCode.UNKNOWN_MEMBER_ID;
    else if (params.generationId !== group.generationId) groupError = ErrorCode.ILLEGAL_GENERATION;
    else if (group.is(GroupState.CompletingRebalance)) groupError = ErrorCode.REBALANCE_IN_PROGRESS;
    if (groupError !== ErrorCode.NONE) return all(groupError);
    const member = group.members.get(params.memberId);
    if (member) this.#scheduleHeartbeatExpiry(group, member);

    const now = this.#clock.now();
    const records: RecordInput[] = [];
    const toApply: Array<{ topic: string; partition: number; value: CommittedOffset }> = [];
    const result: PartitionErrors = [];
    for (const t of params.topics) {
      const partitionCount = this.#services.metadata.partitionCount(t.name);
      const out = { name: t.name, partitions: [] as Array<{ partitionIndex: number; errorCode: number }> };
      result.push(out);
      for (const p of t.partitions) {
        let code: number = ErrorCode.NONE;
        const metadata = p.committedMetadata ?? '';
        if (p.partitionIndex < 0 || p.partitionIndex >= partitionCount) code = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else if (Buffer.byteLength(metadata, 'utf8') > this.#config.offsetMetadataMaxBytes) code = ErrorCode.OFFSET_METADATA_TOO_LARGE;
        out.partitions.push({ partitionIndex: p.partitionIndex, errorCode: code });
        if (code !== ErrorCode.NONE) continue;
        const commitTimestamp = p.commitTimestamp >= 0n ? p.commitTimestamp : BigInt(now);
        let expireTimestamp = -1n;
        if (params.retentionTimeMs >= 0n) expireTimestamp = commitTimestamp + params.retentionTimeMs;
        else if (p.commitTimestamp >= 0n) expireTimestamp = commitTimestamp + BigInt(this.#config.offsetsRetentionMs);
        const value: CommittedOffset = {
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch,
          metadata,
          commitTimestamp,
          expireTimestamp,
        };
        records.push({ key: offsetCommitKey(group.groupId, t.name, p.partitionIndex), value: offsetCommitValue(value), timestamp: commitTimestamp });
        toApply.push({ topic: t.name, partition: p.partitionIndex, value });
      }
    }
    if (records.length === 0) return result;
    const part = this.#partitions.get(this.partitionFor(group.groupId))!;
    const code = commitAppendError(await this.#append(part, records));
    if (code === ErrorCode.NONE) {
      if (this.#groups.get(group.groupId) === group) for (const a of toApply) group.putOffset(a.topic, a.partition, a.value);
    } else {
      this.#logger.warn('offset commit failed', { groupId: group.groupId, errorCode: code });
      for (const t of result) for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE) p.errorCode = code;
    }
    return result;
  }

  /** Committed offsets of a group; `topics` null = every partition with a commit. */
  fetchOffsets(groupId: string, topics: Array<{ name: string; partitionIndexes: number[] }> | null): FetchedOffsets {
    const error = this.#validateGroup(groupId, false);
    if (error !== ErrorCode.NONE) {
      return {
        errorCode: error,
        topics: (topics ?? []).map((t) => ({
          name: t.name,
          partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: error })),
        })),
      };
    }
    const group = this.#groups.get(groupId);
    const live = group && !group.is(GroupState.Dead) ? group : undefined;
    const entry = (topic: string, p: number) => {
      const o = live?.offset(topic, p);
      return o
        ? { partitionIndex: p, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE }
        : { partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE };
    };
    if (topics === null) {
      if (!live) return { errorCode: ErrorCode.NONE, topics: [] };
      return {
        errorCode: ErrorCode.NONE,
        topics: [...live.offsets.entries()].map(([name, byPartition]) => ({
          name,
          partitions: [...byPartition.keys()].sort((a, b) => a - b).map((p) => entry(name, p)),
        })),
      };
    }
    return { errorCode: ErrorCode.NONE, topics: topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => entry(t.name, p)) })) };
  }

  async deleteOffsets(groupId: string, topics: Array<{ name: string; partitionIndexes: number[] }>): Promise<{ errorCode: number; topics: PartitionErrors }> {
    const each = (code: number): PartitionErrors =>
      topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, errorCode: code })) }));
    const error = this.#validateGroup(groupId, false);
    if (error !== ErrorCode.NONE) return { errorCode: error, topics: [] };
    const group = this.#groups.get(groupId);
    if (!group || group.is(GroupState.Dead)) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] };
    if (!group.is(GroupState.Empty) && group.protocolType !== CONSUMER_PROTOCOL_TYPE) return { errorCode: ErrorCode.NON_EMPTY_GROUP, topics: [] };
    const result = each(ErrorCode.NONE);
    const records: RecordInput[] = [];
    const removed: Array<{ topic: string; partition: number }> = [];
    for (const t of result) {
      const subscribed = !group.is(GroupState.Empty) && group.isSubscribedToTopic(t.name);
      const partitionCount = this.#services.metadata.partitionCount(t.name);
      for (const p of t.partitions) {
        if (p.partitionIndex < 0 || p.partitionIndex >= partitionCount) p.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else if (subscribed) p.errorCode = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
        else if (group.offset(t.name, p.partitionIndex)) {
          records.push({ key: offsetCommitKey(groupId, t.name, p.partitionIndex), value: null });
          removed.push({ topic: t.name, partition: p.partitionIndex });
        }
      }
    }
    if (records.length > 0) {
      const part = this.#partitions.get(this.partitionFor(groupId))!;
      const code = commitAppendError(await this.#append(part, records));
      if (code !== ErrorCode.NONE) return { errorCode: code, topics: [] };
      for (const r of removed) group.removeOffset(r.topic, r.partition);
    }
    return { errorCode: ErrorCode.NONE, topics: result };
  }

  // -------------------------------------------------------------------------------------
  // ListGroups / DescribeGroups / DeleteGroups

  listGroups(statesFilter: string[] = [], typesFilter: string[] = []): { errorCode: number; groups: GroupListing[] } {
    const states = new Set(statesFilter.map((s) => s.toLowerCase()));
    const types = new Set(typesFilter.map((s) => s.toLowerCase()));
    const loading = [...this.#partitions.values()].some((p) => p.state === 'loading');
    const groups: GroupListing[] = [];
    for (const group of this.#groups.values()) {
      if (group.is(GroupState.Dead)) continue;
      if (this.#partitions.get(this.partitionFor(group.groupId))?.state !== 'loaded') continue;
      if (states.size > 0 && !states.has(group.state.toLowerCase())) continue;
      if (types.size > 0 && !types.has('classic')) continue;
      groups.push({ groupId: group.groupId, protocolType: group.protocolType ?? '', groupState: group.state, groupType: 'classic' });
    }
    groups.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
    return { errorCode: loading ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE, groups };
  }

  describeGroup(groupId: string): GroupDescription {
    const base = { groupId, groupState: GroupState.Dead as string, protocolType: '', protocolData: '', members: [] as GroupDescription['members'] };
    const error = this.#validateGroup(groupId, false);
    if (error !== ErrorCode.NONE) return { errorCode: error, ...base, groupState: '' };
    const group = this.#groups.get(groupId);
    if (!group || group.is(GroupState.Dead)) return { errorCode: ErrorCode.NONE, ...base };
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

  async deleteGroups(groupIds: string[]): Promise<Array<{ groupId: string; errorCode: number }>> {
    return Promise.all(groupIds.map(async (groupId) => ({ groupId, errorCode: await this.#deleteGroup(groupId) })));
  }

  async #deleteGroup(groupId: string): Promise<number> {
    const error = this.#validateGroup(groupId, false);
    if (error !== ErrorCode.NONE) return error;
    const group = this.#groups.get(groupId);
    if (!group || group.is(GroupState.Dead)) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is(GroupState.Empty)) return ErrorCode.NON_EMPTY_GROUP;
    return this.#removeGroupAndOffsets(group);
  }

  /** Tombstones every offset and the metadata of an Empty group, then forgets it. */
  async #removeGroupAndOffsets(group: Group): Promise<number> {
    const records: RecordInput[] = [];
    for (const [topic, byPartition] of group.offsets) for (const p of byPartition.keys()) records.push({ key: offsetCommitKey(group.groupId, topic, p), value: null });
    records.push({ key: groupMetadataKey(group.groupId), value: null });
    this.#shutdownGroup(group, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    this.#groups.delete(group.groupId);
    const part = this.#partitions.get(this.partitionFor(group.groupId));
    if (!part) return ErrorCode.NOT_COORDINATOR;
    const code = groupAppendError(await this.#append(part, records));
    if (code !== ErrorCode.NONE) this.#logger.warn('writing group tombstones failed', { groupId: group.groupId, errorCode: code });
    else this.#logger.info('group deleted', { groupId: group.groupId });
    return code;
  }

  // -------------------------------------------------------------------------------------
  // Offset retention (KIP-211): offsets of Empty groups expire `offsets.retention.minutes`
  // after the group became empty; offsets committed with an explicit retention expire then.
  // Empty groups left without offsets are removed.

  #scheduleOffsetExpiry(): void {
    if (this.#closed) return;
    this.#expiryTimer = this.#clock.setTimeout(() => {
      void this.expireOffsets().finally(() => this.#scheduleOffsetExpiry());
    }, this.#config.offsetsRetentionCheckIntervalMs);
  }

  /** Runs one retention pass now (the coordinator also runs it periodically). */
  async expireOffsets(): Promise<void> {
    const now = BigInt(this.#clock.now());
    const retention = BigInt(this.#config.offsetsRetentionMs);
    const work: Array<Promise<unknown>> = [];
    for (const group of [...this.#groups.values()]) {
      const part = this.#partitions.get(this.partitionFor(group.groupId));
      if (!part || part.state !== 'loaded' || group.is(GroupState.Dead)) continue;
      const empty = group.is(GroupState.Empty);
      const subscribed = empty ? null : group.subscribedTopics();
      const expired: Array<{ topic: string; partition: number }> = [];
      for (const [topic, byPartition] of group.offsets) {
        for (const [p, o] of byPartition) {
          let expiresAt: bigint | null;
          if (o.expireTimestamp >= 0n) expiresAt = o.expireTimestamp;
          else if (empty) expiresAt = BigInt(group.currentStateTimestampMs) + retention;
          else if (subscribed !== null && !subscribed.has(topic)) expiresAt = o.commitTimestamp + retention;
          else expiresAt = null;
          if (expiresAt !== null && now >= expiresAt) expired.push({ topic, partition: p });
        }
      }
      const total = [...group.offsets.values()].reduce((n, m) => n + m.size, 0);
      if (empty && expired.length === total && group.members.size === 0 && group.pendingMembers.size === 0) {
        this.#logger.info('removing empty group whose offsets expired', { groupId: group.groupId, offsets: expired.length });
        work.push(this.#removeGroupAndOffsets(group));
        continue;
      }
      if (expired.length === 0) continue;
      const records = expired.map((e) => ({ key: offsetCommitKey(group.groupId, e.topic, e.partition), value: null }));
      work.push(
        this.#append(part, records).then((code) => {
          if (code !== ErrorCode.NONE || this.#groups.get(group.groupId) !== group) return;
          for (const e of expired) group.removeOffset(e.topic, e.partition);
          this.#logger.info('expired committed offsets', { groupId: group.groupId, offsets: expired.length });
        }),
      );
    }
    await Promise.all(work);
  }

  // -------------------------------------------------------------------------------------
  // Introspection (tests, describe tooling)

  group(groupId: string): Group | undefined {
    return this.#groups.get(groupId);
  }
}
