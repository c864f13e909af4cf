// Bolt executor: runs the tasks of one bolt component (rich or basic). run() executes up to
// a budget of queued tuples while downstream has room. Anchored emits give each anchor a
// fresh random edge per target task (XORed into the anchor's ack value and into the new
// tuple's id for each of the anchor's roots); ack sends `__ack_ack [root, id ^ ackVal]` and
// fail `__ack_fail [root]` to the acker owning each root, batched per acker until the
// executor's turn ends (SystemOutbox). Basic bolts are anchored and acked
// automatically; a FailedException from a basic bolt fails the input (ReportedFailedException
// also reports it). Any other error thrown by execute (or a rejected Promise) is Storm's
// uncaught exception: the input is failed and the error goes to host.fatalError, which
// reports it and makes a worker process exit to be restarted by its supervisor (with
// backoff) instead of spinning on a bolt that throws on every tuple. Single-threaded (see
// executor.ts).
import type { Anchors, BasicOutputCollector, OutputCollector, TupleValues } from '../topology/collectors.js';
import type { BasicBolt, Bolt } from '../topology/bolt.js';
import { isBasicBolt } from '../topology/bolt.js';
import { isFailedException } from '../topology/failed-exception.js';
import { DEFAULT_STREAM } from '../topology/output-fields-declarer.js';
import type { TopologyContext } from '../topology/topology-context.js';
import type { Tuple } from '../topology/tuple.js';
import { TupleImpl } from '../topology/tuple.js';
import { ACK_ACK_STREAM, ACK_FAIL_STREAM, ACK_RESET_TIMEOUT_STREAM } from './acker.js';
import { Executor, isThenable, putXor, random32, type ExecutorOptions, type StreamRoute } from './executor.js';

export interface BoltTaskSetup {
  taskId: number;
  create(): Bolt | BasicBolt;
  context: TopologyContext;
  routes: Map<string, StreamRoute>;
}

class BoltTask {
  readonly taskId: number;
  readonly context: TopologyContext;
  readonly routes: Map<string, StreamRoute>;
  bolt!: Bolt | BasicBolt;
  basic = false;
  collector!: OutputCollector;
  basicCollector!: BasicOutputCollector;
  /** The input a basic bolt is executing (its emits are anchored to it). */
  current: TupleImpl | null = null;
  constructor(setup: BoltTaskSetup) {
    this.taskId = setup.taskId;
    this.context = setup.context;
    this.routes = setup.routes;
  }
}

const BUDGET = 512;
const BP_CHECK_EVERY = 32;

export class BoltExecutor extends Executor {
  readonly kind = 'bolt' as const;
  readonly #setups: BoltTaskSetup[];
  readonly #tasks: BoltTask[] = [];

  constructor(options: ExecutorOptions & { tasks: BoltTaskSetup[] }) {
    super(options);
    this.#setups = options.tasks;
  }

  async start(): Promise<void> {
    for (const setup of this.#setups) {
      const task = new BoltTask(setup);
      task.bolt = setup.create();
      task.basic = isBasicBolt(task.bolt);
      task.collector = this.#collector(task);
      task.basicCollector = this.#basicCollector(task);
      this.#tasks.push(task);
      const b = task.bolt;
      await this.callLifecycle(
        task.taskId,
        'prepare',
        b.prepare && (() => (task.basic ? (b as BasicBolt).prepare!(this.conf, task.context) : (b as Bolt).prepare!(this.conf, task.context, task.collector))),
      );
    }
    this.startTicks();
    this.ready = true;
  }

  async stop(): Promise<void> {
    this.stopTicks();
    for (const task of this.#tasks) await this.callLifecycle(task.taskId, 'cleanup', task.bolt.cleanup && (() => task.bolt.cleanup!()));
  }

  run(): boolean {
    let n = 0;
    while (n < BUDGET) {
      if (n % BP_CHECK_EVERY === 0 && this.isDownstreamBlocked()) break;
      const t = this.queue.shift();
      if (t === undefined) break;
      n++;
      this.#execute(t);
      if (this.busy) break;
    }
    return n > 0;
  }

  #execute(t: TupleImpl): void {
    const task = this.#tasks[t.destTask - this.startTask];
    if (task === undefined) return;
    const sampled = this.metrics.sample();
    const start = sampled ? this.clock.monotonic() : 0;
    if (sampled) t.sampleStartMs = start;
    let r: unknown;
    if (task.basic) {
      task.current = t;
      try {
        r = (task.bolt as BasicBolt).execute(t, task.basicCollector);
      } catch (error) {
        task.current = null;
        this.#basicFailed(task, t, error);
        this.metrics.recordExecuted(sampled ? this.clock.monotonic() - start : undefined);
        return;
      }
      if (isThenable(r)) {
        this.awaitAsync(r, task.taskId, 'execute', (error) => {
          task.current = null;
          this.metrics.recordExecuted(sampled ? this.clock.monotonic() - start : undefined);
          if (error) this.#basicFailed(task, t, error);
          else this.ack(task, t);
        });
        return;
      }
      task.current = null;
      this.ack(task, t);
    } else {
      try {
        r = (task.bolt as Bolt).execute(t);
      } catch (error) {
        this.fail(task, t);
        this.metrics.recordExecuted(sampled ? this.clock.monotonic() - start : undefined);
        this.host.fatalError(this.component, task.taskId, error);
        return;
      }
      if (isThenable(r)) {
        this.awaitAsync(r, task.taskId, 'execute', (error) => {
          this.metrics.recordExecuted(sampled ? this.clock.monotonic() - start : undefined);
          if (error) {
            this.fail(task, t);
            this.host.fatalError(this.component, task.taskId, error);
          }
        });
        return;
      }
    }
    this.metrics.recordExecuted(sampled ? this.clock.monotonic() - start : undefined);
  }

