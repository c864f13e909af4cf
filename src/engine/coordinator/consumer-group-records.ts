// The records a KIP-848 consumer group is stored as in `__consumer_offsets`, in Kafka's
// formats (key versions 3-8): ConsumerGroupMetadata (group epoch), PartitionMetadata
// (subscribed topics), MemberMetadata (a member's subscription), TargetAssignmentMetadata
// (assignment epoch), TargetAssignmentMember (a member's target) and CurrentMemberAssignment
// (a member's epoch, state and partitions); a null value is a tombstone. Encoding, decoding,
// and replaying records read back on load into a ConsumerGroup. Pure; no state of its own.
import { decodeMessage, encodeMessage, ProtocolError } from '../protocol/codec.js';
import type { RecordInput } from '../protocol/records/record-codec.js';
import type { Assignment } from './consumer-group-assignors.js';
import { ConsumerGroup, ConsumerGroupMember } from './consumer-group.js';
import type { MemberState } from './consumer-group-reconciler.js';

export const CG_KEY = { Metadata: 3, PartitionMetadata: 4, MemberMetadata: 5, TargetMetadata: 6, TargetMember: 7, CurrentAssignment: 8 } as const;

type TopicPartitionsWire = Array<{ topicId: string; partitions: number[] }>;

export type ConsumerGroupRecord =
  | { kind: 'cg-metadata'; group: string; epoch: number | null }
  | { kind: 'cg-partition-metadata'; group: string; topics: Array<{ topicId: string; topicName: string; numPartitions: number }> | null }
  | { kind: 'cg-member'; group: string; memberId: string; value: MemberMetadata | null }
  | { kind: 'cg-target-metadata'; group: string; assignmentEpoch: number | null }
  | { kind: 'cg-target-member'; group: string; memberId: string; partitions: Assignment | null }
  | { kind: 'cg-current-assignment'; group: string; memberId: string; value: CurrentAssignment | null };

export interface MemberMetadata {
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  rebalanceTimeoutMs: number;
  serverAssignor: string | null;
}

export interface CurrentAssignment {
  memberEpoch: number;
  previousMemberEpoch: number;
  state: MemberState;
  assigned: Assignment;
  pendingRevocation: Assignment;
}

function versioned(version: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 + body.length);
  out.writeInt16BE(version, 0);
  body.copy(out, 2);
  return out;
}

type KeyName =
  | 'ConsumerGroupMetadataKey'
  | 'ConsumerGroupPartitionMetadataKey'
  | 'ConsumerGroupMemberMetadataKey'
  | 'ConsumerGroupTargetAssignmentMetadataKey'
  | 'ConsumerGroupTargetAssignmentMemberKey'
  | 'ConsumerGroupCurrentMemberAssignmentKey';

const KEY_NAMES: Readonly<Record<number, KeyName>> = {
  3: 'ConsumerGroupMetadataKey',
  4: 'ConsumerGroupPartitionMetadataKey',
  5: 'ConsumerGroupMemberMetadataKey',
  6: 'ConsumerGroupTargetAssignmentMetadataKey',
  7: 'ConsumerGroupTargetAssignmentMemberKey',
  8: 'ConsumerGroupCurrentMemberAssignmentKey',
};

function key(version: number, groupId: string, memberId = ''): Buffer {
  return versioned(version, encodeMessage(KEY_NAMES[version]!, version, { groupId, memberId }));
}

/** The version of a value (always 0 here); throws on another. */
function valueVersion(name: string, v: Buffer): number {
  if (v.length < 2) throw new ProtocolError(`${name} without a version`);
  const version = v.readInt16BE(0);
  if (version !== 0) throw new ProtocolError(`unknown ${name} version ${version}`);
  return 2;
}

export function toWire(a: Assignment): TopicPartitionsWire {
  return [...a.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([topicId, s]) => ({ topicId, partitions: [...s].sort((p, q) => p - q) }));
}

export function fromWire(w: ReadonlyArray<{ topicId: string; partitions: readonly number[] }>): Assignment {
  const a: Assignment = new Map();
  for (const t of w) if (t.partitions.length > 0) a.set(t.topicId, new Set([...(a.get(t.topicId) ?? []), ...t.partitions]));
  return a;
}

// ---------------------------------------------------------------------------------------
// Record builders (value null = tombstone)

