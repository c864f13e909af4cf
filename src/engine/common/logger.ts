// One structured logger per process. Child processes write JSON lines to a file (or
// stderr); components get children with bound fields, passed in through constructors.
// Synchronous writes keep lines intact when a process is killed; logging is not on the
// hot path (debug is off by default).
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-files.js';

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

/** Appends to `path`, created owner-only (logs hold topic names, errors, stack traces). */
export function fileSink(path: string): LogSink {
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  return (line) => appendFileSync(path, line, { mode: PRIVATE_FILE_MODE });
}

export const stderrSink: LogSink = (line) => void process.stderr.write(line);

function serialize(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack, code: (value as { code?: unknown }).code };
  }
  return value;
}

export function createLogger(options: { sink?: LogSink; level?: LogLevel; fields?: Record<string, unknown> } = {}): Logger {
  const sink = options.sink ?? stderrSink;
  const min = LEVELS[options.level ?? 'info'];
  const bound = options.fields ?? {};
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    const record: Record<string, unknown> = { time: new Date().toISOString(), level, msg, ...bound };
    if (fields) for (const [k, v] of Object.entries(fields)) record[k] = serialize(v);
    sink(JSON.stringify(record, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ sink, level: options.level, fields: { ...bound, ...fields } }),
    isDebugEnabled: () => min <= LEVELS.debug,
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
