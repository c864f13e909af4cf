// Data behind `streamctl dashboard`: one DashboardSnapshot of the whole cluster (brokers and
// health, topics with log-end offsets and throughput, consumer groups with lag, topologies
// from nimbus), gathered through the engine facades the other commands use (clusterStatus as
// `cluster status`, AdminClient as `topics`/`groups`/`lag`, TopologyClient as `topology`).
// Each source is gathered independently with a deadline: a failing or hanging source becomes
// an error string in its own slot, never a thrown error. No React here; the components only
// ever see a DashboardSnapshot.
// Concurrency: one DashboardPoller per dashboard; poll() must not be called again before the
// previous call settled (useSnapshot guarantees that); close() once at the end.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdminClient, type DescribeTopicsResult } from '../engine/client/admin-client.js';
import type { KafkaConnectOptions } from '../engine/client/client-options.js';
import type { GroupLag } from '../engine/client/consumer-lag.js';
import type { GroupState } from '../engine/client/groups-format.js';
import type { TopicDescription } from '../engine/client/topics-format.js';
import { type ClusterStatus, clusterStatus } from '../engine/cluster/local-cluster.js';
import { type BrokersView, brokersFromStatus, brokersFromTopics, type KnownBroker } from './broker-health.js';

export { type BrokerRow, type BrokersView, brokersFromStatus, brokersFromTopics } from './broker-health.js';
import { isStreamctlError } from '../engine/common/errors.js';
import type { TopologyStatus } from '../engine/runtime/contracts.js';
import { TopologyClient } from '../engine/runtime/topology-client.js';

/**
 * One source's result: its data, or why it could not be read. Both are set when only part
 * of the source could be read (e.g. topics without their log-end offsets).
 */
export interface SourceResult<T> {
  data: T | null;
  error: string | null;
}

/** Data read so far plus the error that stopped the rest (becomes a SourceResult with both). */
class PartialResult<T> {
  constructor(
    readonly data: T,
    readonly error: string,
  ) {}
}

export interface TopicRow {
  topic: string;
  partitions: number;
  replicationFactor: number;
  underReplicated: number;
  leaderless: number;
  /** Sum of the partitions' log-end offsets; null when ListOffsets failed. */
  logEndOffset: bigint | null;
  /** Records appended per second since the previous snapshot; null on the first one. */
  messagesPerSec: number | null;
}

export interface GroupRow {
  group: string;
  state: GroupState | null;
  members: number;
  /** Sum of partition lags (log end − committed); null when it could not be computed. */
  totalLag: bigint | null;
  topics: string[];
  /** Sum of committed offsets (log end − lag over the group's topics); null when not all partitions are committed. */
  committedTotal?: bigint | null;
}

/** One partition's metadata and log end, for the topic and broker detail views. */
export interface PartitionRow {
  topic: string;
  partition: number;
  leader: number | null;
  replicas: number[];
  isr: number[];
  logEndOffset: bigint | null;
}

export interface TopologyRow {
  id: string;
  name: string;
  status: TopologyStatus;
  workers: number;
  executors: number;
  tasks: number;
  uptime: string;
  /** All-time topology stats; null when the detail request failed. */
  emitted: number | null;
  acked: number | null;
  failed: number | null;
  /** Mean complete latency in ms as nimbus reports it (a decimal string). */
  completeLatencyMs: string | null;
}

export interface DashboardTarget {
  /** Cluster dir watched for brokers and processes; null with --bootstrap-server. */
  dir: string | null;
  bootstrapServers: string | null;
  nimbusUrl: string;
}

export interface DashboardSnapshot {
  takenAtMs: number;
  target: DashboardTarget;
  brokers: SourceResult<BrokersView>;
  topics: SourceResult<TopicRow[]>;
  groups: SourceResult<GroupRow[]>;
  topologies: SourceResult<TopologyRow[]>;
  /** Every partition of the topics source (empty when it failed). */
  partitions?: PartitionRow[];
}

/** The subset of AdminClient the dashboard reads. */
export type DashboardAdmin = Pick<AdminClient, 'describeTopics' | 'listOffsets' | 'listGroups' | 'describeGroupMembers' | 'groupLag'>;
/** The subset of TopologyClient the dashboard reads. */
export type DashboardTopologies = Pick<TopologyClient, 'list' | 'describe'>;