  #basicFailed(task: BoltTask, t: TupleImpl, error: unknown): void {
    this.fail(task, t);
    if (!isFailedException(error)) this.host.fatalError(this.component, task.taskId, error);
    else if (error.reported) this.host.reportError(this.component, task.taskId, error);
  }

  ack(task: BoltTask, input: TupleImpl): void {
    if (input.done) return;
    input.done = true;
    this.metrics.acked++;
    if (input.sampleStartMs !== 0) this.metrics.processLatency.record(this.clock.monotonic() - input.sampleStartMs);
    const a = input.anchors;
    if (a === null || !this.ackingEnabled) return;
    const hi = input.ackHi;
    const lo = input.ackLo;
    for (let i = 0; i < a.length; i += 3) {
      const root = a[i]!;
      this.outbox.xor(this.ackerFor(root), ACK_ACK_STREAM, root, a[i + 1]! ^ hi, a[i + 2]! ^ lo);
    }
  }

  fail(task: BoltTask, input: TupleImpl): void {
    if (input.done) return;
    input.done = true;
    this.metrics.failed++;
    if (input.sampleStartMs !== 0) this.metrics.processLatency.record(this.clock.monotonic() - input.sampleStartMs);
    const a = input.anchors;
    if (a === null || !this.ackingEnabled) return;
    for (let i = 0; i < a.length; i += 3) {
      const root = a[i]!;
      this.outbox.batch(this.ackerFor(root), ACK_FAIL_STREAM).push(root);
    }
  }

  resetTimeout(task: BoltTask, input: TupleImpl): void {
    const a = input.anchors;
    if (a === null || !this.ackingEnabled) return;
    for (let i = 0; i < a.length; i += 3) {
      const root = a[i]!;
      this.outbox.batch(this.ackerFor(root), ACK_RESET_TIMEOUT_STREAM).push(root);
    }
  }

  emit(task: BoltTask, streamId: string, values: TupleValues, anchors: Anchors | null | undefined, directTask: number): readonly number[] {
    if (!Array.isArray(values)) throw new TypeError(`emit of '${this.component}' needs an array of values, got ${typeof values}`);
    const route = this.route(task.routes, streamId, directTask >= 0);
    const out = directTask >= 0 ? this.directTasks(route, directTask) : this.chooseTasks(route, task.taskId, values);
    const vals = values as unknown[];
    route.counters.emitted++;
    route.counters.transferred += out.length;
    if (anchors === null || anchors === undefined || !this.ackingEnabled) {
      for (let i = 0; i < out.length; i++) this.host.transfer(out[i]!, task.taskId, this.component, streamId, route.fields, vals, null);
      return out;
    }
    const single = anchors instanceof TupleImpl || !Array.isArray(anchors) ? (anchors as TupleImpl) : null;
    for (let i = 0; i < out.length; i++) {
      let ids: number[] | null = null;
      if (single !== null) {
        ids = this.#anchorTo(single, ids);
      } else {
        const list = anchors as readonly Tuple[];
        for (let j = 0; j < list.length; j++) ids = this.#anchorTo(list[j] as TupleImpl, ids);
      }
      this.host.transfer(out[i]!, task.taskId, this.component, streamId, route.fields, vals, ids);
    }
    return out;
  }

  #anchorTo(anchor: TupleImpl, ids: number[] | null): number[] | null {
    const a = anchor.anchors;
    if (a === null || a === undefined || a.length === 0) return ids;
    if (anchor.done) throw new Error(`Anchored onto a tuple after it was acked or failed (${anchor.toString()})`);
    const hi = random32();
    const lo = random32();
    anchor.ackHi ^= hi;
    anchor.ackLo ^= lo;
    if (a.length === 3 && ids === null) return [a[0]!, hi, lo];
    for (let i = 0; i < a.length; i += 3) ids = putXor(ids, a[i]!, hi, lo);
    return ids;
  }

  #collector(task: BoltTask): OutputCollector {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const ex = this;
    return {
      emit(a: string | TupleValues, b?: unknown, c?: unknown): readonly number[] {
        return typeof a === 'string' ? ex.emit(task, a, b as TupleValues, c as Anchors, -1) : ex.emit(task, DEFAULT_STREAM, a, b as Anchors, -1);
      },
      emitDirect(taskId: number, a: string | TupleValues, b?: unknown, c?: unknown): void {
        if (typeof a === 'string') ex.emit(task, a, b as TupleValues, c as Anchors, taskId);
        else ex.emit(task, DEFAULT_STREAM, a, b as Anchors, taskId);
      },
      ack: (input: Tuple) => ex.ack(task, input as TupleImpl),
      fail: (input: Tuple) => ex.fail(task, input as TupleImpl),
      resetTimeout: (input: Tuple) => ex.resetTimeout(task, input as TupleImpl),
      reportError: (error: unknown) => ex.host.reportError(ex.component, task.taskId, error),
    } as OutputCollector;
  }

  #basicCollector(task: BoltTask): BasicOutputCollector {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const ex = this;
    return {
      emit(a: string | TupleValues, b?: unknown): readonly number[] {
        return typeof a === 'string' ? ex.emit(task, a, b as TupleValues, task.current, -1) : ex.emit(task, DEFAULT_STREAM, a, task.current, -1);
      },
      emitDirect(taskId: number, a: string | TupleValues, b?: unknown): void {
        if (typeof a === 'string') ex.emit(task, a, b as TupleValues, task.current, taskId);
        else ex.emit(task, DEFAULT_STREAM, a, task.current, taskId);
      },
      reportError: (error: unknown) => ex.host.reportError(ex.component, task.taskId, error),
    } as BasicOutputCollector;
  }
}
