// The kafka-consumer-groups operations behind AdminClient: describe (offsets, members,
// state), reset-offsets, delete and delete-offsets, and lag per group. Each returns plain data
// for the pure formatters in groups-format and consumer-lag; AdminClient owns the connection
// and passes in what these need (GroupOpsDeps). Concurrency: as AdminClient's.
import { type Admin, FindCoordinatorKeyTypes, protocolErrorsCodesById } from '@platformatic/kafka';
import { StreamctlError } from '../common/errors.js';
import { mapConcurrent } from '../common/map-concurrent.js';
import { findKafkaError, toStreamctlError } from './client-options.js';
import { describeConsumerProtocolGroups, type ConsumerProtocolGroup } from './consumer-protocol-groups.js';
import { computeGroupLag, type GroupLag, partitionLag, type PartitionLagInput } from './consumer-lag.js';
import {
  type DeleteOffsetsResult,
  type GroupListing,
  type GroupMembersView,
  type GroupOffsetsView,
  type GroupResetNotice,
  type GroupStateView,
  normalizeGroupState,
  type PartitionOffsetRow,
  type ResetOffsetsRow,
} from './groups-format.js';
import { parseTopicPartitionsArg, planResetOffsets, type PartitionResetInput, type ResetScenario, resetTimestamp } from './offset-reset-plan.js';

/** What the group operations use from the admin facade. */
export interface GroupOpsDeps {
  admin: Admin;
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
  listTopics(): Promise<string[]>;
  listGroups(): Promise<GroupListing[]>;
  listOffsets(partitions: Array<{ topic: string; partition: number }>, spec: 'earliest' | 'latest' | bigint): Promise<Map<string, bigint>>;
  committedOffsets(group: string): Promise<Map<string, { offset: bigint; leaderEpoch: number }>>;
  topicPartitions(topics: string[]): Promise<Array<{ topic: string; partition: number }>>;
  readTimestamp: ((topic: string, partition: number, offset: bigint) => Promise<bigint | null>) | undefined;
}

/** Groups (and one group's partitions) whose lag is read at once. */
const LAG_CONCURRENCY = 8;

export interface ResetOffsetsSpec {
  groups: string[];
  /** `t` or `t:0,1`; ignored with allTopics. */
  topics: string[];
  allTopics: boolean;
  scenario: ResetScenario;
  execute: boolean;
  nowMs?: number;
}

export interface ResetOffsetsResult {
  rows: ResetOffsetsRow[];
  /** Groups in the result (active groups count, with no rows). */
  groupCount: number;
  /** What Kafka warns about, in order (formatResetNotices renders the text). */
  notices: GroupResetNotice[];
  /** Groups that could not be reset (active). */
  failedGroups: string[];
  executed: boolean;
}

function errorName(code: number): string {
  return (protocolErrorsCodesById as Record<number, string>)[code] ?? `UNKNOWN_ERROR_${code}`;
}

function findResponse(error: unknown): Record<string, unknown> | undefined {
  const seen = new Set<unknown>();
  const visit = (e: unknown): Record<string, unknown> | undefined => {
    if (!e || typeof e !== 'object' || seen.has(e)) return undefined;
    seen.add(e);
    const err = e as { response?: unknown; errors?: unknown[]; cause?: unknown };
    if (err.response && typeof err.response === 'object') return err.response as Record<string, unknown>;
    for (const inner of err.errors ?? []) {
      const found = visit(inner);
      if (found) return found;
    }
    return visit(err.cause);
  };
  return visit(error);
}

