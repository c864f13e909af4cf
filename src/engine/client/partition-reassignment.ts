// Partition reassignment as kafka-reassign-partitions.sh does it, over the standard APIs
// (Metadata, AlterPartitionReassignments, ListPartitionReassignments, IncrementalAlterConfigs),
// so it works against streamctl and Apache Kafka alike. @platformatic/kafka has no calls for
// the reassignment APIs, so this speaks them on one protocol connection (as leader-election
// does). Each function is one tool action returning plain data; reassign-format prints it.
// Concurrency: one connection per action, requests in order.
import { StreamctlError } from '../common/errors.js';
import { assignReplicas, PlacementError } from '../controller/placement.js';
import type { KafkaConnection } from '../network/connection.js';
import { ApiKey } from '../protocol/api-keys.js';
import { ErrorCode, errorName } from '../protocol/error-codes.js';
import type { KafkaConnectOptions } from './client-options.js';
import { connectAny } from './leader-election.js';
import {
  comparePartitions,
  EXISTING_REASSIGNMENT_MESSAGE,
  parseBrokerList,
  parseReassignment,
  parseTopicsToMove,
  ReassignInputError,
  type PartitionReassignmentState,
  type PartitionReassignmentView,
  type PartitionTarget,
} from './reassign-format.js';

/** Kafka's broker-level and topic-level replication throttle configs (cleared by --verify and --cancel). */
const BROKER_THROTTLES = ['leader.replication.throttled.rate', 'follower.replication.throttled.rate', 'replica.alter.log.dirs.io.max.bytes.per.second'];
const TOPIC_THROTTLES = ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'];

interface ClusterView {
  brokers: number[];
  /** topic → replicas per partition index. */
  topics: Map<string, number[][]>;
}

async function withConnection<T>(options: KafkaConnectOptions, action: (conn: KafkaConnection) => Promise<T>): Promise<T> {
  const conn = await connectAny({ ...options, clientId: options.clientId ?? 'reassign-partitions-tool' });
  try {
    return await action(conn);
  } finally {
    conn.close();
  }
}

async function clusterView(conn: KafkaConnection): Promise<ClusterView> {
  const res = await conn.send(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  const topics = new Map<string, number[][]>();
  for (const t of res.topics) {
    if (t.name === null || t.errorCode !== ErrorCode.NONE) continue;
    const parts: number[][] = [];
    for (const p of t.partitions) parts[p.partitionIndex] = [...p.replicaNodes];
    topics.set(t.name, parts);
  }
  return { brokers: res.brokers.map((b) => b.nodeId).sort((a, b) => a - b), topics };
}

async function listReassignments(conn: KafkaConnection, partitions?: ReadonlyArray<{ topic: string; partition: number }>): Promise<PartitionReassignmentView[]> {
  let topics: Array<{ name: string; partitionIndexes: number[] }> | null = null;
  if (partitions) {
    const byTopic = new Map<string, number[]>();
    for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    topics = [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
  }
  const res = await conn.send(ApiKey.ListPartitionReassignments, 0, { timeoutMs: 30_000, topics });
  if (res.errorCode !== ErrorCode.NONE) throw kafkaError(res.errorCode, res.errorMessage);
  return res.topics.flatMap((t) =>
    t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: [...p.replicas], addingReplicas: [...p.addingReplicas], removingReplicas: [...p.removingReplicas] })),
  );
}

function kafkaError(code: number, message: string | null): StreamctlError {
  return new StreamctlError('KAFKA', message ?? errorName(code), { kafkaErrorCode: code });
}

