// Keeps the latest heartbeat of every worker and turns the per-executor cumulative counters
// into per-component and per-topology figures with Storm's meanings, for two windows:
// all time and the last 10 minutes (600 s). Worker counters start from zero in every
// worker process, so nimbus keeps the all-time totals across incarnations: a worker that
// restarts (new pid) or goes silent has its last counters folded into a retired total, and
// so has an executor whose counters went down or that vanished while the pid stayed (a
// reset per executor), so all-time counts never go backwards. snapshot()/restore() carry
// the totals over a nimbus restart (nimbus saves them in its store): the last counters of
// every worker are restored as retired, and given back when the same process heartbeats.
// Latency means combine exactly (sum/count); percentiles combine approximately over live
// executors (p50: count-weighted mean of p50s, p99/max: the largest). Single-threaded.
import type { Clock } from '../../common/clock.js';
import { systemClock } from '../../common/clock.js';
import type { ExecutorStats, LatencyStats, WorkerHeartbeat } from '../contracts.js';

export type StatsWindow = 'all-time' | '600';

export const WINDOW_MS = 600_000;

interface LatencyTotals {
  count: number;
  sumMs: number;
}

/** Additive counters of one component. */
export interface Counts {
  emitted: number;
  transferred: number;
  acked: number;
  failed: number;
  executed: number;
  complete: LatencyTotals;
  execute: LatencyTotals;
  process: LatencyTotals;
  /** Per stream. */
  emittedByStream: Record<string, number>;
  transferredByStream: Record<string, number>;
}

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ComponentMetrics {
  component: string;
  kind: ExecutorStats['kind'];
  emitted: number;
  transferred: number;
  acked: number;
  failed: number;
  executed: number;
  emittedByStream: Record<string, number>;
  transferredByStream: Record<string, number>;
  completeLatency: LatencySummary;
  executeLatency: LatencySummary;
  processLatency: LatencySummary;
  /** Largest capacity over the component's live executors (Storm shows the max). */
  capacity: number;
}

/** What snapshot() returns and restore() takes (plain JSON data). */
export interface MetricsSnapshot {
  retired: Array<[string, Counts]>;
  kinds: Array<[string, ExecutorStats['kind']]>;
  /** Last heartbeat of each worker that was live. */
  live: WorkerHeartbeat[];
  /** Last heartbeat of workers already folded into `retired` for silence. */
  silent: WorkerHeartbeat[];
}

export interface WorkerLive {
  heartbeat: WorkerHeartbeat;
  receivedMs: number;
}

interface TopologyMetrics {
  workers: Map<string, WorkerLive>;
  retired: Map<string, Counts>;
  /** Last heartbeat of workers folded into `retired` for silence, by worker id (they may come back). */
  silent: Map<string, WorkerHeartbeat>;
  kinds: Map<string, ExecutorStats['kind']>;
  samples: Array<{ atMs: number; totals: Map<string, Counts> }>;
}

const SAMPLE_EVERY_MS = 5_000;

function emptyCounts(): Counts {
  return {
    emitted: 0,
    transferred: 0,
    acked: 0,
    failed: 0,
    executed: 0,
    complete: { count: 0, sumMs: 0 },
    execute: { count: 0, sumMs: 0 },
    process: { count: 0, sumMs: 0 },
    emittedByStream: {},
    transferredByStream: {},
  };
}

const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);

function addLatency(into: LatencyTotals, l: LatencyStats | undefined, sign = 1): void {
  if (!l) return;
  into.count += sign * l.count;
  into.sumMs += sign * l.count * l.meanMs;
}

function addStreams(into: Record<string, number>, from: Record<string, number>, sign = 1): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + sign * v;
}

function addExecutor(into: Counts, e: ExecutorStats): void {
  into.emitted += sum(e.emitted);
  into.transferred += sum(e.transferred);
  into.acked += e.acked;
  into.failed += e.failed;
  into.executed += e.executed;
  addLatency(into.complete, e.completeLatency);
  addLatency(into.execute, e.executeLatency);
  addLatency(into.process, e.processLatency);
  addStreams(into.emittedByStream, e.emitted);
  addStreams(into.transferredByStream, e.transferred);
}

