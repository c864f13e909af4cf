// Nimbus: the topology master. Owns topology state (SQLite via TopologyStore), the bundle
// store, Storm's status state machine with delayed KILL/REBALANCE actions, the even
// scheduler's assignments (recomputed when supervisors come and go), supervisor and worker
// heartbeats, and the metrics behind the REST API (whose views are nimbus/views.ts). Restart-safe: everything needed
// to continue (status, assignment + version, pending actions with their due time) is in
// SQLite, so a nimbus killed with -9 comes back and the running workers keep their slots.
// Single-threaded (one event loop); `tick()` runs the timers and is driven by an interval.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeResources, type ResourceFile } from './resources.js';
import type { Clock } from '../common/clock.js';
import { systemClock } from '../common/clock.js';
import { StreamctlError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../common/private-files.js';
import type { Assignment, TopologyStatus, WorkerAssignment, WorkerHeartbeat, WorkerHeartbeatResponse } from './contracts.js';
import type { TopologySpec } from '../topology/topology-spec.js';
import type { SupervisorHeartbeatRequest, SupervisorHeartbeatResponse } from './nimbus/api-types.js';
import { MetricsAggregator, type MetricsSnapshot, type StatsWindow } from './nimbus/metrics-aggregator.js';
import { transition, type TopologyEvent } from './nimbus/topology-state-machine.js';
import { TopologyStore, type RebalanceOptions, type TopologyRecord } from './nimbus/topology-store.js';
import { TOPOLOGY_NAME_PATTERN, validateSpec } from './nimbus/spec-validation.js';
import { topologyWindowError } from '../topology/windowing/window-config.js';
import { NimbusViews } from './nimbus/views.js';
import { LogConfigStore } from './nimbus/log-config.js';
import { sameWorkers, workerConfigsFor, workerIdOf } from './nimbus/worker-assignments.js';
import { workerMemoryLimits } from './supervisor/worker-memory.js';
import { ACKER_COMPONENT_ID } from './acker.js';
import { ackerCount, compareIds, computeExecutors, executorCountsOf, scheduleTopology, slotKey, stormTaskInfo } from './scheduler.js';

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
  /** The REST API's read-only views (Storm UI shapes) over this nimbus's state. */
  readonly views: NimbusViews;
  /** Named log levels per topology (set_log_level), handed to the workers in heartbeats. */
  readonly logConfigs = new LogConfigStore();

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
    this.views = new NimbusViews({
      store,
      metrics: this.#metrics,
      clock: this.#clock,
      startedMs: this.#startedMs,
      workerTimeoutMs: this.#workerTimeoutMs,
      aliveSupervisors: () => this.#aliveSupervisors(),
      supervisor: (id) => this.#supervisors.get(id),
      getTopology: (idOrName) => this.getTopology(idOrName),
    });
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
    const windowError = topologyWindowError(request.spec.components, stormConf);
    if (windowError !== null) throw new StreamctlError('USAGE', windowError);
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
    return { workers: workerConfigsFor(this.#store.listTopologies(), req.supervisorId, this.#nimbusUrl) };
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
    const logConfig = this.logConfigs.active(t.id, this.#clock.now());
    if (hb.assignmentVersion !== t.assignment.version) {
      // A kept worker (same slot and executors) gets the new assignment to update its peers.
      const w = t.assignment.workers.find((x) => x.supervisorId === hb.supervisorId && x.port === hb.port);
      if (w && workerIdOf(t.id, w) === hb.workerId) return { status: t.status, assignmentVersion: t.assignment.version, assignment: t.assignment, logConfig };
    }
    return { status: t.status, assignmentVersion: t.assignment.version, logConfig };
  }
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

export type { TopologyRecord, RebalanceOptions, StatsWindow, TopologyStatus };
