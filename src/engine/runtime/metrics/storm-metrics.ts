// Prometheus metrics of the Storm side, with Storm's metric names (metrics v2 built-ins and
// cluster metrics) made Prometheus-safe: `__emit-count` → storm_emit_count_total,
// `__complete-latency` → storm_complete_latency_ms{quantile}, `__capacity` → storm_capacity,
// `cluster:num-supervisors` → storm_cluster_num_supervisors, ... Workers export one series
// per executor labelled topology, component and task (the executor's task, or its task range
// "3-4" when it runs several), plus stream for emit/transfer counts; nimbus exports the
// cluster and per-topology summary. Read from snapshots when scraped; nothing on the tuple
// path. Single-threaded.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ExecutorStats, LatencyStats } from '../contracts.js';
import type { ClusterSummary, TopologySummaryRow } from '../nimbus/api-types.js';

const LATENCY_QUANTILES: ReadonlyArray<[string, keyof LatencyStats]> = [
  ['0.5', 'p50Ms'],
  ['0.99', 'p99Ms'],
  ['1', 'maxMs'],
];

function taskLabel(e: ExecutorStats): string {
  return e.startTask === e.endTask ? String(e.startTask) : `${e.startTask}-${e.endTask}`;
}

/** Executor metrics of one worker; `stats` is the worker's current snapshot. */
export function registerWorkerMetrics(registry: Registry, topology: string, stats: () => ExecutorStats[]): void {
  const registers = [registry];
  // One snapshot per scrape, shared by every metric (a scrape collects them in turn).
  let cached: { at: number; stats: ExecutorStats[] } | undefined;
  const snapshot = () => {
    const now = Date.now();
    if (!cached || now - cached.at > 200) cached = { at: now, stats: stats().filter((e) => e.kind === 'spout' || e.kind === 'bolt' || e.kind === 'acker') };
    return cached.stats;
  };
  const base = (e: ExecutorStats) => ({ topology, component: e.component, task: taskLabel(e) });
  const streamCounter = (name: string, help: string, pick: (e: ExecutorStats) => Record<string, number>) =>
    new Counter({
      name,
      help,
      labelNames: ['topology', 'component', 'task', 'stream'],
      registers,
      collect() {
        this.reset();
        for (const e of snapshot()) for (const [stream, n] of Object.entries(pick(e))) this.inc({ ...base(e), stream }, n);
      },
    });
  streamCounter('storm_emit_count_total', 'Tuples emitted, by stream (Storm __emit-count).', (e) => e.emitted);
  streamCounter('storm_transfer_count_total', 'Tuples sent to tasks, by stream; one emit to N tasks counts N (Storm __transfer-count).', (e) => e.transferred);
  const counter = (name: string, help: string, pick: (e: ExecutorStats) => number | undefined) =>
    new Counter({
      name,
      help,
      labelNames: ['topology', 'component', 'task'],
      registers,
      collect() {
        this.reset();
        for (const e of snapshot()) {
          const v = pick(e);
          if (v !== undefined) this.inc(base(e), v);
        }
      },
    });
  counter('storm_ack_count_total', 'Spouts: tuple trees fully acked; bolts: tuples acked (Storm __ack-count).', (e) => e.acked);
  counter('storm_fail_count_total', 'Tuples failed or timed out (Storm __fail-count).', (e) => e.failed);
  counter('storm_execute_count_total', 'Bolts: tuples executed (Storm __execute-count).', (e) => (e.kind === 'spout' ? undefined : e.executed));
  const latency = (name: string, storm: string, pick: (e: ExecutorStats) => LatencyStats | undefined) => {
    new Gauge({
      name,
      help: `${storm} in ms (sampled, since the executor started), by quantile; quantile 1 is the maximum.`,
      labelNames: ['topology', 'component', 'task', 'quantile'],
      registers,
      collect() {
        this.reset();
        for (const e of snapshot()) {
          const l = pick(e);
          if (l) for (const [quantile, key] of LATENCY_QUANTILES) this.set({ ...base(e), quantile }, l[key]);
        }
      },
    });
    new Gauge({
      name: `${name}_mean`,
      help: `Mean ${storm} in ms (sampled).`,
      labelNames: ['topology', 'component', 'task'],
      registers,
      collect() {
        this.reset();
        for (const e of snapshot()) {
          const l = pick(e);
          if (l) this.set(base(e), l.meanMs);
        }
      },
    });
  };
  latency('storm_complete_latency_ms', 'Spout complete latency (Storm __complete-latency)', (e) => e.completeLatency);
  latency('storm_execute_latency_ms', 'Bolt execute latency (Storm __execute-latency)', (e) => e.executeLatency);
  latency('storm_process_latency_ms', 'Bolt process latency (Storm __process-latency)', (e) => e.processLatency);
  new Gauge({
    name: 'storm_capacity',
    help: 'Bolt capacity over the last 10 s: executed x mean execute latency / window; near 1 means saturated (Storm __capacity).',
    labelNames: ['topology', 'component', 'task'],
    registers,
    collect() {
      this.reset();
      for (const e of snapshot()) if (e.capacity !== undefined) this.set(base(e), e.capacity);
    },
  });
}

/** Nimbus's cluster and topology summary (Storm's cluster:* metrics). */
export function registerNimbusMetrics(registry: Registry, source: { cluster: () => ClusterSummary; topologies: () => TopologySummaryRow[] }): void {
  const registers = [registry];
  const clusterGauge = (name: string, help: string, pick: (c: ClusterSummary) => number) =>
    new Gauge({ name: `storm_cluster_${name}`, help, registers, collect() { this.set(pick(source.cluster())); } });
  clusterGauge('num_supervisors', 'Live supervisors (cluster:num-supervisors).', (c) => c.supervisors);
  clusterGauge('num_topologies', 'Topologies (cluster:num-topologies).', (c) => c.topologies);
  clusterGauge('total_slots', 'Worker slots of live supervisors (cluster:total-slots).', (c) => c.slotsTotal);
  clusterGauge('used_slots', 'Worker slots in use (cluster:used-slots).', (c) => c.slotsUsed);
  clusterGauge('free_slots', 'Free worker slots (cluster:free-slots).', (c) => c.slotsFree);
  clusterGauge('num_executors', 'Executors of every topology (cluster:num-executors).', (c) => c.executorsTotal);
  clusterGauge('num_tasks', 'Tasks of every topology (cluster:num-tasks).', (c) => c.tasksTotal);
  const topologyGauge = (name: string, help: string, pick: (t: TopologySummaryRow) => number) =>
    new Gauge({
      name: `storm_topology_${name}`,
      help,
      labelNames: ['topology'],
      registers,
      collect() {
        this.reset();
        for (const t of source.topologies()) this.set({ topology: t.name }, pick(t));
      },
    });
  topologyGauge('num_workers', 'Workers of the topology.', (t) => t.workersTotal);
  topologyGauge('num_executors', 'Executors of the topology.', (t) => t.executorsTotal);
  topologyGauge('num_tasks', 'Tasks of the topology.', (t) => t.tasksTotal);
  topologyGauge('uptime_secs', 'Seconds since the topology was submitted.', (t) => t.uptimeSeconds);
  new Gauge({
    name: 'storm_topology_status',
    help: '1 for the topology\'s current status (ACTIVE, INACTIVE, REBALANCING, KILLED).',
    labelNames: ['topology', 'status'],
    registers,
    collect() {
      this.reset();
      for (const t of source.topologies()) this.set({ topology: t.name, status: t.status }, 1);
    },
  });
}