function addCounts(into: Counts, from: Counts, sign = 1): void {
  into.emitted += sign * from.emitted;
  into.transferred += sign * from.transferred;
  into.acked += sign * from.acked;
  into.failed += sign * from.failed;
  into.executed += sign * from.executed;
  for (const k of ['complete', 'execute', 'process'] as const) {
    into[k].count += sign * from[k].count;
    into[k].sumMs += sign * from[k].sumMs;
  }
  addStreams(into.emittedByStream, from.emittedByStream, sign);
  addStreams(into.transferredByStream, from.transferredByStream, sign);
}

function cloneCounts(c: Counts): Counts {
  const copy = emptyCounts();
  addCounts(copy, c);
  return copy;
}

export class MetricsAggregator {
  #clock: Clock;
  #topologies = new Map<string, TopologyMetrics>();

  constructor(options: { clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  #topology(id: string): TopologyMetrics {
    let t = this.#topologies.get(id);
    if (!t) {
      t = { workers: new Map(), retired: new Map(), silent: new Map(), kinds: new Map(), samples: [] };
      this.#topologies.set(id, t);
    }
    return t;
  }

  recordHeartbeat(hb: WorkerHeartbeat): void {
    const t = this.#topology(hb.topologyId);
    let previous = t.workers.get(hb.workerId)?.heartbeat;
    // A worker that went silent and is back (same process): its counters are live again.
    const silent = t.silent.get(hb.workerId);
    if (silent) {
      t.silent.delete(hb.workerId);
      if (silent.pid === hb.pid) {
        this.#retire(t, silent, -1);
        previous = silent;
      }
    }
    if (previous) {
      // Same worker id, new process: the old process's counters are final.
      if (previous.pid !== hb.pid) this.#retire(t, previous);
      else this.#retireResets(t, previous, hb);
    }
    t.workers.set(hb.workerId, { heartbeat: hb, receivedMs: this.#clock.now() });
    for (const e of hb.executors) t.kinds.set(e.component, e.kind);
    this.#sample(t);
  }

  /** Folds workers silent for longer than `timeoutMs` into the retired totals. */
  expireWorkers(timeoutMs: number): void {
    const now = this.#clock.now();
    for (const t of this.#topologies.values()) {
      for (const [id, w] of t.workers) {
        if (now - w.receivedMs > timeoutMs) {
          this.#retire(t, w.heartbeat);
          t.workers.delete(id);
          t.silent.set(id, w.heartbeat);
          if (t.silent.size > 256) t.silent.delete(t.silent.keys().next().value!);
        }
      }
    }
  }

  dropTopology(topologyId: string): void {
    this.#topologies.delete(topologyId);
  }

  /** Live workers (latest heartbeat each) of a topology. */
  workers(topologyId: string): WorkerLive[] {
    return [...(this.#topologies.get(topologyId)?.workers.values() ?? [])];
  }

  /**
   * Same process: an executor whose counters went down (restarted from zero) or that is no
   * longer reported has its previous counters folded into the retired totals.
   */
  #retireResets(t: TopologyMetrics, previous: WorkerHeartbeat, hb: WorkerHeartbeat): void {
    const now = new Map(hb.executors.map((e) => [`${e.component}\u0000${e.startTask}`, e]));
    for (const before of previous.executors) {
      const after = now.get(`${before.component}\u0000${before.startTask}`);
      if (after === undefined || wentDown(before, after)) this.#retireExecutor(t, before);
    }
  }

  #retireExecutor(t: TopologyMetrics, e: ExecutorStats, sign: 1 | -1 = 1): void {
    const c = t.retired.get(e.component) ?? emptyCounts();
    const add = emptyCounts();
    addExecutor(add, e);
    addCounts(c, add, sign);
    t.retired.set(e.component, c);
  }

  /** The totals of a topology as JSON-ready data, to be saved and handed to restore() after a restart. */
  snapshot(topologyId: string): MetricsSnapshot | undefined {
    const t = this.#topologies.get(topologyId);
    if (!t) return undefined;
    return {
      retired: [...t.retired],
      kinds: [...t.kinds],
      live: [...t.workers.values()].map((w) => w.heartbeat),
      silent: [...t.silent.values()],
    };
  }

  /**
   * Seeds a topology's totals from a snapshot (nimbus restarted). The workers that were live
   * count as retired until the same process heartbeats again (then it is live again); a
   * worker that restarted meanwhile stays retired and its new process counts on top.
   */
  restore(topologyId: string, snapshot: MetricsSnapshot): void {
    const t = this.#topology(topologyId);
    t.retired = new Map(snapshot.retired.map(([c, counts]) => [c, cloneCounts(counts)]));
    t.kinds = new Map(snapshot.kinds);
    t.silent = new Map(snapshot.silent.map((hb) => [hb.workerId, hb]));
    for (const hb of snapshot.live) {
      this.#retire(t, hb);
      t.silent.set(hb.workerId, hb);
    }
  }

  /** Folds a worker's last counters into the retired totals (sign -1 takes them back out). */
  #retire(t: TopologyMetrics, hb: WorkerHeartbeat, sign: 1 | -1 = 1): void {
    for (const e of hb.executors) this.#retireExecutor(t, e, sign);
  }

  #totals(t: TopologyMetrics): Map<string, Counts> {
    const totals = new Map<string, Counts>();
    for (const [component, c] of t.retired) totals.set(component, cloneCounts(c));
    for (const w of t.workers.values()) {
      for (const e of w.heartbeat.executors) {
        const c = totals.get(e.component) ?? emptyCounts();
        addExecutor(c, e);
        totals.set(e.component, c);
      }
    }
    return totals;
  }

  #sample(t: TopologyMetrics): void {
    const now = this.#clock.now();
    const last = t.samples[t.samples.length - 1];
    if (last && now - last.atMs < SAMPLE_EVERY_MS) return;
    t.samples.push({ atMs: now, totals: this.#totals(t) });
    // Keep one sample older than the window as the baseline.
    while (t.samples.length > 1 && t.samples[1]!.atMs <= now - WINDOW_MS) t.samples.shift();
  }

  /** Per-component metrics for a window. */
  componentMetrics(topologyId: string, window: StatsWindow = 'all-time'): Map<string, ComponentMetrics> {
    const t = this.#topologies.get(topologyId);
    const result = new Map<string, ComponentMetrics>();
    if (!t) return result;
    const totals = this.#totals(t);
    if (window === '600') {
      const now = this.#clock.now();
      const baseline = [...t.samples].reverse().find((s) => s.atMs <= now - WINDOW_MS);
      if (baseline) {
        for (const [component, c] of totals) {
          const base = baseline.totals.get(component);
          if (base) addCounts(c, base, -1);
        }
      }
    }
    for (const [component, c] of totals) {
      const live = [...t.workers.values()].flatMap((w) => w.heartbeat.executors.filter((e) => e.component === component));
      result.set(component, {
        component,
        kind: t.kinds.get(component) ?? 'bolt',
        emitted: c.emitted,
        transferred: c.transferred,
        acked: c.acked,
        failed: c.failed,
        executed: c.executed,
        emittedByStream: c.emittedByStream,
        transferredByStream: c.transferredByStream,
        completeLatency: summarize(c.complete, live.map((e) => e.completeLatency)),
        executeLatency: summarize(c.execute, live.map((e) => e.executeLatency)),
        processLatency: summarize(c.process, live.map((e) => e.processLatency)),
        capacity: Math.max(0, ...live.map((e) => e.capacity ?? 0)),
      });
    }
    return result;
  }
}

/** True when any cumulative counter of an executor is lower than before (it restarted from zero). */
function wentDown(before: ExecutorStats, after: ExecutorStats): boolean {
  if (after.acked < before.acked || after.failed < before.failed || after.executed < before.executed) return true;
  if (sum(after.emitted) < sum(before.emitted) || sum(after.transferred) < sum(before.transferred)) return true;
  for (const k of ['completeLatency', 'executeLatency', 'processLatency'] as const) {
    if ((after[k]?.count ?? 0) < (before[k]?.count ?? 0)) return true;
  }
  return false;
}

function summarize(totals: LatencyTotals, live: Array<LatencyStats | undefined>): LatencySummary {
  const present = live.filter((l): l is LatencyStats => l !== undefined && l.count > 0);
  const liveCount = present.reduce((a, l) => a + l.count, 0);
  return {
    count: totals.count,
    meanMs: totals.count > 0 ? totals.sumMs / totals.count : 0,
    p50Ms: liveCount > 0 ? present.reduce((a, l) => a + l.p50Ms * l.count, 0) / liveCount : 0,
    p99Ms: Math.max(0, ...present.map((l) => l.p99Ms)),
    maxMs: Math.max(0, ...present.map((l) => l.maxMs)),
  };
}
