// Renders one generated file per Kafka message: its TypeScript type (the decoded shape: every
// field of every version is present, since the codec fills fields a version lacks with their
// defaults) and its readable schema table, one field per line. Also renders the index files
// that collect the tables (SCHEMAS) and map names and api keys to the types.
import { camel, collectStructs, PRIMITIVES, structFields, structTypeName, type RawField, type RawMessage } from './protocol-schema.js';

const TS_PRIMITIVE: Record<string, string> = {
  bool: 'boolean',
  int8: 'number',
  int16: 'number',
  int32: 'number',
  uint16: 'number',
  uint32: 'number',
  float64: 'number',
  int64: 'bigint',
  string: 'string',
  uuid: 'string',
  bytes: 'Buffer',
  records: 'Buffer',
};

export function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function value(v: unknown): string {
  if (typeof v === 'string') return quote(v);
  if (Array.isArray(v)) return `[${v.map(value).join(', ')}]`;
  return String(v);
}

/** One field of a converted table, on one line (its nested fields indented below it). */
function printField(f: Record<string, unknown>, indent: string): string[] {
  const scalars = Object.entries(f)
    .filter(([k]) => k !== 'fields')
    .map(([k, v]) => `${k}: ${value(v)}`)
    .join(', ');
  const fields = f.fields as Array<Record<string, unknown>> | undefined;
  if (!fields) return [`${indent}{ ${scalars} },`];
  return [`${indent}{ ${scalars}, fields: [`, ...fields.flatMap((c) => printField(c, `${indent}  `)), `${indent}] },`];
}

function printTable(constName: string, m: Record<string, unknown>): string[] {
  const head = Object.entries(m)
    .filter(([k]) => k !== 'fields')
    .map(([k, v]) => `  ${k}: ${v === null ? 'null' : value(v)},`);
  const fields = (m.fields as Array<Record<string, unknown>>).flatMap((f) => printField(f, '    '));
  return [`export const ${constName}: MessageSchema = {`, ...head, '  fields: [', ...fields, '  ],', '};'];
}

function versionsText(raw: RawField): string {
  return raw.versions && raw.versions !== '0+' ? ` (versions ${raw.versions})` : '';
}

/** Renders the types of a message: the message itself and each of its structs. */
function renderTypes(raw: RawMessage): string[] {
  const structs = collectStructs(raw);
  const typeName = (struct: string) => (struct.startsWith(raw.name) ? struct : `${raw.name}${struct}`);
  const pending: Array<{ name: string; fields: RawField[]; doc: string }> = [
    { name: raw.name, fields: raw.fields, doc: `${raw.name}, versions ${raw.validVersions}${raw.flexibleVersions && raw.flexibleVersions !== 'none' ? ` (flexible ${raw.flexibleVersions})` : ''}.` },
  ];
  const emitted = new Set<string>();
  const out: string[] = [];
  while (pending.length > 0) {
    const t = pending.shift()!;
    if (emitted.has(t.name)) continue;
    emitted.add(t.name);
    out.push(`/** ${t.doc} */`, `export type ${t.name} = {`);
    for (const f of t.fields) {
      const struct = structTypeName(f);
      let ts: string;
      if (struct) {
        ts = typeName(struct);
        pending.push({ name: ts, fields: structFields(f, structs, raw.name), doc: `${raw.name}: ${struct}.` });
      } else ts = TS_PRIMITIVE[f.type.startsWith('[]') ? f.type.slice(2) : f.type]!;
      if (f.type.startsWith('[]')) ts = PRIMITIVES.has(f.type.slice(2)) || !ts.includes(' ') ? `${ts}[]` : `Array<${ts}>`;
      const nullable = f.nullableVersions !== undefined || f.default === 'null' || f.type === 'records';
      const about = (f.about ?? '').replace(/\*\//g, '* /').trim();
      out.push(`  /** ${about}${versionsText(f)} */`.replace('/**  (', '/** ('), `  ${camel(f.name)}: ${ts}${nullable ? ' | null' : ''};`);
    }
    out.push('};', '');
  }
  return out;
}

export interface RenderedMessage {
  name: string;
  file: string;
  content: string;
}

export function renderMessageFile(raw: RawMessage, converted: Record<string, unknown>, header: string): RenderedMessage {
  const lines = [header, "import type { MessageSchema } from '../../schema-types.js';", '', ...renderTypes(raw), ...printTable(`${raw.name}Schema`, converted), ''];
  return { name: raw.name, file: `messages/${kebab(raw.name)}.ts`, content: lines.join('\n') };
}

/** SCHEMAS (name → table) and the type maps (name → type; api key → request/response type). */
export function renderIndexes(messages: RenderedMessage[], apis: Array<{ name: string; key: number }>, header: string): Map<string, string> {
  const files = new Map<string, string>();
  const imp = (m: RenderedMessage, what: string) => `import ${what} from './${m.file.replace(/\.ts$/, '.js')}';`;
  files.set(
    'schemas.ts',
    [
      header,
      "import type { MessageSchema } from '../schema-types.js';",
      ...messages.map((m) => imp(m, `{ ${m.name}Schema }`)),
      '',
      'export const SCHEMAS: Readonly<Record<string, MessageSchema>> = {',
      ...messages.map((m) => `  ${m.name}: ${m.name}Schema,`),
      '};',
      '',
    ].join('\n'),
  );
  files.set(
    'message-types.ts',
    [
      header,
      ...messages.map((m) => imp(m, `type { ${m.name} }`)),
      ...messages.map((m) => `export type * from './${m.file.replace(/\.ts$/, '.js')}';`),
      '',
      '/** Message name → its decoded type. */',
      'export interface MessageTypes {',
      ...messages.map((m) => `  ${m.name}: ${m.name};`),
      '}',
      '',
      '/** Api key → request type. */',
      'export interface RequestTypes {',
      ...apis.map((a) => `  ${a.key}: ${a.name}Request;`),
      '}',
      '',
      '/** Api key → response type. */',
      'export interface ResponseTypes {',
      ...apis.map((a) => `  ${a.key}: ${a.name}Response;`),
      '}',
      '',
    ].join('\n'),
  );
  return files;
}
