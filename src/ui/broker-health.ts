// Broker rows and the health line of the dashboard, kept consistent with each other: a broker
// whose process is down (local cluster) or that left Metadata (--bootstrap-server) is down in
// the table AND in the health (nodes down, healthy false), at every refresh — Metadata keeps
// listing a killed broker until the controller fences it, and the process table knows sooner.
// Pure functions over `cluster status` and describe results; no I/O.
import type { ClusterHealth, ClusterStatus } from '../engine/cluster/local-cluster.js';
import type { TopicDescription } from '../engine/client/topics-format.js';

export interface BrokerRow {
  broker: number;
  /** null when only the broker id is known (remote cluster without metadata for it). */
  host: string | null;
  port: number | null;
  up: boolean;
  /** Process status from the local cluster (running, crashed, killed, stopped...); 'gone' for a remote broker that left Metadata; null otherwise. */
  processStatus: string | null;
  /** Partitions this broker leads. */
  leaders: number;
  /** This broker is the controller named in Metadata. */
  controller: boolean;
  /** OS process id (local cluster, running process), for CPU and memory. */
  pid?: number | null;
}

export interface BrokersView {
  /** Local cluster id, when the dashboard watches a local cluster. */
  clusterId: string | null;
  /** The local controller process, when there is one. */
  controller: { host: string; port: number; status: string } | null;
  brokers: BrokerRow[];
  /** `cluster status`'s health overview; null when no broker answered Metadata. */
  health: ClusterHealth | null;
}

/** A broker known from an earlier Metadata answer (remote clusters). */
export interface KnownBroker {
  broker: number;
  host: string;
  port: number;
}

/** The health with every down row counted as a down node (and unhealthy because of it). */
export function reconcileHealth(health: ClusterHealth, rows: readonly BrokerRow[]): ClusterHealth {
  const down = new Set(health.nodesDown);
  for (const r of rows) if (!r.up) down.add(r.broker);
  const nodesDown = [...down].sort((a, b) => a - b);
  const allNodes = [...new Set([...health.allNodes, ...rows.map((r) => r.broker)])].sort((a, b) => a - b);
  const reasons = [...health.unhealthyReasons];
  if (nodesDown.length > 0 && !reasons.includes('nodes_down')) reasons.unshift('nodes_down');
  return { ...health, allNodes, nodesDown, unhealthyReasons: reasons, healthy: reasons.length === 0 };
}

/** Broker rows of a local cluster from `cluster status` (processes + Metadata health). */
export function brokersFromStatus(status: ClusterStatus): BrokersView {
  if (status.state === 'not-started') throw new Error(`No cluster in ${status.dir}. Start one with \`streamctl cluster start\`.`);
  if (!status.running) throw new Error(`The local cluster in ${status.dir} is ${status.state}.`);
  const health = status.health;
  const controller = status.processes.find((p) => p.kind === 'controller');
  const brokers = status.processes
    .filter((p) => p.kind === 'broker')
    .map((p): BrokerRow => {
      const id = p.id ?? -1;
      const answering = health ? !health.nodesDown.includes(id) && health.allNodes.includes(id) : false;
      const up = p.status === 'running' && (health === null ? false : answering);
      return {
        broker: id,
        host: p.host,
        port: p.port,
        up,
        processStatus: p.status,
        // A dead process leads nothing, whatever stale Metadata says.
        leaders: up ? (health?.leaderCounts[String(id)] ?? 0) : 0,
        controller: health?.controllerId === id,
        pid: p.pid,
      };
    })
    .sort((a, b) => a.broker - b.broker);
  return {
    clusterId: status.clusterId,
    controller: controller ? { host: controller.host, port: controller.port, status: controller.status } : null,
    brokers,
    health: health ? reconcileHealth(health, brokers) : null,
  };
}

/**
 * Broker rows of a remote cluster, from topic metadata (ids, addresses, leader counts).
 * `known` brokers (seen in earlier answers) that are no longer in Metadata stay as 'gone'.
 */
export function brokersFromTopics(
  topics: TopicDescription[],
  liveBrokers: number[],
  addresses: ReadonlyArray<{ broker: number; host: string; port: number }> = [],
  known: readonly KnownBroker[] = [],
): BrokersView {
  const leaders = new Map<number, number>(liveBrokers.map((id) => [id, 0]));
  for (const k of known) if (!leaders.has(k.broker)) leaders.set(k.broker, 0);
  const leaderless: string[] = [];
  const underReplicated: string[] = [];
  let partitions = 0;
  for (const t of topics) {
    for (const p of t.partitions) {
      partitions++;
      if (p.leader === null || p.leader < 0) leaderless.push(`${t.topic}/${p.partition}`);
      else leaders.set(p.leader, (leaders.get(p.leader) ?? 0) + 1);
      if (p.isr.length < p.replicas.length) underReplicated.push(`${t.topic}/${p.partition}`);
    }
  }
  const ids = [...leaders.keys()].sort((a, b) => a - b);
  const reasons = [...(leaderless.length ? ['leaderless_partitions'] : []), ...(underReplicated.length ? ['under_replicated_partitions'] : [])];
  const rows = ids.map((id): BrokerRow => {
    const a = addresses.find((x) => x.broker === id) ?? known.find((x) => x.broker === id);
    const up = liveBrokers.includes(id);
    const gone = !up && known.some((k) => k.broker === id);
    return { broker: id, host: a?.host ?? null, port: a?.port ?? null, up, processStatus: gone ? 'gone' : null, leaders: leaders.get(id) ?? 0, controller: false };
  });
  const health: ClusterHealth = {
    healthy: reasons.length === 0,
    unhealthyReasons: reasons,
    controllerId: -1,
    allNodes: ids,
    nodesDown: [],
    leaderCounts: Object.fromEntries([...leaders].map(([id, n]) => [String(id), n])),
    leaderlessPartitions: leaderless,
    underReplicatedPartitions: underReplicated,
    topics: topics.length,
    partitions,
  };
  return { clusterId: null, controller: null, brokers: rows, health: reconcileHealth(health, rows) };
}