export const cgRecords = {
  metadata(groupId: string, epoch: number | null): RecordInput {
    return { key: key(CG_KEY.Metadata, groupId), value: epoch === null ? null : versioned(0, encodeMessage('ConsumerGroupMetadataValue', 0, { epoch })) };
  },
  partitionMetadata(group: ConsumerGroup | string, tombstone = false): RecordInput {
    const groupId = typeof group === 'string' ? group : group.groupId;
    if (tombstone || typeof group === 'string') return { key: key(CG_KEY.PartitionMetadata, groupId), value: null };
    const topics = [...group.subscriptionMetadata].map(([topicName, t]) => ({ topicId: t.topicId, topicName, numPartitions: t.numPartitions, partitionMetadata: [] }));
    return { key: key(CG_KEY.PartitionMetadata, groupId), value: versioned(0, encodeMessage('ConsumerGroupPartitionMetadataValue', 0, { topics })) };
  },
  member(groupId: string, memberId: string, m: ConsumerGroupMember | null): RecordInput {
    if (m === null) return { key: key(CG_KEY.MemberMetadata, groupId, memberId), value: null };
    const body = {
      instanceId: m.instanceId,
      rackId: m.rackId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: m.subscribedTopicNames,
      subscribedTopicRegex: m.subscribedTopicRegex,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      serverAssignor: m.serverAssignor,
    };
    return { key: key(CG_KEY.MemberMetadata, groupId, memberId), value: versioned(0, encodeMessage('ConsumerGroupMemberMetadataValue', 0, body)) };
  },
  targetMetadata(groupId: string, assignmentEpoch: number | null): RecordInput {
    const v = assignmentEpoch === null ? null : versioned(0, encodeMessage('ConsumerGroupTargetAssignmentMetadataValue', 0, { assignmentEpoch }));
    return { key: key(CG_KEY.TargetMetadata, groupId), value: v };
  },
  targetMember(groupId: string, memberId: string, a: Assignment | null): RecordInput {
    const v = a === null ? null : versioned(0, encodeMessage('ConsumerGroupTargetAssignmentMemberValue', 0, { topicPartitions: toWire(a) }));
    return { key: key(CG_KEY.TargetMember, groupId, memberId), value: v };
  },
  currentAssignment(groupId: string, memberId: string, m: ConsumerGroupMember | null): RecordInput {
    if (m === null) return { key: key(CG_KEY.CurrentAssignment, groupId, memberId), value: null };
    const body = {
      memberEpoch: m.memberEpoch,
      previousMemberEpoch: m.previousMemberEpoch,
      state: m.state,
      assignedPartitions: toWire(m.assigned),
      partitionsPendingRevocation: toWire(m.pendingRevocation),
    };
    return { key: key(CG_KEY.CurrentAssignment, groupId, memberId), value: versioned(0, encodeMessage('ConsumerGroupCurrentMemberAssignmentValue', 0, body)) };
  },
};

/** Every record (tombstones) that removes a member from the log. */
export function memberTombstones(groupId: string, memberId: string): RecordInput[] {
  return [cgRecords.currentAssignment(groupId, memberId, null), cgRecords.targetMember(groupId, memberId, null), cgRecords.member(groupId, memberId, null)];
}

/** Tombstones of a consumer group's group-level records (its members are gone). */
export function consumerGroupTombstones(groupId: string): RecordInput[] {
  return [cgRecords.targetMetadata(groupId, null), cgRecords.partitionMetadata(groupId, true), cgRecords.metadata(groupId, null)];
}

// ---------------------------------------------------------------------------------------
// Decoding

const dec = {
  metadata: (v: Buffer) => decodeMessage('ConsumerGroupMetadataValue', 0, v, valueVersion('ConsumerGroupMetadataValue', v)),
  partitions: (v: Buffer) => decodeMessage('ConsumerGroupPartitionMetadataValue', 0, v, valueVersion('ConsumerGroupPartitionMetadataValue', v)),
  member: (v: Buffer) => decodeMessage('ConsumerGroupMemberMetadataValue', 0, v, valueVersion('ConsumerGroupMemberMetadataValue', v)),
  targetMetadata: (v: Buffer) => decodeMessage('ConsumerGroupTargetAssignmentMetadataValue', 0, v, valueVersion('ConsumerGroupTargetAssignmentMetadataValue', v)),
  targetMember: (v: Buffer) => decodeMessage('ConsumerGroupTargetAssignmentMemberValue', 0, v, valueVersion('ConsumerGroupTargetAssignmentMemberValue', v)),
  current: (v: Buffer) => decodeMessage('ConsumerGroupCurrentMemberAssignmentValue', 0, v, valueVersion('ConsumerGroupCurrentMemberAssignmentValue', v)),
};

