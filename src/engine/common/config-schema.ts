// The validated config schema of a process kind, in two parts: its Kafka-style dotted
// settings (`log.retention.ms=...`, every value text, defaults from the schema) and the
// fields of the JSON config file the process is started with. Both validate every value
// they know and fail with INVALID_CONFIG naming the key and the value; nothing falls back
// to a default on a bad value. Unknown dotted keys pass (the same settings reach brokers and
// the controller, and Kafka accepts keys it does not use). Pure apart from reading the file.
import { readFileSync } from 'node:fs';
import { StreamctlError } from './errors.js';
import { configBoolean, configNumber, validateConfigValue, type ConfigValueRule } from './config-value.js';

export type Settings = Record<string, string>;

/** One dotted key of a settings schema. */
export interface SettingDef extends ConfigValueRule {
  key: string;
  /** Default as text; undefined: no default (the reader decides, e.g. the component's own). */
  default?: string;
  doc: string;
}

/** The dotted settings one process kind reads, with their types, bounds and defaults. */
export class SettingsSchema {
  readonly kind: string;
  readonly #defs: Map<string, SettingDef>;

  constructor(kind: string, defs: readonly SettingDef[]) {
    this.kind = kind;
    this.#defs = new Map();
    for (const d of defs) {
      if (this.#defs.has(d.key)) throw new StreamctlError('INTERNAL', `${kind} settings define ${d.key} twice`);
      if (d.default !== undefined && validateConfigValue(d.key, d, d.default) !== undefined) {
        throw new StreamctlError('INTERNAL', `${kind} setting ${d.key} has an invalid default ${d.default}`);
      }
      this.#defs.set(d.key, d);
    }
  }

  get defs(): SettingDef[] {
    return [...this.#defs.values()];
  }

  has(key: string): boolean {
    return this.#defs.has(key);
  }

  /** Undefined when every known key has a valid value, else the first error's text. */
  check(settings: Readonly<Settings>): string | undefined {
    for (const [key, value] of Object.entries(settings)) {
      const d = this.#defs.get(key);
      if (!d) continue;
      if (typeof value !== 'string') return `Invalid value ${JSON.stringify(value)} for configuration ${key}: Expected a string`;
      const error = validateConfigValue(key, d, value);
      if (error) return error;
    }
    return undefined;
  }

  /** Throws INVALID_CONFIG naming the key and value of the first bad setting. */
  validate(settings: Readonly<Settings>): void {
    const error = this.check(settings);
    if (error) throw new StreamctlError('INVALID_CONFIG', error);
  }

  /** Text of a key: the setting, else the schema default (a valid value either way). */
  text(settings: Readonly<Settings>, key: string): string | undefined {
    const d = this.#defs.get(key);
    if (!d) throw new StreamctlError('INTERNAL', `${this.kind} settings have no key ${key}`);
    const raw = settings[key];
    if (raw === undefined) return d.default;
    const error = validateConfigValue(key, d, raw);
    if (error) throw new StreamctlError('INVALID_CONFIG', error);
    return raw.trim();
  }

  /** A LONG/INT/DOUBLE key as a number (undefined only for a key without default, unset). */
  optionalNumber(settings: Readonly<Settings>, key: string): number | undefined {
    const t = this.text(settings, key);
    if (t === undefined) return undefined;
    return this.#defs.get(key)!.type === 'DOUBLE' ? Number(t) : configNumber(t);
  }

  number(settings: Readonly<Settings>, key: string): number {
    const n = this.optionalNumber(settings, key);
    if (n === undefined) throw new StreamctlError('INTERNAL', `${this.kind} setting ${key} has no default`);
    return n;
  }

  bool(settings: Readonly<Settings>, key: string): boolean {
    const t = this.text(settings, key);
    if (t === undefined) throw new StreamctlError('INTERNAL', `${this.kind} setting ${key} has no default`);
    return configBoolean(t);
  }

  string(settings: Readonly<Settings>, key: string): string {
    const t = this.text(settings, key);
    if (t === undefined) throw new StreamctlError('INTERNAL', `${this.kind} setting ${key} has no default`);
    return t;
  }
}

/** One field of a process's JSON config file. */
export type FieldRule =
  | { type: 'string'; optional?: boolean; nonEmpty?: boolean; oneOf?: readonly string[] }
  | { type: 'integer'; optional?: boolean; min?: number; max?: number }
  | { type: 'boolean'; optional?: boolean }
  | { type: 'port'; optional?: boolean }
  | { type: 'ports'; optional?: boolean }
  | { type: 'strings'; optional?: boolean }
  | { type: 'settings'; optional?: boolean }
  | { type: 'object'; optional?: boolean; fields?: FieldSchema<object> };

/** A rule for every field of T (the compiler checks none is missing). */
export type FieldSchema<T> = { readonly [K in keyof T]-?: FieldRule };

function isPort(v: unknown): boolean {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535;
}

function fieldError(path: string, rule: FieldRule, v: unknown): string | undefined {
  const shown = JSON.stringify(v) ?? String(v);
  switch (rule.type) {
    case 'string':
      if (typeof v !== 'string' || (rule.nonEmpty && v === '')) return `${path} must be a${rule.nonEmpty ? ' non-empty' : ''} string, got ${shown}`;
      if (rule.oneOf && !rule.oneOf.includes(v)) return `${path} must be one of ${rule.oneOf.join(', ')}, got ${shown}`;
      return undefined;
    case 'integer':
      if (!Number.isSafeInteger(v)) return `${path} must be an integer, got ${shown}`;
      if (rule.min !== undefined && (v as number) < rule.min) return `${path} must be at least ${rule.min}, got ${shown}`;
      if (rule.max !== undefined && (v as number) > rule.max) return `${path} must be no more than ${rule.max}, got ${shown}`;
      return undefined;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `${path} must be true or false, got ${shown}`;
    case 'port':
      return isPort(v) ? undefined : `${path} must be a port number (0-65535), got ${shown}`;
    case 'ports':
      return Array.isArray(v) && v.every(isPort) ? undefined : `${path} must be a list of port numbers, got ${shown}`;
    case 'strings':
      return Array.isArray(v) && v.every((s) => typeof s === 'string') ? undefined : `${path} must be a list of strings, got ${shown}`;
    case 'settings':
      if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.values(v).every((s) => typeof s === 'string')) {
        return `${path} must be an object of string values, got ${shown}`;
      }
      return undefined;
    case 'object':
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${path} must be an object, got ${shown}`;
      return rule.fields ? objectError(path, rule.fields, v as Record<string, unknown>) : undefined;
  }
}

function objectError(prefix: string, schema: FieldSchema<object>, value: Record<string, unknown>): string | undefined {
  for (const [name, rule] of Object.entries(schema) as Array<[string, FieldRule]>) {
    const v = value[name];
    const path = prefix ? `${prefix}.${name}` : name;
    if (v === undefined || v === null) {
      if (rule.optional) continue;
      return `${path} is missing`;
    }
    const error = fieldError(path, rule, v);
    if (error) return error;
  }
  return undefined;
}

/** Checks a parsed config file against its schema; throws INVALID_CONFIG naming the field and value. */
export function validateProcessConfig<T extends object>(kind: string, schema: FieldSchema<T>, value: unknown): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StreamctlError('INVALID_CONFIG', `${kind} config must be a JSON object`);
  }
  const error = objectError('', schema as FieldSchema<object>, value as Record<string, unknown>);
  if (error) throw new StreamctlError('INVALID_CONFIG', `${kind} config: ${error}`);
  return value as T;
}

/** Reads and validates a process's JSON config file (the path its main was given). */
export function loadProcessConfig<T extends object>(kind: string, schema: FieldSchema<T>, path: string): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new StreamctlError('INVALID_CONFIG', `${kind} config ${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StreamctlError('INVALID_CONFIG', `${kind} config ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return validateProcessConfig(kind, schema, parsed);
}

/**
 * For process mains only: loadProcessConfig, or, on a bad file, the error on stderr
 * (`<kind> failed to start: ...`), exit code 1 and undefined; `check` adds checks (settings).
 */
export function loadMainConfig<T extends object>(kind: string, schema: FieldSchema<T>, path: string, check?: (config: T) => void): T | undefined {
  try {
    const config = loadProcessConfig(kind, schema, path);
    check?.(config);
    return config;
  } catch (error) {
    process.stderr.write(`${kind} failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
    return undefined;
  }
}
