// Loading one `__consumer_offsets` partition (Kafka's GroupMetadataManager
// doLoadGroupsAndOffsets): reads it from its log start up to where its log ended when the
// load began, keeps the last group metadata record and the live committed offsets per
// group (tombstones remove them; transactional commits count once their COMMIT marker is
// read, and never when aborted), and rebuilds the groups. The manager puts them in its
// cache. Concurrency: one event loop; after every await the load checks `isCurrent` (the
// partition may have been unloaded or reloaded meanwhile) and gives up with null.
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { decodeRecordBatch } from '../protocol/records/record-codec.js';
import { isControl, isTransactional, iterateBatchPositions, lastOffsetOf } from '../protocol/records/record-batch.js';
import { ControlRecordType, controlTypeOf } from '../protocol/records/control-records.js';
import type { CoordinatorServices } from './coordinator-types.js';
import { Group, GroupMember, GroupState } from './group.js';
import { ConsumerGroupReplay } from './consumer-group-records.js';
import { OFFSETS_TOPIC, decodeAnyOffsetsTopicRecord, type GroupMetadataRecordValue, type OffsetCommitRecordValue } from './offsets-topic-records.js';

type OffsetsTopicRecord = NonNullable<ReturnType<typeof decodeAnyOffsetsTopicRecord>>;

const LOAD_RETRY_MS = 50;
const LOAD_CATCH_UP_DEADLINE_MS = 10_000;

export interface OffsetsLoadDeps {
  services: CoordinatorServices;
  clock: Clock;
  logger: Logger;
  /** offsets.load.buffer.size: bytes per read. */
  loadBufferSize: number;
  /** Offset commits of transactions still open at the end of the load, by producer id. */
  onOpenTxnOffsets?(producerId: bigint, offsets: Array<{ group: string; topic: string; partition: number; value: OffsetCommitRecordValue }>): void;
}

/** The groups stored in `partition`, or null when the load stopped being current. */
export async function loadOffsetsPartition(deps: OffsetsLoadDeps, partition: number, isCurrent: () => boolean): Promise<Group[] | null> {
  const { services, clock, logger } = deps;
  const groupsRead = new Map<string, GroupMetadataRecordValue | null>();
  /** KIP-848 consumer groups: their records, and which kind of group record came last. */
  const consumerRead = new Map<string, ConsumerGroupReplay>();
  const lastKind = new Map<string, 'classic' | 'consumer'>();
  const offsetsRead = new Map<string, Map<string, Map<number, OffsetCommitRecordValue>>>();
  const target = services.logEndOffset(OFFSETS_TOPIC, partition);
  const deadline = clock.monotonic() + LOAD_CATCH_UP_DEADLINE_MS;
  let from = 0n;
  /** Offset commits of open transactions (TxnOffsetCommit), by producer id, until their marker. */
  const pendingTxn = new Map<bigint, OffsetsTopicRecord[]>();
  const apply = (rec: OffsetsTopicRecord): void => {
    if (rec.kind === 'group') {
      groupsRead.set(rec.group, rec.value);
      if (rec.value !== null) lastKind.set(rec.group, 'classic');
      return;
    }
    if (rec.kind !== 'offset') {
      let replay = consumerRead.get(rec.group);
      if (!replay) consumerRead.set(rec.group, (replay = new ConsumerGroupReplay()));
      replay.apply(rec);
      if (rec.kind === 'cg-metadata' && rec.epoch !== null) lastKind.set(rec.group, 'consumer');
      return;
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
  };
  for (;;) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (!isCurrent()) return null;
    const read = services.readInternalTopic(OFFSETS_TOPIC, partition, from, deps.loadBufferSize);
    if (read.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE && from < read.logStartOffset) {
      from = read.logStartOffset;
      continue;
    }
    if (read.errorCode !== ErrorCode.NONE) throw new Error(`reading ${OFFSETS_TOPIC}-${partition} failed with error ${read.errorCode}`);
    if (from < read.logStartOffset) from = read.logStartOffset;
    let progressed = false;
    for (const batch of iterateBatchPositions(read.records)) {
      const last = lastOffsetOf(batch.header);
      if (last < from) continue;
      progressed = true;
      from = last + 1n;
      if (isControl(batch.header.attributes)) {
        // A transaction's marker: its offset commits count only when it committed (TxnOffsetCommit).
        const staged = pendingTxn.get(batch.header.producerId);
        pendingTxn.delete(batch.header.producerId);
        if (staged && controlTypeOf(read.records, batch) === ControlRecordType.Commit) for (const rec of staged) apply(rec);
        continue;
      }
      const { records } = decodeRecordBatch(read.records, batch.position);
      for (const r of records) {
        let rec;
        try {
          rec = decodeAnyOffsetsTopicRecord(r.key, r.value);
        } catch (err) {
          logger.warn('skipping malformed offsets topic record', { partition, offset: r.offset, err });
          continue;
        }
        if (rec === null) continue;
        if (isTransactional(batch.header.attributes)) {
          let staged = pendingTxn.get(batch.header.producerId);
          if (!staged) pendingTxn.set(batch.header.producerId, (staged = []));
          staged.push(rec);
        } else {
          apply(rec);
        }
      }
    }
    if (progressed) continue;
    // Nothing more below the high watermark. A new leader's high watermark can trail its
    // log end for a moment: wait (bounded) for what was in the log when loading started.
    if (from >= target || read.highWatermark >= target || clock.monotonic() > deadline) break;
    await new Promise<void>((resolve) => setTimeout(resolve, LOAD_RETRY_MS));
  }
  if (!isCurrent()) return null;
  for (const [producerId, staged] of pendingTxn) {
    const offsets = staged.flatMap((r) => (r.kind === 'offset' && r.value !== null ? [{ group: r.group, topic: r.topic, partition: r.partition, value: r.value }] : []));
    if (offsets.length > 0) deps.onOpenTxnOffsets?.(producerId, offsets);
  }
  const now = clock.now();
  const loaded: Group[] = [];
  const ids = new Set([...groupsRead.keys(), ...offsetsRead.keys(), ...consumerRead.keys()]);
  for (const groupId of ids) {
    const consumer = lastKind.get(groupId) === 'consumer' ? (consumerRead.get(groupId)?.build(groupId) ?? null) : null;
    const meta = consumer ? null : (groupsRead.get(groupId) ?? null);
    const offsets = offsetsRead.get(groupId);
    const hasOffsets = offsets !== undefined && offsets.size > 0;
    if (meta === null && consumer === null && !hasOffsets) continue;
    const group = meta ? groupFromRecord(groupId, meta, now) : new Group(groupId, GroupState.Empty, now);
    group.consumer = consumer;
    if (offsets) for (const [topic, byPartition] of offsets) for (const [p, v] of byPartition) group.putOffset(topic, p, v);
    loaded.push(group);
  }
  return loaded;
}

/** A group as its last metadata record describes it (members Stable; sessions start now). */
function groupFromRecord(groupId: string, meta: GroupMetadataRecordValue, now: number): Group {
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