/** --generate: the current assignment of the topics and Kafka's rack-unaware proposal over `brokerList`. */
export async function generateReassignment(options: KafkaConnectOptions, topicsJson: string, brokerList: string): Promise<{ current: PartitionTarget[]; proposed: PartitionTarget[] }> {
  const brokersWanted = parseBrokerList(brokerList);
  const topics = parseTopicsToMove(topicsJson);
  return withConnection(options, async (conn) => {
    const view = await clusterView(conn);
    const current: PartitionTarget[] = [];
    const proposed: PartitionTarget[] = [];
    const brokerIds = brokersWanted.filter((id) => view.brokers.includes(id));
    for (const topic of topics) {
      const parts = view.topics.get(topic);
      if (!parts) throw new StreamctlError('NOT_FOUND', `Topic ${topic} not found.`);
      parts.forEach((replicas, partition) => current.push({ topic, partition, replicas }));
      try {
        assignReplicas({ brokerIds, numPartitions: parts.length, replicationFactor: parts[0]?.length ?? 1 }).forEach((replicas, partition) => proposed.push({ topic, partition, replicas }));
      } catch (error) {
        if (error instanceof PlacementError) throw new ReassignInputError(error.message);
        throw error;
      }
    }
    return { current: current.sort(comparePartitions), proposed: proposed.sort(comparePartitions) };
  });
}

export interface ExecuteResult {
  /** The replicas before, of the partitions in the file (the rollback file). */
  current: PartitionTarget[];
  targets: PartitionTarget[];
  /** Partitions the cluster refused, with its message. */
  errors: Array<{ topic: string; partition: number; message: string }>;
}

/** --execute: checks the file and the brokers, then starts every reassignment in it. */
export async function executeReassignment(options: KafkaConnectOptions, reassignmentJson: string, additional: boolean): Promise<ExecuteResult> {
  const targets = parseReassignment(reassignmentJson, { forExecute: true });
  return withConnection(options, async (conn) => {
    if (!additional && (await listReassignments(conn)).length > 0) throw new ReassignInputError(EXISTING_REASSIGNMENT_MESSAGE);
    const view = await clusterView(conn);
    const unknown = targets.flatMap((t) => t.replicas).find((id) => !view.brokers.includes(id));
    if (unknown !== undefined) throw new ReassignInputError(`Unknown broker id ${unknown}`);
    const missing = targets.filter((t) => view.topics.get(t.topic)?.[t.partition] === undefined);
    if (missing.length > 0) throw new StreamctlError('NOT_FOUND', `Unable to find partition: ${missing.map((m) => `${m.topic}-${m.partition}`).join(', ')}`);
    const current = targets.map((t) => ({ topic: t.topic, partition: t.partition, replicas: view.topics.get(t.topic)![t.partition]! }));
    const byTopic = new Map<string, PartitionTarget[]>();
    for (const t of targets) byTopic.set(t.topic, [...(byTopic.get(t.topic) ?? []), t]);
    const res = await conn.send(
      ApiKey.AlterPartitionReassignments,
      0,
      { timeoutMs: options.requestTimeoutMs ?? 30_000, topics: [...byTopic].map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition, replicas: p.replicas })) })) },
      { timeoutMs: (options.requestTimeoutMs ?? 30_000) + 5_000 },
    );
    if (res.errorCode !== ErrorCode.NONE) throw kafkaError(res.errorCode, res.errorMessage);
    const errors = res.responses.flatMap((t) =>
      t.partitions.filter((p) => p.errorCode !== ErrorCode.NONE).map((p) => ({ topic: t.name, partition: p.partitionIndex, message: p.errorMessage ?? errorName(p.errorCode) })),
    );
    return { current: current.sort(comparePartitions), targets, errors };
  });
}

export interface VerifyResult {
  states: PartitionReassignmentState[];
  /** Whether any reassignment (of these partitions or others) is still running. */
  ongoing: boolean;
  /** Brokers and topics whose throttles were cleared (when none is running). */
  cleared: { brokers: number[]; topics: string[] } | null;
}

