// Spout executor: runs the tasks of one spout component. Each run() first drains acks and
// fails from the ackers, fails timed-out tuple trees (none when
// topology.enable.message.timeouts is false), then calls nextTuple while the
// topology is ACTIVE, downstream has room and pending < max.spout.pending. With acking,
// an emit with a message id gets a random root id, one random edge per target task and an
// `__ack_init` to the acker owning the root (batched per acker until the turn ends); with ackers = 0 the spout's ack is called right
// after nextTuple returns (at most once). Single-threaded (see executor.ts).
import type { SpoutOutputCollector, TupleValues } from '../topology/collectors.js';
import { DEFAULT_STREAM } from '../topology/output-fields-declarer.js';
import type { Spout } from '../topology/spout.js';
import type { TopologyContext } from '../topology/topology-context.js';
import type { TupleImpl } from '../topology/tuple.js';
import { ACK_ACK_STREAM, ACK_FAIL_STREAM, ACK_INIT_STREAM } from './acker.js';
import { Executor, isThenable, random32, randomRoot, type ExecutorOptions, type StreamRoute } from './executor.js';

interface PendingTree {
  messageId: unknown;
  startMs: number;
}

export interface SpoutTaskSetup {
  taskId: number;
  create(): Spout;
  context: TopologyContext;
  routes: Map<string, StreamRoute>;
}

class SpoutTask {
  readonly taskId: number;
  spout!: Spout;
  readonly context: TopologyContext;
  readonly routes: Map<string, StreamRoute>;
  readonly pending = new Map<number, PendingTree>();
  /** Message ids to ack right after nextTuple (ackers = 0 or no consumers). */
  immediateAcks: unknown[] = [];
  collector!: SpoutOutputCollector;
  constructor(setup: SpoutTaskSetup) {
    this.taskId = setup.taskId;
    this.context = setup.context;
    this.routes = setup.routes;
  }
}

const INPUT_BUDGET = 1024;
const NEXT_TUPLE_BUDGET = 128;
/** A spout's turn ends after this many emits, so several spouts share downstream capacity. */
const EMIT_BUDGET = 256;
const IDLE_BACKOFF_MS = 1;

export class SpoutExecutor extends Executor {
  readonly kind = 'spout' as const;
  readonly #setups: SpoutTaskSetup[];
  readonly #tasks: SpoutTask[] = [];
  readonly #maxPending: number;
  /** topology.enable.message.timeouts: false → pending trees wait for their ack or fail forever. */
  readonly #timeouts: boolean;
  #active = false;
  #idleUntil = 0;
  #nextTimeoutCheck = 0;
  #rr = 0;
  #emitted = 0;
  /** The rest of an acker batch left when an async ack/fail made the executor busy. */
  #resume: { task: SpoutTask; values: number[]; ack: boolean; index: number } | null = null;

  constructor(options: ExecutorOptions & { tasks: SpoutTaskSetup[] }) {
    super(options);
    this.#setups = options.tasks;
    const mp = Number(this.conf['topology.max.spout.pending'] ?? 0);
    this.#maxPending = Number.isFinite(mp) && mp > 0 ? Math.floor(mp) : 0;
    this.#timeouts = this.messageTimeoutsEnabled;
  }

  get active(): boolean {
    return this.#active;
  }