/** Decodes a consumer-group record (key version 3-8); null for other key versions. */
export function decodeConsumerGroupRecord(keyBuf: Buffer, v: Buffer | null): ConsumerGroupRecord | null {
  const version = keyBuf.readInt16BE(0);
  const name = KEY_NAMES[version];
  if (name === undefined) return null;
  const k = decodeMessage(name, version, keyBuf, 2);
  const group = k.groupId;
  const memberId = 'memberId' in k ? k.memberId : '';
  switch (version) {
    case CG_KEY.Metadata:
      return { kind: 'cg-metadata', group, epoch: v === null ? null : dec.metadata(v).epoch };
    case CG_KEY.PartitionMetadata: {
      if (v === null) return { kind: 'cg-partition-metadata', group, topics: null };
      const topics = dec.partitions(v).topics.map((t) => ({ topicId: t.topicId, topicName: t.topicName, numPartitions: t.numPartitions }));
      return { kind: 'cg-partition-metadata', group, topics };
    }
    case CG_KEY.MemberMetadata: {
      if (v === null) return { kind: 'cg-member', group, memberId, value: null };
      const d = dec.member(v);
      const value: MemberMetadata = {
        instanceId: d.instanceId,
        rackId: d.rackId,
        clientId: d.clientId,
        clientHost: d.clientHost,
        subscribedTopicNames: d.subscribedTopicNames,
        subscribedTopicRegex: d.subscribedTopicRegex,
        rebalanceTimeoutMs: d.rebalanceTimeoutMs,
        serverAssignor: d.serverAssignor,
      };
      return { kind: 'cg-member', group, memberId, value };
    }
    case CG_KEY.TargetMetadata:
      return { kind: 'cg-target-metadata', group, assignmentEpoch: v === null ? null : dec.targetMetadata(v).assignmentEpoch };
    case CG_KEY.TargetMember:
      return { kind: 'cg-target-member', group, memberId, partitions: v === null ? null : fromWire(dec.targetMember(v).topicPartitions) };
    default: {
      if (v === null) return { kind: 'cg-current-assignment', group, memberId, value: null };
      const d = dec.current(v);
      const state = d.state === 1 || d.state === 2 ? d.state : 0;
      const value: CurrentAssignment = {
        memberEpoch: d.memberEpoch,
        previousMemberEpoch: d.previousMemberEpoch,
        state,
        assigned: fromWire(d.assignedPartitions),
        pendingRevocation: fromWire(d.partitionsPendingRevocation),
      };
      return { kind: 'cg-current-assignment', group, memberId, value };
    }
  }
}

// ---------------------------------------------------------------------------------------
// Replay on load

/** The consumer-group records of one group, latest per key, as read from its partition. */
export class ConsumerGroupReplay {
  epoch: number | null = null;
  assignmentEpoch: number | null = null;
  topics: Array<{ topicId: string; topicName: string; numPartitions: number }> | null = null;
  readonly members = new Map<string, MemberMetadata>();
  readonly targets = new Map<string, Assignment>();
  readonly current = new Map<string, CurrentAssignment>();

  apply(r: ConsumerGroupRecord): void {
    switch (r.kind) {
      case 'cg-metadata':
        this.epoch = r.epoch;
        break;
      case 'cg-partition-metadata':
        this.topics = r.topics;
        break;
      case 'cg-member':
        if (r.value === null) this.members.delete(r.memberId);
        else this.members.set(r.memberId, r.value);
        break;
      case 'cg-target-metadata':
        this.assignmentEpoch = r.assignmentEpoch;
        break;
      case 'cg-target-member':
        if (r.partitions === null) this.targets.delete(r.memberId);
        else this.targets.set(r.memberId, r.partitions);
        break;
      case 'cg-current-assignment':
        if (r.value === null) this.current.delete(r.memberId);
        else this.current.set(r.memberId, r.value);
        break;
    }
  }

  /** The group these records describe, or null when its metadata was deleted. */
  build(groupId: string): ConsumerGroup | null {
    if (this.epoch === null) return null;
    const group = new ConsumerGroup(groupId);
    group.groupEpoch = this.epoch;
    group.assignmentEpoch = this.assignmentEpoch ?? 0;
    for (const t of this.topics ?? []) group.subscriptionMetadata.set(t.topicName, { topicId: t.topicId, numPartitions: t.numPartitions });
    for (const [memberId, meta] of this.members) {
      const m = new ConsumerGroupMember(memberId);
      Object.assign(m, meta);
      const cur = this.current.get(memberId);
      if (cur) m.setAssignmentState(cur);
      group.putMember(m);
      const target = this.targets.get(memberId);
      if (target) group.targetAssignment.set(memberId, target);
    }
    return group;
  }
}
