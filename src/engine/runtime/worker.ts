// Worker: the executors of one topology assigned to one worker slot, in one process (Storm's
// worker), and the loop that drives them. Executors come from the executor factory, tuples
// move through WorkerTransfer (local queues or the transport) and back pressure is decided
// by BackPressureTracker. Each pass of the loop runs every ready executor for a bounded
// budget, flushes outbound batches and publishes back-pressure changes; it reschedules
// itself with setImmediate while there is work, and sleeps otherwise until woken by incoming
// tuples, async completions, timers or status changes. Spouts run only while ACTIVE. Time
// comes from the injected Clock (timeouts, ticks, housekeeping, latencies).
// Concurrency: single-threaded; nothing here blocks the event loop for long (budgets).
import type { Clock } from '../common/clock.js';
import { systemClock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { Fields } from '../topology/fields.js';
import type { TopologyLike } from '../topology/topology.js';
import type { TopologySpec } from '../topology/topology-spec.js';
import { ACKER_COMPONENT_ID } from './acker.js';
import { BackPressureTracker } from './backpressure-tracker.js';
import type { Assignment, ComponentError, ExecutorSpec, ExecutorStats, TopologyStatus } from './contracts.js';
import { createExecutors } from './executor-factory.js';
import type { SpoutExecutor } from './executor-spout.js';
import type { Executor, ExecutorHost } from './executor.js';
import { repeatEvery, type RepeatingTimer } from './repeating-timer.js';
import type { Transport, TransportFactory } from './transport/transport.js';
import { WorkerTransfer } from './worker-transfer.js';

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
  /** Time for timeouts, ticks, housekeeping and latencies (default: the system clock). */
  clock?: Clock;
  /** The topology's code dir (resources/) handed to components; default process.cwd(). */
  codeDir?: string;
  /**
   * A task reported a fatal error (TopologyContext.reportFatalError), already recorded as a
   * component error. worker-main exits the process here; without it the worker only logs.
   */
  onFatalError?: (component: string, taskId: number, error: unknown) => void;
}

const MAX_ERRORS = 200;
const ERROR_LOGS_PER_SEC = 20;
/** Period of the housekeeping pass (metrics windows, a wake-up for timeouts). */
const HOUSEKEEPING_MS = 100;

export class Worker implements ExecutorHost {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ackerTasks: number[];
  readonly messageTimeoutMs: number;
  readonly #o: WorkerOptions;
  readonly #spec: TopologySpec;
  readonly #executors: Executor[] = [];
  readonly #spouts: SpoutExecutor[] = [];
  readonly #nonSpouts: Executor[] = [];
  readonly #transfer: WorkerTransfer;
  readonly #fields = new Map<string, Map<string, Fields>>();
  readonly #tasksByComponent = new Map<string, number[]>();
  readonly #localTasks = new Set<number>();
  #status: TopologyStatus;
  #errors: ComponentError[] = [];
  #errorLogWindow = 0;
  #errorLogCount = 0;
  #scheduled = false;
  #passCount = 0;
  #timer: { cancel(): void } | undefined;
  #housekeeping: RepeatingTimer | undefined;
  #running = false;
  #halted = false;
  #fatalSeen = 0;
  #closed = false;
  readonly #startedMs: number;

