// Nimbus's read-only views in the Storm UI REST API's shapes (api-types.ts): cluster,
// supervisor and topology summaries, a topology's workers, its detail with per-component
// metrics, and a component's detail with per-executor stats. Reads nimbus's state through
// NimbusViewSource and never changes it. Single-threaded (nimbus's event loop).
import type { Clock } from '../../common/clock.js';
import { StreamctlError } from '../../common/errors.js';
import type { TopologySpec } from '../../topology/topology-spec.js';
import { describeWindow, windowSettingsOf } from '../../topology/windowing/window-config.js';
import { ACKER_COMPONENT_ID } from '../acker.js';
import { compareIds, slotKey } from '../scheduler.js';
import type {
  BoltSummary,
  ClusterSummary,
  ComponentRowBase,
  ComponentDetail,
  ComponentWindowStats,
  LatencyFields,
  RunningWorker,
  SpoutSummary,
  SupervisorSummary,
  TopologyDetail,
  TopologySummary,
  TopologySummaryRow,
  TopologyVisualization,
  WorkerSummary,
} from './api-types.js';
import { fixed3, prettyUptime } from './format.js';
import type { ComponentMetrics, MetricsAggregator, StatsWindow } from './metrics-aggregator.js';
import type { TopologyRecord, TopologyStore } from './topology-store.js';
import { assignedTasks, workerIdOf } from './worker-assignments.js';

/** What the views read from nimbus. */
export interface NimbusViewSource {
  readonly store: TopologyStore;
  readonly metrics: MetricsAggregator;
  readonly clock: Clock;
  /** Epoch ms nimbus started. */
  readonly startedMs: number;
  /** A worker silent this long no longer counts as alive. */
  readonly workerTimeoutMs: number;
  aliveSupervisors(): Array<{ supervisorId: string; host: string; ports: number[] }>;
  supervisor(id: string): { lastHeartbeatMs: number; uptimeSecs: number; runningWorkers: RunningWorker[] } | undefined;
  getTopology(idOrName: string): TopologyRecord;
}

/** The Storm version nimbus reports (`stormVersion` in the cluster summary). */
export const STORM_VERSION = '2.8.9-streamctl';

export class NimbusViews {
  readonly #s: NimbusViewSource;

  constructor(source: NimbusViewSource) {
    this.#s = source;
  }

