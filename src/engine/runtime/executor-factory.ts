// Executor factory (Storm's Executor.mkExecutor): builds the executors one worker runs from
// the assignment: a spout, bolt or acker executor per executor range, each task with its
// TopologyContext and stream routes (groupers over the consumers' tasks), and each executor's
// downstream tasks for back-pressure checks. Pure construction: no user code runs here
// (open/prepare happen in Executor.start). Single-threaded.
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { BasicBolt, Bolt } from '../topology/bolt.js';
import type { Fields } from '../topology/fields.js';
import type { Spout } from '../topology/spout.js';
import type { TopologyLike } from '../topology/topology.js';
import { TopologyContextImpl } from '../topology/topology-context.js';
import type { TopologySpec } from '../topology/topology-spec.js';
import { ACKER_COMPONENT_ID } from './acker.js';
import type { Assignment } from './contracts.js';
import { AckerExecutor } from './executor-acker.js';
import { BoltExecutor, type BoltTaskSetup } from './executor-bolt.js';
import { SpoutExecutor, type SpoutTaskSetup } from './executor-spout.js';
import type { Executor, ExecutorHost, StreamRoute } from './executor.js';
import { createGrouper } from './groupers/grouper.js';
import { ExecutorMetrics } from './metrics/executor-metrics.js';

/** Soft capacity of an executor's receive queue (Storm's default is 32768; smaller keeps latency and memory down). */
export const DEFAULT_QUEUE_CAPACITY = 8192;

/** What the factory needs to know about the topology and this worker's place in it. */
export interface ExecutorFactoryInput {
  topology: TopologyLike;
  spec: TopologySpec;
  topologyId: string;
  stormConf: Record<string, unknown>;
  assignment: Assignment;
  workerIndex: number;
  /** component id → its tasks, ascending. */
  tasksByComponent: ReadonlyMap<string, readonly number[]>;
  /** component id → stream id → declared fields. */
  fieldsByComponent: ReadonlyMap<string, ReadonlyMap<string, Fields>>;
  /** Tasks of this worker. */
  localTasks: ReadonlySet<number>;
  /** Acker task ids (all workers), ascending. */
  ackerTasks: readonly number[];
  host: ExecutorHost;
  clock: Clock;
  logger: Logger;
  codeDir: string;
}

/** The executors of one worker, spouts and the rest apart (the loop runs them in that order). */
export interface WorkerExecutors {
  all: Executor[];
  spouts: SpoutExecutor[];
  nonSpouts: Executor[];
}