  private constructor(options: WorkerOptions) {
    this.#o = options;
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.#startedMs = this.clock.now();
    this.#spec = options.spec ?? options.topology.spec;
    this.#status = options.initialStatus;
    const timeout = Number(options.stormConf['topology.message.timeout.secs'] ?? 30);
    this.messageTimeoutMs = (Number.isFinite(timeout) && timeout > 0 ? timeout : 30) * 1000;
    const componentOfTask: string[] = [];
    let maxTask = 0;
    for (const [t, c] of Object.entries(options.assignment.taskToComponent)) {
      const task = Number(t);
      maxTask = Math.max(maxTask, task);
      componentOfTask[task] = c;
      let list = this.#tasksByComponent.get(c);
      if (!list) this.#tasksByComponent.set(c, (list = []));
      list.push(task);
    }
    for (const list of this.#tasksByComponent.values()) list.sort((a, b) => a - b);
    this.ackerTasks = [...(this.#tasksByComponent.get(ACKER_COMPONENT_ID) ?? [])];
    for (const e of this.#myExecutors()) for (let t = e.startTask; t <= e.endTask; t++) this.#localTasks.add(t);
    for (const c of this.#spec.components) {
      const m = new Map<string, Fields>();
      for (const [s, def] of Object.entries(c.streams)) m.set(s, new Fields(def.fields));
      this.#fields.set(c.id, m);
    }
    const fieldsOfTask: (Map<string, Fields> | undefined)[] = [];
    for (let t = 0; t < componentOfTask.length; t++) {
      const c = componentOfTask[t];
      if (c !== undefined) fieldsOfTask[t] = this.#fields.get(c);
    }
    this.#transfer = new WorkerTransfer({ maxTask, componentOfTask, fieldsOfTask, backpressure: new BackPressureTracker(this.#executors) }, options.assignment);
  }

  /** Build executors, open the transport, open/prepare user components and start the loop. */
  static async start(options: WorkerOptions): Promise<Worker> {
    const w = new Worker(options);
    try {
      w.#createExecutors();
      const transfer = w.#transfer;
      transfer.attach(
        await options.transport({
          onTuple: (dest, src, stream, values, anchors) => transfer.onRemoteTuple(dest, src, stream, values, anchors),
          onBatchEnd: () => w.wake(),
          onBackpressure: (peer, blocked, unblocked, reset) => {
            if (transfer.onBackpressure(peer, blocked, unblocked, reset)) w.wake();
          },
          onWritable: () => w.wake(),
        }),
      );
      for (const ex of w.#executors) await ex.start();
      w.#running = true;
      w.#housekeeping = repeatEvery(w.clock, HOUSEKEEPING_MS, () => w.#houseKeep());
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
    return this.#transfer.transport!;
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
    const transport = this.transport;
    if (!transport.updatePeers) throw new Error('This transport cannot change peers in place');
    transport.updatePeers(peers, workerIndex);
    this.#transfer.mapPeers(assignment);
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
    return this.#transfer.dropped;
  }

  /** Deactivate and close spouts, clean up bolts, close the transport. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#housekeeping?.cancel();
    this.#timer?.cancel();
    for (const s of this.#spouts) await s.setActive(false).catch(() => {});
    // Let in-flight local work settle briefly? No: Storm's shutdown does not drain either.
    this.#running = false;
    for (const ex of this.#executors) if (ex.ready) await ex.stop().catch(() => {});
    await this.#transfer.transport?.close();
    this.logger.info('worker stopped');
  }

  // ---- ExecutorHost ----

  transfer(destTask: number, srcTask: number, srcComponent: string, streamId: string, fields: Fields, values: unknown[], anchors: number[] | null): void {
    this.#transfer.transfer(destTask, srcTask, srcComponent, streamId, fields, values, anchors);
  }

  isTaskBlocked(task: number): boolean {
    return this.#transfer.isTaskBlocked(task);
  }

  wake(): void {
    if (this.#scheduled || !this.#running || this.#halted) return;
    this.#scheduled = true;
    if (this.#timer) {
      this.#timer.cancel();
      this.#timer = undefined;
    }
    setImmediate(this.#pass);
  }

  reportError(component: string, taskId: number, error: unknown): void {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    const sec = Math.floor(this.clock.now() / 1000);
    if (this.#errors.length < MAX_ERRORS) this.#errors.push({ component, taskId, timeSecs: sec, error: message });
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
    this.#timer?.cancel();
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
    const now = this.clock.monotonic();
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
    this.#transfer.transport!.flush(!work);
    this.#transfer.publishBackpressure();
    if (work) {
      this.#scheduled = true;
      setImmediate(this.#pass);
    } else if (this.#spouts.some((s) => s.wantsPoll) && this.#status === 'ACTIVE') {
      this.#timer = this.clock.setTimeout(() => {
        this.#timer = undefined;
        this.wake();
      }, 1);
    }
  };

  #houseKeep(): void {
    const now = this.clock.monotonic();
    for (const ex of this.#executors) ex.metrics.tick(now);
    this.wake();
  }

  // ---- setup ----

  #myExecutors(): ExecutorSpec[] {
    const me = this.#o.assignment.workers[this.#o.workerIndex];
    if (!me) throw new RangeError(`Worker index ${this.#o.workerIndex} is not in the assignment (${this.#o.assignment.workers.length} workers)`);
    return me.executors;
  }

  #createExecutors(): void {
    const built = createExecutors({
      topology: this.#o.topology,
      spec: this.#spec,
      topologyId: this.#o.topologyId,
      stormConf: this.#o.stormConf,
      assignment: this.#o.assignment,
      workerIndex: this.#o.workerIndex,
      tasksByComponent: this.#tasksByComponent,
      fieldsByComponent: this.#fields,
      localTasks: this.#localTasks,
      ackerTasks: this.ackerTasks,
      host: this,
      clock: this.clock,
      logger: this.logger,
      codeDir: this.#o.codeDir ?? process.cwd(),
    });
    this.#executors.push(...built.all);
    this.#spouts.push(...built.spouts);
    this.#nonSpouts.push(...built.nonSpouts);
    for (const ex of built.all) for (let t = ex.startTask; t <= ex.endTask; t++) this.#transfer.setLocal(t, ex);
  }

  /** Seconds since start. */
  get uptimeSecs(): number {
    return Math.floor((this.clock.now() - this.#startedMs) / 1000);
  }
}
