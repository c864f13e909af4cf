// TopologyBuilder: the user-facing way to wire spouts and bolts into a topology (Storm's
// TopologyBuilder). Checks ids when components are added and the whole graph (sources,
// streams, fields, groupings, parallelism) in createTopology(), with messages that name the
// component, stream or field at fault. Single-threaded, used once at module load.
import { StreamctlError } from '../common/errors.js';
import type { ComponentSpec, GroupingSpec, InputSpec, TopologySpec } from './topology-spec.js';
import type { BasicBolt, Bolt } from './bolt.js';
import type { CustomStreamGrouping } from './custom-stream-grouping.js';
import { toFieldList, type Fields } from './fields.js';
import { DEFAULT_STREAM, OutputFieldsCollector } from './output-fields-declarer.js';
import type { Spout } from './spout.js';
import { instantiate, Topology, type ComponentInstance, type InstanceSource } from './topology.js';
import { isWindowedBolt } from './windowing/base-windowed-bolt.js';
import { WindowedBoltExecutor } from './windowing/windowed-bolt-executor.js';
import { isStatefulBolt, type StatefulBolt } from './state/base-stateful-bolt.js';
import { StatefulBoltExecutor } from './state/stateful-bolt-executor.js';
import { CheckpointTupleForwarder } from './state/checkpoint-tuple-forwarder.js';
import { CHECKPOINT_COMPONENT_ID, CHECKPOINT_STREAM_ID, CheckpointSpout } from './state/checkpoint-spout.js';
import type { WindowedBolt } from './windowing/base-windowed-bolt.js';
import type { State } from './state/key-value-state.js';

type FieldsArg = Fields | readonly string[];

/** Per-component settings shared by spouts and bolts. */
export interface ComponentConfigurationDeclarer<T> {
  /** Fix the number of tasks (default: the parallelism). Must be >= the parallelism. */
  setNumTasks(numTasks: number): T;
  /** Set a component-level config key (overrides the topology config for this component). */
  addConfiguration(key: string, value: unknown): T;
  addConfigurations(conf: Record<string, unknown>): T;
  /** Storm's `topology.max.spout.pending` for this component. */
  setMaxSpoutPending(max: number): T;
  /** Storm's `topology.tick.tuple.freq.secs` for this component. */
  setTickTupleFreqSecs(secs: number): T;
}

export type SpoutDeclarer = ComponentConfigurationDeclarer<SpoutDeclarer>;

/** How a bolt subscribes to streams. Each method takes an optional stream id (default `default`). */
export interface BoltDeclarer extends ComponentConfigurationDeclarer<BoltDeclarer> {
  /** Random, evenly spread. */
  shuffleGrouping(componentId: string, streamId?: string): BoltDeclarer;
  /** Same values of `fields` always go to the same task. */
  fieldsGrouping(componentId: string, fields: FieldsArg): BoltDeclarer;
  fieldsGrouping(componentId: string, streamId: string, fields: FieldsArg): BoltDeclarer;
  /** Every task gets every tuple. */
  allGrouping(componentId: string, streamId?: string): BoltDeclarer;
  /** Everything goes to the task with the lowest id. */
  globalGrouping(componentId: string, streamId?: string): BoltDeclarer;
  /** Don't care (behaves as shuffle). */
  noneGrouping(componentId: string, streamId?: string): BoltDeclarer;
  /** The emitter picks the task with emitDirect; the stream must be declared direct. */
  directGrouping(componentId: string, streamId?: string): BoltDeclarer;
  /** Shuffle among tasks in the same worker when there are any, else among all. */
  localOrShuffleGrouping(componentId: string, streamId?: string): BoltDeclarer;
  /** Key grouping that splits each key over two tasks, picking the less loaded one. */
  partialKeyGrouping(componentId: string, fields: FieldsArg): BoltDeclarer;
  partialKeyGrouping(componentId: string, streamId: string, fields: FieldsArg): BoltDeclarer;
  /** User-defined routing; an instance (copied per emitting task) or a factory. */
  customGrouping(componentId: string, grouping: InstanceSource<CustomStreamGrouping>): BoltDeclarer;
  customGrouping(componentId: string, streamId: string, grouping: InstanceSource<CustomStreamGrouping>): BoltDeclarer;
}

interface Entry {
  id: string;
  kind: 'spout' | 'bolt';
  source: InstanceSource<ComponentInstance>;
  parallelism: number;
  numTasks: number | undefined;
  inputs: Array<InputSpec & { customSource?: InstanceSource<CustomStreamGrouping> }>;
  config: Record<string, unknown>;
}

