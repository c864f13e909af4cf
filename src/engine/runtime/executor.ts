// Executor base: one executor runs a contiguous range of tasks of one component, consuming
// its receive queue when the worker's loop calls run(). Holds what spout, bolt and acker
// executors share: the host interface (the worker), stream routes, downstream backpressure
// checks, tick tuples, async-callback bookkeeping and the random ids of the acking scheme.
// Single-threaded: everything runs on the worker's event loop; an executor with an
// outstanding Promise from user code is `busy` and is not run until it settles.
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { ExecutorStats, TopologyStatus } from './contracts.js';
import { Fields } from '../topology/fields.js';
import { TupleImpl } from '../topology/tuple.js';
import { ACK_ACK_STREAM, ACK_FAIL_STREAM, ACK_INIT_STREAM, ACK_RESET_TIMEOUT_STREAM } from './acker.js';
import { ExecutorQueue } from './executor-queue.js';
import type { Grouper } from './groupers/grouper.js';
import { ExecutorMetrics, type StreamCounters } from './metrics/executor-metrics.js';
import { repeatEvery, type RepeatingTimer } from './repeating-timer.js';

export const SYSTEM_COMPONENT = '__system';
export const TICK_STREAM = '__tick';

/**
 * Fields of the system streams. The acking streams carry batches: their values repeat the
 * fields' group (`__ack_init` [root, hi, lo, spoutTask]*, `__ack_ack` to an acker
 * [root, hi, lo]*, `__ack_ack` from an acker to a spout [root, deltaMs]*, `__ack_fail` and
 * `__ack_reset_timeout` [root]*), so one message per (executor, acker) carries a whole
 * executor batch (Storm coalesces acker traffic the same way).
 */
export const SYSTEM_STREAM_FIELDS: Record<string, Fields> = {
  [TICK_STREAM]: new Fields('rate_secs'),
  [ACK_INIT_STREAM]: new Fields('id', 'init-val-hi', 'init-val-lo', 'spout-task'),
  [ACK_ACK_STREAM]: new Fields('id', 'ack-val-hi', 'ack-val-lo'),
  [ACK_FAIL_STREAM]: new Fields('id'),
  [ACK_RESET_TIMEOUT_STREAM]: new Fields('id'),
};

/** Values per batch message above which a system batch is sent before the executor's turn ends. */
const SYSTEM_BATCH_MAX_VALUES = 3 * 2048;

/**
 * Buffered messages on the system (acking) streams of one executor, one growing numeric
 * batch per (destination task, stream); flush() transfers each batch as one tuple.
 * Consecutive XOR updates for the same root are folded into one entry.
 */
export class SystemOutbox {
  readonly #ex: Executor;
  readonly #dests: number[] = [];
  readonly #streams: string[] = [];
  readonly #batches: (number[] | null)[] = [];
  #last = -1;
  #pending = 0;

  constructor(ex: Executor) {
    this.#ex = ex;
  }

  get pending(): number {
    return this.#pending;
  }

