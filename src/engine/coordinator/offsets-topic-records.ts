// Kafka's own record formats for the `__consumer_offsets` topic, so any tool that reads that
// topic understands ours: key = int16 version + OffsetCommitKey (v0/v1) or GroupMetadataKey
// (v2); value = int16 version + OffsetCommitValue / GroupMetadataValue; a null value is a
// tombstone. Pure functions over Buffers; no state.
import { decodeMessage, encodeMessage, ProtocolError } from '../protocol/codec.js';
import { decodeConsumerGroupRecord, type ConsumerGroupRecord } from './consumer-group-records.js';

export const OFFSETS_TOPIC = '__consumer_offsets';

/** Versions we write (Kafka 2.3+ writes these; readers of all later versions accept them). */
export const OFFSET_COMMIT_KEY_VERSION = 1;
export const GROUP_METADATA_KEY_VERSION = 2;
export const OFFSET_COMMIT_VALUE_VERSION = 3;
/** OffsetCommitValue v1 is the only version carrying an explicit expireTimestamp. */
export const OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY = 1;
export const GROUP_METADATA_VALUE_VERSION = 3;

export interface OffsetCommitRecordValue {
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: bigint;
  /** -1n when not set (the group's retention applies). */
  expireTimestamp: bigint;
}

export interface GroupMemberRecord {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeout: number;
  sessionTimeout: number;
  subscription: Buffer;
  assignment: Buffer;
}

export interface GroupMetadataRecordValue {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  currentStateTimestamp: bigint;
  members: GroupMemberRecord[];
}

export type OffsetsTopicRecord =
  | { kind: 'offset'; group: string; topic: string; partition: number; value: OffsetCommitRecordValue | null }
  | { kind: 'group'; group: string; value: GroupMetadataRecordValue | null };

function withVersion(version: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 + body.length);
  out.writeInt16BE(version, 0);
  body.copy(out, 2);
  return out;
}

export function offsetCommitKey(group: string, topic: string, partition: number): Buffer {
  return withVersion(OFFSET_COMMIT_KEY_VERSION, encodeMessage('OffsetCommitKey', OFFSET_COMMIT_KEY_VERSION, { group, topic, partition }));
}

export function offsetCommitValue(value: OffsetCommitRecordValue): Buffer {
  const version = value.expireTimestamp >= 0n ? OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY : OFFSET_COMMIT_VALUE_VERSION;
  return withVersion(version, encodeMessage('OffsetCommitValue', version, value));
}

export function groupMetadataKey(group: string): Buffer {
  return withVersion(GROUP_METADATA_KEY_VERSION, encodeMessage('GroupMetadataKey', GROUP_METADATA_KEY_VERSION, { group }));
}

export function groupMetadataValue(value: GroupMetadataRecordValue): Buffer {
  return withVersion(GROUP_METADATA_VALUE_VERSION, encodeMessage('GroupMetadataValue', GROUP_METADATA_VALUE_VERSION, value));
}

/**
 * Decodes one classic record of the offsets topic. Returns null for keys of other kinds (the
 * KIP-848 ones: decodeAnyOffsetsTopicRecord); throws ProtocolError
 * on malformed bytes.
 */
export function decodeOffsetsTopicRecord(key: Buffer | null, value: Buffer | null): OffsetsTopicRecord | null {
  if (key === null || key.length < 2) throw new ProtocolError('offsets topic record without a versioned key');
  const keyVersion = key.readInt16BE(0);
  if (keyVersion === 0 || keyVersion === 1) {
    const k = decodeMessage('OffsetCommitKey', keyVersion, key, 2);
    if (value === null) return { kind: 'offset', group: k.group, topic: k.topic, partition: k.partition, value: null };
    if (value.length < 2) throw new ProtocolError('offset commit value without a version');
    const valueVersion = value.readInt16BE(0);
    if (valueVersion < 0 || valueVersion > 4) throw new ProtocolError(`unknown offset commit value version ${valueVersion}`);
    const v = decodeMessage('OffsetCommitValue', valueVersion, value, 2);
    return {
      kind: 'offset',
      group: k.group,
      topic: k.topic,
      partition: k.partition,
      value: {
        offset: v.offset,
        leaderEpoch: v.leaderEpoch,
        metadata: v.metadata ?? '',
        commitTimestamp: v.commitTimestamp,
        expireTimestamp: v.expireTimestamp,
      },
    };
  }
  if (keyVersion === 2) {
    const k = decodeMessage('GroupMetadataKey', keyVersion, key, 2);
    if (value === null) return { kind: 'group', group: k.group, value: null };
    if (value.length < 2) throw new ProtocolError('group metadata value without a version');
    const valueVersion = value.readInt16BE(0);
    if (valueVersion < 0 || valueVersion > 4) throw new ProtocolError(`unknown group metadata value version ${valueVersion}`);
    const v = decodeMessage('GroupMetadataValue', valueVersion, value, 2);
    return {
      kind: 'group',
      group: k.group,
      value: {
        protocolType: v.protocolType,
        generation: v.generation,
        protocol: v.protocol,
        leader: v.leader,
        currentStateTimestamp: v.currentStateTimestamp,
        members: v.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId ?? null,
          clientId: m.clientId,
          clientHost: m.clientHost,
          rebalanceTimeout: m.rebalanceTimeout,
          sessionTimeout: m.sessionTimeout,
          subscription: Buffer.from(m.subscription),
          assignment: Buffer.from(m.assignment),
        })),
      },
    };
  }
  return null;
}

/** Like decodeOffsetsTopicRecord, and also KIP-848 consumer-group records (key versions 3-8). */
export function decodeAnyOffsetsTopicRecord(key: Buffer | null, value: Buffer | null): OffsetsTopicRecord | ConsumerGroupRecord | null {
  if (key !== null && key.length >= 2) {
    const keyVersion = key.readInt16BE(0);
    if (keyVersion >= 3 && keyVersion <= 8) return decodeConsumerGroupRecord(key, value);
  }
  return decodeOffsetsTopicRecord(key, value);
}

/** Java's String.hashCode over UTF-16 code units, as a signed 32-bit int. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** The offsets-topic partition that owns a group: Kafka's `Utils.abs(hashCode) % count`. */
export function partitionForGroup(groupId: string, partitionCount: number): number {
  const h = javaStringHashCode(groupId);
  const abs = h === -2147483648 ? 0 : Math.abs(h);
  return abs % partitionCount;
}
