// Data of the dashboard's detail views, read through the engine clients the CLI commands use:
// a topic's partitions (AdminClient.describeTopics/listOffsets, as `topics describe`) with a
// live tail of its records (PartitionFetcher, as `consume`); a group's members and offsets
// (AdminClient, as `groups describe`) with its lag in time (now minus the timestamp of the next
// record to consume); a topology (TopologyClient, as `topology describe`) with its graph,
// errors and worker logs; a broker's process CPU and memory (/proc).
// Concurrency: one call per view at a time (the app's poll loop); close() once at the end.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AdminClient } from '../engine/client/admin-client.js';
import type { KafkaConnectOptions } from '../engine/client/client-options.js';
import { timeLagFromNowMs } from '../engine/client/consumer-lag.js';
import type { MemberView, PartitionOffsetRow } from '../engine/client/groups-format.js';
import type { ConsumedRecord } from '../engine/client/message-formatter.js';
import { PartitionFetcher } from '../engine/client/partition-fetcher.js';
import type { TopologyDetail, TopologyVisualization } from '../engine/runtime/nimbus/api-types.js';
import type { TopologyClient } from '../engine/runtime/topology-client.js';
import { cpuPercent, type ProcessSample, sampleProcess } from './process-stats.js';

export interface TopicPartitionDetail {
  partition: number;
  leader: number | null;
  replicas: number[];
  isr: number[];
  logStartOffset: bigint | null;
  logEndOffset: bigint | null;
  /** Bytes of the leader's log on disk (local cluster only). */
  sizeBytes: number | null;
}

export interface TopicDetailData {
  topic: string;
  partitions: TopicPartitionDetail[];
  /** Latest records first. */
  tail: ConsumedRecord[];
  tailError: string | null;
  takenAtMs: number;
}

export interface GroupPartitionDetail extends PartitionOffsetRow {
  /** Now minus the timestamp of the next record to consume; 0 when caught up. */
  timeLagMs: number | null;
}

export interface GroupDetailData {
  group: string;
  state: string | null;
  members: MemberView[];
  partitions: GroupPartitionDetail[];
  takenAtMs: number;
}

export interface TopologyDetailData {
  detail: TopologyDetail;
  graph: TopologyVisualization | null;
  /** Last lines of each worker's log. */
  logs: Array<{ worker: string; lines: string[] }>;
  takenAtMs: number;
}

export interface BrokerProcessData {
  cpuPercent: number | null;
  rssBytes: number | null;
}

export interface DetailSources {
  topic(topic: string): Promise<TopicDetailData>;
  group(group: string): Promise<GroupDetailData>;
  topology(name: string): Promise<TopologyDetailData>;
  brokerProcess(pid: number | null): BrokerProcessData;
  close(): Promise<void>;
}

/** Records kept per topic tail. */
export const TAIL_RECORDS = 200;
/** Records shown from before the moment a tail opens, per partition. */
const TAIL_BACKLOG = 10n;

/** The last `maxLines` lines of a file (reads at most 16 KiB from its end); [] when unreadable. */
export function readLastLines(file: string, maxLines: number): string[] {
  try {
    const size = statSync(file).size;
    const length = Math.min(size, 16 * 1024);
    const buf = Buffer.alloc(length);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buf, 0, length, size - length);
    } finally {
      closeSync(fd);
    }
    const lines = buf.toString('utf8').split('\n').filter((l) => l !== '');
    if (length < size) lines.shift(); // a partial first line
    return lines.slice(-maxLines);
  } catch {
    return [];
  }
}

/** Bytes of the files in a directory; null when it does not exist. */
function dirBytes(dir: string): number | null {
  try {
    return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  } catch {
    return null;
  }
}

export interface EngineDetailDeps {
  kafka: () => KafkaConnectOptions;
  topologies: TopologyClient;
  clusterDir: string | null;
  now?: () => number;
}

export class EngineDetailSources implements DetailSources {
  readonly #deps: EngineDetailDeps;
  #fetcher: PartitionFetcher | undefined;
  // Its own admin client: @platformatic/kafka's metadata cache can lose a topic when requests
  // for different topic lists overlap on one client (and then throws out of a socket callback).
  #admin: AdminClient | undefined;
  /** Per topic: next offset per partition and the records read so far (newest last). */
  readonly #tails = new Map<string, { positions: Map<number, bigint>; records: ConsumedRecord[] }>();
  readonly #samples = new Map<number, ProcessSample>();

  constructor(deps: EngineDetailDeps) {
    this.#deps = deps;
  }