function invalid(message: string): StreamctlError {
  return new StreamctlError('USAGE', message);
}

/** Well-known topology config keys (Storm names). */
export const TopologyConfig = {
  WORKERS: 'topology.workers',
  ACKER_EXECUTORS: 'topology.acker.executors',
  MESSAGE_TIMEOUT_SECS: 'topology.message.timeout.secs',
  MAX_SPOUT_PENDING: 'topology.max.spout.pending',
  TICK_TUPLE_FREQ_SECS: 'topology.tick.tuple.freq.secs',
  EXECUTOR_RECEIVE_BUFFER_SIZE: 'topology.executor.receive.buffer.size',
  STATS_SAMPLE_RATE: 'topology.stats.sample.rate',
  DEBUG: 'topology.debug',
} as const;

export class TopologyBuilder {
  readonly #entries = new Map<string, Entry>();

  /**
   * Add a spout. `spout` is a factory `() => new MySpout()` (called once per task inside the
   * worker) or an instance (copied per task). `parallelism` = executors (default 1).
   */
  setSpout(id: string, spout: InstanceSource<Spout>, parallelism = 1): SpoutDeclarer {
    const entry = this.#add(id, 'spout', spout as InstanceSource<ComponentInstance>, parallelism);
    return this.#declarer(entry) as SpoutDeclarer;
  }

  /**
   * Add a bolt (rich, basic, windowed or stateful); same instance rules as setSpout. A
   * windowed bolt runs in a WindowedBoltExecutor and a stateful bolt in a
   * StatefulBoltExecutor (which adds the checkpoint spout to the topology).
   */
  setBolt(id: string, bolt: InstanceSource<Bolt | BasicBolt | WindowedBolt | StatefulBolt<State>>, parallelism = 1): BoltDeclarer {
    const source = bolt as InstanceSource<Bolt | BasicBolt | WindowedBolt | StatefulBolt<State>>;
    const wrapped = source !== null && (typeof source === 'object' || typeof source === 'function') ? () => wrapBolt(instantiate(source)) : source;
    const entry = this.#add(id, 'bolt', wrapped as InstanceSource<ComponentInstance>, parallelism);
    return this.#declarer(entry);
  }