  /** Pending tuple trees over all tasks. */
  get pendingCount(): number {
    let n = 0;
    for (const t of this.#tasks) n += t.pending.size;
    return n;
  }

  /** True when nextTuple could usefully be called soon (drives the worker's 1 ms retry timer). */
  get wantsPoll(): boolean {
    return this.ready && this.#active && !this.busy;
  }

  async start(): Promise<void> {
    for (const setup of this.#setups) {
      const task = new SpoutTask(setup);
      task.spout = setup.create();
      task.collector = this.#collector(task);
      this.#tasks.push(task);
      await this.callLifecycle(task.taskId, 'open', task.spout.open && (() => task.spout.open!(this.conf, task.context, task.collector)));
    }
    this.startTicks();
    this.ready = true;
  }

  /** ACTIVE → activate() and nextTuple runs; otherwise deactivate() and it stops. */
  async setActive(active: boolean): Promise<void> {
    if (active === this.#active) return;
    this.#active = active;
    for (const task of this.#tasks) {
      const fn = active ? task.spout.activate : task.spout.deactivate;
      await this.callLifecycle(task.taskId, active ? 'activate' : 'deactivate', fn && (() => fn.call(task.spout)));
    }
    this.host.wake();
  }

  async stop(): Promise<void> {
    this.stopTicks();
    if (this.#active) await this.setActive(false);
    for (const task of this.#tasks) await this.callLifecycle(task.taskId, 'close', task.spout.close && (() => task.spout.close!()));
  }

  run(nowMs: number): boolean {
    let work = false;
    // 1. Acks and fails from the ackers (always consumed: they never block).
    const resume = this.#resume;
    if (resume !== null && !this.busy) {
      this.#resume = null;
      work = true;
      this.#drainAcks(resume.task, resume.values, resume.ack, resume.index);
    }
    for (let n = 0; n < INPUT_BUDGET && !this.busy; n++) {
      const t = this.queue.shift();
      if (t === undefined) break;
      work = true;
      this.#onSystemTuple(t);
    }
    if (this.busy) return work;
    // 2. Timeouts.
    if (nowMs >= this.#nextTimeoutCheck && this.ackingEnabled && this.#timeouts) {
      this.#nextTimeoutCheck = nowMs + Math.min(100, this.host.messageTimeoutMs / 4);
      if (this.#expire(this.clock.monotonic())) work = true;
      if (this.busy) return work;
    }
    // 3. nextTuple.
    if (!this.#active || this.host.status !== 'ACTIVE' || nowMs < this.#idleUntil) return work;
    const tasks = this.#tasks;
    let full = 0;
    const emittedAtStart = this.#emitted;
    for (let i = 0; i < NEXT_TUPLE_BUDGET && this.#emitted - emittedAtStart < EMIT_BUDGET; i++) {
      if (this.isDownstreamBlocked()) break;
      const task = tasks[this.#rr]!;
      this.#rr = (this.#rr + 1) % tasks.length;
      if (this.#maxPending > 0 && task.pending.size >= this.#maxPending) {
        if (++full >= tasks.length) break;
        continue;
      }
      full = 0;
      const before = this.#emitted;
      let r: unknown;
      try {
        r = task.spout.nextTuple();
      } catch (error) {
        this.host.reportError(this.component, task.taskId, error);
        this.#idleUntil = nowMs + 100;
        break;
      }
      if (isThenable(r)) {
        this.awaitAsync(r, task.taskId, 'nextTuple', (error) => {
          if (error) this.host.reportError(this.component, task.taskId, error);
          this.#flushImmediateAcks(task);
        });
        return true;
      }
      if (task.immediateAcks.length > 0) this.#flushImmediateAcks(task);
      if (this.#emitted === before) {
        this.#idleUntil = nowMs + IDLE_BACKOFF_MS;
        break;
      }
      work = true;
      if (this.busy) break;
    }
    return work;
  }

  #onSystemTuple(t: TupleImpl): void {
    const task = this.#tasks[t.destTask - this.startTask];
    if (!task) return;
    const stream = t.sourceStreamId;
    if (stream === ACK_ACK_STREAM || stream === ACK_FAIL_STREAM) {
      // Batches from an acker: [root, deltaMs]* (acks) or [root]* (fails).
      this.#drainAcks(task, t.values as number[], stream === ACK_ACK_STREAM, 0);
    } else if (t.isTick()) {
      // Spouts get ticks too (Storm delivers them to every executor with the config set); ignored.
    }
  }

  /** Apply an acker batch from index `from`; if an async ack/fail makes us busy, keep the rest for the next turn. */
  #drainAcks(task: SpoutTask, v: number[], ack: boolean, from: number): void {
    const step = ack ? 2 : 1;
    const now = ack ? this.clock.monotonic() : 0;
    for (let i = from; i < v.length; i += step) {
      if (this.busy) {
        this.#resume = { task, values: v, ack, index: i };
        return;
      }
      const root = v[i]!;
      const entry = task.pending.get(root);
      if (!entry) continue; // timed out already
      task.pending.delete(root);
      if (ack) {
        this.metrics.acked++;
        this.metrics.completeLatency.record(now - entry.startMs);
        this.#callAckFail(task, 'ack', entry.messageId);
      } else {
        this.metrics.failed++;
        this.#callAckFail(task, 'fail', entry.messageId);
      }
    }
  }

  #callAckFail(task: SpoutTask, what: 'ack' | 'fail', messageId: unknown): void {
    const fn = task.spout[what];
    if (!fn) return;
    let r: unknown;
    try {
      r = fn.call(task.spout, messageId);
    } catch (error) {
      this.host.reportError(this.component, task.taskId, error);
      return;
    }
    if (isThenable(r)) this.awaitAsync(r, task.taskId, what);
  }

  #expire(now: number): boolean {
    const timeout = this.host.messageTimeoutMs;
    let any = false;
    for (const task of this.#tasks) {
      for (const [root, entry] of task.pending) {
        if (now - entry.startMs < timeout) break;
        task.pending.delete(root);
        this.metrics.failed++;
        any = true;
        this.#callAckFail(task, 'fail', entry.messageId);
        if (this.busy) return true;
      }
    }
    return any;
  }

  #flushImmediateAcks(task: SpoutTask): void {
    const ids = task.immediateAcks;
    task.immediateAcks = [];
    for (const id of ids) {
      this.metrics.acked++;
      this.#callAckFail(task, 'ack', id);
    }
  }

  emit(task: SpoutTask, streamId: string, values: TupleValues, messageId: unknown, directTask: number): readonly number[] {
    if (!Array.isArray(values)) throw new TypeError(`emit of '${this.component}' needs an array of values, got ${typeof values}`);
    const route = this.route(task.routes, streamId, directTask >= 0);
    const out = directTask >= 0 ? this.directTasks(route, directTask) : this.chooseTasks(route, task.taskId, values);
    const vals = values as unknown[];
    route.counters.emitted++;
    route.counters.transferred += out.length;
    this.#emitted++;
    const hasId = messageId !== undefined && messageId !== null;
    if (!hasId || !this.ackingEnabled || out.length === 0) {
      for (let i = 0; i < out.length; i++) this.host.transfer(out[i]!, task.taskId, this.component, streamId, route.fields, vals, null);
      if (hasId) task.immediateAcks.push(messageId);
      return out;
    }
    const root = randomRoot();
    let ih = 0;
    let il = 0;
    for (let i = 0; i < out.length; i++) {
      const hi = random32();
      const lo = random32();
      ih ^= hi;
      il ^= lo;
      this.host.transfer(out[i]!, task.taskId, this.component, streamId, route.fields, vals, [root, hi, lo]);
    }
    task.pending.set(root, { messageId, startMs: this.clock.monotonic() });
    this.outbox.batch(this.ackerFor(root), ACK_INIT_STREAM).push(root, ih, il, task.taskId);
    return out;
  }

  #collector(task: SpoutTask): SpoutOutputCollector {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const ex = this;
    return {
      emit(a: string | TupleValues, b?: unknown, c?: unknown): readonly number[] {
        return typeof a === 'string' ? ex.emit(task, a, b as TupleValues, c, -1) : ex.emit(task, DEFAULT_STREAM, a, b, -1);
      },
      emitDirect(taskId: number, a: string | TupleValues, b?: unknown, c?: unknown): void {
        if (typeof a === 'string') ex.emit(task, a, b as TupleValues, c, taskId);
        else ex.emit(task, DEFAULT_STREAM, a, b, taskId);
      },
      reportError(error: unknown): void {
        ex.host.reportError(ex.component, task.taskId, error);
      },
      getPendingCount(): number {
        return task.pending.size;
      },
    } as SpoutOutputCollector;
  }
}
