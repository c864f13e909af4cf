// Groupers: given the values of a tuple emitted on a stream, pick the tasks of one
// consuming component (Storm's GrouperFactory). One grouper per (emitting task, stream,
// consumer); synchronous, no I/O. Returned arrays are shared and must not be mutated.
import type { GroupingSpec } from '../../topology/topology-spec.js';
import type { CustomStreamGrouping } from '../../topology/custom-stream-grouping.js';
import { floorMod, hashValue, hashValues, mix32 } from './stable-hash.js';

export interface Grouper {
  /** Target task ids for a tuple emitted by `sourceTask`. Empty for direct grouping. */
  chooseTasks(sourceTask: number, values: readonly unknown[]): readonly number[];
}

export interface GrouperOptions {
  grouping: GroupingSpec;
  /** Sorted task ids of the consuming component. */
  targetTasks: readonly number[];
  /** Fields of the stream being consumed. */
  streamFields: readonly string[];
  /** Tasks in this worker (for local-or-shuffle). */
  localTasks: ReadonlySet<number>;
  /** For custom groupings: a prepared instance. */
  custom?: CustomStreamGrouping;
  /** Random source in [0, 1) (injectable for tests). */
  random?: () => number;
}

const singletons = (tasks: readonly number[]) => tasks.map((t) => Object.freeze([t]) as readonly number[]);

/** Random but even: round-robin over a list reshuffled on every pass (Storm's ShuffleGrouping). */
export class ShuffleGrouper implements Grouper {
  readonly #order: number[];
  readonly #single: Map<number, readonly number[]>;
  readonly #random: () => number;
  #at = 0;

  constructor(tasks: readonly number[], random: () => number = Math.random) {
    this.#order = [...tasks];
    const single = singletons(tasks);
    this.#single = new Map(tasks.map((t, i) => [t, single[i]!]));
    this.#random = random;
    this.#shuffle();
  }

  chooseTasks(): readonly number[] {
    if (this.#at >= this.#order.length) {
      this.#shuffle();
      this.#at = 0;
    }
    return this.#single.get(this.#order[this.#at++]!)!;
  }

  #shuffle(): void {
    const a = this.#order;
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.#random() * (i + 1));
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
  }
}

/** Same values of the grouping fields → same task: floorMod(hash(values), n) over sorted tasks. */
export class FieldsGrouper implements Grouper {
  readonly #indices: number[];
  readonly #single: readonly (readonly number[])[];
  readonly #one: number;

  constructor(tasks: readonly number[], streamFields: readonly string[], fields: readonly string[]) {
    this.#indices = fields.map((f) => {
      const i = streamFields.indexOf(f);
      if (i < 0) throw new RangeError(`Field '${f}' is not in the stream's fields [${streamFields.join(', ')}]`);
      return i;
    });
    this.#single = singletons([...tasks].sort((a, b) => a - b));
    this.#one = this.#indices.length === 1 ? this.#indices[0]! : -1;
  }

  chooseTasks(_sourceTask: number, values: readonly unknown[]): readonly number[] {
    let h: number;
    if (this.#one >= 0) {
      h = mix32((31 + hashValue(values[this.#one])) | 0);
    } else {
      const key: unknown[] = [];
      for (const i of this.#indices) key.push(values[i]);
      h = hashValues(key);
    }
    return this.#single[floorMod(h, this.#single.length)]!;
  }
}

/** Two candidate tasks per key (two hash functions); the one this grouper loaded less wins. */
export class PartialKeyGrouper implements Grouper {
  readonly #indices: number[];
  readonly #single: readonly (readonly number[])[];
  readonly #load: Float64Array;

  constructor(tasks: readonly number[], streamFields: readonly string[], fields: readonly string[]) {
    this.#indices = fields.map((f) => streamFields.indexOf(f));
    this.#single = singletons([...tasks].sort((a, b) => a - b));
    this.#load = new Float64Array(tasks.length);
  }

  chooseTasks(_sourceTask: number, values: readonly unknown[]): readonly number[] {
    let h = 1;
    for (const i of this.#indices) h = (Math.imul(h, 31) + hashValue(values[i])) | 0;
    const n = this.#single.length;
    const first = floorMod(mix32(h), n);
    // The second choice is always a different task (when there are two or more).
    const second = n > 1 ? (first + 1 + floorMod(mix32(h ^ 0x5bd1e995), n - 1)) % n : first;
    const choice = this.#load[first]! <= this.#load[second]! ? first : second;
    this.#load[choice]! += 1;
    return this.#single[choice]!;
  }
}

class ConstantGrouper implements Grouper {
  readonly #tasks: readonly number[];
  constructor(tasks: readonly number[]) {
    this.#tasks = Object.freeze([...tasks]);
  }
  chooseTasks(): readonly number[] {
    return this.#tasks;
  }
}

class CustomGrouper implements Grouper {
  readonly #custom: CustomStreamGrouping;
  readonly #allowed: ReadonlySet<number>;
  constructor(custom: CustomStreamGrouping, tasks: readonly number[]) {
    this.#custom = custom;
    this.#allowed = new Set(tasks);
  }
  chooseTasks(sourceTask: number, values: readonly unknown[]): readonly number[] {
    const out = this.#custom.chooseTasks(sourceTask, values);
    for (const t of out) {
      if (!this.#allowed.has(t)) throw new RangeError(`Custom grouping chose task ${t}, which is not a task of the consuming component (${[...this.#allowed].join(', ')})`);
    }
    return out;
  }
}

const EMPTY: readonly number[] = Object.freeze([]);

export function createGrouper(options: GrouperOptions): Grouper {
  const tasks = [...options.targetTasks].sort((a, b) => a - b);
  const random = options.random ?? Math.random;
  const g = options.grouping;
  switch (g.type) {
    case 'shuffle':
    case 'none':
      return new ShuffleGrouper(tasks, random);
    case 'fields':
      return new FieldsGrouper(tasks, options.streamFields, g.fields ?? []);
    case 'partial-key':
      return new PartialKeyGrouper(tasks, options.streamFields, g.fields ?? []);
    case 'all':
      return new ConstantGrouper(tasks);
    case 'global':
      return new ConstantGrouper(tasks.slice(0, 1));
    case 'direct':
      return { chooseTasks: () => EMPTY };
    case 'local-or-shuffle': {
      const local = tasks.filter((t) => options.localTasks.has(t));
      return new ShuffleGrouper(local.length > 0 ? local : tasks, random);
    }
    case 'custom':
      if (!options.custom) throw new RangeError('Custom grouping without a CustomStreamGrouping instance');
      return new CustomGrouper(options.custom, tasks);
    default:
      throw new RangeError(`Unknown grouping type '${(g as { type: string }).type}'`);
  }
}