/** --verify: the state of each partition in the file; clears the throttles once nothing runs. */
export async function verifyReassignment(options: KafkaConnectOptions, reassignmentJson: string, preserveThrottles: boolean): Promise<VerifyResult> {
  const targets = parseReassignment(reassignmentJson, { forExecute: false });
  return withConnection(options, async (conn) => {
    const running = await listReassignments(conn);
    const view = await clusterView(conn);
    const states = targets.map((t): PartitionReassignmentState => {
      const r = running.find((x) => x.topic === t.topic && x.partition === t.partition);
      if (r) return { topic: t.topic, partition: t.partition, currentReplicas: r.replicas, targetReplicas: t.replicas, done: false };
      return { topic: t.topic, partition: t.partition, currentReplicas: view.topics.get(t.topic)?.[t.partition] ?? [], targetReplicas: t.replicas, done: true };
    });
    const ongoing = running.length > 0;
    const cleared = ongoing || preserveThrottles ? null : await clearThrottles(conn, view, targets);
    return { states, ongoing, cleared };
  });
}

async function clearThrottles(conn: KafkaConnection, view: ClusterView, targets: readonly PartitionTarget[]): Promise<{ brokers: number[]; topics: string[] }> {
  const brokers = [...new Set([...view.brokers, ...targets.flatMap((t) => t.replicas)])].sort((a, b) => a - b);
  const topics = [...new Set(targets.map((t) => t.topic))].sort();
  const del = (names: string[]) => names.map((name) => ({ name, configOperation: 1, value: null }));
  const alter = async (resources: Array<{ resourceType: number; resourceName: string; configs: ReturnType<typeof del> }>) => {
    const res = await conn.send(ApiKey.IncrementalAlterConfigs, 1, { resources, validateOnly: false });
    const failed = res.responses.find((r) => r.errorCode !== ErrorCode.NONE);
    if (failed) throw kafkaError(failed.errorCode, failed.errorMessage);
  };
  await alter(brokers.map((id) => ({ resourceType: 4, resourceName: String(id), configs: del(BROKER_THROTTLES) })));
  await alter(topics.map((name) => ({ resourceType: 2, resourceName: name, configs: del(TOPIC_THROTTLES) })));
  return { brokers, topics };
}

export interface CancelResult {
  cancelled: Array<{ topic: string; partition: number }>;
  cleared: { brokers: number[]; topics: string[] } | null;
  errors: Array<{ topic: string; partition: number; message: string }>;
}

/** --cancel: reverts the running reassignments of the partitions in the file. */
export async function cancelReassignment(options: KafkaConnectOptions, reassignmentJson: string, preserveThrottles: boolean): Promise<CancelResult> {
  const targets = parseReassignment(reassignmentJson, { forExecute: false });
  return withConnection(options, async (conn) => {
    const running = (await listReassignments(conn, targets)).filter((r) => r.addingReplicas.length > 0 || r.removingReplicas.length > 0);
    let errors: CancelResult['errors'] = [];
    if (running.length > 0) {
      const byTopic = new Map<string, number[]>();
      for (const r of running) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r.partition]);
      const res = await conn.send(ApiKey.AlterPartitionReassignments, 0, {
        timeoutMs: options.requestTimeoutMs ?? 30_000,
        topics: [...byTopic].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex, replicas: null })) })),
      });
      if (res.errorCode !== ErrorCode.NONE) throw kafkaError(res.errorCode, res.errorMessage);
      errors = res.responses.flatMap((t) =>
        t.partitions.filter((p) => p.errorCode !== ErrorCode.NONE).map((p) => ({ topic: t.name, partition: p.partitionIndex, message: p.errorMessage ?? errorName(p.errorCode) })),
      );
    }
    const cancelled = running.map((r) => ({ topic: r.topic, partition: r.partition }));
    if (errors.length > 0) return { cancelled, cleared: null, errors };
    const cleared = preserveThrottles ? null : await clearThrottles(conn, await clusterView(conn), targets);
    return { cancelled, cleared, errors };
  });
}

/** --list: every reassignment in progress. */
export function listPartitionReassignments(options: KafkaConnectOptions): Promise<PartitionReassignmentView[]> {
  return withConnection(options, (conn) => listReassignments(conn));
}
