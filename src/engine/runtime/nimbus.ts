// Nimbus: the topology master. Owns topology state (SQLite via TopologyStore), the bundle
// store, Storm's status state machine with delayed KILL/REBALANCE actions, the even
// scheduler's assignments (recomputed when supervisors come and go), supervisor and worker
// heartbeats and the metrics views served by the REST API. Restart-safe: everything needed
// to continue (status, assignment + version, pending actions with their due time) is in
// SQLite, so a nimbus killed with -9 comes back and the running workers keep their slots.
// Single-threaded (one event loop); `tick()` runs the timers and is driven by an interval.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeResources, type ResourceFile } from './resources.js';
import type { Clock } from '../common/clock.js';
import { systemClock } from '../common/clock.js';
import { StreamctlError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../common/private-files.js';
import type { Assignment, ComponentError, ExecutorSpec, TopologyStatus, WorkerAssignment, WorkerConfig, WorkerHeartbeat, WorkerHeartbeatResponse } from './contracts.js';
import type { TopologySpec } from '../topology/topology-spec.js';
import { MetricsAggregator, type ComponentMetrics, type MetricsSnapshot, type StatsWindow } from './nimbus/metrics-aggregator.js';
import { fixed3, prettyUptime } from './nimbus/format.js';
import { transition, type TopologyEvent } from './nimbus/topology-state-machine.js';
import { TopologyStore, type RebalanceOptions, type TopologyRecord } from './nimbus/topology-store.js';
import { workerMemoryLimits } from './supervisor/worker-memory.js';
import { ACKER_COMPONENT_ID } from './acker.js';
import { ackerCount, compareIds, computeExecutors, executorCountsOf, scheduleTopology, slotKey, stormTaskInfo } from './scheduler.js';

export const STORM_VERSION = '2.8.9-streamctl';

/** Topology config defaults (Storm's defaults.yaml subset); spec.config and -c override. */
export const TOPOLOGY_DEFAULTS: Record<string, unknown> = {
  'topology.workers': 1,
  'topology.message.timeout.secs': 30,
  'topology.acker.executors': null,
  'topology.max.spout.pending': null,
  'topology.enable.message.timeouts': true,
  'topology.debug': false,
  'topology.tick.tuple.freq.secs': null,
};

/** Storm's topology name rule. */
export const TOPOLOGY_NAME_PATTERN = /^[^/.:\\]+$/;

export interface SubmitRequest {
  name: string;
  spec: TopologySpec;
  /** -c overrides (already parsed values). */
  conf?: Record<string, unknown>;
  bundle: Buffer;
  /** Files of the topology's resources/ folder, written to `<bundle dir>/resources` (the workers' code dir). */
  resources?: ResourceFile[];
  inactive?: boolean;
  owner?: string;
}

/** How often nimbus saves the all-time metric totals (what a nimbus restart can lose at most). */
const METRICS_SAVE_EVERY_MS = 2_000;

export interface SupervisorHeartbeatRequest {
  supervisorId: string;
  host: string;
  slotPorts: number[];
  uptimeSecs: number;
  /** Workers the supervisor currently runs. */
  runningWorkers: Array<{ workerId: string; topologyId: string; port: number; pid: number | null }>;
  /** Errors the supervisor saw for its workers (memory limit kills, out-of-heap deaths) since its last heartbeat. */
  workerErrors?: Array<ComponentError & { topologyId: string; port: number }>;
}

export interface SupervisorHeartbeatResponse {
  /** Every worker this supervisor should run; it stops any other. */
  workers: WorkerConfig[];
}

export interface NimbusOptions {
  dataDir: string;
  /** This nimbus's URL as workers reach it. */
  nimbusUrl: string;
  clock?: Clock;
  logger?: Logger;
  /** A supervisor silent this long is dead and its workers are reassigned. */
  supervisorTimeoutMs?: number;
  /** A worker silent this long no longer counts as running. */
  workerTimeoutMs?: number;
}

interface SupervisorLive {
  host: string;
  slotPorts: number[];
  lastHeartbeatMs: number;
  uptimeSecs: number;
  runningWorkers: SupervisorHeartbeatRequest['runningWorkers'];
}

export class Nimbus {
  #store: TopologyStore;
  #dataDir: string;
  #nimbusUrl: string;
  #clock: Clock;
  #log: Logger;
  #supervisorTimeoutMs: number;
  #workerTimeoutMs: number;
  #metrics: MetricsAggregator;
  #supervisors = new Map<string, SupervisorLive>();
  #startedMs: number;
  #metricsSavedMs: number;

  private constructor(store: TopologyStore, options: NimbusOptions) {
    this.#store = store;
    this.#dataDir = options.dataDir;
    this.#nimbusUrl = options.nimbusUrl;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger;
    this.#supervisorTimeoutMs = options.supervisorTimeoutMs ?? 5_000;
    this.#workerTimeoutMs = options.workerTimeoutMs ?? 5_000;
    this.#metrics = new MetricsAggregator({ clock: this.#clock });
    this.#startedMs = this.#clock.now();
    // All-time totals carry over a nimbus restart (saved by tick()).
    for (const t of store.listTopologies()) {
      const snapshot = store.loadMetrics(t.id) as MetricsSnapshot | undefined;
      if (snapshot) this.#metrics.restore(t.id, snapshot);
    }
    this.#metricsSavedMs = this.#startedMs;
    // Known supervisors get a grace period after a restart before they count as dead, so a
    // nimbus coming back does not move workers that are running fine.
    for (const s of store.listSupervisors()) {
      this.#supervisors.set(s.supervisorId, { host: s.host, slotPorts: s.slotPorts, lastHeartbeatMs: this.#startedMs, uptimeSecs: 0, runningWorkers: [] });
    }
  }

  static open(options: NimbusOptions): Nimbus {
    mkdirSync(join(options.dataDir, 'bundles'), { recursive: true, mode: PRIVATE_DIR_MODE });
    const nimbus = new Nimbus(TopologyStore.open(options.dataDir), options);
    const topologies = nimbus.#store.listTopologies();
    nimbus.#log.info('nimbus state loaded', { topologies: topologies.map((t) => `${t.id}:${t.status}`) });
    return nimbus;
  }

  close(): void {
    this.#store.close();
  }

  get nimbusUrl(): string {
    return this.#nimbusUrl;
  }

  // ---- user actions ------------------------------------------------------------------

  submit(request: SubmitRequest): TopologyRecord {
    const { name } = request;
    if (typeof name !== 'string' || !TOPOLOGY_NAME_PATTERN.test(name)) {
      throw new StreamctlError('USAGE', `Topology name '${String(name)}' is not valid. It can't be null and it must match ${TOPOLOGY_NAME_PATTERN.source}`);
    }
    if (this.#store.findByName(name)) {
      throw new StreamctlError('ALREADY_EXISTS', `Topology with name '${name}' already exists on cluster`, {
        hint: `Kill it first (streamctl topology kill ${name}) or submit with another --name.`,
      });
    }
    validateSpec(request.spec);
    const stormConf: Record<string, unknown> = { ...TOPOLOGY_DEFAULTS, ...request.spec.config, ...(request.conf ?? {}) };
    const numWorkers = positiveInt(stormConf['topology.workers'], 'topology.workers');
    positiveNumber(stormConf['topology.message.timeout.secs'], 'topology.message.timeout.secs');
    workerMemoryLimits(stormConf);
    const ackers = ackerCount(stormConf, numWorkers);
    stormConf['topology.acker.executors'] = ackers;
    stormConf['topology.workers'] = numWorkers;
    stormConf['topology.name'] = name;

    const taskToComponent = stormTaskInfo(request.spec, ackers);
    const executorCounts = executorCountsOf(request.spec, ackers);
    // Throws (clear error) when a component asks for more executors than it has tasks.
    computeExecutors(taskToComponent, executorCounts);

    const nowMs = this.#clock.now();
    const submittedSecs = Math.floor(nowMs / 1000);
    const id = `${name}-${this.#store.nextCounter()}-${submittedSecs}`;
    const bundleDir = join(this.#dataDir, 'bundles', id);
    mkdirSync(bundleDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    const bundlePath = join(bundleDir, 'topology.mjs');
    writeFileSync(bundlePath, request.bundle, { mode: PRIVATE_FILE_MODE });
    try {
      writeResources(join(bundleDir, 'resources'), request.resources ?? []);
    } catch (error) {
      rmSync(bundleDir, { recursive: true, force: true });
      throw error;
    }

    const record: TopologyRecord = {
      id,
      name,
      status: request.inactive ? 'INACTIVE' : 'ACTIVE',
      previousStatus: null,
      owner: request.owner ?? 'unknown',
      submittedSecs,
      spec: request.spec,
      stormConf,
      numWorkers,
      executorCounts,
      taskToComponent,
      bundlePath,
      assignment: { topologyId: id, version: 0, taskToComponent, workers: [] },
      pending: null,
    };
    this.#store.saveTopology(record);
    this.#log.info('topology submitted', { id, status: record.status, numWorkers, tasks: Object.keys(taskToComponent).length });
    this.#reschedule();
    return this.#store.getTopology(id)!;
  }

  activate(idOrName: string): TopologyRecord {
    return this.#apply(this.getTopology(idOrName), 'ACTIVATE');
  }

  deactivate(idOrName: string): TopologyRecord {
    return this.#apply(this.getTopology(idOrName), 'INACTIVATE');
  }

  /** Storm's kill: KILLED now (spouts deactivated), removed after the wait. */
  kill(idOrName: string, waitSecs?: number): TopologyRecord {
    const t = this.getTopology(idOrName);
    return this.#apply(t, 'KILL', { waitSecs: this.#waitSecs(t, waitSecs) });
  }

  /** Storm's rebalance: REBALANCING now, new executors/workers after the wait, previous status restored. */
  rebalance(idOrName: string, waitSecs: number | undefined, options: RebalanceOptions = {}): TopologyRecord {
    const t = this.getTopology(idOrName);
    if (options.numWorkers !== undefined) positiveInt(options.numWorkers, 'numWorkers');
    if (options.executors) {
      for (const [component, count] of Object.entries(options.executors)) {
        if (component === ACKER_COMPONENT_ID || !t.spec.components.some((c) => c.id === component)) {
          const valid = t.spec.components.map((c) => c.id).sort(compareIds).join(', ');
          throw new StreamctlError('USAGE', `Invalid component ${component} for topology ${t.name}, valid values are ${valid}`);
        }
        if (!Number.isInteger(count) || count < 1) throw new StreamctlError('USAGE', 'Number of executors must be greater than 0');
      }
      // Throws (clear error) when a component would get more executors than tasks.
      computeExecutors(t.taskToComponent, { ...t.executorCounts, ...options.executors });
    }
    return this.#apply(t, 'REBALANCE', { waitSecs: this.#waitSecs(t, waitSecs), options });
  }

  #waitSecs(t: TopologyRecord, waitSecs: number | undefined): number {
    if (waitSecs === undefined || waitSecs === null) return Number(t.stormConf['topology.message.timeout.secs'] ?? 30);
    if (!Number.isFinite(waitSecs) || waitSecs < 0) throw new StreamctlError('USAGE', `Wait time must be a non-negative number of seconds, got ${waitSecs}`);
    return waitSecs;
  }

  #apply(t: TopologyRecord, event: TopologyEvent, extra: { waitSecs?: number; options?: RebalanceOptions } = {}): TopologyRecord {
    const outcome = transition(t.status, event, t.id);
    switch (outcome.kind) {
      case 'noop':
        return t;
      case 'status': {
        const next: TopologyRecord = { ...t, status: outcome.status };
        if (outcome.rememberPrevious) next.previousStatus = t.status;
        if (outcome.delayed) {
          const atMs = this.#clock.now() + Math.round((extra.waitSecs ?? 0) * 1000);
          next.pending = { event: outcome.delayed, atMs, ...(extra.options ? { options: extra.options } : {}) };
        }
        this.#store.saveTopology(next);
        this.#log.info('topology transition', { id: t.id, event, from: t.status, to: next.status, pending: next.pending });
        return next;
      }
      case 'rebalance-done': {
        const options = t.pending?.options ?? {};
        const executorCounts = { ...t.executorCounts, ...(options.executors ?? {}) };
        const numWorkers = options.numWorkers ?? t.numWorkers;
        const next: TopologyRecord = {
          ...t,
          status: t.previousStatus ?? 'ACTIVE',
          previousStatus: null,
          pending: null,
          numWorkers,
          executorCounts,
          stormConf: { ...t.stormConf, 'topology.workers': numWorkers },
        };
        this.#store.saveTopology(next);
        this.#log.info('topology rebalanced', { id: t.id, numWorkers, executorCounts });
        this.#reschedule(t.id);
        return this.#store.getTopology(t.id)!;
      }
      case 'remove': {
        this.#store.deleteTopology(t.id);
        this.#metrics.dropTopology(t.id);
        rmSync(join(this.#dataDir, 'bundles', t.id), { recursive: true, force: true });
        this.#log.info('topology removed', { id: t.id });
        this.#reschedule();
        return t;
      }
    }
  }

  // ---- lookups -------------------------------------------------------------------------

  /** By id, else by name; NOT_FOUND otherwise. */
  getTopology(idOrName: string): TopologyRecord {
    const t = this.#store.getTopology(idOrName) ?? this.#store.findByName(idOrName);
    if (!t) throw new StreamctlError('NOT_FOUND', `Topology '${idOrName}' not found (is it submitted? see streamctl topology list)`);
    return t;
  }

  listTopologies(): TopologyRecord[] {
    return this.#store.listTopologies();
  }

  // ---- timers ----------------------------------------------------------------------------

  /** Fires due delayed actions, expires dead supervisors and workers, reschedules. */
  tick(): void {
    const now = this.#clock.now();
    for (const t of this.#store.listTopologies()) {
      if (t.pending && t.pending.atMs <= now) {
        try {
          this.#apply(t, t.pending.event);
        } catch (error) {
          this.#log.error('delayed action failed', { id: t.id, event: t.pending.event, error });
          this.#store.saveTopology({ ...t, pending: null });
        }
      }
    }
    this.#metrics.expireWorkers(this.#workerTimeoutMs);
    if (now - this.#metricsSavedMs >= METRICS_SAVE_EVERY_MS) {
      this.#metricsSavedMs = now;
      for (const t of this.#store.listTopologies()) {
        const snapshot = this.#metrics.snapshot(t.id);
        if (snapshot) this.#store.saveMetrics(t.id, snapshot);
      }
    }
    this.#reschedule();
  }

  #aliveSupervisors(): Array<{ supervisorId: string; host: string; ports: number[] }> {
    const now = this.#clock.now();
    return [...this.#supervisors.entries()]
      .filter(([, s]) => now - s.lastHeartbeatMs <= this.#supervisorTimeoutMs)
      .map(([supervisorId, s]) => ({ supervisorId, host: s.host, ports: s.slotPorts }));
  }

  /** Recomputes every topology's assignment; `scratchId` reschedules that one from scratch. */
  #reschedule(scratchId?: string): void {
    const supervisors = this.#aliveSupervisors();
    const topologies = this.#store.listTopologies().sort((a, b) => a.submittedSecs - b.submittedSecs || compareIds(a.id, b.id));
    const used = new Set<string>();
    // Slots of topologies that keep their placement are taken first; a topology being
    // rescheduled from scratch must not steal them.
    for (const t of topologies) if (t.id !== scratchId) for (const w of t.assignment.workers) used.add(slotKey(w));
    for (const t of topologies) {
      const own = new Set(t.assignment.workers.map(slotKey));
      const usedByOthers = new Set([...used].filter((k) => !own.has(k)));
      let workers: WorkerAssignment[];
      try {
        const executors = computeExecutors(t.taskToComponent, t.executorCounts);
        workers = scheduleTopology({ executors, numWorkers: t.numWorkers, supervisors, usedByOthers, existing: t.assignment.workers, scratch: t.id === scratchId });
      } catch (error) {
        this.#log.error('scheduling failed', { id: t.id, error });
        continue;
      }
      for (const k of own) used.delete(k);
      for (const w of workers) used.add(slotKey(w));
      if (!sameWorkers(workers, t.assignment.workers)) {
        const assignment: Assignment = { topologyId: t.id, version: t.assignment.version + 1, taskToComponent: t.taskToComponent, workers };
        this.#store.saveTopology({ ...t, assignment });
        this.#log.info('assignment changed', {
          id: t.id,
          version: assignment.version,
          workers: workers.map((w) => `${w.supervisorId}:${w.port}(${w.executors.length})`),
        });
      }
    }
  }

  // ---- heartbeats ---------------------------------------------------------------------

  supervisorHeartbeat(req: SupervisorHeartbeatRequest): SupervisorHeartbeatResponse {
    if (typeof req?.supervisorId !== 'string' || !Array.isArray(req.slotPorts)) {
      throw new StreamctlError('USAGE', 'supervisor heartbeat needs supervisorId and slotPorts');
    }
    const known = this.#supervisors.get(req.supervisorId);
    const now = this.#clock.now();
    const wasAlive = known !== undefined && now - known.lastHeartbeatMs <= this.#supervisorTimeoutMs;
    const changed = !known || known.host !== req.host || JSON.stringify(known.slotPorts) !== JSON.stringify(req.slotPorts);
    this.#supervisors.set(req.supervisorId, {
      host: req.host,
      slotPorts: req.slotPorts,
      lastHeartbeatMs: now,
      uptimeSecs: req.uptimeSecs,
      runningWorkers: req.runningWorkers ?? [],
    });
    if (changed) {
      this.#store.saveSupervisor({ supervisorId: req.supervisorId, host: req.host, slotPorts: req.slotPorts, firstSeenMs: now });
      this.#log.info('supervisor registered', { supervisorId: req.supervisorId, slotPorts: req.slotPorts });
    }
    if (changed || !wasAlive) this.#reschedule();
    const errors = (Array.isArray(req.workerErrors) ? req.workerErrors : []).filter((e) => this.#store.getTopology(e.topologyId) !== undefined);
    this.#store.addErrors(errors.map((e) => ({ topologyId: e.topologyId, component: e.component, taskId: e.taskId, timeSecs: e.timeSecs, error: String(e.error), host: req.host, port: e.port })));
    return { workers: this.#workersFor(req.supervisorId) };
  }

  #workersFor(supervisorId: string): WorkerConfig[] {
    const result: WorkerConfig[] = [];
    for (const t of this.#store.listTopologies()) {
      for (const w of t.assignment.workers) {
        if (w.supervisorId !== supervisorId) continue;
        result.push({
          workerId: workerIdOf(t.id, w),
          topologyId: t.id,
          topologyName: t.name,
          supervisorId,
          host: w.host,
          port: w.port,
          bundlePath: t.bundlePath,
          spec: t.spec,
          stormConf: t.stormConf,
          assignment: t.assignment,
          initialStatus: t.status,
          nimbusUrl: this.#nimbusUrl,
          // The supervisor sets the log file inside its worker directory.
          logFile: '',
        });
      }
    }
    return result;
  }

  workerHeartbeat(hb: WorkerHeartbeat): WorkerHeartbeatResponse {
    if (typeof hb?.topologyId !== 'string' || typeof hb.workerId !== 'string' || !Array.isArray(hb.executors)) {
      throw new StreamctlError('USAGE', 'worker heartbeat needs workerId, topologyId and executors');
    }
    const t = this.#store.getTopology(hb.topologyId);
    if (!t) return { status: 'KILLED', assignmentVersion: -1 };
    this.#metrics.recordHeartbeat(hb);
    if (hb.errors?.length) {
      this.#store.addErrors(
        hb.errors.map((e) => ({ topologyId: t.id, component: e.component, taskId: e.taskId, timeSecs: e.timeSecs, error: e.error, host: hb.host, port: hb.port })),
      );
    }
    if (hb.assignmentVersion !== t.assignment.version) {
      // A kept worker (same slot and executors) gets the new assignment to update its peers.
      const w = t.assignment.workers.find((x) => x.supervisorId === hb.supervisorId && x.port === hb.port);
      if (w && workerIdOf(t.id, w) === hb.workerId) return { status: t.status, assignmentVersion: t.assignment.version, assignment: t.assignment };
    }
    return { status: t.status, assignmentVersion: t.assignment.version };
  }

  // ---- views (Storm UI REST API shapes) ------------------------------------------------

  #uptimeSecs(t: TopologyRecord): number {
    return Math.max(0, Math.floor(this.#clock.now() / 1000) - t.submittedSecs);
  }

  clusterSummary(): Record<string, unknown> {
    const supervisors = this.#aliveSupervisors();
    const slotsTotal = supervisors.reduce((a, s) => a + s.ports.length, 0);
    const topologies = this.#store.listTopologies();
    const slotsUsed = topologies.reduce((a, t) => a + t.assignment.workers.length, 0);
    return {
      stormVersion: STORM_VERSION,
      nimbusUptime: prettyUptime((this.#clock.now() - this.#startedMs) / 1000),
      nimbusUptimeSeconds: Math.floor((this.#clock.now() - this.#startedMs) / 1000),
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

  supervisorSummary(): Record<string, unknown> {
    const now = this.#clock.now();
    const topologies = this.#store.listTopologies();
    const supervisors = this.#aliveSupervisors().map((s) => {
      const live = this.#supervisors.get(s.supervisorId)!;
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

  topologySummary(): Record<string, unknown> {
    return { topologies: this.#store.listTopologies().map((t) => this.#topologyHead(t)), schedulerDisplayResource: false };
  }

  #topologyHead(t: TopologyRecord): Record<string, unknown> {
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
      pendingAction: t.pending ? { event: t.pending.event, inSecs: Math.max(0, (t.pending.atMs - this.#clock.now()) / 1000) } : null,
    };
  }

  /** Workers of a topology: the assignment joined with the latest heartbeats. */
  topologyWorkers(idOrName: string): Array<Record<string, unknown>> {
    const t = this.getTopology(idOrName);
    const live = this.#metrics.workers(t.id);
    const now = this.#clock.now();
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
        alive: hb !== undefined && now - hb.receivedMs <= this.#workerTimeoutMs,
        lastHeartbeatMsAgo: hb ? now - hb.receivedMs : null,
      };
    });
  }

  topologyDetail(idOrName: string, window: StatsWindow = 'all-time'): Record<string, unknown> {
    const t = this.getTopology(idOrName);
    const byWindow = (w: StatsWindow) => this.#metrics.componentMetrics(t.id, w);
    const metrics = byWindow(window);
    const errors = this.#store.listErrors(t.id);
    const componentView = (c: TopologySpec['components'][number]) => {
      const executors = t.assignment.workers.flatMap((w) => w.executors.filter((e) => e.component === c.id));
      const m = metrics.get(c.id) ?? emptyMetrics(c.id, c.kind);
      const lastError = errors.find((e) => e.component === c.id);
      const common = {
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
        errorLapsedSecs: lastError ? Math.floor(this.#clock.now() / 1000) - lastError.timeSecs : null,
      };
      return c.kind === 'spout'
        ? { spoutId: c.id, ...common, ...latencyFields('completeLatency', m.completeLatency.meanMs, m) }
        : {
            boltId: c.id,
            ...common,
            executed: m.executed,
            ...latencyFields('executeLatency', m.executeLatency.meanMs, m),
            ...latencyFields('processLatency', m.processLatency.meanMs, m),
            capacity: fixed3(m.capacity),
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
      msgTimeout: t.stormConf['topology.message.timeout.secs'],
      window: window === '600' ? '600' : ':all-time',
      windowHint: window === '600' ? '10m 0s' : 'All time',
      debug: Boolean(t.stormConf['topology.debug']),
      samplingPct: 100,
      topologyStats,
      spouts: spouts.map(componentView),
      bolts: bolts.map(componentView),
      workers: this.topologyWorkers(t.id),
      taskToComponent: t.taskToComponent,
      configuration: t.stormConf,
    };
  }

  componentDetail(idOrName: string, componentId: string, window: StatsWindow = 'all-time'): Record<string, unknown> {
    const t = this.getTopology(idOrName);
    const c = t.spec.components.find((x) => x.id === componentId);
    const isAcker = componentId === ACKER_COMPONENT_ID && t.executorCounts[ACKER_COMPONENT_ID] !== undefined;
    if (!c && !isAcker) {
      const valid = [...t.spec.components.map((x) => x.id)].sort(compareIds).join(', ');
      throw new StreamctlError('NOT_FOUND', `Component '${componentId}' not found in topology ${t.name}; components: ${valid}`);
    }
    const kind = c?.kind ?? 'bolt';
    const m = this.#metrics.componentMetrics(t.id, window).get(componentId) ?? emptyMetrics(componentId, kind);
    const live = this.#metrics.workers(t.id);
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
    const stats = {
      window: window === '600' ? '600' : ':all-time',
      windowPretty: window === '600' ? '10m 0s' : 'All time',
      emitted: userStreams(m.emittedByStream),
      transferred: userStreams(m.transferredByStream),
      acked: m.acked,
      failed: m.failed,
      ...(kind === 'spout'
        ? latencyFields('completeLatency', m.completeLatency.meanMs, m)
        : {
            executed: m.executed,
            ...latencyFields('executeLatency', m.executeLatency.meanMs, m),
            ...latencyFields('processLatency', m.processLatency.meanMs, m),
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
      componentErrors: this.#store.listErrors(t.id, componentId).map((e) => ({
        errorTime: e.timeSecs,
        errorHost: e.host,
        errorPort: e.port,
        error: e.error,
        errorLapsedSecs: Math.floor(this.#clock.now() / 1000) - e.timeSecs,
      })),
      ...(kind === 'spout' ? { spoutSummary: [stats] } : { boltStats: [stats] }),
      outputStats,
      executorStats,
    };
  }
}

/**
 * A worker's id names its slot and its executors, not the assignment version: a worker whose
 * slot and executors survive an assignment change keeps its id, so its supervisor keeps it
 * running and it only learns the new assignment (peers) from its heartbeat answer.
 */
function workerIdOf(topologyId: string, w: { supervisorId: string; port: number; executors: ExecutorSpec[] }): string {
  const executors = w.executors.map((e) => `${e.component}[${e.startTask}-${e.endTask}]`).sort().join(',');
  const hash = createHash('sha1').update(executors).digest('hex').slice(0, 10);
  return `${topologyId}-${w.supervisorId}-${w.port}-${hash}`;
}

function assignedTasks(a: Assignment): number {
  return a.workers.reduce((n, w) => n + w.executors.reduce((m, e) => m + e.endTask - e.startTask + 1, 0), 0);
}

function sameWorkers(a: WorkerAssignment[], b: WorkerAssignment[]): boolean {
  const norm = (ws: WorkerAssignment[]) =>
    JSON.stringify(
      [...ws]
        .map((w) => ({ s: w.supervisorId, h: w.host, p: w.port, e: [...w.executors].sort((x: ExecutorSpec, y: ExecutorSpec) => x.startTask - y.startTask) }))
        .sort((x, y) => compareIds(`${x.s}:${x.p}`, `${y.s}:${y.p}`)),
    );
  return norm(a) === norm(b);
}

/** Counts on user streams only (Storm hides `__` system streams unless sys=1). */
function userStreams(byStream: Record<string, number>): number {
  return Object.entries(byStream).reduce((a, [s, v]) => (s.startsWith('__') ? a : a + v), 0);
}

function latencyFields(name: string, mean: number, m: ComponentMetrics): Record<string, string> {
  const l = name === 'completeLatency' ? m.completeLatency : name === 'executeLatency' ? m.executeLatency : m.processLatency;
  return { [name]: fixed3(mean), [`${name}P50`]: fixed3(l.p50Ms), [`${name}P99`]: fixed3(l.p99Ms), [`${name}Max`]: fixed3(l.maxMs) };
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

function positiveInt(value: unknown, key: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new StreamctlError('INVALID_CONFIG', `${key} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

function positiveNumber(value: unknown, key: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new StreamctlError('INVALID_CONFIG', `${key} must be a positive number, got ${JSON.stringify(value)}`);
  return n;
}

/** Structural checks nimbus needs to schedule (the topology API validates the graph itself). */
export function validateSpec(spec: TopologySpec): void {
  if (!spec || !Array.isArray(spec.components) || spec.components.length === 0) {
    throw new StreamctlError('USAGE', 'Topology has no components (add a spout with TopologyBuilder.setSpout)');
  }
  const seen = new Set<string>();
  for (const c of spec.components) {
    if (typeof c.id !== 'string' || c.id.length === 0) throw new StreamctlError('USAGE', 'Every component needs a non-empty id');
    if (c.id.startsWith('__')) throw new StreamctlError('USAGE', `Component id '${c.id}' is reserved (ids starting with __ are Storm's system components)`);
    if (seen.has(c.id)) throw new StreamctlError('USAGE', `Duplicate component id '${c.id}'`);
    seen.add(c.id);
    if (c.kind !== 'spout' && c.kind !== 'bolt') throw new StreamctlError('USAGE', `Component '${c.id}' has unknown kind ${JSON.stringify(c.kind)}`);
    if (!Number.isInteger(c.numTasks) || c.numTasks < 1) throw new StreamctlError('USAGE', `Component '${c.id}' needs numTasks >= 1, got ${c.numTasks}`);
    if (!Number.isInteger(c.parallelism) || c.parallelism < 1) throw new StreamctlError('USAGE', `Component '${c.id}' needs parallelism >= 1, got ${c.parallelism}`);
  }
  if (!spec.components.some((c) => c.kind === 'spout')) throw new StreamctlError('USAGE', 'Topology has no spout');
}

export type { TopologyRecord, RebalanceOptions, StatsWindow, TopologyStatus };