  #now(): number {
    return this.#deps.now?.() ?? Date.now();
  }

  #adminClient(): AdminClient {
    this.#admin ??= AdminClient.open(this.#deps.kafka());
    return this.#admin;
  }

  #fetch(): PartitionFetcher {
    this.#fetcher ??= PartitionFetcher.open(this.#deps.kafka());
    return this.#fetcher;
  }

  async topic(topic: string): Promise<TopicDetailData> {
    const admin = this.#adminClient();
    const described = await admin.describeTopics({ topic });
    const t = described.topics.find((x) => x.topic === topic);
    if (!t) throw new Error(`Topic '${topic}' does not exist`);
    const tps = t.partitions.map((p) => ({ topic, partition: p.partition }));
    const starts = await admin.listOffsets(tps, 'earliest');
    const ends = await admin.listOffsets(tps, 'latest');
    const dir = this.#deps.clusterDir;
    const partitions = t.partitions.map((p) => ({
      partition: p.partition,
      leader: p.leader,
      replicas: p.replicas,
      isr: p.isr,
      logStartOffset: starts.get(`${topic}:${p.partition}`) ?? null,
      logEndOffset: ends.get(`${topic}:${p.partition}`) ?? null,
      sizeBytes: dir && p.leader !== null && p.leader >= 0 ? dirBytes(join(dir, `broker-${p.leader}`, `${topic}-${p.partition}`)) : null,
    }));
    let tailError: string | null = null;
    const tail = await this.#tail(topic, partitions).catch((e: unknown) => {
      tailError = e instanceof Error ? e.message : String(e);
      return this.#tails.get(topic)?.records ?? [];
    });
    return { topic, partitions, tail: [...tail].reverse(), tailError, takenAtMs: this.#now() };
  }

  async #tail(topic: string, partitions: TopicPartitionDetail[]): Promise<ConsumedRecord[]> {
    let state = this.#tails.get(topic);
    if (!state) {
      const positions = new Map<number, bigint>();
      for (const p of partitions) {
        const end = p.logEndOffset ?? 0n;
        const start = p.logStartOffset ?? 0n;
        positions.set(p.partition, end - TAIL_BACKLOG > start ? end - TAIL_BACKLOG : start);
      }
      state = { positions, records: [] };
      this.#tails.set(topic, state);
    }
    const wanted = [...state.positions].filter(([p, offset]) => {
      const end = partitions.find((x) => x.partition === p)?.logEndOffset;
      return end !== null && end !== undefined && offset < end;
    });
    if (wanted.length === 0) return state.records;
    const results = await this.#fetch().fetch(
      wanted.map(([partition, offset]) => ({ topic, partition, offset })),
      { maxWaitMs: 0, partitionMaxBytes: 256 * 1024, maxBytes: 1024 * 1024 },
    );
    for (const r of results) {
      if (r.error === 'OFFSET_OUT_OF_RANGE') state.positions.set(r.partition, r.logStartOffset);
      if (r.error) continue;
      state.records.push(...r.records);
      state.positions.set(r.partition, r.nextOffset);
    }
    state.records.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
    if (state.records.length > TAIL_RECORDS) state.records.splice(0, state.records.length - TAIL_RECORDS);
    return state.records;
  }

  async group(group: string): Promise<GroupDetailData> {
    const admin = this.#adminClient();
    const offsets = await admin.describeGroupOffsets([group]);
    const members = await admin.describeGroupMembers([group]);
    const view = offsets.find((v) => v.group === group);
    const nowMs = this.#now();
    const rows = (view?.rows ?? []).filter((r) => r.topic !== null);
    const partitions = await Promise.all(
      rows.map(async (r): Promise<GroupPartitionDetail> => {
        let next: bigint | null = null;
        if (r.lag !== null && r.lag > 0n && r.currentOffset !== null) next = await this.#fetch().recordTimestamp(r.topic!, r.partition!, r.currentOffset).catch(() => null);
        return { ...r, timeLagMs: timeLagFromNowMs(r.lag, next, nowMs) };
      }),
    );
    const m = members.find((v) => v.group === group);
    return { group, state: view?.state ?? m?.state ?? null, members: m?.members ?? [], partitions, takenAtMs: nowMs };
  }

  async topology(name: string): Promise<TopologyDetailData> {
    const client = this.#deps.topologies;
    const [detail, graph, files] = await Promise.all([
      client.describe(name),
      client.visualization(name).catch(() => null),
      client.workerLogFiles(name).catch(() => []),
    ]);
    const logs = files.map((f) => ({ worker: `${f.workerId}:${f.port}`, lines: readLastLines(f.logFile, 20) }));
    return { detail, graph, logs, takenAtMs: this.#now() };
  }

  brokerProcess(pid: number | null): BrokerProcessData {
    if (pid === null) return { cpuPercent: null, rssBytes: null };
    const sample = sampleProcess(pid, this.#now());
    const before = this.#samples.get(pid);
    if (sample) this.#samples.set(pid, sample);
    return { cpuPercent: cpuPercent(before, sample), rssBytes: sample?.rssBytes ?? null };
  }

  async close(): Promise<void> {
    const [f, a] = [this.#fetcher, this.#admin];
    this.#fetcher = undefined;
    this.#admin = undefined;
    await Promise.all([f?.close(), a?.close()]);
  }
}
