// The Flux topology definition (Storm's flux-core model: TopologyDef, BeanDef, SpoutDef,
// BoltDef, StreamDef, GroupingDef, ConfigMethodDef, PropertyDef, IncludeDef) and its
// validation from parsed YAML. Every fault names the path of the bad field
// (`bolts[1].constructorArgs[0]`). Pure data and pure functions; JSON-serializable, so a
// validated definition can be embedded in a topology bundle.
import { StreamctlError } from '../common/errors.js';

/** Storm's GroupingDef.Type. */
export const FLUX_GROUPING_TYPES = ['ALL', 'CUSTOM', 'DIRECT', 'SHUFFLE', 'LOCAL_OR_SHUFFLE', 'FIELDS', 'GLOBAL', 'NONE'] as const;
export type FluxGroupingType = (typeof FLUX_GROUPING_TYPES)[number];

/** A constructor/method argument or property value: a literal, `{ref: id}` or `{reflist: [ids]}`. */
export type FluxArg = unknown;

export interface FluxConfigMethodDef {
  name: string;
  args: FluxArg[];
}

export interface FluxPropertyDef {
  name: string;
  value?: unknown;
  ref?: string;
}

/** Storm's ObjectDef: how to make one object. */
export interface FluxObjectDef {
  className: string;
  constructorArgs?: FluxArg[];
  /** A static factory method of className (Storm's `factory`/`factoryArgs`). */
  factory?: string;
  factoryArgs?: FluxArg[];
  properties?: FluxPropertyDef[];
  configMethods?: FluxConfigMethodDef[];
}

export interface FluxBeanDef extends FluxObjectDef {
  id: string;
}

export interface FluxVertexDef extends FluxBeanDef {
  parallelism: number;
  numTasks?: number;
  /** Per-component config (Storm's VertexDef.config). */
  config?: Record<string, unknown>;
}

export interface FluxGroupingDef {
  type: FluxGroupingType;
  streamId?: string;
  args?: string[];
  customClass?: FluxObjectDef;
}

export interface FluxStreamDef {
  name?: string;
  from: string;
  to: string;
  grouping: FluxGroupingDef;
}

export interface FluxIncludeDef {
  file: string;
  resource: boolean;
  override: boolean;
}

export interface FluxTopologyDef {
  name?: string;
  config: Record<string, unknown>;
  components: FluxBeanDef[];
  spouts: FluxVertexDef[];
  bolts: FluxVertexDef[];
  streams: FluxStreamDef[];
  includes: FluxIncludeDef[];
}

const TOP_KEYS = ['name', 'config', 'components', 'spouts', 'bolts', 'streams', 'includes', 'workerHooks'];
const OBJECT_KEYS = ['className', 'constructorArgs', 'factory', 'factoryArgs', 'properties', 'configMethods'];
// Storm's resource hints are accepted and ignored (no resource-aware scheduler here).
const VERTEX_KEYS = [...OBJECT_KEYS, 'id', 'parallelism', 'numTasks', 'config', 'onHeapMemoryLoad', 'offHeapMemoryLoad', 'cpuLoad'];