export async function describeGroupOffsets(ops: GroupOpsDeps, groups: string[]): Promise<GroupOffsetsView[]> {
  const described = await describeGroups(ops, groups);
  const views: GroupOffsetsView[] = [];
  for (const group of groups) {
    const d = described.get(group);
    if (!d) {
      views.push({ group, state: null, rows: [] });
      continue;
    }
    const state = normalizeGroupState(d.state);
    const committed = await ops.committedOffsets(group);
    const members = [...d.members.values()]
      .map((m) => ({
        m,
        partitions: [...(m.assignments?.values() ?? [])].flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition }))),
      }))
      .filter((x) => x.partitions.length > 0)
      .sort((a, b) => b.partitions.length - a.partitions.length);
    const assigned = new Set(members.flatMap((x) => x.partitions.map((p) => `${p.topic}:${p.partition}`)));
    const unassigned = [...committed.keys()]
      .filter((k) => !assigned.has(k))
      .map((k) => {
        const i = k.lastIndexOf(':');
        return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)) };
      });
    const all = [...members.flatMap((x) => x.partitions), ...unassigned];
    const ends = await ops.listOffsets(all, 'latest').catch(() => new Map<string, bigint>());
    const rowsFor = (partitions: Array<{ topic: string; partition: number }>, who: { id: string; host: string; clientId: string } | null) =>
      [...partitions]
        .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
        .map((p): PartitionOffsetRow => {
          const key = `${p.topic}:${p.partition}`;
          const c = committed.get(key);
          const end = ends.get(key) ?? null;
          return {
            group,
            topic: p.topic,
            partition: p.partition,
            leaderEpoch: c && c.leaderEpoch >= 0 ? c.leaderEpoch : null,
            currentOffset: c?.offset ?? null,
            logEndOffset: end,
            lag: partitionLag(c?.offset ?? null, end),
            consumerId: who?.id ?? null,
            host: who?.host ?? null,
            clientId: who?.clientId ?? null,
          };
        });
    const rows = [
      ...members.flatMap((x) => rowsFor(x.partitions, { id: x.m.id, host: x.m.clientHost, clientId: x.m.clientId })),
      ...rowsFor(unassigned, null),
    ];
    views.push({ group, state, rows });
  }
  return views;
}

export async function describeGroupMembers(ops: GroupOpsDeps, groups: string[]): Promise<GroupMembersView[]> {
  const described = await describeGroups(ops, groups);
  return groups.map((group) => {
    const d = described.get(group);
    if (!d) return { group, state: null, members: [] };
    const cp = d.consumerProtocol;
    const parts = (m: Map<string, { topic: string; partitions: number[] }> | undefined) => [...(m?.values() ?? [])].map((a) => ({ topic: a.topic, partitions: [...a.partitions] }));
    return {
      group,
      state: normalizeGroupState(d.state),
      ...(cp ? { targetAssignmentEpoch: cp.targetAssignmentEpoch } : {}),
      members: [...d.members.values()].map((m) => {
        const kip848 = cp?.members.get(m.id);
        return {
          group,
          consumerId: m.id,
          groupInstanceId: m.groupInstanceId || null,
          host: m.clientHost,
          clientId: m.clientId,
          assignment: parts(m.assignments),
          ...(kip848 ? { memberEpoch: kip848.memberEpoch, targetAssignment: parts(kip848.targetAssignments) } : {}),
        };
      }),
    };
  });
}

export async function describeGroupStates(ops: GroupOpsDeps, groups: string[]): Promise<GroupStateView[]> {
  const described = await describeGroups(ops, groups);
  const coordinators = await ops.call('finding coordinators', () =>
    ops.admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: groups }),
  );
  return groups.map((group) => {
    const d = described.get(group);
    const c = coordinators.find((x) => x.key === group);
    return {
      group,
      state: d ? normalizeGroupState(d.state) : 'Dead',
      coordinator: c ? { broker: c.nodeId, host: c.host, port: c.port } : null,
      assignmentStrategy: d?.protocol || null,
      members: d?.members.size ?? 0,
      ...(d?.consumerProtocol ? { groupEpoch: d.consumerProtocol.groupEpoch, targetAssignmentEpoch: d.consumerProtocol.targetAssignmentEpoch } : {}),
    };
  });
}

