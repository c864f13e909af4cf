// Worker: the executors of one topology assigned to one worker slot, in one process (Storm's
// worker). Builds executors (spouts, bolts, ackers) from the assignment, wires stream routes
// and groupers, delivers tuples to local queues or through the transport, and drives all
// executors from one loop on the event loop: each pass runs every ready executor for a
// bounded budget, flushes outbound batches and publishes backpressure changes; it reschedules
// itself with setImmediate while there is work, and sleeps otherwise until woken by incoming
// tuples, async completions, timers or status changes. Spouts run only while ACTIVE.
// Concurrency: single-threaded; nothing here blocks the event loop for long (budgets).
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import type { BasicBolt, Bolt } from '../topology/bolt.js';
import { Fields } from '../topology/fields.js';
import type { Spout } from '../topology/spout.js';
import type { TopologyLike } from '../topology/topology.js';
import { TopologyContextImpl } from '../topology/topology-context.js';
import { TupleImpl } from '../topology/tuple.js';
import type { Assignment, ComponentError, ExecutorSpec, ExecutorStats, TopologyStatus } from './contracts.js';
import type { TopologySpec } from '../topology/topology-spec.js';
import { ACKER_COMPONENT_ID } from './acker.js';
import { AckerExecutor } from './executor-acker.js';
import { BoltExecutor, type BoltTaskSetup } from './executor-bolt.js';
import { SpoutExecutor, type SpoutTaskSetup } from './executor-spout.js';
import { Executor, SYSTEM_COMPONENT, SYSTEM_STREAM_FIELDS, type ExecutorHost, type StreamRoute } from './executor.js';
import { createGrouper } from './groupers/grouper.js';
import { ExecutorMetrics } from './metrics/executor-metrics.js';
import type { Transport, TransportFactory } from './transport/transport.js';

export interface WorkerOptions {
  topology: TopologyLike;
  topologyId: string;
  /** The spec nimbus stored (defaults to topology.spec). */
  spec?: TopologySpec;
  /** Effective topology config (defaults < spec.config < submit overrides). */
  stormConf: Record<string, unknown>;
  assignment: Assignment;
  /** Index of this worker in assignment.workers. */
  workerIndex: number;
  initialStatus: TopologyStatus;
  transport: TransportFactory;
  logger?: Logger;
  /** The topology's code dir (resources/) handed to components; default process.cwd(). */
  codeDir?: string;
  /**
   * A task reported a fatal error (TopologyContext.reportFatalError), already recorded as a
   * component error. worker-main exits the process here; without it the worker only logs.
   */
  onFatalError?: (component: string, taskId: number, error: unknown) => void;
}

/** Soft capacity of an executor's receive queue (Storm's default is 32768; smaller keeps latency and memory down). */
export const DEFAULT_QUEUE_CAPACITY = 8192;
const MAX_ERRORS = 200;
const EMPTY_FIELDS = new Fields([]);
const ERROR_LOGS_PER_SEC = 20;

export class Worker implements ExecutorHost {
  readonly logger: Logger;
  readonly ackerTasks: number[];
  readonly messageTimeoutMs: number;
  readonly #o: WorkerOptions;
  readonly #spec: TopologySpec;
  readonly #executors: Executor[] = [];
  readonly #spouts: SpoutExecutor[] = [];
  readonly #nonSpouts: Executor[] = [];
  /** task id → local executor (undefined when remote). */
  readonly #localExec: (Executor | undefined)[] = [];
  /** task id → worker index. */
  readonly #peerOfTask: Int32Array;
  /** task id → 1 when its (remote) worker says it is blocked. */
  readonly #remoteBlocked: Uint8Array;
  readonly #componentOfTask: string[] = [];
  readonly #fields = new Map<string, Map<string, Fields>>();
  /** task id → the stream fields of its component. */
  readonly #fieldsOfTask: (Map<string, Fields> | undefined)[] = [];
  readonly #tasksByComponent = new Map<string, number[]>();
  readonly #localTasks = new Set<number>();
  #transport!: Transport;
  #status: TopologyStatus;
  #errors: ComponentError[] = [];
  #errorLogWindow = 0;
  #errorLogCount = 0;
  #scheduled = false;
  #passCount = 0;
  #timer: NodeJS.Timeout | undefined;
  #housekeeping: NodeJS.Timeout | undefined;
  #running = false;
  #halted = false;
  #fatalSeen = 0;
  #closed = false;
  #droppedLocal = 0;
  readonly #startedMs = Date.now();