export function fluxError(file: string, path: string, message: string): StreamctlError {
  return new StreamctlError('INVALID_INPUT', `${file}: ${path ? `${path}: ` : ''}${message}`);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates a parsed Flux YAML document (one file, includes not yet merged). */
export function validateFluxDef(raw: unknown, file: string): FluxTopologyDef {
  const fail = (path: string, message: string) => fluxError(file, path, message);
  if (!isRecord(raw)) throw fail('', `a Flux definition must be a YAML mapping with name, spouts, bolts and streams, got ${describe(raw)}`);
  for (const key of Object.keys(raw)) {
    if (!TOP_KEYS.includes(key)) throw fail(key, `unknown field (allowed: ${TOP_KEYS.join(', ')})`);
  }
  if ('topologySource' in raw) throw fail('topologySource', 'not supported');
  if (Array.isArray(raw.workerHooks) && raw.workerHooks.length > 0) throw fail('workerHooks', 'worker hooks are not supported by streamctl');
  const def: FluxTopologyDef = { config: {}, components: [], spouts: [], bolts: [], streams: [], includes: [] };
  if (raw.name !== undefined && raw.name !== null) {
    if (typeof raw.name !== 'string' || raw.name === '') throw fail('name', `must be a non-empty string, got ${describe(raw.name)}`);
    def.name = raw.name;
  }
  if (raw.config !== undefined && raw.config !== null) {
    if (!isRecord(raw.config)) throw fail('config', `must be a mapping of config keys, got ${describe(raw.config)}`);
    def.config = { ...raw.config };
  }
  const list = (key: string): unknown[] => {
    const v = raw[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw fail(key, `must be a list, got ${describe(v)}`);
    return v;
  };
  def.components = list('components').map((c, i) => ({ id: requireId(c, `components[${i}]`, fail), ...objectDef(c, `components[${i}]`, fail, ['id', ...OBJECT_KEYS]) }));
  def.spouts = list('spouts').map((s, i) => vertexDef(s, `spouts[${i}]`, fail));
  def.bolts = list('bolts').map((b, i) => vertexDef(b, `bolts[${i}]`, fail));
  def.streams = list('streams').map((s, i) => streamDef(s, `streams[${i}]`, fail));
  def.includes = list('includes').map((inc, i) => {
    const path = `includes[${i}]`;
    if (!isRecord(inc)) throw fail(path, `must be a mapping with file, got ${describe(inc)}`);
    if (typeof inc.file !== 'string' || inc.file === '') throw fail(`${path}.file`, 'must be a file path');
    if (inc.resource === true) throw fail(`${path}.resource`, 'classpath resources do not exist here; give a file path relative to the YAML file');
    return { file: inc.file, resource: false, override: inc.override === true };
  });
  return def;
}

/** Checks the merged definition: unique ids, streams between known components, a spout. */
export function checkFluxGraph(def: FluxTopologyDef, file: string): void {
  const fail = (path: string, message: string) => fluxError(file, path, message);
  if (def.spouts.length === 0) throw fail('spouts', 'a topology needs at least one spout');
  const ids = new Map<string, string>();
  def.components.forEach((c, i) => {
    if (ids.has(c.id)) throw fail(`components[${i}].id`, `'${c.id}' is already the id of ${ids.get(c.id)}`);
    ids.set(c.id, `components[${i}]`);
  });
  const vertices = new Map<string, string>();
  for (const [kind, list] of [['spouts', def.spouts], ['bolts', def.bolts]] as const) {
    list.forEach((v, i) => {
      if (vertices.has(v.id)) throw fail(`${kind}[${i}].id`, `'${v.id}' is already the id of ${vertices.get(v.id)}`);
      vertices.set(v.id, `${kind}[${i}]`);
    });
  }
  const bolts = new Set(def.bolts.map((b) => b.id));
  def.streams.forEach((s, i) => {
    if (!vertices.has(s.from)) throw fail(`streams[${i}].from`, `unknown spout or bolt '${s.from}' (known: ${[...vertices.keys()].join(', ')})`);
    if (!bolts.has(s.to)) throw fail(`streams[${i}].to`, `unknown bolt '${s.to}' (bolts: ${[...bolts].join(', ') || 'none'})`);
  });
  const check = (value: unknown, path: string) => checkRefs(value, path, ids, fail);
  const checkObject = (o: FluxObjectDef, path: string) => {
    o.constructorArgs?.forEach((a, i) => check(a, `${path}.constructorArgs[${i}]`));
    o.factoryArgs?.forEach((a, i) => check(a, `${path}.factoryArgs[${i}]`));
    o.properties?.forEach((p, i) => {
      if (p.ref !== undefined && !ids.has(p.ref)) throw fail(`${path}.properties[${i}].ref`, `unknown component '${p.ref}'`);
    });
    o.configMethods?.forEach((m, i) => m.args.forEach((a, j) => check(a, `${path}.configMethods[${i}].args[${j}]`)));
  };
  def.components.forEach((c, i) => checkObject(c, `components[${i}]`));
  def.spouts.forEach((c, i) => checkObject(c, `spouts[${i}]`));
  def.bolts.forEach((c, i) => checkObject(c, `bolts[${i}]`));
  def.streams.forEach((s, i) => s.grouping.customClass && checkObject(s.grouping.customClass, `streams[${i}].grouping.customClass`));
}

function checkRefs(value: unknown, path: string, ids: Map<string, string>, fail: (p: string, m: string) => StreamctlError): void {
  if (!isRecord(value)) return;
  if (typeof value.ref === 'string' && !ids.has(value.ref)) throw fail(`${path}.ref`, `unknown component '${value.ref}' (components: ${[...ids.keys()].join(', ') || 'none'})`);
  if (Array.isArray(value.reflist)) {
    value.reflist.forEach((r, i) => {
      if (typeof r !== 'string' || !ids.has(r)) throw fail(`${path}.reflist[${i}]`, `unknown component '${String(r)}'`);
    });
  }
}

function requireId(raw: unknown, path: string, fail: (p: string, m: string) => StreamctlError): string {
  if (!isRecord(raw)) throw fail(path, `must be a mapping with id and className, got ${describe(raw)}`);
  if (typeof raw.id !== 'string' || raw.id === '') throw fail(`${path}.id`, `must be a non-empty string, got ${describe(raw.id)}`);
  return raw.id;
}

function objectDef(raw: unknown, path: string, fail: (p: string, m: string) => StreamctlError, allowed: string[]): FluxObjectDef {
  if (!isRecord(raw)) throw fail(path, `must be a mapping with className, got ${describe(raw)}`);
  for (const key of Object.keys(raw)) if (!allowed.includes(key)) throw fail(`${path}.${key}`, `unknown field (allowed: ${allowed.join(', ')})`);
  if (typeof raw.className !== 'string' || raw.className === '') throw fail(`${path}.className`, `must name a class (a built-in or ./module.ts#Export), got ${describe(raw.className)}`);
  const out: FluxObjectDef = { className: raw.className };
  const args = (key: 'constructorArgs' | 'factoryArgs') => {
    const v = raw[key];
    if (v === undefined || v === null) return;
    if (!Array.isArray(v)) throw fail(`${path}.${key}`, `must be a list, got ${describe(v)}`);
    out[key] = v.map((a, i) => checkArg(a, `${path}.${key}[${i}]`, fail));
  };
  args('constructorArgs');
  if (raw.factory !== undefined) {
    if (typeof raw.factory !== 'string' || raw.factory === '') throw fail(`${path}.factory`, 'must be a static method name');
    if (out.constructorArgs) throw fail(`${path}.factory`, 'give either constructorArgs or factory, not both');
    out.factory = raw.factory;
  }
  args('factoryArgs');
  if (raw.properties !== undefined && raw.properties !== null) {
    if (!Array.isArray(raw.properties)) throw fail(`${path}.properties`, `must be a list of {name, value|ref}, got ${describe(raw.properties)}`);
    out.properties = raw.properties.map((p, i) => {
      const pp = `${path}.properties[${i}]`;
      if (!isRecord(p) || typeof p.name !== 'string' || p.name === '') throw fail(pp, 'must be {name, value} or {name, ref}');
      if (p.ref !== undefined) {
        if (typeof p.ref !== 'string') throw fail(`${pp}.ref`, 'must be a component id');
        return { name: p.name, ref: p.ref };
      }
      if (!('value' in p)) throw fail(pp, `property '${p.name}' needs a value or a ref`);
      return { name: p.name, value: p.value };
    });
  }
  if (raw.configMethods !== undefined && raw.configMethods !== null) {
    if (!Array.isArray(raw.configMethods)) throw fail(`${path}.configMethods`, `must be a list of {name, args}, got ${describe(raw.configMethods)}`);
    out.configMethods = raw.configMethods.map((m, i) => {
      const mp = `${path}.configMethods[${i}]`;
      if (!isRecord(m) || typeof m.name !== 'string' || m.name === '') throw fail(`${mp}.name`, 'must be a method name');
      if (m.args !== undefined && m.args !== null && !Array.isArray(m.args)) throw fail(`${mp}.args`, `must be a list, got ${describe(m.args)}`);
      const list: unknown[] = Array.isArray(m.args) ? m.args : [];
      return { name: m.name, args: list.map((a, j) => checkArg(a, `${mp}.args[${j}]`, fail)) };
    });
  }
  return out;
}

function checkArg(a: unknown, path: string, fail: (p: string, m: string) => StreamctlError): unknown {
  if (isRecord(a) && 'ref' in a && Object.keys(a).length === 1 && typeof a.ref !== 'string') throw fail(`${path}.ref`, 'must be a component id');
  if (isRecord(a) && 'reflist' in a && Object.keys(a).length === 1 && !Array.isArray(a.reflist)) throw fail(`${path}.reflist`, 'must be a list of component ids');
  return a;
}

function vertexDef(raw: unknown, path: string, fail: (p: string, m: string) => StreamctlError): FluxVertexDef {
  const id = requireId(raw, path, fail);
  const r = raw as Record<string, unknown>;
  const obj = objectDef(raw, path, fail, VERTEX_KEYS);
  const count = (key: 'parallelism' | 'numTasks'): number | undefined => {
    const v = r[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw fail(`${path}.${key}`, `must be an integer >= 1, got ${describe(v)}`);
    return v;
  };
  const out: FluxVertexDef = { id, ...obj, parallelism: count('parallelism') ?? 1 };
  const numTasks = count('numTasks');
  if (numTasks !== undefined) out.numTasks = numTasks;
  if (r.config !== undefined && r.config !== null) {
    if (!isRecord(r.config)) throw fail(`${path}.config`, `must be a mapping of config keys, got ${describe(r.config)}`);
    out.config = { ...r.config };
  }
  return out;
}

function streamDef(raw: unknown, path: string, fail: (p: string, m: string) => StreamctlError): FluxStreamDef {
  if (!isRecord(raw)) throw fail(path, `must be a mapping with from, to and grouping, got ${describe(raw)}`);
  for (const key of ['from', 'to'] as const) {
    if (typeof raw[key] !== 'string' || raw[key] === '') throw fail(`${path}.${key}`, `must be a component id, got ${describe(raw[key])}`);
  }
  const g = raw.grouping;
  if (!isRecord(g)) throw fail(`${path}.grouping`, `must be a mapping with type, got ${describe(g)}`);
  const type = typeof g.type === 'string' ? g.type.toUpperCase() : g.type;
  if (typeof type !== 'string' || !(FLUX_GROUPING_TYPES as readonly string[]).includes(type)) {
    throw fail(`${path}.grouping.type`, `must be one of ${FLUX_GROUPING_TYPES.join(', ')}, got ${describe(g.type)}`);
  }
  const grouping: FluxGroupingDef = { type: type as FluxGroupingType };
  if (g.streamId !== undefined && g.streamId !== null) {
    if (typeof g.streamId !== 'string' || g.streamId === '') throw fail(`${path}.grouping.streamId`, 'must be a stream id');
    grouping.streamId = g.streamId;
  }
  if (g.args !== undefined && g.args !== null) {
    if (!Array.isArray(g.args) || !g.args.every((a) => typeof a === 'string')) throw fail(`${path}.grouping.args`, 'must be a list of field names');
    grouping.args = [...(g.args as string[])];
  }
  if (grouping.type === 'FIELDS' && (grouping.args?.length ?? 0) === 0) throw fail(`${path}.grouping.args`, 'FIELDS grouping needs args: [field, ...]');
  if (grouping.type === 'CUSTOM') {
    if (g.customClass === undefined) throw fail(`${path}.grouping.customClass`, 'CUSTOM grouping needs customClass: {className: ...}');
    grouping.customClass = objectDef(g.customClass, `${path}.grouping.customClass`, fail, OBJECT_KEYS);
  }
  const out: FluxStreamDef = { from: raw.from as string, to: raw.to as string, grouping };
  if (typeof raw.name === 'string') out.name = raw.name;
  return out;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
