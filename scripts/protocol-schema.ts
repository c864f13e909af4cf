// Reads Kafka's JSON message schemas (comments allowed, as Kafka writes them) and converts a
// message into the compact table form the codec runs on (src/engine/protocol/schema-types.ts):
// version ranges as [min, max] pairs, commonStructs inlined, camelCased field names.
import { readFileSync } from 'node:fs';

export type Range = [number, number];

export interface RawField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  flexibleVersions?: string;
  about?: string;
  fields?: RawField[];
}

export interface RawMessage {
  name: string;
  type: string;
  apiKey?: number;
  validVersions: string;
  flexibleVersions?: string;
  fields: RawField[];
  commonStructs?: Array<{ name: string; fields: RawField[] }>;
}

export const PRIMITIVES = new Set(['bool', 'int8', 'int16', 'int32', 'int64', 'uint16', 'uint32', 'float64', 'string', 'bytes', 'records', 'uuid']);

export function parseRange(text: string | undefined, what: string): Range | null {
  if (text === undefined || text === 'none') return null;
  const t = text.trim();
  let m = /^(\d+)\+$/.exec(t);
  if (m) return [Number(m[1]), 32767];
  m = /^(\d+)-(\d+)$/.exec(t);
  if (m) return [Number(m[1]), Number(m[2])];
  m = /^(\d+)$/.exec(t);
  if (m) return [Number(m[1]), Number(m[1])];
  throw new Error(`bad version range '${text}' in ${what}`);
}

export function stripComments(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      // Remove // comments outside strings.
      let inString = false;
      for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (c === '"' && line[i - 1] !== '\\') inString = !inString;
        if (!inString && c === '/' && line[i + 1] === '/') return line.slice(0, i);
      }
      return line;
    })
    .join('\n');
}

export function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** The struct type name of a field whose type is a struct or an array of structs, else null. */
export function structTypeName(raw: RawField): string | null {
  const t = raw.type.startsWith('[]') ? raw.type.slice(2) : raw.type;
  return PRIMITIVES.has(t) ? null : t;
}

/** Named structs of a message: commonStructs and every inline struct, by type name. */
export function collectStructs(raw: RawMessage): Map<string, RawField[]> {
  const structs = new Map<string, RawField[]>();
  for (const s of raw.commonStructs ?? []) structs.set(s.name, s.fields);
  const walk = (fields: RawField[] | undefined) => {
    for (const f of fields ?? []) {
      if (f.fields) {
        const name = structTypeName(f) ?? f.type;
        if (!structs.has(name)) structs.set(name, f.fields);
        walk(f.fields);
      }
    }
  };
  walk(raw.fields);
  for (const s of raw.commonStructs ?? []) walk(s.fields);
  return structs;
}

/** The fields of a struct-typed field (inline or from the message's named structs). */
export function structFields(raw: RawField, structs: Map<string, RawField[]>, where: string): RawField[] {
  const name = structTypeName(raw);
  const fields = raw.fields ?? (name ? structs.get(name) : undefined);
  if (!fields) throw new Error(`unknown struct ${raw.type} in ${where}`);
  return fields;
}

function convertField(raw: RawField, structs: Map<string, RawField[]>, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = { name: camel(raw.name) };
  const versions = parseRange(raw.versions, `${where}.${raw.name}`);
  if (!versions) throw new Error(`field ${where}.${raw.name} has no versions`);
  let fields: RawField[] | undefined;
  if (raw.type.startsWith('[]')) {
    const elem = raw.type.slice(2);
    out.type = 'array';
    if (PRIMITIVES.has(elem)) out.element = elem;
    else {
      out.element = 'struct';
      fields = structFields(raw, structs, where);
    }
  } else if (PRIMITIVES.has(raw.type)) {
    out.type = raw.type;
  } else {
    out.type = 'struct';
    fields = structFields(raw, structs, where);
  }
  out.versions = versions;
  const nullable = parseRange(raw.nullableVersions, where);
  if (nullable) out.nullable = nullable;
  const tagged = parseRange(raw.taggedVersions, where);
  if (tagged) {
    out.tagged = tagged;
    out.tag = Number(raw.tag);
  }
  if (raw.default !== undefined) out.default = String(raw.default);
  if (raw.flexibleVersions === 'none') out.neverFlexible = true;
  if (fields) out.fields = fields.map((f) => convertField(f, structs, `${where}.${raw.name}`));
  return out;
}

export function convertMessage(raw: RawMessage): Record<string, unknown> {
  const structs = collectStructs(raw);
  const out: Record<string, unknown> = { name: raw.name, type: raw.type };
  if (raw.apiKey !== undefined) out.apiKey = raw.apiKey;
  out.validVersions = parseRange(raw.validVersions, raw.name);
  out.flexibleVersions = parseRange(raw.flexibleVersions, raw.name);
  out.fields = raw.fields.map((f) => convertField(f, structs, raw.name));
  return out;
}

export function readSchema(path: string): RawMessage {
  return JSON.parse(stripComments(readFileSync(path, 'utf8'))) as RawMessage;
}
