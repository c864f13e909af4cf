// One structured logger per process. Child processes write JSON lines to a file (or
// stderr); components get children with bound fields, passed in through constructors.
// Synchronous writes keep lines intact when a process is killed; logging is not on the
// hot path (debug is off by default). File sinks rotate by size and never throw
// (log-file-sink.ts); repeated identical warnings and errors are rate-limited: the same
// message from the same component at most once per window, the next one carrying
// `suppressed: K` (how many were dropped meanwhile).
import { rotatingFileSink, type RotatingFileSinkOptions } from './log-file-sink.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
  isDebugEnabled(): boolean;
}

export type LogSink = (line: string) => void;

/** Appends to `path`, rotating by size (default 10 MiB x 5 files); never throws. */
export function fileSink(path: string, options?: RotatingFileSinkOptions): LogSink {
  return rotatingFileSink(path, options);
}

export const stderrSink: LogSink = (line) => {
  try {
    process.stderr.write(line);
  } catch {
    // a closed stderr must not take the process down
  }
};

/** Default window of the repeat limiter: the same warning or error at most once per 10 s. */
export const DEFAULT_REPEAT_WINDOW_MS = 10_000;
const REPEAT_KEYS_MAX = 1000;

/** Shared by a logger and its children: last time each (level, msg, component, error) was written. */
class RepeatLimiter {
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #seen = new Map<string, { lastMs: number; suppressed: number }>();

  constructor(windowMs: number, now: () => number) {
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** -1: drop this line; otherwise how many identical lines were dropped before it. */
  admit(key: string): number {
    const now = this.#now();
    const entry = this.#seen.get(key);
    if (entry && now - entry.lastMs < this.#windowMs) {
      entry.suppressed++;
      return -1;
    }
    const suppressed = entry?.suppressed ?? 0;
    if (!entry && this.#seen.size >= REPEAT_KEYS_MAX) {
      for (const [k, v] of this.#seen) if (now - v.lastMs >= this.#windowMs) this.#seen.delete(k);
      if (this.#seen.size >= REPEAT_KEYS_MAX) this.#seen.clear();
    }
    this.#seen.set(key, { lastMs: now, suppressed: 0 });
    return suppressed;
  }
}

function repeatKey(level: LogLevel, msg: string, bound: Record<string, unknown>, fields: Record<string, unknown> | undefined): string {
  const error = fields?.error;
  const detail = error instanceof Error ? error.message : error === undefined ? '' : String(error);
  return `${level}\u0000${msg}\u0000${JSON.stringify(bound, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\u0000${detail}`;
}

function serialize(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack, code: (value as { code?: unknown }).code };
  }
  return value;
}

export interface CreateLoggerOptions {
  sink?: LogSink;
  level?: LogLevel;
  fields?: Record<string, unknown>;
  /** Identical warnings/errors within this window are suppressed (default 10 s; 0 turns it off). */
  repeatWindowMs?: number;
  /** Clock of the repeat limiter (tests). */
  nowMs?: () => number;
  /** Levels changed at run time by logger name (Storm's set_log_level); overrides `level`. */
  levels?: LogLevelControl;
}

/** A level per logger name: "ROOT" (every line) or a component name (lines bound to it). */
export type NamedLogLevel = LogLevel | 'off';

/**
 * Run-time log levels by name (Storm's named loggers): a component's level wins over ROOT's,
 * which wins over the level the logger was created with. Set and cleared by the owner (the
 * worker applies nimbus's log config); read on every log call, so a lookup is all it costs.
 */
export class LogLevelControl {
  readonly #levels = new Map<string, number>();
  readonly #names = new Map<string, NamedLogLevel>();

  set(name: string, level: NamedLogLevel): void {
    this.#levels.set(name, level === 'off' ? Number.POSITIVE_INFINITY : LEVELS[level]);
    this.#names.set(name, level);
  }

  /** The level set for a name, or undefined. */
  level(name: string): NamedLogLevel | undefined {
    return this.#names.get(name);
  }

  clear(name: string): void {
    this.#levels.delete(name);
    this.#names.delete(name);
  }

  names(): string[] {
    return [...this.#levels.keys()];
  }

  /** The minimum level of a logger bound to `component`, else `fallback`. */
  min(component: unknown, fallback: number): number {
    if (this.#levels.size === 0) return fallback;
    return (typeof component === 'string' ? this.#levels.get(component) : undefined) ?? this.#levels.get('ROOT') ?? fallback;
  }
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const window = options.repeatWindowMs ?? DEFAULT_REPEAT_WINDOW_MS;
  const limiter = window > 0 ? new RepeatLimiter(window, options.nowMs ?? Date.now) : undefined;
  return build(options.sink ?? stderrSink, options.level ?? 'info', options.fields ?? {}, limiter, options.levels);
}

function build(sink: LogSink, levelName: LogLevel, bound: Record<string, unknown>, limiter: RepeatLimiter | undefined, control?: LogLevelControl): Logger {
  const fixedMin = LEVELS[levelName];
  const component = bound.component;
  const minLevel = control ? () => control.min(component, fixedMin) : () => fixedMin;
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < minLevel()) return;
    let suppressed = 0;
    if (limiter && LEVELS[level] >= LEVELS.warn) {
      suppressed = limiter.admit(repeatKey(level, msg, bound, fields));
      if (suppressed < 0) return;
    }
    const record: Record<string, unknown> = { time: new Date().toISOString(), level, msg, ...bound };
    if (fields) for (const [k, v] of Object.entries(fields)) record[k] = serialize(v);
    if (suppressed > 0) record.suppressed = suppressed;
    let line: string;
    try {
      line = JSON.stringify(record, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n';
    } catch {
      line = JSON.stringify({ time: record.time, level, msg, unserializableFields: true }) + '\n';
    }
    try {
      sink(line);
    } catch {
      // logging never takes a process down
    }
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => build(sink, levelName, { ...bound, ...fields }, limiter, control),
    isDebugEnabled: () => minLevel() <= LEVELS.debug,
  };
}

/** A logger that drops everything; for tests and library use. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
  isDebugEnabled: () => false,
};
