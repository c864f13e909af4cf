// The group metadata manager of one broker's group coordinator (Kafka's GroupMetadataManager):
// owns the `__consumer_offsets` partitions this broker leads and the groups stored in them,
// and stores committed offsets and group metadata as records in those partitions (acks=-1
// before answering). Partitions are loaded when this broker becomes their leader
// (COORDINATOR_LOAD_IN_PROGRESS meanwhile) and unloaded when it stops leading them
// (NOT_COORDINATOR); reading a partition back is offsets-partition-loader.ts's, and the
// answers to failed appends offsets-append-errors.ts's. It also serves OffsetFetch, OffsetDelete, ListGroups and DeleteGroups,
// and expires offsets (KIP-211). The rebalance protocol is the coordinator's
// (group-coordinator.ts, group-rebalancer.ts): it is told of every group loaded
// (onGroupLoaded) and of every group that leaves the cache (onGroupRemoved).
//
// Concurrency: one event loop. Group state changes happen synchronously between awaits; the
// only awaits are log appends and loads. After an await, work is applied only if the
// partition is still owned by the same load (token check) and the group is the same object.
// A group leaves the cache only through onGroupRemoved, which answers its waiting
// JoinGroup/SyncGroup requests, so every such promise is eventually resolved.
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { buildRecordBatch, type RecordInput } from '../protocol/records/record-codec.js';
import type { CoordinatorServices, FetchedOffsets, GroupListing, OffsetCommitParams, PartitionErrors } from './coordinator-types.js';
import { CONSUMER_PROTOCOL_TYPE, Group, GroupState, type CommittedOffset, type Timer } from './group.js';
import type { GroupCoordinatorConfig } from './group-coordinator-config.js';
import { commitAppendError, groupAppendError } from './offsets-append-errors.js';
import { consumerGroupTombstones } from './consumer-group-records.js';
import { loadOffsetsPartition } from './offsets-partition-loader.js';
import {
  OFFSETS_TOPIC,
  groupMetadataKey,
  groupMetadataValue,
  offsetCommitKey,
  offsetCommitValue,
  partitionForGroup,
  type GroupMetadataRecordValue,
} from './offsets-topic-records.js';

interface OffsetsPartition {
  readonly index: number;
  state: 'loading' | 'loaded';
  /** Identity of this load; work resumed after an await checks it is still current. */
  readonly token: object;
}

const EMPTY = Buffer.alloc(0);

export interface GroupMetadataManagerOptions {
  services: CoordinatorServices;
  /** The coordinator's logger (its records keep the coordinator's component name). */
  logger: Logger;
  config: GroupCoordinatorConfig;
  clock: Clock;
  /** A group read from its partition has been put in the cache (its members' sessions start now). */
  onGroupLoaded: (group: Group) => void;
  /**
   * A group is leaving the cache (its partition is unloaded, or it is deleted): cancel its
   * timers and answer its waiting requests with `errorCode`. Called before it is removed.
   */
  onGroupRemoved: (group: Group, errorCode: number) => void;
}

export class GroupMetadataManager {
  readonly #services: CoordinatorServices;
  readonly #logger: Logger;
  readonly #config: GroupCoordinatorConfig;
  readonly #clock: Clock;
  readonly #onGroupLoaded: (group: Group) => void;
  readonly #onGroupRemoved: (group: Group, errorCode: number) => void;
  readonly #partitions = new Map<number, OffsetsPartition>();
  readonly #groups = new Map<string, Group>();
  /** TxnOffsetCommit offsets written but not yet committed: producer id → their commits. */
  readonly #pendingTxnOffsets = new Map<bigint, Array<{ group: string; topic: string; partition: number; value: CommittedOffset }>>();
  readonly #unsubscribe: () => void;
  #expiryTimer: Timer | null = null;
  #closed = false;

