// What ShellBolt and ShellSpout share: the child's argv, the streams and configuration a
// shell component declares (Flux's setDefaultStream / setNamedStream), starting the child in
// the topology's code dir with Storm's handshake, and logging its `log` commands.
// Single-threaded (the worker's event loop).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../common/logger.js';
import { multilangContext, ShellProcess, type ShellMsg } from './multilang/shell-process.js';
import type { OutputFieldsDeclarer } from './output-fields-declarer.js';
import { DEFAULT_STREAM } from './output-fields-declarer.js';
import type { TopologyContext } from './topology-context.js';

/** An output stream a shell component declares (Flux's setDefaultStream / setNamedStream). */
export interface ShellStreamDeclaration {
  streamId: string;
  fields: string[];
  direct: boolean;
}

const LOG_LEVELS = ['debug', 'debug', 'info', 'warn', 'error'] as const;

/** Normalise `('python3', 'x.py')` or `(['python3', 'x.py'])` into an argv list. */
export function shellCommand(command: string | readonly string[] | undefined, args: readonly string[]): string[] {
  if (command === undefined) return [];
  return typeof command === 'string' ? [command, ...args] : [...command, ...args];
}

/** Log a multilang `log` command (level 0=TRACE .. 4=ERROR, default INFO). */
export function logShellMessage(logger: Logger, msg: ShellMsg, pid: number): void {
  const level = typeof msg.level === 'number' ? msg.level : 2;
  logger[LOG_LEVELS[Math.max(0, Math.min(4, Math.trunc(level)))]!]('shell log', { pid, msg: String(msg.msg) });
}

/** What an `emit` command asks for: values, stream and, for emitDirect, the task (0: none). */
export function parseShellEmit(msg: ShellMsg): { tuple: unknown[]; stream: string; task: number } {
  if (!Array.isArray(msg.tuple)) throw new Error(`emit from shell process without a "tuple" array: ${JSON.stringify(msg).slice(0, 200)}`);
  return { tuple: msg.tuple, stream: typeof msg.stream === 'string' ? msg.stream : DEFAULT_STREAM, task: typeof msg.task === 'number' ? msg.task : 0 };
}

/**
 * Handles the commands bolts and spouts share: `log` (to the logger) and `error` (reported
 * to the collector). Returns false for any other command.
 */
export function handleShellLogOrError(msg: ShellMsg, logger: Logger, pid: number, reportError: (error: Error) => void): boolean {
  if (msg.command === 'log') {
    logShellMessage(logger, msg, pid);
    return true;
  }
  if (msg.command === 'error') {
    reportError(new Error(`Shell Process Exception: ${String(msg.msg)}`));
    return true;
  }
  return false;
}

/**
 * Starts `command` in the code dir and does the handshake, with a fresh pid dir (removed
 * again when the start fails). The caller removes the pid dir when it closes.
 */
export async function launchShellChild(
  command: string[],
  conf: Readonly<Record<string, unknown>>,
  context: TopologyContext,
  logger: Logger,
  timeoutMs: number,
): Promise<{ process: ShellProcess; pidDir: string }> {
  const pidDir = mkdtempSync(join(tmpdir(), 'streamctl-shell-'));
  try {
    const process = await ShellProcess.launch({ command, cwd: context.getCodeDir(), logger }, { conf, context: multilangContext(context), pidDir }, timeoutMs);
    return { process, pidDir };
  } catch (error) {
    rmSync(pidDir, { recursive: true, force: true });
    throw error;
  }
}

export abstract class ShellComponent {
  /** The child's argv: executable, then arguments (resolved in the code dir, no shell). */
  readonly command: string[];
  /** Streams declared by declareOutputFields (unless a subclass overrides it). */
  readonly streams: ShellStreamDeclaration[] = [];
  /** Component configuration returned by getComponentConfiguration. */
  componentConfig: Record<string, unknown> | undefined;

  constructor(command?: string | readonly string[], ...args: string[]) {
    this.command = shellCommand(command, args);
  }

  /** Declare the `default` stream's fields (chainable). */
  setDefaultStream(fields: readonly string[], direct = false): this {
    return this.setNamedStream(DEFAULT_STREAM, fields, direct);
  }

  /** Declare a named stream's fields (chainable). */
  setNamedStream(streamId: string, fields: readonly string[], direct = false): this {
    this.streams.push({ streamId, fields: [...fields], direct });
    return this;
  }

  declareOutputFields(declarer: OutputFieldsDeclarer): void {
    for (const s of this.streams) declarer.declareStream(s.streamId, s.fields, s.direct);
  }

  getComponentConfiguration(): Record<string, unknown> | undefined {
    return this.componentConfig;
  }
}