export async function resetOffsets(ops: GroupOpsDeps, spec: ResetOffsetsSpec): Promise<ResetOffsetsResult> {
  const result: ResetOffsetsResult = { rows: [], groupCount: 0, notices: [], failedGroups: [], executed: spec.execute };
  const described = await describeGroups(ops, spec.groups);
  for (const group of spec.groups) {
    result.groupCount += 1;
    const state = described.get(group) ? normalizeGroupState(described.get(group)!.state) : 'Dead';
    if (state !== 'Empty' && state !== 'Dead') {
      result.notices.push({ kind: 'group-active', group, state });
      result.failedGroups.push(group);
      continue;
    }
    const committed = await ops.committedOffsets(group);
    let partitions: Array<{ topic: string; partition: number }>;
    // --from-file: the plan names the partitions and their offsets (per group).
    const fromFile = spec.scenario.kind === 'from-file' ? (spec.scenario.offsets.get(group) ?? new Map<string, bigint>()) : undefined;
    if (fromFile) {
      partitions = [...fromFile.keys()].map((k) => ({ topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1)) }));
    } else if (spec.allTopics) {
      partitions = [...committed.keys()].map((k) => {
        const i = k.lastIndexOf(':');
        return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)) };
      });
    } else {
      const parsed = spec.topics.map(parseTopicPartitionsArg);
      const whole = parsed.filter((p) => p.partitions === null).map((p) => p.topic);
      const existing = new Set(await ops.listTopics());
      const missingTopics = whole.filter((t) => !existing.has(t));
      if (missingTopics.length > 0) {
        throw new StreamctlError('NOT_FOUND', `This server does not host this topic-partition. (${missingTopics.join(', ')})`);
      }
      partitions = [
        ...parsed.flatMap((p) => (p.partitions ?? []).map((partition) => ({ topic: p.topic, partition }))),
        ...(await ops.topicPartitions(whole)),
      ];
      const known = new Set(
        (await ops.topicPartitions([...new Set(parsed.map((p) => p.topic))].filter((t) => existing.has(t)))).map((p) => `${p.topic}:${p.partition}`),
      );
      const missing = partitions.filter((p) => !known.has(`${p.topic}:${p.partition}`));
      if (missing.length > 0) {
        throw new StreamctlError('NOT_FOUND', `The partitions "${missing.map((p) => `${p.topic}-${p.partition}`).join(',')}" do not exist`);
      }
    }
    const starts = await ops.listOffsets(partitions, 'earliest');
    const ends = await ops.listOffsets(partitions, 'latest');
    const ts = resetTimestamp(spec.scenario, spec.nowMs ?? Date.now());
    const byTime = ts === null ? undefined : await ops.listOffsets(partitions, BigInt(ts));
    const inputs: PartitionResetInput[] = partitions.map((p) => {
      const key = `${p.topic}:${p.partition}`;
      return {
        topic: p.topic,
        partition: p.partition,
        logStartOffset: starts.get(key) ?? 0n,
        logEndOffset: ends.get(key) ?? 0n,
        committed: committed.get(key)?.offset ?? null,
        offsetForTimestamp: byTime ? (byTime.get(key) ?? null) : undefined,
        planned: fromFile?.get(key),
      };
    });
    const plan = planResetOffsets(spec.scenario, inputs);
    result.notices.push(...plan.notices.map((n) => ({ ...n, group })));
    if (spec.execute && plan.offsets.length > 0) {
      const byTopic = new Map<string, Array<{ partition: number; offset: bigint }>>();
      for (const o of plan.offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), { partition: o.partition, offset: o.offset }]);
      await ops.call('', () =>
        ops.admin.alterConsumerGroupOffsets({
          groupId: group,
          topics: [...byTopic].map(([name, partitionOffsets]) => ({ name, partitionOffsets })),
        }),
      );
    }
    result.rows.push(...plan.offsets.map((o) => ({ group, ...o })));
  }
  return result;
}

export async function deleteGroups(ops: GroupOpsDeps, groups: string[]): Promise<{ deleted: string[]; failed: Array<{ group: string; error: string }> }> {
  const deleted: string[] = [];
  const failed: Array<{ group: string; error: string }> = [];
  // One request per group so one failure does not hide the others' results.
  for (const group of groups) {
    try {
      await ops.admin.deleteGroups({ groups: [group] });
      deleted.push(group);
    } catch (error) {
      const kafka = findKafkaError(error);
      if (!kafka) throw toStreamctlError(error);
      failed.push({ group, error: `${kafka.id}` });
    }
  }
  return { deleted, failed };
}

