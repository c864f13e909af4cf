// Builds a Topology from a validated Flux definition (Storm's FluxBuilder): components,
// spouts and bolts are made from their className (a built-in, or `./module.ts#Export`
// resolved through the `modules` the generated entry imported), constructorArgs or a static
// factory with `ref`/`reflist` arguments, then `properties` (setX(value), else a field) and
// `configMethods`; streams become groupings; parallelism, numTasks and per-component config
// are kept. Objects are made afresh for each task (Storm deserialises a copy per task), so
// tasks never share state. Runs where the bundle is loaded: the submitting CLI and workers.
import { StreamctlError } from '../common/errors.js';
import type { BasicBolt, Bolt } from '../topology/bolt.js';
import type { CustomStreamGrouping } from '../topology/custom-stream-grouping.js';
import type { Spout } from '../topology/spout.js';
import { TopologyBuilder, type BoltDeclarer } from '../topology/topology-builder.js';
import type { Topology } from '../topology/topology.js';
import { FLUX_BUILTINS } from './flux-builtins.js';
import type { FluxObjectDef, FluxStreamDef, FluxTopologyDef } from './flux-model.js';

/** Module namespaces by the module part of className (`./bolts.ts` of `./bolts.ts#SplitBolt`). */
export type FluxModules = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

