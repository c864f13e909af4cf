// Topology: the result of TopologyBuilder.createTopology() and the default export of a
// topology file. It holds the JSON spec (stored by nimbus) and the means to create one
// component instance per task inside a worker. Workers read it duck-typed (the user
// bundle carries its own copy of this class): `apiVersion`, `spec`, `createComponent`,
// `createCustomGrouping`.
import type { TopologySpec } from './topology-spec.js';
import type { BasicBolt, Bolt } from './bolt.js';
import type { CustomStreamGrouping } from './custom-stream-grouping.js';
import type { Spout } from './spout.js';

export type ComponentInstance = Spout | Bolt | BasicBolt;

/** What workers need from the default export of a topology bundle. */
export interface TopologyLike {
  readonly apiVersion: 1;
  readonly spec: TopologySpec;
  /** A fresh instance for one task of `componentId`. */
  createComponent(componentId: string): ComponentInstance;
  /** A fresh instance of a custom grouping registered under `name` (GroupingSpec.customName). */
  createCustomGrouping(name: string): CustomStreamGrouping;
}

/** A factory or a prototype instance (cloned per task). */
export type InstanceSource<T> = T | (() => T);

export class Topology implements TopologyLike {
  readonly apiVersion = 1 as const;
  readonly spec: TopologySpec;
  readonly #components: Map<string, InstanceSource<ComponentInstance>>;
  readonly #groupings: Map<string, InstanceSource<CustomStreamGrouping>>;

  constructor(spec: TopologySpec, components: Map<string, InstanceSource<ComponentInstance>>, groupings: Map<string, InstanceSource<CustomStreamGrouping>>) {
    this.spec = spec;
    this.#components = components;
    this.#groupings = groupings;
  }

  createComponent(componentId: string): ComponentInstance {
    const source = this.#components.get(componentId);
    if (source === undefined) throw new RangeError(`Topology has no component '${componentId}'`);
    return instantiate(source);
  }

  createCustomGrouping(name: string): CustomStreamGrouping {
    const source = this.#groupings.get(name);
    if (source === undefined) throw new RangeError(`Topology has no custom grouping '${name}'`);
    return instantiate(source);
  }
}

/**
 * Calls a factory, or copies a prototype instance so tasks never share state (Storm
 * deserialises a copy per task). Copying an instance: a fresh `new C()` is made without
 * arguments (so `#private` fields get their initialisers) and the instance's own properties
 * are deep-copied onto it; if the constructor throws without arguments, the instance is
 * deep-copied onto `Object.create(proto)` (no `#private` fields then). `#private` fields
 * set from constructor arguments are NOT copied: pass a factory `() => new C(args)` for such
 * classes (factories are the recommended form).
 */
export function instantiate<T>(source: InstanceSource<T>): T {
  if (typeof source === 'function') return (source as () => T)();
  const proto = Object.getPrototypeOf(source);
  const ctor = proto?.constructor as (new () => T) | undefined;
  if (typeof ctor === 'function' && (ctor as unknown) !== Object) {
    let fresh: T | undefined;
    try {
      fresh = new ctor();
    } catch {
      fresh = undefined;
    }
    if (fresh !== undefined && typeof fresh === 'object' && fresh !== null) {
      const seen = new Map<unknown, unknown>([[source, fresh]]);
      for (const key of Reflect.ownKeys(source as object)) {
        const d = Object.getOwnPropertyDescriptor(source, key)!;
        if ('value' in d) d.value = cloneInstance(d.value, seen);
        Object.defineProperty(fresh, key, d);
      }
      return fresh;
    }
  }
  return cloneInstance(source as T);
}

/**
 * Deep copy that keeps prototypes (like Storm's per-task deserialisation of the component):
 * plain objects, arrays, Map, Set, Date, typed arrays and class instances are copied;
 * functions and other exotic objects are shared.
 */
export function cloneInstance<T>(value: T, seen = new Map<unknown, unknown>()): T {
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return seen.get(value) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (ArrayBuffer.isView(value)) {
    const v = value as unknown as { slice(): unknown };
    return (typeof v.slice === 'function' ? v.slice() : value) as T;
  }
  if (value instanceof Map) {
    const m = new Map();
    seen.set(value, m);
    for (const [k, v] of value) m.set(cloneInstance(k, seen), cloneInstance(v, seen));
    return m as T;
  }
  if (value instanceof Set) {
    const s = new Set();
    seen.set(value, s);
    for (const v of value) s.add(cloneInstance(v, seen));
    return s as T;
  }
  if (Array.isArray(value)) {
    const a: unknown[] = new (value.constructor as ArrayConstructor)();
    seen.set(value, a);
    for (let i = 0; i < value.length; i++) a[i] = cloneInstance(value[i], seen);
    return a as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null && !isPlainClassInstance(value)) return value;
  const copy = Object.create(proto);
  seen.set(value, copy);
  for (const key of Reflect.ownKeys(value)) {
    const d = Object.getOwnPropertyDescriptor(value, key)!;
    if ('value' in d) d.value = cloneInstance(d.value, seen);
    Object.defineProperty(copy, key, d);
  }
  return copy as T;
}

// Objects backed by native state (sockets, promises, errors, weak maps...) cannot be copied
// by their own properties; share them instead.
function isPlainClassInstance(value: object): boolean {
  return !(
    value instanceof Promise ||
    value instanceof WeakMap ||
    value instanceof WeakSet ||
    value instanceof Error ||
    value instanceof RegExp ||
    value instanceof ArrayBuffer ||
    (typeof (value as { on?: unknown }).on === 'function' && typeof (value as { emit?: unknown }).emit === 'function')
  );
}