  private constructor(options: WorkerOptions) {
    this.#o = options;
    this.logger = options.logger ?? silentLogger;
    this.#spec = options.spec ?? options.topology.spec;
    this.#status = options.initialStatus;
    const timeout = Number(options.stormConf['topology.message.timeout.secs'] ?? 30);
    this.messageTimeoutMs = (Number.isFinite(timeout) && timeout > 0 ? timeout : 30) * 1000;
    let maxTask = 0;
    for (const [t, c] of Object.entries(options.assignment.taskToComponent)) {
      const task = Number(t);
      maxTask = Math.max(maxTask, task);
      this.#componentOfTask[task] = c;
      let list = this.#tasksByComponent.get(c);
      if (!list) this.#tasksByComponent.set(c, (list = []));
      list.push(task);
    }
    for (const list of this.#tasksByComponent.values()) list.sort((a, b) => a - b);
    this.ackerTasks = [...(this.#tasksByComponent.get(ACKER_COMPONENT_ID) ?? [])];
    this.#peerOfTask = new Int32Array(maxTask + 1).fill(-1);
    this.#remoteBlocked = new Uint8Array(maxTask + 1);
    options.assignment.workers.forEach((w, i) => {
      for (const e of w.executors) for (let t = e.startTask; t <= e.endTask; t++) this.#peerOfTask[t] = i;
    });
    for (const e of this.#myExecutors()) for (let t = e.startTask; t <= e.endTask; t++) this.#localTasks.add(t);
    for (const c of this.#spec.components) {
      const m = new Map<string, Fields>();
      for (const [s, def] of Object.entries(c.streams)) m.set(s, new Fields(def.fields));
      this.#fields.set(c.id, m);
    }
    for (let t = 0; t < this.#componentOfTask.length; t++) {
      const c = this.#componentOfTask[t];
      if (c !== undefined) this.#fieldsOfTask[t] = this.#fields.get(c);
    }
  }

  /** Build executors, open the transport, open/prepare user components and start the loop. */
  static async start(options: WorkerOptions): Promise<Worker> {
    const w = new Worker(options);
    try {
      w.#createExecutors();
      w.#transport = await options.transport({
        onTuple: (dest, src, stream, values, anchors) => w.#onRemoteTuple(dest, src, stream, values, anchors),
        onBatchEnd: () => w.wake(),
        onBackpressure: (peer, blocked, unblocked, reset) => w.#onBackpressure(peer, blocked, unblocked, reset),
        onWritable: () => w.wake(),
      });
      for (const ex of w.#executors) await ex.start();
      w.#running = true;
      w.#housekeeping = setInterval(() => w.#houseKeep(), 100);
      w.#housekeeping.unref();
      if (w.#status === 'ACTIVE') for (const s of w.#spouts) await s.setActive(true);
      w.wake();
      w.logger.info('worker started', { executors: w.#executors.length, tasks: w.#localTasks.size, status: w.#status });
    } catch (error) {
      await w.close().catch(() => {});
      throw error;
    }
    return w;
  }

  get status(): TopologyStatus {
    return this.#status;
  }

  get transport(): Transport {
    return this.#transport;
  }

  /** Apply the topology status from nimbus: spouts run only while ACTIVE. */
  async setStatus(status: TopologyStatus): Promise<void> {
    if (status === this.#status) return;
    const prev = this.#status;
    this.#status = status;
    this.logger.info('topology status changed', { from: prev, to: status });
    for (const s of this.#spouts) await s.setActive(status === 'ACTIVE');
    this.wake();
  }

  /** Version of the assignment this worker routes by. */
  get assignmentVersion(): number {
    return this.#o.assignment.version;
  }

  /**
   * Adopt a new assignment in which this worker keeps exactly its executors (at
   * `workerIndex`): re-map remote tasks to their new workers and update the transport's
   * peers, without restarting any executor. Throws when this worker's executors differ.
   */
  updateAssignment(assignment: Assignment, workerIndex: number): void {
    const key = (es: ExecutorSpec[]) => es.map((e) => `${e.component}[${e.startTask}-${e.endTask}]`).sort().join(',');
    const mine = assignment.workers[workerIndex];
    if (!mine || key(mine.executors) !== key(this.#myExecutors())) {
      throw new Error(`Assignment ${assignment.version} changes this worker's executors; it must be restarted instead`);
    }
    if (assignment.version === this.#o.assignment.version) return;
    const peers = assignment.workers.map((w) => ({ host: w.host, port: w.port }));
    if (!this.#transport.updatePeers) throw new Error('This transport cannot change peers in place');
    this.#transport.updatePeers(peers, workerIndex);
    this.#peerOfTask.fill(-1);
    this.#remoteBlocked.fill(0);
    assignment.workers.forEach((w, i) => {
      for (const e of w.executors) for (let t = e.startTask; t <= e.endTask && t < this.#peerOfTask.length; t++) this.#peerOfTask[t] = i;
    });
    const from = this.#o.assignment.version;
    this.#o.assignment = assignment;
    this.#o.workerIndex = workerIndex;
    this.logger.info('assignment updated in place', { from, to: assignment.version, workers: assignment.workers.length });
    this.wake();
  }

  /** Cumulative stats of every local executor (ackers included). */
  stats(): ExecutorStats[] {
    return this.#executors.map((e) => e.metrics.snapshot());
  }

  /** Errors reported since the last call. */
  takeErrors(): ComponentError[] {
    const e = this.#errors;
    this.#errors = [];
    return e;
  }

  /** Current receive-queue lengths by executor, for tests and diagnostics. */
  queueLengths(): Array<{ component: string; startTask: number; length: number; capacity: number }> {
    return this.#executors.map((e) => ({ component: e.component, startTask: e.startTask, length: e.queue.length, capacity: e.queueCapacity }));
  }

  /** Pending (unacked) spout tuple trees of local spout executors. */
  spoutPending(): number {
    return this.#spouts.reduce((n, s) => n + s.pendingCount, 0);
  }

  get droppedTuples(): number {
    return this.#droppedLocal + (this.#transport?.dropped ?? 0);
  }

  /** Deactivate and close spouts, clean up bolts, close the transport. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#housekeeping) clearInterval(this.#housekeeping);
    if (this.#timer) clearTimeout(this.#timer);
    for (const s of this.#spouts) await s.setActive(false).catch(() => {});
    // Let in-flight local work settle briefly? No: Storm's shutdown does not drain either.
    this.#running = false;
    for (const ex of this.#executors) if (ex.ready) await ex.stop().catch(() => {});
    await this.#transport?.close();
    this.logger.info('worker stopped');
  }

  // ---- ExecutorHost ----

  transfer(destTask: number, srcTask: number, srcComponent: string, streamId: string, fields: Fields, values: unknown[], anchors: number[] | null): void {
    const ex = this.#localExec[destTask];
    if (ex !== undefined) {
      const t = new TupleImpl(values, fields, srcComponent, streamId, srcTask, anchors);
      t.destTask = destTask;
      ex.queue.push(t);
      return;
    }
    const peer = destTask < this.#peerOfTask.length ? this.#peerOfTask[destTask]! : -1;
    if (peer < 0) {
      this.#droppedLocal++;
      return;
    }
    this.#transport.send(peer, destTask, srcTask, streamId, values, anchors);
  }

  isTaskBlocked(task: number): boolean {
    const ex = this.#localExec[task];
    // Local producers see the same hysteresis as remote ones (blocked from full until half
    // empty), so that they do not take all of a busy task's capacity from remote producers.
    if (ex !== undefined) return ex.bpPublished || ex.queue.length >= ex.queueCapacity;
    if (this.#remoteBlocked[task] === 1) return true;
    const peer = this.#peerOfTask[task]!;
    return peer >= 0 && this.#transport.isPeerBlocked(peer);
  }

  wake(): void {
    if (this.#scheduled || !this.#running || this.#halted) return;
    this.#scheduled = true;
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    setImmediate(this.#pass);
  }

  reportError(component: string, taskId: number, error: unknown): void {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    if (this.#errors.length < MAX_ERRORS) this.#errors.push({ component, taskId, timeSecs: Math.floor(Date.now() / 1000), error: message });
    const sec = Math.floor(Date.now() / 1000);
    if (sec !== this.#errorLogWindow) {
      if (this.#errorLogCount > ERROR_LOGS_PER_SEC) this.logger.warn('error log lines suppressed', { count: this.#errorLogCount - ERROR_LOGS_PER_SEC });
      this.#errorLogWindow = sec;
      this.#errorLogCount = 0;
    }
    if (++this.#errorLogCount <= ERROR_LOGS_PER_SEC) this.logger.error('component error', { component, taskId, error });
  }

  fatalError(component: string, taskId: number, error: unknown): void {
    this.reportError(component, taskId, error);
    if (this.#fatalSeen++ === 0) this.logger.error('fatal component error', { component, taskId, error });
    this.#o.onFatalError?.(component, taskId, error);
  }

  /**
   * Stop running executors for good (the process is about to exit after a fatal error):
   * no more tuples are executed or emitted; stats and errors stay readable for a last
   * heartbeat.
   */
  halt(): void {
    this.#halted = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Put back an error record (e.g. one whose heartbeat did not reach nimbus). */
  reportErrorRecord(error: ComponentError): void {
    if (this.#errors.length < MAX_ERRORS) this.#errors.push(error);
  }

  // ---- loop ----

  readonly #pass = (): void => {
    this.#scheduled = false;
    if (!this.#running || this.#halted) return;
    const now = performance.now();
    let work = false;
    // Bolts and ackers first (they free capacity), then spouts, starting at a different spout
    // each pass so that spouts share the downstream capacity fairly.
    const bolts = this.#nonSpouts;
    for (let i = 0; i < bolts.length; i++) {
      const ex = bolts[i]!;
      if (ex.ready && !ex.busy) {
        try {
          if (ex.run(now)) work = true;
        } catch (error) {
          this.reportError(ex.component, ex.startTask, error);
        }
      }
      if (ex.outbox.pending > 0) ex.flushSystem();
    }
    const spouts = this.#spouts;
    const n = spouts.length;
    const first = n > 0 ? this.#passCount++ % n : 0;
    for (let k = 0; k < n; k++) {
      const ex = spouts[(first + k) % n]!;
      if (ex.ready && !ex.busy) {
        try {
          if (ex.run(now)) work = true;
        } catch (error) {
          this.reportError(ex.component, ex.startTask, error);
        }
      }
      if (ex.outbox.pending > 0) ex.flushSystem();
    }
    this.#transport.flush(!work);
    this.#publishBackpressure();
    if (work) {
      this.#scheduled = true;
      setImmediate(this.#pass);
    } else if (this.#spouts.some((s) => s.wantsPoll) && this.#status === 'ACTIVE') {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.wake();
      }, 1);
    }
  };

  #houseKeep(): void {
    const now = performance.now();
    for (const ex of this.#executors) ex.metrics.tick(now);
    this.wake();
  }

  #publishBackpressure(): void {
    let blocked: number[] | null = null;
    let unblocked: number[] | null = null;
    for (const ex of this.#executors) {
      const len = ex.queue.length;
      if (!ex.bpPublished && len >= ex.queueCapacity) {
        ex.bpPublished = true;
        blocked ??= [];
        for (let t = ex.startTask; t <= ex.endTask; t++) blocked.push(t);
      } else if (ex.bpPublished && len <= ex.queueCapacity >> 1) {
        ex.bpPublished = false;
        unblocked ??= [];
        for (let t = ex.startTask; t <= ex.endTask; t++) unblocked.push(t);
      }
    }
    if (blocked || unblocked) this.#transport.publishBackpressure(blocked ?? [], unblocked ?? []);
  }

  #onRemoteTuple(dest: number, src: number, stream: string, values: unknown[], anchors: number[] | null): void {
    const ex = this.#localExec[dest];
    if (ex === undefined) {
      this.#droppedLocal++;
      return;
    }
    const comp = src === -1 ? SYSTEM_COMPONENT : (this.#componentOfTask[src] ?? 'unknown');
    const streams = src >= 0 ? this.#fieldsOfTask[src] : undefined;
    const fields = streams?.get(stream) ?? SYSTEM_STREAM_FIELDS[stream] ?? EMPTY_FIELDS;
    const t = new TupleImpl(values, fields, comp, stream, src, anchors);
    t.destTask = dest;
    ex.queue.push(t);
  }

  #onBackpressure(peer: number, blocked: number[], unblocked: number[], reset: boolean): void {
    if (reset) {
      for (let t = 0; t < this.#peerOfTask.length; t++) if (this.#peerOfTask[t] === peer) this.#remoteBlocked[t] = 0;
    }
    for (const t of blocked) if (t < this.#remoteBlocked.length) this.#remoteBlocked[t] = 1;
    for (const t of unblocked) if (t < this.#remoteBlocked.length) this.#remoteBlocked[t] = 0;
    if (unblocked.length > 0 || reset) this.wake();
  }

  // ---- setup ----

  #myExecutors(): ExecutorSpec[] {
    const me = this.#o.assignment.workers[this.#o.workerIndex];
    if (!me) throw new RangeError(`Worker index ${this.#o.workerIndex} is not in the assignment (${this.#o.assignment.workers.length} workers)`);
    return me.executors;
  }

  #createExecutors(): void {
    const conf = this.#o.stormConf;
    const sampleRate = Number(conf['topology.stats.sample.rate'] ?? 0.05);
    const me = this.#o.assignment.workers[this.#o.workerIndex]!;
    const workerTasks = [...this.#localTasks].sort((a, b) => a - b);
    for (const e of this.#myExecutors()) {
      const comp = this.#spec.components.find((c) => c.id === e.component);
      const isAcker = e.component === ACKER_COMPONENT_ID;
      if (!comp && !isAcker) throw new RangeError(`Assignment names component '${e.component}', which the topology does not have`);
      const compConf = { ...conf, ...(comp?.config ?? {}) };
      const cap = Number(compConf['topology.executor.receive.buffer.size'] ?? DEFAULT_QUEUE_CAPACITY);
      const kind = isAcker ? 'acker' : comp!.kind;
      const options = {
        host: this as ExecutorHost,
        component: e.component,
        startTask: e.startTask,
        endTask: e.endTask,
        conf: compConf,
        queueCapacity: Number.isInteger(cap) && cap > 0 ? cap : DEFAULT_QUEUE_CAPACITY,
        metrics: new ExecutorMetrics({ component: e.component, kind, startTask: e.startTask, endTask: e.endTask, sampleRate }),
      };
      let ex: Executor;
      if (isAcker) {
        ex = new AckerExecutor(options);
      } else {
        const setups: Array<SpoutTaskSetup & BoltTaskSetup> = [];
        for (let t = e.startTask; t <= e.endTask; t++) {
          const context = new TopologyContextImpl({
            spec: this.#spec,
            taskToComponent: this.#o.assignment.taskToComponent,
            taskId: t,
            componentId: e.component,
            workerTasks,
            workerPort: me.port,
            stormId: this.#o.topologyId,
            conf: compConf,
            codeDir: this.#o.codeDir ?? process.cwd(),
            logger: this.logger,
            onFatalError: (error) => this.fatalError(e.component, t, error),
          });
          const routes = this.#routesFor(e.component, t, context, options.metrics);
          setups.push({ taskId: t, context, routes, create: () => this.#o.topology.createComponent(e.component) as Spout & Bolt & BasicBolt });
        }
        ex = comp!.kind === 'spout' ? new SpoutExecutor({ ...options, tasks: setups }) : new BoltExecutor({ ...options, tasks: setups });
        if (ex instanceof SpoutExecutor) this.#spouts.push(ex);
      }
      if (!(ex instanceof SpoutExecutor)) this.#nonSpouts.push(ex);
      this.#executors.push(ex);
      for (let t = e.startTask; t <= e.endTask; t++) this.#localExec[t] = ex;
    }
    // Downstream tasks for backpressure: the consumer tasks the groupings of each component's
    // streams can pick (local ones only for local-or-shuffle with a local task, the first one
    // for global), plus ackers.
    for (const ex of this.#executors) {
      if (ex.kind === 'acker') continue;
      const down = new Set<number>(this.ackerTasks);
      for (const c of this.#spec.components) {
        const tasks = this.#tasksByComponent.get(c.id) ?? [];
        for (const input of c.inputs) {
          if (input.component !== ex.component) continue;
          const local = tasks.filter((t) => this.#localTasks.has(t));
          const targets =
            input.grouping.type === 'local-or-shuffle' && local.length > 0 ? local : input.grouping.type === 'global' ? tasks.slice(0, 1) : tasks;
          for (const t of targets) down.add(t);
        }
      }
      ex.downstream = [...down].sort((a, b) => a - b);
    }
  }

  #routesFor(component: string, taskId: number, context: TopologyContextImpl, metrics: ExecutorMetrics): Map<string, StreamRoute> {
    const comp = this.#spec.components.find((c) => c.id === component)!;
    const routes = new Map<string, StreamRoute>();
    for (const [streamId, def] of Object.entries(comp.streams)) {
      const route: StreamRoute = { streamId, fields: this.#fields.get(component)!.get(streamId)!, direct: def.direct, counters: metrics.stream(streamId), targets: [] };
      for (const consumer of this.#spec.components) {
        for (const input of consumer.inputs) {
          if (input.component !== component || input.stream !== streamId) continue;
          const targetTasks = this.#tasksByComponent.get(consumer.id) ?? [];
          let custom;
          if (input.grouping.type === 'custom') {
            custom = this.#o.topology.createCustomGrouping(input.grouping.customName!);
            custom.prepare(context, { componentId: component, streamId }, targetTasks);
          }
          route.targets.push({
            component: consumer.id,
            tasks: new Set(targetTasks),
            grouper: createGrouper({ grouping: input.grouping, targetTasks, streamFields: def.fields, localTasks: this.#localTasks, custom }),
          });
        }
      }
      routes.set(streamId, route);
    }
    return routes;
  }

  /** Seconds since start. */
  get uptimeSecs(): number {
    return Math.floor((Date.now() - this.#startedMs) / 1000);
  }
}