  /** The open batch for (dest, stream), created when missing. */
  batch(dest: number, stream: string): number[] {
    const l = this.#last;
    if (l >= 0 && this.#dests[l] === dest && this.#streams[l] === stream) {
      const b = this.#batches[l];
      if (b !== null && b !== undefined && b.length < SYSTEM_BATCH_MAX_VALUES) return b;
    }
    for (let i = 0; i < this.#dests.length; i++) {
      if (this.#dests[i] !== dest || this.#streams[i] !== stream) continue;
      let b: number[] | null = this.#batches[i] ?? null;
      if (b !== null && b.length >= SYSTEM_BATCH_MAX_VALUES) {
        this.#send(i, b);
        b = null;
      }
      if (b === null) {
        b = [];
        this.#batches[i] = b;
        if (this.#pending++ === 0) this.#ex.host.wake();
      }
      this.#last = i;
      return b;
    }
    const b: number[] = [];
    this.#dests.push(dest);
    this.#streams.push(stream);
    this.#batches.push(b);
    this.#last = this.#dests.length - 1;
    if (this.#pending++ === 0) this.#ex.host.wake();
    return b;
  }

  /** Add an XOR update [root, hi, lo] for `dest`'s stream, folding into the last entry for the same root. */
  xor(dest: number, stream: string, root: number, hi: number, lo: number): void {
    const b = this.batch(dest, stream);
    const n = b.length;
    if (n >= 3 && b[n - 3] === root) {
      b[n - 2] = b[n - 2]! ^ hi;
      b[n - 1] = b[n - 1]! ^ lo;
    } else {
      b.push(root, hi, lo);
    }
  }

  /** Transfer every open batch. */
  flush(): void {
    if (this.#pending === 0) return;
    for (let i = 0; i < this.#batches.length; i++) {
      const b = this.#batches[i];
      if (b !== null && b !== undefined) this.#send(i, b);
    }
  }

  #send(i: number, b: number[]): void {
    this.#batches[i] = null;
    this.#pending--;
    const stream = this.#streams[i]!;
    const ex = this.#ex;
    ex.host.transfer(this.#dests[i]!, ex.startTask, ex.component, stream, SYSTEM_STREAM_FIELDS[stream]!, b, null);
  }
}

/** What an executor needs from the worker hosting it. */
export interface ExecutorHost {
  readonly logger: Logger;
  /** Time for tuple timeouts, ticks and latencies (a ManualClock in tests). */
  readonly clock: Clock;
  /** Acker task ids, sorted; empty when acking is off (topology.acker.executors = 0). */
  readonly ackerTasks: readonly number[];
  readonly messageTimeoutMs: number;
  /** Send one tuple to a task (local queue or remote worker). */
  transfer(destTask: number, srcTask: number, srcComponent: string, streamId: string, fields: Fields, values: unknown[], anchors: number[] | null): void;
  /** True when a task cannot take more tuples now (backpressure). */
  isTaskBlocked(task: number): boolean;
  /** Ask the worker loop to run soon (after async completions, ticks). */
  wake(): void;
  reportError(component: string, taskId: number, error: unknown): void;
  /**
   * A task hit an error Storm treats as fatal (an uncaught exception in a bolt's execute):
   * reported like reportError, then a worker process halts and exits so its supervisor
   * restarts it; the in-process local runner records it and keeps running.
   */
  fatalError(component: string, taskId: number, error: unknown): void;
  readonly status: TopologyStatus;
}

/** One consuming component of a stream and how to pick its tasks. */
export interface RouteTarget {
  component: string;
  grouper: Grouper;
  tasks: ReadonlySet<number>;
}

/** A declared output stream of a task: its fields, counters and consumers. */
export interface StreamRoute {
  streamId: string;
  fields: Fields;
  direct: boolean;
  counters: StreamCounters;
  targets: RouteTarget[];
}

export interface ExecutorOptions {
  host: ExecutorHost;
  component: string;
  startTask: number;
  endTask: number;
  /** Effective conf of the component (topology conf < component conf). */
  conf: Record<string, unknown>;
  /** Soft capacity of the receive queue (backpressure threshold). */
  queueCapacity: number;
  metrics: ExecutorMetrics;
}

const TWO_POW_32 = 0x100000000;
const TWO_POW_20 = 0x100000;

/** A random 32-bit half of an edge id. */
export function random32(): number {
  return (Math.random() * TWO_POW_32) | 0;
}

/** A random 52-bit root id (a safe integer: exact in JSON and as a Map key). */
export function randomRoot(): number {
  return Math.floor(Math.random() * TWO_POW_20) * TWO_POW_32 + Math.floor(Math.random() * TWO_POW_32);
}

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}

const EMPTY: readonly number[] = Object.freeze([]);

export abstract class Executor {
  readonly host: ExecutorHost;
  readonly clock: Clock;
  readonly component: string;
  readonly startTask: number;
  readonly endTask: number;
  readonly conf: Record<string, unknown>;
  readonly queue: ExecutorQueue<TupleImpl>;
  readonly queueCapacity: number;
  readonly metrics: ExecutorMetrics;
  /** An async user callback is outstanding: do not run. */
  busy = false;
  /** open/prepare done. */
  ready = false;
  /** Backpressure state last published for this executor's tasks. */
  bpPublished = false;
  /** Tasks downstream of this executor (consumers of its streams, ackers): checked for backpressure. */
  downstream: number[] = [];
  /** Batched acking messages, sent when the executor's turn ends (flushSystem). */
  readonly outbox: SystemOutbox;
  #tickTimer: RepeatingTimer | undefined;

  constructor(options: ExecutorOptions) {
    this.host = options.host;
    this.clock = options.host.clock;
    this.component = options.component;
    this.startTask = options.startTask;
    this.endTask = options.endTask;
    this.conf = options.conf;
    this.queueCapacity = options.queueCapacity;
    this.queue = new ExecutorQueue(Math.min(options.queueCapacity * 2, 1 << 16));
    this.metrics = options.metrics;
    this.outbox = new SystemOutbox(this);
  }

  /** Send the batched acking messages (the worker calls this after every turn). */
  flushSystem(): void {
    this.outbox.flush();
  }

  /** Storm's `topology.enable.message.timeouts` (default true): false means tuple trees never time out. */
  get messageTimeoutsEnabled(): boolean {
    const v = this.conf['topology.enable.message.timeouts'];
    return !(v === false || v === 'false');
  }

  get ackingEnabled(): boolean {
    return this.host.ackerTasks.length > 0;
  }

  abstract readonly kind: ExecutorStats['kind'];
  /** Create task instances and call open/prepare. */
  abstract start(): Promise<void>;
  /** Process some input / call nextTuple; returns whether anything was done. */
  abstract run(nowMs: number): boolean;
  /** Orderly shutdown of user code (close/cleanup). */
  abstract stop(): Promise<void>;

  /** True when some downstream task has no room (its queue or its worker link is full). */
  isDownstreamBlocked(): boolean {
    const d = this.downstream;
    for (let i = 0; i < d.length; i++) if (this.host.isTaskBlocked(d[i]!)) return true;
    return false;
  }

  ackerFor(root: number): number {
    const a = this.host.ackerTasks;
    return a[root % a.length]!;
  }

  /** Target tasks of a non-direct emit on `route`. */
  chooseTasks(route: StreamRoute, srcTask: number, values: readonly unknown[]): readonly number[] {
    const targets = route.targets;
    if (targets.length === 1) return targets[0]!.grouper.chooseTasks(srcTask, values);
    if (targets.length === 0) return EMPTY;
    const out: number[] = [];
    for (const t of targets) for (const x of t.grouper.chooseTasks(srcTask, values)) out.push(x);
    return out;
  }

  /** Target of an emitDirect: the task if it consumes the stream, else nothing. */
  directTasks(route: StreamRoute, task: number): readonly number[] {
    for (const t of route.targets) if (t.tasks.has(task)) return [task];
    return EMPTY;
  }

  route(routes: Map<string, StreamRoute>, streamId: string, direct: boolean): StreamRoute {
    const r = routes.get(streamId);
    if (!r) {
      throw new Error(`Component '${this.component}' emitted on stream '${streamId}', which it does not declare (declared: ${[...routes.keys()].join(', ') || 'none'})`);
    }
    if (r.direct !== direct) {
      throw new Error(
        direct
          ? `emitDirect on stream '${streamId}' of '${this.component}', which is not declared direct`
          : `emit on direct stream '${streamId}' of '${this.component}': use emitDirect`,
      );
    }
    return r;
  }

  enqueueTick(freqSecs: number): void {
    for (let t = this.startTask; t <= this.endTask; t++) {
      const tick = new TupleImpl([freqSecs], SYSTEM_STREAM_FIELDS[TICK_STREAM]!, SYSTEM_COMPONENT, TICK_STREAM, -1, null);
      tick.destTask = t;
      this.queue.push(tick);
    }
    this.host.wake();
  }

  /** Start tick tuples if `topology.tick.tuple.freq.secs` is set for this component. */
  startTicks(): void {
    const freq = Number(this.conf['topology.tick.tuple.freq.secs'] ?? 0);
    if (!(freq > 0)) return;
    this.#tickTimer = repeatEvery(this.host.clock, freq * 1000, () => this.enqueueTick(freq));
  }

  stopTicks(): void {
    this.#tickTimer?.cancel();
    this.#tickTimer = undefined;
  }

  /** Await a user callback's Promise with the executor marked busy; errors are reported. */
  awaitAsync(p: PromiseLike<unknown>, taskId: number, what: string, then?: (error: unknown) => void): void {
    this.busy = true;
    p.then(
      () => {
        this.busy = false;
        then?.(undefined);
        this.host.wake();
      },
      (error: unknown) => {
        this.busy = false;
        if (then) then(error ?? new Error(`${what} rejected`));
        else this.host.reportError(this.component, taskId, error);
        this.host.wake();
      },
    );
  }

  /** Call a lifecycle callback (open, activate, close...) and wait for it. */
  async callLifecycle(taskId: number, what: string, fn: (() => unknown) | undefined): Promise<void> {
    if (!fn) return;
    try {
      await fn();
    } catch (error) {
      this.host.reportError(this.component, taskId, new Error(`${what} of '${this.component}' task ${taskId} failed: ${(error as Error)?.message ?? String(error)}`, { cause: error }));
    }
  }
}

/** XOR (hi, lo) into the entry for `root` of a flat [root, hi, lo]* list. */
export function putXor(out: number[] | null, root: number, hi: number, lo: number): number[] {
  if (out === null) return [root, hi, lo];
  for (let i = 0; i < out.length; i += 3) {
    if (out[i] === root) {
      out[i + 1] = out[i + 1]! ^ hi;
      out[i + 2] = out[i + 2]! ^ lo;
      return out;
    }
  }
  out.push(root, hi, lo);
  return out;
}