  #uptimeSecs(t: TopologyRecord): number {
    return Math.max(0, Math.floor(this.#s.clock.now() / 1000) - t.submittedSecs);
  }

  clusterSummary(): ClusterSummary {
    const supervisors = this.#s.aliveSupervisors();
    const slotsTotal = supervisors.reduce((a, s) => a + s.ports.length, 0);
    const topologies = this.#s.store.listTopologies();
    const slotsUsed = topologies.reduce((a, t) => a + t.assignment.workers.length, 0);
    return {
      stormVersion: STORM_VERSION,
      nimbusUptime: prettyUptime((this.#s.clock.now() - this.#s.startedMs) / 1000),
      nimbusUptimeSeconds: Math.floor((this.#s.clock.now() - this.#s.startedMs) / 1000),
      supervisors: supervisors.length,
      topologies: topologies.length,
      slotsTotal,
      slotsUsed,
      slotsFree: Math.max(0, slotsTotal - slotsUsed),
      executorsTotal: topologies.reduce((a, t) => a + t.assignment.workers.reduce((b, w) => b + w.executors.length, 0), 0),
      tasksTotal: topologies.reduce((a, t) => a + assignedTasks(t.assignment), 0),
      schedulerDisplayResource: false,
    };
  }

  supervisorSummary(): SupervisorSummary {
    const now = this.#s.clock.now();
    const topologies = this.#s.store.listTopologies();
    const supervisors = this.#s.aliveSupervisors().map((s) => {
      const live = this.#s.supervisor(s.supervisorId)!;
      const slotsUsed = topologies.reduce((a, t) => a + t.assignment.workers.filter((w) => w.supervisorId === s.supervisorId).length, 0);
      return {
        id: s.supervisorId,
        host: s.host,
        uptime: prettyUptime(live.uptimeSecs),
        uptimeSeconds: live.uptimeSecs,
        slotsTotal: s.ports.length,
        slotsUsed,
        slotsFree: s.ports.length - slotsUsed,
        slotPorts: s.ports,
        lastHeartbeatMsAgo: now - live.lastHeartbeatMs,
        runningWorkers: live.runningWorkers,
      };
    });
    return { supervisors, schedulerDisplayResource: false };
  }

  topologySummary(): TopologySummary {
    return { topologies: this.#s.store.listTopologies().map((t) => this.#topologyHead(t)), schedulerDisplayResource: false };
  }

  #topologyHead(t: TopologyRecord): TopologySummaryRow {
    const uptimeSeconds = this.#uptimeSecs(t);
    return {
      id: t.id,
      name: t.name,
      status: t.status,
      owner: t.owner,
      uptime: prettyUptime(uptimeSeconds),
      uptimeSeconds,
      tasksTotal: assignedTasks(t.assignment),
      workersTotal: new Set(t.assignment.workers.map(slotKey)).size,
      executorsTotal: t.assignment.workers.reduce((a, w) => a + w.executors.length, 0),
      replicationCount: 1,
      assignmentVersion: t.assignment.version,
      pendingAction: t.pending ? { event: t.pending.event, inSecs: Math.max(0, (t.pending.atMs - this.#s.clock.now()) / 1000) } : null,
    };
  }

  /** Workers of a topology: the assignment joined with the latest heartbeats. */
  topologyWorkers(idOrName: string): WorkerSummary[] {
    const t = this.#s.getTopology(idOrName);
    const live = this.#s.metrics.workers(t.id);
    const now = this.#s.clock.now();
    return t.assignment.workers.map((w) => {
      const workerId = workerIdOf(t.id, w);
      const hb = live.find((l) => l.heartbeat.workerId === workerId);
      const componentNumTasks: Record<string, number> = {};
      for (const e of w.executors) componentNumTasks[e.component] = (componentNumTasks[e.component] ?? 0) + e.endTask - e.startTask + 1;
      return {
        topologyId: t.id,
        topologyName: t.name,
        workerId,
        supervisorId: w.supervisorId,
        host: w.host,
        port: w.port,
        executorsTotal: w.executors.length,
        componentNumTasks,
        executors: w.executors,
        uptime: prettyUptime(hb?.heartbeat.uptimeSecs ?? 0),
        uptimeSeconds: hb?.heartbeat.uptimeSecs ?? 0,
        pid: hb?.heartbeat.pid ?? null,
        logFile: hb?.heartbeat.logFile ?? null,
        assignmentVersion: hb?.heartbeat.assignmentVersion ?? null,
        alive: hb !== undefined && now - hb.receivedMs <= this.#s.workerTimeoutMs,
        lastHeartbeatMsAgo: hb ? now - hb.receivedMs : null,
      };
    });
  }

  topologyDetail(idOrName: string, window: StatsWindow = 'all-time'): TopologyDetail {
    const t = this.#s.getTopology(idOrName);
    const byWindow = (w: StatsWindow) => this.#s.metrics.componentMetrics(t.id, w);
    const metrics = byWindow(window);
    const errors = this.#s.store.listErrors(t.id);
    const rowOf = (c: TopologySpec['components'][number]): { m: ComponentMetrics; common: ComponentRowBase } => {
      const executors = t.assignment.workers.flatMap((w) => w.executors.filter((e) => e.component === c.id));
      const m = metrics.get(c.id) ?? emptyMetrics(c.id, c.kind);
      const lastError = errors.find((e) => e.component === c.id);
      const common: ComponentRowBase = {
        executors: executors.length,
        tasks: Object.values(t.taskToComponent).filter((x) => x === c.id).length,
        emitted: userStreams(m.emittedByStream),
        transferred: userStreams(m.transferredByStream),
        acked: m.acked,
        failed: m.failed,
        lastError: lastError?.error ?? '',
        errorHost: lastError?.host ?? '',
        errorPort: lastError?.port ?? '',
        errorTime: lastError?.timeSecs ?? null,
        errorLapsedSecs: lastError ? Math.floor(this.#s.clock.now() / 1000) - lastError.timeSecs : null,
      };
      return { m, common };
    };
    const spoutView = (c: TopologySpec['components'][number]): SpoutSummary => {
      const { m, common } = rowOf(c);
      return { spoutId: c.id, ...common, ...latencyFields('completeLatency', m) };
    };
    const boltView = (c: TopologySpec['components'][number]): BoltSummary => {
      const { m, common } = rowOf(c);
      const w = windowSettingsOf({ ...t.stormConf, ...c.config });
      return {
        boltId: c.id,
        ...common,
        executed: m.executed,
        ...latencyFields('executeLatency', m),
        ...latencyFields('processLatency', m),
        capacity: fixed3(m.capacity),
        windowing: w === null ? null : describeWindow(w),
        stateful: c.stateful === true,
      };
    };
    const spouts = t.spec.components.filter((c) => c.kind === 'spout').sort((a, b) => compareIds(a.id, b.id));
    const bolts = t.spec.components.filter((c) => c.kind === 'bolt').sort((a, b) => compareIds(a.id, b.id));
    const topologyStats = (['600', 'all-time'] as StatsWindow[]).map((w) => {
      const ms = [...byWindow(w).values()];
      const user = ms.filter((m) => !m.component.startsWith('__'));
      const spoutMs = user.filter((m) => m.kind === 'spout');
      const complete = spoutMs.reduce((a, m) => ({ n: a.n + m.completeLatency.count, s: a.s + m.completeLatency.count * m.completeLatency.meanMs }), { n: 0, s: 0 });
      return {
        windowPretty: w === '600' ? '10m 0s' : 'All time',
        window: w === '600' ? '600' : ':all-time',
        emitted: user.reduce((a, m) => a + userStreams(m.emittedByStream), 0),
        transferred: user.reduce((a, m) => a + userStreams(m.transferredByStream), 0),
        completeLatency: fixed3(complete.n > 0 ? complete.s / complete.n : 0),
        completeLatencyP99: fixed3(Math.max(0, ...spoutMs.map((m) => m.completeLatency.p99Ms))),
        acked: spoutMs.reduce((a, m) => a + m.acked, 0),
        failed: spoutMs.reduce((a, m) => a + m.failed, 0),
      };
    });
    return {
      ...this.#topologyHead(t),
      // Validated as a positive number at submit.
      msgTimeout: t.stormConf['topology.message.timeout.secs'] as number,
      window: window === '600' ? '600' : ':all-time',
      windowHint: window === '600' ? '10m 0s' : 'All time',
      debug: Boolean(t.stormConf['topology.debug']),
      samplingPct: 100,
      topologyStats,
      spouts: spouts.map(spoutView),
      bolts: bolts.map(boltView),
      workers: this.topologyWorkers(t.id),
      taskToComponent: t.taskToComponent,
      configuration: t.stormConf,
    };
  }

  /** Storm's topology visualization data: the component graph with its groupings. */
  topologyVisualization(idOrName: string): TopologyVisualization {
    const t = this.#s.getTopology(idOrName);
    const out: TopologyVisualization = {};
    for (const c of [...t.spec.components].sort((a, b) => compareIds(a.id, b.id))) {
      out[c.id] = {
        ':type': c.kind,
        ':inputs': c.inputs.map((i) => ({ ':component': i.component, ':stream': i.stream, ':sani-stream': i.stream.replace(/[^A-Za-z0-9]/g, '_'), ':grouping': i.grouping.type })),
      };
    }
    return out;
  }

  componentDetail(idOrName: string, componentId: string, window: StatsWindow = 'all-time'): ComponentDetail {
    const t = this.#s.getTopology(idOrName);
    const c = t.spec.components.find((x) => x.id === componentId);
    const isAcker = componentId === ACKER_COMPONENT_ID && t.executorCounts[ACKER_COMPONENT_ID] !== undefined;
    if (!c && !isAcker) {
      const valid = [...t.spec.components.map((x) => x.id)].sort(compareIds).join(', ');
      throw new StreamctlError('NOT_FOUND', `Component '${componentId}' not found in topology ${t.name}; components: ${valid}`);
    }
    const kind = c?.kind ?? 'bolt';
    const m = this.#s.metrics.componentMetrics(t.id, window).get(componentId) ?? emptyMetrics(componentId, kind);
    const live = this.#s.metrics.workers(t.id);
    const executorStats = t.assignment.workers.flatMap((w) =>
      w.executors
        .filter((e) => e.component === componentId)
        .map((e) => {
          const hb = live.find((l) => l.heartbeat.supervisorId === w.supervisorId && l.heartbeat.port === w.port && l.heartbeat.assignmentVersion === t.assignment.version);
          const s = hb?.heartbeat.executors.find((x) => x.component === e.component && x.startTask === e.startTask && x.endTask === e.endTask);
          return {
            id: `[${e.startTask}-${e.endTask}]`,
            host: w.host,
            port: w.port,
            supervisorId: w.supervisorId,
            uptime: prettyUptime(hb?.heartbeat.uptimeSecs ?? 0),
            uptimeSeconds: hb?.heartbeat.uptimeSecs ?? 0,
            emitted: s ? userStreams(s.emitted) : 0,
            transferred: s ? userStreams(s.transferred) : 0,
            acked: s?.acked ?? 0,
            failed: s?.failed ?? 0,
            executed: s?.executed ?? 0,
            completeLatency: fixed3(s?.completeLatency?.meanMs ?? 0),
            executeLatency: fixed3(s?.executeLatency?.meanMs ?? 0),
            processLatency: fixed3(s?.processLatency?.meanMs ?? 0),
            capacity: fixed3(s?.capacity ?? 0),
            workerLogFile: hb?.heartbeat.logFile ?? null,
          };
        }),
    );
    const executors = executorStats.length;
    const tasks = Object.values(t.taskToComponent).filter((x) => x === componentId).length;
    const stats: ComponentWindowStats = {
      window: window === '600' ? '600' : ':all-time',
      windowPretty: window === '600' ? '10m 0s' : 'All time',
      emitted: userStreams(m.emittedByStream),
      transferred: userStreams(m.transferredByStream),
      acked: m.acked,
      failed: m.failed,
      ...(kind === 'spout'
        ? latencyFields('completeLatency', m)
        : {
            executed: m.executed,
            ...latencyFields('executeLatency', m),
            ...latencyFields('processLatency', m),
            capacity: fixed3(m.capacity),
          }),
    };
    const outputStats = Object.keys({ ...m.emittedByStream, ...m.transferredByStream })
      .sort(compareIds)
      .map((stream) => ({ stream, emitted: m.emittedByStream[stream] ?? 0, transferred: m.transferredByStream[stream] ?? 0 }));
    return {
      id: componentId,
      name: t.name,
      componentType: kind === 'spout' ? 'SPOUT' : 'BOLT',
      executors,
      tasks,
      topologyId: t.id,
      topologyStatus: t.status,
      window: stats.window,
      windowHint: stats.windowPretty,
      debug: false,
      samplingPct: 100,
      componentErrors: this.#s.store.listErrors(t.id, componentId).map((e) => ({
        errorTime: e.timeSecs,
        errorHost: e.host,
        errorPort: e.port,
        error: e.error,
        errorLapsedSecs: Math.floor(this.#s.clock.now() / 1000) - e.timeSecs,
      })),
      ...(kind === 'spout' ? { spoutSummary: [stats] } : { boltStats: [stats] }),
      outputStats,
      executorStats,
    };
  }
}

/** Counts on user streams only (Storm hides `__` system streams unless sys=1). */
function userStreams(byStream: Record<string, number>): number {
  return Object.entries(byStream).reduce((a, [s, v]) => (s.startsWith('__') ? a : a + v), 0);
}

/** One of a component's latencies as mean, p50, p99 and max fields. */
function latencyFields<N extends 'completeLatency' | 'executeLatency' | 'processLatency'>(name: N, m: ComponentMetrics): LatencyFields<N> {
  const l = m[name];
  return { [name]: fixed3(l.meanMs), [`${name}P50`]: fixed3(l.p50Ms), [`${name}P99`]: fixed3(l.p99Ms), [`${name}Max`]: fixed3(l.maxMs) } as LatencyFields<N>;
}

function emptyMetrics(component: string, kind: ComponentMetrics['kind']): ComponentMetrics {
  const z = { count: 0, meanMs: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 };
  return {
    component,
    kind,
    emitted: 0,
    transferred: 0,
    acked: 0,
    failed: 0,
    executed: 0,
    emittedByStream: {},
    transferredByStream: {},
    completeLatency: z,
    executeLatency: z,
    processLatency: z,
    capacity: 0,
  };
}