type AnyClass = new (...args: unknown[]) => object;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `./bolts.ts#SplitBolt` → ['./bolts.ts', 'SplitBolt'], `./bolt.ts` → its default export; a built-in name → undefined. */
export function splitModuleClassName(className: string): [string, string] | undefined {
  const at = className.lastIndexOf('#');
  // A path without '#' names the module's default export.
  if (at < 0 && /^\.{0,2}\//.test(className)) return [className, 'default'];
  if (at <= 0) return undefined;
  return [className.slice(0, at), className.slice(at + 1) || 'default'];
}

class ObjectFactory {
  readonly #def: FluxTopologyDef;
  readonly #modules: FluxModules;
  readonly #file: string;
  /** Components built for the current task (refs inside one task share one object, as in Flux). */
  #cache = new Map<string, unknown>();

  constructor(def: FluxTopologyDef, modules: FluxModules, file: string) {
    this.#def = def;
    this.#modules = modules;
    this.#file = file;
  }

  fail(path: string, message: string, cause?: unknown): StreamctlError {
    return new StreamctlError('INVALID_INPUT', `${this.#file}: ${path}: ${message}`, cause === undefined ? {} : { cause });
  }

  /** A fresh object for `def`, with refs built afresh too. */
  fresh(def: FluxObjectDef, path: string): object {
    this.#cache = new Map();
    return this.build(def, path);
  }

  resolveClass(className: string, path: string): AnyClass {
    const split = splitModuleClassName(className);
    let value: unknown;
    if (split) {
      const mod = this.#modules[split[0]];
      if (!mod) throw this.fail(`${path}.className`, `module ${split[0]} was not bundled`);
      value = mod[split[1]];
      if (value === undefined) throw this.fail(`${path}.className`, `${split[0]} has no export '${split[1]}' (exports: ${Object.keys(mod).join(', ') || 'none'})`);
    } else {
      value = FLUX_BUILTINS[className];
      if (value === undefined) {
        throw this.fail(`${path}.className`, `unknown class '${className}': name a module export (./bolts.ts#SplitBolt, relative to the YAML file) or a built-in (${Object.keys(FLUX_BUILTINS).filter((k) => !k.includes('.')).join(', ')}, or their Storm class names)`);
      }
    }
    if (typeof value !== 'function') throw this.fail(`${path}.className`, `'${className}' is not a class (got ${typeof value})`);
    return value as AnyClass;
  }

  arg(value: unknown, path: string): unknown {
    if (isRecord(value) && Object.keys(value).length === 1) {
      if (typeof value.ref === 'string') return this.component(value.ref, path);
      if (Array.isArray(value.reflist)) return value.reflist.map((id) => this.component(String(id), path));
    }
    return value;
  }

  component(id: string, path: string): unknown {
    if (this.#cache.has(id)) return this.#cache.get(id);
    const at = this.#def.components.findIndex((c) => c.id === id);
    if (at < 0) throw this.fail(path, `unknown component '${id}'`);
    const obj = this.build(this.#def.components[at]!, `components[${at}]`);
    this.#cache.set(id, obj);
    return obj;
  }

  build(def: FluxObjectDef, path: string): object {
    const cls = this.resolveClass(def.className, path);
    let obj: unknown;
    try {
      if (def.factory !== undefined) {
        const factory = (cls as unknown as Record<string, unknown>)[def.factory];
        if (typeof factory !== 'function') throw this.fail(`${path}.factory`, `'${def.className}' has no static method '${def.factory}'`);
        obj = factory.apply(cls, (def.factoryArgs ?? []).map((a, i) => this.arg(a, `${path}.factoryArgs[${i}]`)));
      } else {
        obj = new cls(...(def.constructorArgs ?? []).map((a, i) => this.arg(a, `${path}.constructorArgs[${i}]`)));
      }
    } catch (error) {
      if (error instanceof StreamctlError) throw error;
      throw this.fail(def.factory !== undefined ? `${path}.factory` : `${path}.constructorArgs`, `creating ${def.className} failed: ${(error as Error).message}`, error);
    }
    if (!isRecord(obj)) throw this.fail(path, `${def.className} made ${String(obj)}, not an object`);
    const target = obj as Record<string, unknown>;
    def.properties?.forEach((p, i) => {
      const value = p.ref !== undefined ? this.component(p.ref, `${path}.properties[${i}].ref`) : p.value;
      const setter = target[`set${p.name.charAt(0).toUpperCase()}${p.name.slice(1)}`];
      try {
        if (typeof setter === 'function') setter.call(obj, value);
        else target[p.name] = value;
      } catch (error) {
        throw this.fail(`${path}.properties[${i}]`, `setting ${p.name} failed: ${(error as Error).message}`, error);
      }
    });
    def.configMethods?.forEach((m, i) => {
      const fn = target[m.name];
      if (typeof fn !== 'function') throw this.fail(`${path}.configMethods[${i}].name`, `${def.className} has no method '${m.name}'`);
      try {
        fn.apply(obj, m.args.map((a, j) => this.arg(a, `${path}.configMethods[${i}].args[${j}]`)));
      } catch (error) {
        if (error instanceof StreamctlError) throw error;
        throw this.fail(`${path}.configMethods[${i}]`, `${m.name} failed: ${(error as Error).message}`, error);
      }
    });
    const check = target.fluxCheck;
    if (typeof check === 'function') {
      try {
        check.call(obj);
      } catch (error) {
        throw this.fail(path, (error as Error).message, error);
      }
    }
    return obj;
  }
}

/** The Topology of a Flux definition. `modules` holds the namespaces of the user modules its classNames name. */
export function buildFluxTopology(def: FluxTopologyDef, modules: FluxModules = {}, file = 'topology.yaml'): Topology {
  const objects = new ObjectFactory(def, modules, file);
  const builder = new TopologyBuilder();
  const wrap = <T>(fn: () => T, path: string): T => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof StreamctlError && error.message.startsWith(file)) throw error;
      throw objects.fail(path, (error as Error).message, error);
    }
  };
  def.spouts.forEach((s, i) => {
    const path = `spouts[${i}]`;
    // Build one now so a bad definition fails at submit, not in the worker.
    objects.fresh(s, path);
    const d = wrap(() => builder.setSpout(s.id, () => objects.fresh(s, path) as Spout, s.parallelism), path);
    if (s.numTasks !== undefined) wrap(() => d.setNumTasks(s.numTasks!), `${path}.numTasks`);
    if (s.config) d.addConfigurations(s.config);
  });
  const declarers = new Map<string, BoltDeclarer>();
  def.bolts.forEach((b, i) => {
    const path = `bolts[${i}]`;
    objects.fresh(b, path);
    const d = wrap(() => builder.setBolt(b.id, () => objects.fresh(b, path) as Bolt | BasicBolt, b.parallelism), path);
    if (b.numTasks !== undefined) wrap(() => d.setNumTasks(b.numTasks!), `${path}.numTasks`);
    if (b.config) d.addConfigurations(b.config);
    declarers.set(b.id, d);
  });
  def.streams.forEach((s, i) => wrap(() => addStream(declarers.get(s.to)!, s, objects, `streams[${i}]`), `streams[${i}]`));
  return wrap(() => builder.createTopology({ ...def.config }), 'streams');
}

function addStream(d: BoltDeclarer, s: FluxStreamDef, objects: ObjectFactory, path: string): void {
  const g = s.grouping;
  const stream = g.streamId ?? 'default';
  switch (g.type) {
    case 'SHUFFLE':
      d.shuffleGrouping(s.from, stream);
      return;
    case 'FIELDS':
      d.fieldsGrouping(s.from, stream, g.args ?? []);
      return;
    case 'ALL':
      d.allGrouping(s.from, stream);
      return;
    case 'DIRECT':
      d.directGrouping(s.from, stream);
      return;
    case 'GLOBAL':
      d.globalGrouping(s.from, stream);
      return;
    case 'LOCAL_OR_SHUFFLE':
      d.localOrShuffleGrouping(s.from, stream);
      return;
    case 'NONE':
      d.noneGrouping(s.from, stream);
      return;
    case 'CUSTOM': {
      const def = g.customClass!;
      objects.fresh(def, `${path}.grouping.customClass`);
      d.customGrouping(s.from, stream, () => objects.fresh(def, `${path}.grouping.customClass`) as CustomStreamGrouping);
      return;
    }
  }
}