  constructor(options: GroupMetadataManagerOptions) {
    this.#services = options.services;
    this.#logger = options.logger;
    this.#config = options.config;
    this.#clock = options.clock;
    this.#onGroupLoaded = options.onGroupLoaded;
    this.#onGroupRemoved = options.onGroupRemoved;
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

  /** Unloads every partition (their groups go to onGroupRemoved with NOT_COORDINATOR) and stops the retention timer. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    this.#expiryTimer?.cancel();
    for (const p of [...this.#partitions.keys()]) this.#unload(p);
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

  /** NONE if this broker owns the group's partition and has loaded it, else the error to answer with. */
  ownerError(groupId: string): number {
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
    const groups = await loadOffsetsPartition(
      {
        services: this.#services,
        clock: this.#clock,
        logger: this.#logger,
        loadBufferSize: this.#config.offsetsLoadBufferSize,
        onOpenTxnOffsets: (producerId, offsets) => this.#pendingTxnOffsets.set(producerId, [...(this.#pendingTxnOffsets.get(producerId) ?? []), ...offsets]),
      },
      part.index,
      () => this.#isCurrent(part),
    );
    if (groups === null || !this.#isCurrent(part)) return 0;
    for (const group of groups) {
      this.#groups.set(group.groupId, group);
      this.#onGroupLoaded(group);
    }
    return groups.length;
  }

  #unload(partition: number): void {
    const part = this.#partitions.get(partition);
    if (!part) return;
    this.#partitions.delete(partition);
    let count = 0;
    for (const group of [...this.#groups.values()]) {
      if (this.partitionFor(group.groupId) !== partition) continue;
      this.#onGroupRemoved(group, ErrorCode.NOT_COORDINATOR);
      this.#groups.delete(group.groupId);
      count++;
    }
    if (count > 0) this.#logger.info('unloaded offsets partition', { partition, groups: count });
  }

  // -------------------------------------------------------------------------------------
  // The group cache

  group(groupId: string): Group | undefined {
    return this.#groups.get(groupId);
  }

  /** Caches a new group (its partition must be loaded: check ownerError first). */
  addGroup(group: Group): void {
    this.#groups.set(group.groupId, group);
  }

  // -------------------------------------------------------------------------------------
  // Log writes

  async #append(part: OffsetsPartition, records: RecordInput[], txn?: { producerId: bigint; producerEpoch: number }): Promise<number> {
    // TxnOffsetCommit writes a transactional batch of the producer (no sequence, as Kafka's coordinator does).
    const batch = buildRecordBatch(records, { timestamp: BigInt(this.#clock.now()), ...(txn ? { producerId: txn.producerId, producerEpoch: txn.producerEpoch, baseSequence: -1, transactional: true } : {}) });
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

  /** Appends records to a group's partition (acks=-1); resolves to a client-facing error code. */
  async storeRecords(groupId: string, records: RecordInput[]): Promise<number> {
    if (records.length === 0) return ErrorCode.NONE;
    const part = this.#partitions.get(this.partitionFor(groupId));
    if (!part || part.state !== 'loaded') return ErrorCode.NOT_COORDINATOR;
    const code = groupAppendError(await this.#append(part, records));
    if (code !== ErrorCode.NONE) this.#logger.warn('storing consumer group records failed', { groupId, errorCode: code });
    return code;
  }

  /** Writes the group's metadata record; resolves to a client-facing error code. */
  async storeGroup(group: Group, assignments?: Map<string, Buffer>): Promise<number> {
    const part = this.#partitions.get(this.partitionFor(group.groupId));
    if (!part || part.state !== 'loaded') return ErrorCode.NOT_COORDINATOR;
    const code = groupAppendError(await this.#append(part, [this.#groupRecord(group, assignments)]));
    if (code !== ErrorCode.NONE) this.#logger.warn('storing group metadata failed', { groupId: group.groupId, errorCode: code });
    return code;
  }

  // -------------------------------------------------------------------------------------
  // OffsetCommit / OffsetFetch / OffsetDelete

  /**
   * Writes the commits of an OffsetCommit the coordinator has validated against the group,
   * then applies them to the group if it is still cached.
   */
  async storeOffsets(group: Group, params: OffsetCommitParams, txn?: { producerId: bigint; producerEpoch: number }): Promise<PartitionErrors> {
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
    const code = commitAppendError(await this.#append(part, records, txn));
    if (code === ErrorCode.NONE && txn) {
      const pending = this.#pendingTxnOffsets.get(txn.producerId) ?? [];
      for (const a of toApply) pending.push({ group: group.groupId, ...a });
      this.#pendingTxnOffsets.set(txn.producerId, pending);
    } else if (code === ErrorCode.NONE) {
      if (this.#groups.get(group.groupId) === group) for (const a of toApply) group.putOffset(a.topic, a.partition, a.value);
    } else {
      this.#logger.warn('offset commit failed', { groupId: group.groupId, errorCode: code });
      for (const t of result) for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE) p.errorCode = code;
    }
    return result;
  }

  /**
   * A transaction marker was written to offsets partitions: the producer's transactional
   * commits for groups of those partitions become visible (commit) or are dropped (abort).
   */
  completeTransaction(producerId: bigint, partitions: readonly number[], commit: boolean): void {
    const pending = this.#pendingTxnOffsets.get(producerId);
    if (!pending) return;
    const rest = pending.filter((p) => !partitions.includes(this.partitionFor(p.group)));
    if (commit) {
      for (const p of pending) {
        if (!partitions.includes(this.partitionFor(p.group))) continue;
        let group = this.#groups.get(p.group);
        if (!group) {
          group = new Group(p.group, GroupState.Empty, this.#clock.now());
          this.#groups.set(p.group, group);
        }
        group.putOffset(p.topic, p.partition, p.value);
      }
    }
    if (rest.length > 0) this.#pendingTxnOffsets.set(producerId, rest);
    else this.#pendingTxnOffsets.delete(producerId);
  }

  /** Whether a group has transactional commits waiting for their marker on `topic`-`partition` (OffsetFetch require_stable). */
  hasPendingTxnOffsets(groupId: string): boolean {
    for (const list of this.#pendingTxnOffsets.values()) if (list.some((p) => p.group === groupId)) return true;
    return false;
  }

  /** Committed offsets of a group; `topics` null = every partition with a commit. */
  fetchOffsets(groupId: string, topics: Array<{ name: string; partitionIndexes: number[] }> | null): FetchedOffsets {
    const error = this.ownerError(groupId);
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
    const error = this.ownerError(groupId);
    if (error !== ErrorCode.NONE) return { errorCode: error, topics: [] };
    const group = this.#groups.get(groupId);
    if (!group || group.is(GroupState.Dead)) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] };
    if (!group.hasNoMembers() && group.protocolType !== CONSUMER_PROTOCOL_TYPE && !group.consumer) return { errorCode: ErrorCode.NON_EMPTY_GROUP, topics: [] };
    const result = each(ErrorCode.NONE);
    const records: RecordInput[] = [];
    const removed: Array<{ topic: string; partition: number }> = [];
    for (const t of result) {
      const subscribed = !group.hasNoMembers() && group.isSubscribedToTopic(t.name);
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

  /**
   * Topics were deleted (or deleted and created again): tombstone every offset the loaded
   * groups committed for them, and drop Empty groups left with no offsets, as Kafka's
   * onPartitionsDeleted does. Groups of offsets partitions led elsewhere are theirs to clean.
   */
  async removeOffsetsOfTopics(topics: ReadonlySet<string>): Promise<void> {
    for (const group of [...this.#groups.values()]) {
      const part = this.#partitions.get(this.partitionFor(group.groupId));
      if (!part || part.state !== 'loaded' || group.is(GroupState.Dead)) continue;
      const removed = [...group.offsets].filter(([topic]) => topics.has(topic)).flatMap(([topic, byPartition]) => [...byPartition.keys()].map((partition) => ({ topic, partition })));
      if (removed.length === 0) continue;
      for (const r of removed) group.removeOffset(r.topic, r.partition);
      const code = commitAppendError(await this.#append(part, removed.map((r) => ({ key: offsetCommitKey(group.groupId, r.topic, r.partition), value: null }))));
      if (code !== ErrorCode.NONE) this.#logger.warn('writing offset tombstones of deleted topics failed', { groupId: group.groupId, errorCode: code });
      else this.#logger.info('removed offsets of deleted topics', { groupId: group.groupId, partitions: removed.length });
      if (group.is(GroupState.Empty) && !group.hasOffsets && this.#groups.get(group.groupId) === group) await this.#removeGroupAndOffsets(group);
    }
  }

  // -------------------------------------------------------------------------------------
  // ListGroups / DeleteGroups

  listGroups(statesFilter: string[] = [], typesFilter: string[] = []): { errorCode: number; groups: GroupListing[] } {
    const states = new Set(statesFilter.map((s) => s.toLowerCase()));
    const types = new Set(typesFilter.map((s) => s.toLowerCase()));
    const loading = [...this.#partitions.values()].some((p) => p.state === 'loading');
    const groups: GroupListing[] = [];
    for (const group of this.#groups.values()) {
      if (group.is(GroupState.Dead)) continue;
      if (this.#partitions.get(this.partitionFor(group.groupId))?.state !== 'loaded') continue;
      const groupType = group.consumer ? 'consumer' : 'classic';
      const state = group.consumer ? group.consumer.state : group.state;
      if (states.size > 0 && !states.has(state.toLowerCase())) continue;
      if (types.size > 0 && !types.has(groupType)) continue;
      groups.push({ groupId: group.groupId, protocolType: group.consumer ? CONSUMER_PROTOCOL_TYPE : (group.protocolType ?? ''), groupState: state, groupType });
    }
    groups.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
    return { errorCode: loading ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE, groups };
  }

  async deleteGroups(groupIds: string[]): Promise<Array<{ groupId: string; errorCode: number }>> {
    return Promise.all(groupIds.map(async (groupId) => ({ groupId, errorCode: await this.#deleteGroup(groupId) })));
  }

  async #deleteGroup(groupId: string): Promise<number> {
    const error = this.ownerError(groupId);
    if (error !== ErrorCode.NONE) return error;
    const group = this.#groups.get(groupId);
    if (!group || group.is(GroupState.Dead)) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.hasNoMembers()) return ErrorCode.NON_EMPTY_GROUP;
    return this.#removeGroupAndOffsets(group);
  }

  /** Tombstones every offset and the metadata of an Empty group, then forgets it. */
  async #removeGroupAndOffsets(group: Group): Promise<number> {
    const records: RecordInput[] = [];
    for (const [topic, byPartition] of group.offsets) for (const p of byPartition.keys()) records.push({ key: offsetCommitKey(group.groupId, topic, p), value: null });
    records.push({ key: groupMetadataKey(group.groupId), value: null });
    if (group.consumer) records.push(...consumerGroupTombstones(group.groupId));
    this.#onGroupRemoved(group, ErrorCode.COORDINATOR_NOT_AVAILABLE);
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
      const empty = group.hasNoMembers();
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
}