/** Where each source's data comes from; every function may throw (the error is shown in its panel). */
export interface DashboardSources {
  target: DashboardTarget;
  /** The local cluster's status (`cluster status`); null when watching a remote Kafka cluster. */
  clusterStatus: (() => Promise<ClusterStatus>) | null;
  /** The admin client; throws when no brokers are known (e.g. no local cluster). */
  admin: () => DashboardAdmin;
  topologies: DashboardTopologies;
  /** Why topologies are not available at all (e.g. the local cluster runs without Storm). */
  topologiesUnavailable?: () => string | null;
}

export interface CollectOptions {
  /** The previous snapshot, for throughput. */
  previous?: DashboardSnapshot | null;
  nowMs?: number;
  /** Deadline per source, ms (default 10 s). */
  sourceTimeoutMs?: number;
  /** Brokers seen in earlier Metadata answers (remote cluster): those missing now are shown as gone. */
  knownBrokers?: readonly KnownBroker[];
}

/** Error text shown in a panel: the message, and the hint when there is one. */
export function errorText(error: unknown): string {
  if (isStreamctlError(error) && error.hint) return `${error.message}${/[.!?]$/.test(error.message) ? '' : '.'} ${error.hint}`;
  return error instanceof Error ? error.message : String(error);
}

async function settle<T>(what: string, timeoutMs: number, fn: () => Promise<T | PartialResult<T>>): Promise<SourceResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${Math.round(timeoutMs / 100) / 10} s`)), timeoutMs);
  });
  try {
    const data = await Promise.race([Promise.resolve().then(fn), deadline]);
    if (data instanceof PartialResult) return { data: data.data as T, error: data.error };
    return { data, error: null };
  } catch (error) {
    return { data: null, error: errorText(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Records per second between two log-end totals; null without a usable previous sample. */
export function messagesPerSec(previous: bigint | null | undefined, current: bigint | null, elapsedMs: number): number | null {
  if (previous === null || previous === undefined || current === null || elapsedMs <= 0) return null;
  const delta = current - previous;
  // A deleted and recreated topic (or truncation) moves the end backwards: no meaningful rate.
  if (delta < 0n) return null;
  return Number(delta) / (elapsedMs / 1000);
}

/** Topic rows from a describe result and the latest offsets (`topic:partition` → offset). */
export function topicRows(topics: TopicDescription[], ends: Map<string, bigint> | null, previous: DashboardSnapshot | null | undefined, nowMs: number): TopicRow[] {
  const before = new Map((previous?.topics.data ?? []).map((t) => [t.topic, t.logEndOffset]));
  const elapsedMs = previous ? nowMs - previous.takenAtMs : 0;
  return topics
    .map((t): TopicRow => {
      let logEndOffset: bigint | null = ends ? 0n : null;
      for (const p of t.partitions) {
        const end = ends?.get(`${t.topic}:${p.partition}`);
        if (end === undefined) logEndOffset = null;
        else if (logEndOffset !== null) logEndOffset += end;
      }
      return {
        topic: t.topic,
        partitions: t.partitions.length,
        replicationFactor: t.partitions[0]?.replicas.length ?? 0,
        underReplicated: t.partitions.filter((p) => p.isr.length < p.replicas.length).length,
        leaderless: t.partitions.filter((p) => p.leader === null || p.leader < 0).length,
        logEndOffset,
        messagesPerSec: messagesPerSec(before.get(t.topic), logEndOffset, elapsedMs),
      };
    })
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
}

type TopicsData = { described: DescribeTopicsResult; rows: TopicRow[]; partitions: PartitionRow[] };

/** Partition rows of a describe result with their log ends. */
export function partitionRows(topics: TopicDescription[], ends: Map<string, bigint> | null): PartitionRow[] {
  return topics.flatMap((t) =>
    t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr, logEndOffset: ends?.get(`${t.topic}:${p.partition}`) ?? null })),
  );
}

/** Σ committed offsets of a group: per topic, log end − lag when the group committed every partition. */
export function groupCommittedTotal(lag: GroupLag | undefined, topics: readonly TopicRow[]): bigint | null {
  if (!lag || lag.topics.length === 0) return null;
  let total = 0n;
  for (const t of lag.topics) {
    const row = topics.find((x) => x.topic === t.topic);
    if (!row || row.logEndOffset === null || t.uncommittedPartitions > 0 || t.partitions !== row.partitions) return null;
    total += row.logEndOffset - t.lag;
  }
  return total;
}

/** Topic metadata, then log-end offsets; without offsets the rows still come (partial). */
async function collectTopics(admin: DashboardAdmin, previous: DashboardSnapshot | null | undefined, nowMs: number): Promise<TopicsData | PartialResult<TopicsData>> {
  const described = await admin.describeTopics({ excludeInternal: true });
  const partitions = described.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition })));
  let ends: Map<string, bigint> | null = new Map();
  let offsetsError: string | null = null;
  if (partitions.length > 0) {
    ends = await admin.listOffsets(partitions, 'latest').catch((error: unknown) => {
      offsetsError = `log-end offsets: ${errorText(error)}`;
      return null;
    });
  }
  const data = { described, rows: topicRows(described.topics, ends, previous, nowMs), partitions: partitionRows(described.topics, ends) };
  return offsetsError ? new PartialResult(data, offsetsError) : data;
}

/** Groups, then members and lag; without those the group list still comes (partial). */
async function collectGroups(admin: DashboardAdmin, lagOut: Map<string, GroupLag>): Promise<GroupRow[] | PartialResult<GroupRow[]>> {
  const listed = await admin.listGroups();
  if (listed.length === 0) return [];
  const ids = listed.map((g) => g.group);
  const [membersRun, lagRun] = await Promise.allSettled([admin.describeGroupMembers(ids), admin.groupLag({ groups: ids })]);
  const members = membersRun.status === 'fulfilled' ? membersRun.value : [];
  const lag = lagRun.status === 'fulfilled' ? lagRun.value : [];
  for (const l of lag) lagOut.set(l.group, l);
  const errors = [
    ...(membersRun.status === 'rejected' ? [`members: ${errorText(membersRun.reason)}`] : []),
    ...(lagRun.status === 'rejected' ? [`lag: ${errorText(lagRun.reason)}`] : []),
  ];
  const rows = listed.map((g) => {
    const m = members.find((x) => x.group === g.group);
    const l = lag.find((x) => x.group === g.group);
    return {
      group: g.group,
      state: m?.state ?? g.state,
      members: m?.members.length ?? 0,
      totalLag: l ? l.totalLag : null,
      topics: l ? l.topics.map((t) => t.topic) : [],
    };
  });
  return errors.length > 0 ? new PartialResult(rows, errors.join('; ')) : rows;
}

async function collectTopologies(client: DashboardTopologies): Promise<TopologyRow[]> {
  const { topologies } = await client.list();
  return Promise.all(
    topologies.map(async (t): Promise<TopologyRow> => {
      const detail = await client.describe(t.id).catch(() => null);
      const all = detail?.topologyStats.find((s) => s.window === ':all-time');
      return {
        id: t.id,
        name: t.name,
        status: t.status,
        workers: t.workersTotal,
        executors: t.executorsTotal,
        tasks: t.tasksTotal,
        uptime: t.uptime,
        emitted: all?.emitted ?? null,
        acked: all?.acked ?? null,
        failed: all?.failed ?? null,
        completeLatencyMs: all?.completeLatency ?? null,
      };
    }),
  );
}

/**
 * Gathers one snapshot: every source in parallel, each with its own deadline; errors land
 * in the source's slot. Throughput compares log-end totals with `options.previous`.
 */
export async function collectDashboardSnapshot(sources: DashboardSources, options: CollectOptions = {}): Promise<DashboardSnapshot> {
  const nowMs = options.nowMs ?? Date.now();
  const timeoutMs = options.sourceTimeoutMs ?? 10_000;
  const previous = options.previous;
  // Topics and (for a remote cluster) brokers share one describe.
  const topicsRun = settle('topic metadata', timeoutMs, () => collectTopics(sources.admin(), previous, nowMs));
  const brokersRun: Promise<SourceResult<BrokersView>> = sources.clusterStatus
    ? settle('cluster status', timeoutMs, async () => brokersFromStatus(await sources.clusterStatus!()))
    : topicsRun.then((r) =>
        r.data
          ? { data: brokersFromTopics(r.data.described.topics, r.data.described.liveBrokers, r.data.described.brokerAddresses, options.knownBrokers), error: null }
          : { data: null, error: r.error },
      );
  // (a partial topics result still has the metadata the broker rows need)
  const lagByGroup = new Map<string, GroupLag>();
  const groupsRun = settle('consumer groups', timeoutMs, () => collectGroups(sources.admin(), lagByGroup));
  const unavailable = sources.topologiesUnavailable?.() ?? null;
  const topologiesRun: Promise<SourceResult<TopologyRow[]>> = unavailable
    ? Promise.resolve({ data: null, error: unavailable })
    : settle('nimbus', timeoutMs, () => collectTopologies(sources.topologies));
  const [brokers, topics, groups, topologies] = await Promise.all([brokersRun, topicsRun, groupsRun, topologiesRun]);
  const topicRowsNow = topics.data?.rows ?? [];
  for (const g of groups.data ?? []) g.committedTotal = groupCommittedTotal(lagByGroup.get(g.group), topicRowsNow);
  return {
    takenAtMs: nowMs,
    target: sources.target,
    brokers,
    topics: { data: topics.data?.rows ?? null, error: topics.error },
    groups,
    topologies,
    partitions: topics.data?.partitions ?? [],
  };
}

const NO_STORM = 'This local cluster runs without Storm (no nimbus): start it without --no-storm, or pass --nimbus-url.';

/** True when `<dir>/cluster.json` exists and names no nimbus (a `--no-storm` cluster). */
function localClusterWithoutNimbus(dir: string): boolean {
  try {
    const file = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as { nimbus?: unknown };
    return !file.nimbus;
  } catch {
    return false;
  }
}

export interface DashboardPollerOptions {
  /** Cluster dir of the local cluster (for `cluster status`, brokers and nimbus lookup). */
  dir: string;
  /**
   * Kafka connection options, resolved on first use (so a cluster started after the
   * dashboard is picked up on the next poll); throws when no brokers are known.
   */
  kafka: () => KafkaConnectOptions;
  /** True when the user named the brokers (--bootstrap-server): brokers come from Metadata, not the cluster dir. */
  remoteKafka: boolean;
  /** Explicit nimbus URL (--nimbus-url). */
  nimbusUrl?: string | undefined;
  sourceTimeoutMs?: number;
}

/** Polls the real cluster: opens the clients lazily, remembers the last snapshot for rates. */
export class DashboardPoller {
  readonly #options: DashboardPollerOptions;
  readonly #topologies: TopologyClient;
  #admin: AdminClient | undefined;
  #bootstrapServers: string | null = null;
  #previous: DashboardSnapshot | null = null;
  /** Brokers seen in Metadata so far (remote cluster): one that leaves is shown as gone. */
  readonly #known = new Map<number, KnownBroker>();

  constructor(options: DashboardPollerOptions) {
    this.#options = options;
    this.#topologies = TopologyClient.fromCluster({ dir: options.dir, nimbusUrl: options.nimbusUrl });
  }

  static open(options: DashboardPollerOptions): DashboardPoller {
    return new DashboardPoller(options);
  }

  /** The shared admin client (opened on first use; throws when no brokers are known). */
  admin(): AdminClient {
    return this.#adminClient();
  }

  /** Kafka connection options, as the admin client uses them. */
  kafkaOptions(): KafkaConnectOptions {
    return this.#options.kafka();
  }

  get topologies(): TopologyClient {
    return this.#topologies;
  }

  /** The local cluster dir, or null when the brokers were given with --bootstrap-server. */
  get clusterDir(): string | null {
    return this.#options.remoteKafka ? null : this.#options.dir;
  }

  #adminClient(): AdminClient {
    if (!this.#admin) {
      const kafka = this.#options.kafka();
      this.#admin = AdminClient.open(kafka);
      this.#bootstrapServers = kafka.bootstrapServers.join(',');
    }
    return this.#admin;
  }

  #sources(): DashboardSources {
    const remote = this.#options.remoteKafka;
    return {
      target: { dir: remote ? null : this.#options.dir, bootstrapServers: this.#bootstrapServers, nimbusUrl: this.#topologies.nimbusUrl },
      clusterStatus: remote
        ? null
        : () => clusterStatus(this.#options.dir),
      admin: () => this.#adminClient(),
      topologies: this.#topologies,
      topologiesUnavailable: () => (this.#options.nimbusUrl || !localClusterWithoutNimbus(this.#options.dir) ? null : NO_STORM),
    };
  }

  /** One snapshot of everything; never throws. */
  async poll(): Promise<DashboardSnapshot> {
    const sources = this.#sources();
    const snapshot = await collectDashboardSnapshot(sources, { previous: this.#previous, sourceTimeoutMs: this.#options.sourceTimeoutMs, knownBrokers: [...this.#known.values()] });
    if (this.#options.remoteKafka) {
      for (const b of snapshot.brokers.data?.brokers ?? []) if (b.host !== null && b.port !== null) this.#known.set(b.broker, { broker: b.broker, host: b.host, port: b.port });
    }
    snapshot.target = { ...snapshot.target, bootstrapServers: this.#bootstrapServers };
    this.#previous = snapshot;
    return snapshot;
  }

  async close(): Promise<void> {
    const admin = this.#admin;
    this.#admin = undefined;
    await admin?.close();
  }
}