export async function deleteOffsets(ops: GroupOpsDeps, group: string, topicArgs: string[]): Promise<DeleteOffsetsResult> {
  const parsed = topicArgs.map(parseTopicPartitionsArg);
  const whole = parsed.filter((p) => p.partitions === null).map((p) => p.topic);
  const existing = new Set(await ops.listTopics());
  const partitions: DeleteOffsetsResult['partitions'] = [];
  for (const t of whole.filter((t) => !existing.has(t))) {
    partitions.push({ topic: t, partition: -1, error: 'This server does not host this topic-partition.' });
  }
  const targets = [
    ...parsed.flatMap((p) => (p.partitions ?? []).map((partition) => ({ topic: p.topic, partition }))),
    ...(await ops.topicPartitions(whole.filter((t) => existing.has(t)))),
  ];
  const byTopic = new Map<string, number[]>();
  for (const t of targets) byTopic.set(t.topic, [...(byTopic.get(t.topic) ?? []), t.partition]);
  let topLevelError: string | null = null;
  try {
    if (byTopic.size > 0) {
      await ops.admin.deleteConsumerGroupOffsets({
        groupId: group,
        topics: [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
      });
    }
    for (const t of targets) partitions.push({ ...t, error: null });
  } catch (error) {
    const kafka = findKafkaError(error);
    if (!kafka) throw toStreamctlError(error);
    const response = findResponse(error) as
      | { errorCode?: number; topics?: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }> }
      | undefined;
    const partitionErrors = new Map<string, number>();
    for (const t of response?.topics ?? []) for (const p of t.partitions) partitionErrors.set(`${t.name}:${p.partitionIndex}`, p.errorCode);
    topLevelError = response?.errorCode ? errorName(response.errorCode) : kafka.id;
    for (const t of targets) {
      const code = partitionErrors.get(`${t.topic}:${t.partition}`) ?? (response?.errorCode || kafka.code);
      partitions.push({ ...t, error: code ? errorName(code) : null });
    }
  }
  if (topLevelError === null && partitions.some((p) => p.error !== null)) topLevelError = 'UNKNOWN_TOPIC_OR_PARTITION';
  return { group, topics: topicArgs, topLevelError, partitions };
}

/**
 * Per group and topic: lag in records and, from record timestamps, in time. Groups are
 * read LAG_CONCURRENCY at a time, and each group's timestamp reads likewise, so a cluster
 * with many groups or partitions answers in a few round trips rather than one per item.
 */
export async function groupLag(ops: GroupOpsDeps, options: { groups?: string[] } = {}): Promise<GroupLag[]> {
  const groups = options.groups && options.groups.length > 0 ? options.groups : (await ops.listGroups()).map((g) => g.group);
  return mapConcurrent(groups, LAG_CONCURRENCY, (group) => lagOf(ops, group));
}

async function lagOf(ops: GroupOpsDeps, group: string): Promise<GroupLag> {
  const committed = await ops.committedOffsets(group);
  const partitions = [...committed.keys()].map((k) => {
    const i = k.lastIndexOf(':');
    return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)) };
  });
  const ends = await ops.listOffsets(partitions, 'latest').catch(() => new Map<string, bigint>());
  const readTimestamp = ops.readTimestamp;
  const inputs = await mapConcurrent(partitions, LAG_CONCURRENCY, async (p): Promise<PartitionLagInput> => {
    const key = `${p.topic}:${p.partition}`;
    const c = committed.get(key)!.offset;
    const end = ends.get(key) ?? null;
    const input: PartitionLagInput = { ...p, committed: c, logEndOffset: end };
    if (readTimestamp && end !== null && end > c) input.committedRecordTimestamp = await readTimestamp(p.topic, p.partition, c).catch(() => null);
    return input;
  });
  return computeGroupLag(group, inputs);
}

/** What the describe views read of a group, classic or consumer-protocol (KIP-848). */
interface DescribedGroup {
  state: string;
  protocol: string;
  members: Map<string, { id: string; groupInstanceId?: string | null; clientId: string; clientHost: string; assignments?: Map<string, { topic: string; partitions: number[] }> }>;
  consumerProtocol?: ConsumerProtocolGroup;
}

/** Classic groups through DescribeGroups, consumer-protocol groups through ConsumerGroupDescribe. */
async function describeGroups(ops: GroupOpsDeps, groups: string[]): Promise<Map<string, DescribedGroup>> {
  const described: Map<string, DescribedGroup> = await ops.call('describing groups', () => ops.admin.describeGroups({ groups }));
  const consumer = await describeConsumerProtocolGroups(ops.admin, groups);
  for (const [id, g] of consumer) described.set(id, { state: g.state, protocol: g.protocol, members: g.members, consumerProtocol: g });
  return described;
}

/** Samples group lag every `intervalMs` until the signal aborts (for `lag --watch`). */
export async function watchGroupLag(
  admin: { groupLag(options: { groups?: string[] }): Promise<GroupLag[]> },
  options: { groups?: string[]; intervalMs: number; signal: AbortSignal },
  onSample: (lag: GroupLag[]) => void,
): Promise<void> {
  while (!options.signal.aborted) {
    onSample(await admin.groupLag({ groups: options.groups }));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, options.intervalMs);
      function done() {
        clearTimeout(timer);
        options.signal.removeEventListener('abort', done);
        resolve();
      }
      options.signal.addEventListener('abort', done, { once: true });
    });
  }
}