  /**
   * Validate the graph and build the Topology. `config` is the topology-level config
   * (topology.workers, topology.acker.executors, ...); `-c` flags on submit override it.
   */
  createTopology(config: Record<string, unknown> = {}): Topology {
    if (!this.#entries.size || ![...this.#entries.values()].some((e) => e.kind === 'spout')) throw invalid('A topology needs at least one spout (use builder.setSpout)');
    const entries = this.#withCheckpointing([...this.#entries.values()]);
    const components = new Map<string, InstanceSource<ComponentInstance>>();
    const groupings = new Map<string, InstanceSource<CustomStreamGrouping>>();
    const specs = new Map<string, ComponentSpec>();
    for (const e of entries) {
      const sample = sampleInstance(e);
      const declarer = new OutputFieldsCollector(e.id);
      if (typeof (sample as { declareOutputFields?: unknown }).declareOutputFields !== 'function') {
        throw invalid(`Component '${e.id}' has no declareOutputFields(declarer) method`);
      }
      const fn = e.kind === 'spout' ? 'nextTuple' : 'execute';
      if (typeof (sample as unknown as Record<string, unknown>)[fn] !== 'function') {
        throw invalid(`Component '${e.id}' is a ${e.kind} but has no ${fn}() method`);
      }
      try {
        sample.declareOutputFields(declarer);
      } catch (error) {
        throw invalid(`declareOutputFields of '${e.id}' failed: ${(error as Error).message}`);
      }
      const ownConf = (sample.getComponentConfiguration?.() ?? {}) as Record<string, unknown>;
      const numTasks = e.numTasks ?? e.parallelism;
      if (e.parallelism > numTasks) {
        throw invalid(`Component '${e.id}' has parallelism ${e.parallelism} but only ${numTasks} tasks: executors cannot outnumber tasks (raise setNumTasks or lower the parallelism)`);
      }
      components.set(e.id, e.source);
      specs.set(e.id, {
        id: e.id,
        kind: e.kind,
        parallelism: e.parallelism,
        numTasks,
        inputs: [],
        streams: declarer.streams,
        config: { ...ownConf, ...e.config },
        ...(sample instanceof StatefulBoltExecutor ? { stateful: true } : {}),
      });
    }
    for (const e of entries) {
      const spec = specs.get(e.id)!;
      const seen = new Set<string>();
      for (const input of e.inputs) {
        const source = specs.get(input.component);
        const where = `Component '${e.id}' subscribes to`;
        if (!source) {
          throw invalid(`${where} unknown component '${input.component}' (components: ${[...specs.keys()].sort().join(', ')})`);
        }
        const stream = source.streams[input.stream];
        if (!stream) {
          const declared = Object.keys(source.streams);
          throw invalid(`${where} stream '${input.stream}' of '${input.component}', which '${input.component}' does not declare (declared streams: ${declared.length ? declared.join(', ') : 'none'})`);
        }
        const key = `${input.component}\u0000${input.stream}`;
        if (seen.has(key)) throw invalid(`${where} stream '${input.stream}' of '${input.component}' twice`);
        seen.add(key);
        const g = input.grouping;
        if (g.type === 'direct' && !stream.direct) {
          throw invalid(`${where} stream '${input.stream}' of '${input.component}' with direct grouping, but that stream is not declared direct (declare it with declarer.declareStream(id, fields, true))`);
        }
        if (g.type !== 'direct' && stream.direct) {
          throw invalid(`${where} direct stream '${input.stream}' of '${input.component}' with ${g.type} grouping; direct streams take directGrouping only`);
        }
        if (g.type === 'fields' || g.type === 'partial-key') {
          if (!g.fields || g.fields.length === 0) throw invalid(`${where} stream '${input.stream}' of '${input.component}' with ${g.type} grouping on no fields`);
          for (const f of g.fields) {
            if (!stream.fields.includes(f)) {
              throw invalid(`${where} stream '${input.stream}' of '${input.component}' grouped by field '${f}', which that stream does not declare (fields: ${stream.fields.join(', ') || 'none'})`);
            }
          }
        }
        if (g.type === 'custom') {
          const name = `${e.id}:${input.component}:${input.stream}`;
          g.customName = name;
          groupings.set(name, input.customSource!);
        }
        spec.inputs.push({ component: input.component, stream: input.stream, grouping: { ...g } });
      }
    }
    const spec: TopologySpec = { components: [...specs.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), config: { ...config } };
    return new Topology(JSON.parse(JSON.stringify(spec)) as TopologySpec, components, groupings);
  }

  /**
   * Storm's checkpoint wiring when some bolt is stateful: the `$checkpointspout`, every other
   * bolt wrapped in a CheckpointTupleForwarder, and every bolt subscribed (all grouping) to
   * the `$checkpoint` stream of each of its sources (the checkpoint spout for spouts).
   */
  #withCheckpointing(entries: Entry[]): Entry[] {
    const stateful = entries.some((e) => e.kind === 'bolt' && sampleInstance(e) instanceof StatefulBoltExecutor);
    if (!stateful) return entries;
    if (this.#entries.has(CHECKPOINT_COMPONENT_ID)) throw invalid(`Component id '${CHECKPOINT_COMPONENT_ID}' is reserved for the checkpoint spout`);
    const spouts = new Set(entries.filter((e) => e.kind === 'spout').map((e) => e.id));
    const out: Entry[] = [{ id: CHECKPOINT_COMPONENT_ID, kind: 'spout', source: () => new CheckpointSpout(), parallelism: 1, numTasks: 1, inputs: [], config: {} }];
    for (const e of entries) {
      if (e.kind === 'spout') {
        out.push(e);
        continue;
      }
      const inner = e.source;
      const source = () => {
        const b = instantiate(inner);
        return b instanceof StatefulBoltExecutor ? b : new CheckpointTupleForwarder(b as Bolt | BasicBolt);
      };
      const sources = new Set(e.inputs.map((i) => (spouts.has(i.component) ? CHECKPOINT_COMPONENT_ID : i.component)));
      const inputs = [...e.inputs, ...[...sources].map((component) => ({ component, stream: CHECKPOINT_STREAM_ID, grouping: { type: 'all' as const } }))];
      out.push({ ...e, source, inputs });
    }
    return out;
  }

  #add(id: string, kind: 'spout' | 'bolt', source: InstanceSource<ComponentInstance>, parallelism: number): Entry {
    if (typeof id !== 'string' || id.length === 0) throw invalid(`A ${kind} id must be a non-empty string`);
    if (id.startsWith('__')) throw invalid(`Component id '${id}' is reserved: ids starting with '__' are for system components (__acker, __system)`);
    if (this.#entries.has(id)) throw invalid(`Component id '${id}' is already used by a ${this.#entries.get(id)!.kind}; ids must be unique`);
    checkCount(`Parallelism of '${id}'`, parallelism);
    if (source === null || (typeof source !== 'object' && typeof source !== 'function')) {
      throw invalid(`${kind === 'spout' ? 'Spout' : 'Bolt'} '${id}' must be an instance or a factory function, got ${String(source)}`);
    }
    const entry: Entry = { id, kind, source, parallelism, numTasks: undefined, inputs: [], config: {} };
    this.#entries.set(id, entry);
    return entry;
  }

  #declarer(entry: Entry): BoltDeclarer {
    const add = (component: string, stream: string | undefined, grouping: GroupingSpec, customSource?: InstanceSource<CustomStreamGrouping>) => {
      if (typeof component !== 'string' || component.length === 0) throw invalid(`Component '${entry.id}': a grouping needs a source component id`);
      entry.inputs.push({ component, stream: stream ?? DEFAULT_STREAM, grouping, customSource });
      return declarer;
    };
    const splitFields = (a: string | FieldsArg, b: FieldsArg | undefined): [string | undefined, string[]] =>
      typeof a === 'string' ? [a, toFieldList(b ?? [])] : [undefined, toFieldList(a)];
    const declarer: BoltDeclarer = {
      shuffleGrouping: (c, s) => add(c, s, { type: 'shuffle' }),
      fieldsGrouping: (c: string, a: string | FieldsArg, b?: FieldsArg) => {
        const [s, fields] = splitFields(a, b);
        return add(c, s, { type: 'fields', fields });
      },
      allGrouping: (c, s) => add(c, s, { type: 'all' }),
      globalGrouping: (c, s) => add(c, s, { type: 'global' }),
      noneGrouping: (c, s) => add(c, s, { type: 'none' }),
      directGrouping: (c, s) => add(c, s, { type: 'direct' }),
      localOrShuffleGrouping: (c, s) => add(c, s, { type: 'local-or-shuffle' }),
      partialKeyGrouping: (c: string, a: string | FieldsArg, b?: FieldsArg) => {
        const [s, fields] = splitFields(a, b);
        return add(c, s, { type: 'partial-key', fields });
      },
      customGrouping: (c: string, a: string | InstanceSource<CustomStreamGrouping>, b?: InstanceSource<CustomStreamGrouping>) => {
        const [s, g] = typeof a === 'string' ? [a, b] : [undefined, a];
        if (g === undefined || g === null || (typeof g !== 'object' && typeof g !== 'function')) {
          throw invalid(`Component '${entry.id}': customGrouping needs a CustomStreamGrouping instance or factory`);
        }
        return add(c, s, { type: 'custom' }, g);
      },
      setNumTasks: (n) => {
        checkCount(`Number of tasks of '${entry.id}'`, n);
        entry.numTasks = n;
        return declarer;
      },
      addConfiguration: (k, v) => {
        entry.config[k] = v;
        return declarer;
      },
      addConfigurations: (conf) => {
        Object.assign(entry.config, conf);
        return declarer;
      },
      setMaxSpoutPending: (n) => {
        entry.config[TopologyConfig.MAX_SPOUT_PENDING] = n;
        return declarer;
      },
      setTickTupleFreqSecs: (secs) => {
        entry.config[TopologyConfig.TICK_TUPLE_FREQ_SECS] = secs;
        return declarer;
      },
    };
    return declarer;
  }
}

/** The component the runtime runs for a bolt: windowed and stateful bolts in their executors. */
export function wrapBolt(b: Bolt | BasicBolt | WindowedBolt | StatefulBolt<State>): Bolt | BasicBolt {
  if (isWindowedBolt(b)) return new WindowedBoltExecutor(b);
  if (isStatefulBolt(b)) return new StatefulBoltExecutor(b);
  return b;
}

function checkCount(what: string, n: unknown): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw invalid(`${what} must be an integer >= 1, got ${String(n)}`);
}

function sampleInstance(e: Entry): ComponentInstance {
  if (typeof e.source !== 'function') return e.source;
  let made: unknown;
  try {
    made = (e.source as () => ComponentInstance)();
  } catch (error) {
    throw invalid(`The factory of component '${e.id}' threw: ${(error as Error).message}`);
  }
  if (made === null || typeof made !== 'object') throw invalid(`The factory of component '${e.id}' must return a ${e.kind} object, got ${String(made)}`);
  return made as ComponentInstance;
}
