// Reads a Flux topology file (Storm's FluxParser): `${ENV-NAME}` environment and `${key}`
// properties substitution line by line before YAML parsing (as Flux does; `${list[i]}` picks
// an element of a `[a, b]` property), YAML parsing with line/column errors, validation with
// field paths (flux-model.ts) and one level of `includes` merged with Flux's override rules.
// Nothing here reads process.env: the environment is passed in. Synchronous file I/O.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { StreamctlError } from '../common/errors.js';
import { checkFluxGraph, fluxError, validateFluxDef, type FluxTopologyDef } from './flux-model.js';

export interface FluxParseOptions {
  /** `--filter` properties (Java .properties) for `${key}` substitution. */
  properties?: Record<string, string>;
  /** Environment for `${ENV-NAME}` substitution. */
  env?: Record<string, string | undefined>;
}

export interface FluxParseResult {
  def: FluxTopologyDef;
  /** Absolute path of the YAML file. */
  file: string;
  /** Unresolved `${...}` and ignored include overrides, as Flux logs them. */
  warnings: string[];
}

const PLACEHOLDER = /\$\{([^}]+)\}/g;

/** Replaces `${ENV-NAME}`, `${key}` and `${key[i]}` in each line; unknown ones stay and are reported. */
export function substituteFluxText(text: string, options: FluxParseOptions, warnings: string[]): string {
  const props = options.properties ?? {};
  const env = options.env ?? {};
  return text
    .split(/\r?\n/)
    .map((line) =>
      line.replace(PLACEHOLDER, (whole, name: string) => {
        let value: string | undefined;
        const list = /^(.+)\[(\d+)\]$/.exec(name);
        if (name.startsWith('ENV-')) value = env[name.slice(4)];
        else if (list && props[list[1]!] !== undefined) value = listElement(props[list[1]!]!, Number(list[2]));
        else value = props[name];
        if (value === undefined) {
          warnings.push(`Could not find replacement for property: ${name}`);
          return whole;
        }
        return value;
      }),
    )
    .join('\n');
}

// Flux: strip the brackets, split on ',', trim, drop the quotes around the element.
function listElement(list: string, index: number): string | undefined {
  const items = list.trim().replace(/^\[/, '').replace(/\]$/, '').split(',');
  const item = items[index]?.trim();
  if (item === undefined) return undefined;
  return /^(["']).*\1$/.test(item) ? item.slice(1, -1) : item;
}

/** Java .properties: `key=value`, `key: value` or `key value`; `#`/`!` comments; `\` continues a line. */
export function parseJavaProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.replace(/^\s+/, '');
    const m = /^((?:\\.|[^=:\s\\])*)\s*[=:\s]?\s*(.*)$/.exec(line)!;
    const unescape = (s: string) => s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => (c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[c] ?? c));
    out[unescape(m[1]!)] = unescape(m[2]!);
  }
  return out;
}

/** Reads a `--filter` properties file. */
export function readFluxProperties(file: string): Record<string, string> {
  if (!existsSync(file)) throw new StreamctlError('NOT_FOUND', `Properties file ${file} does not exist`);
  return parseJavaProperties(readFileSync(file, 'utf8'));
}

function loadOne(file: string, options: FluxParseOptions, warnings: string[]): FluxTopologyDef {
  if (!existsSync(file)) throw new StreamctlError('NOT_FOUND', `Flux file ${file} does not exist`);
  const text = substituteFluxText(readFileSync(file, 'utf8'), options, warnings);
  let raw: unknown;
  try {
    raw = parse(text, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const pos = error.linePos?.[0];
      throw new StreamctlError('INVALID_INPUT', `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML: ${error.message.split('\n')[0]}`, { cause: error });
    }
    throw error;
  }
  return validateFluxDef(raw, file);
}

/** Parses a Flux file, merges its includes (relative to it) and checks the graph. */
export function parseFluxFile(path: string, options: FluxParseOptions = {}): FluxParseResult {
  const file = resolve(path);
  const warnings: string[] = [];
  const def = loadOne(file, options, warnings);
  for (const [i, include] of def.includes.entries()) {
    const incFile = resolve(dirname(file), include.file);
    if (!existsSync(incFile)) throw fluxError(file, `includes[${i}].file`, `${include.file} does not exist (resolved to ${incFile})`);
    const inc = loadOne(incFile, options, warnings);
    mergeInclude(def, inc, include.override, warnings);
  }
  def.includes = [];
  if (def.name === undefined) throw fluxError(file, 'name', 'a topology needs a name');
  checkFluxGraph(def, file);
  return { def, file, warnings };
}

// Storm's FluxParser.processIncludes and TopologyDef.addAll*: with override the included
// definition replaces one with the same id (or config key), else the first one stays.
function mergeInclude(def: FluxTopologyDef, inc: FluxTopologyDef, override: boolean, warnings: string[]): void {
  if (inc.name !== undefined && (override || def.name === undefined)) def.name = inc.name;
  for (const [key, value] of Object.entries(inc.config)) {
    if (override || !(key in def.config)) def.config[key] = value;
    else warnings.push(`Ignoring attempt to set topology config property '${key}' with override == false`);
  }
  const mergeById = <T extends { id: string }>(target: T[], source: T[], kind: string) => {
    for (const item of source) {
      const at = target.findIndex((t) => t.id === item.id);
      if (at < 0) target.push(item);
      else if (override) target[at] = item;
      else warnings.push(`Ignoring attempt to create ${kind} '${item.id}' with override == false`);
    }
  };
  mergeById(def.components, inc.components, 'component');
  mergeById(def.bolts, inc.bolts, 'bolt');
  mergeById(def.spouts, inc.spouts, 'spout');
  def.streams.push(...inc.streams);
}