/** Build every executor the assignment gives worker `workerIndex`. Throws on a component the topology lacks. */
export function createExecutors(input: ExecutorFactoryInput): WorkerExecutors {
  const { spec, stormConf: conf, assignment, workerIndex } = input;
  const me = assignment.workers[workerIndex];
  if (!me) throw new RangeError(`Worker index ${workerIndex} is not in the assignment (${assignment.workers.length} workers)`);
  const sampleRate = Number(conf['topology.stats.sample.rate'] ?? 0.05);
  const workerTasks = [...input.localTasks].sort((a, b) => a - b);
  const out: WorkerExecutors = { all: [], spouts: [], nonSpouts: [] };
  for (const e of me.executors) {
    const comp = spec.components.find((c) => c.id === e.component);
    const isAcker = e.component === ACKER_COMPONENT_ID;
    if (!comp && !isAcker) throw new RangeError(`Assignment names component '${e.component}', which the topology does not have`);
    const compConf = { ...conf, ...(comp?.config ?? {}) };
    const cap = Number(compConf['topology.executor.receive.buffer.size'] ?? DEFAULT_QUEUE_CAPACITY);
    const kind = isAcker ? 'acker' : comp!.kind;
    const options = {
      host: input.host,
      component: e.component,
      startTask: e.startTask,
      endTask: e.endTask,
      conf: compConf,
      queueCapacity: Number.isInteger(cap) && cap > 0 ? cap : DEFAULT_QUEUE_CAPACITY,
      metrics: new ExecutorMetrics({ component: e.component, kind, startTask: e.startTask, endTask: e.endTask, sampleRate, now: () => input.clock.monotonic() }),
    };
    if (isAcker) {
      const ex = new AckerExecutor(options);
      out.nonSpouts.push(ex);
      out.all.push(ex);
      continue;
    }
    const setups: Array<SpoutTaskSetup & BoltTaskSetup> = [];
    for (let t = e.startTask; t <= e.endTask; t++) {
      const context = new TopologyContextImpl({
        spec,
        taskToComponent: assignment.taskToComponent,
        taskId: t,
        componentId: e.component,
        workerTasks,
        workerPort: me.port,
        stormId: input.topologyId,
        conf: compConf,
        codeDir: input.codeDir,
        logger: input.logger,
        onFatalError: (error) => input.host.fatalError(e.component, t, error),
        clock: input.clock,
      });
      const routes = routesFor(input, e.component, context, options.metrics);
      setups.push({ taskId: t, context, routes, create: () => input.topology.createComponent(e.component) as Spout & Bolt & BasicBolt });
    }
    if (comp!.kind === 'spout') {
      const ex = new SpoutExecutor({ ...options, tasks: setups });
      out.spouts.push(ex);
      out.all.push(ex);
    } else {
      const ex = new BoltExecutor({ ...options, tasks: setups });
      out.nonSpouts.push(ex);
      out.all.push(ex);
    }
  }
  for (const ex of out.all) if (ex.kind !== 'acker') ex.downstream = downstreamTasks(input, ex.component);
  return out;
}

/**
 * Downstream tasks of a component for back pressure: the consumer tasks the groupings of its
 * streams can pick (local ones only for local-or-shuffle with a local task, the first one
 * for global), plus the ackers.
 */
export function downstreamTasks(input: Pick<ExecutorFactoryInput, 'spec' | 'tasksByComponent' | 'localTasks' | 'ackerTasks'>, component: string): number[] {
  const down = new Set<number>(input.ackerTasks);
  for (const c of input.spec.components) {
    const tasks = input.tasksByComponent.get(c.id) ?? [];
    for (const inp of c.inputs) {
      if (inp.component !== component) continue;
      const local = tasks.filter((t) => input.localTasks.has(t));
      const targets = inp.grouping.type === 'local-or-shuffle' && local.length > 0 ? local : inp.grouping.type === 'global' ? tasks.slice(0, 1) : tasks;
      for (const t of targets) down.add(t);
    }
  }
  return [...down].sort((a, b) => a - b);
}

/** The output streams of one task: fields, counters and a grouper per consuming component. */
function routesFor(input: ExecutorFactoryInput, component: string, context: TopologyContextImpl, metrics: ExecutorMetrics): Map<string, StreamRoute> {
  const comp = input.spec.components.find((c) => c.id === component)!;
  const routes = new Map<string, StreamRoute>();
  for (const [streamId, def] of Object.entries(comp.streams)) {
    const route: StreamRoute = { streamId, fields: input.fieldsByComponent.get(component)!.get(streamId)!, direct: def.direct, counters: metrics.stream(streamId), targets: [] };
    for (const consumer of input.spec.components) {
      for (const inp of consumer.inputs) {
        if (inp.component !== component || inp.stream !== streamId) continue;
        const targetTasks = [...(input.tasksByComponent.get(consumer.id) ?? [])];
        let custom;
        if (inp.grouping.type === 'custom') {
          custom = input.topology.createCustomGrouping(inp.grouping.customName!);
          custom.prepare(context, { componentId: component, streamId }, targetTasks);
        }
        route.targets.push({
          component: consumer.id,
          tasks: new Set(targetTasks),
          grouper: createGrouper({ grouping: inp.grouping, targetTasks, streamFields: def.fields, localTasks: input.localTasks, custom }),
        });
      }
    }
    routes.set(streamId, route);
  }
  return routes;
}
