// ShellProcess: one child process speaking Storm's multilang protocol (Storm's
// ShellProcess + JsonSerializer). Messages are one JSON value followed by a line `end`, both
// ways, over the child's stdin/stdout (UTF-8); stderr is not protocol and is logged and kept
// for error messages. launch() spawns the command (no shell) in the topology's code dir,
// sends the handshake {conf, context, pidDir} and waits for {pid}. Afterwards every message
// from the child goes to `onMessage`; the child exiting, closing stdout, or writing
// something that is not JSON goes to `onDeath` exactly once (and the child is killed).
// Single-threaded (event loop); one instance per shell component task.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../../common/logger.js';
import { silentLogger } from '../../common/logger.js';
import type { GroupingSpec } from '../topology-spec.js';
import type { TopologyContext } from '../topology-context.js';

/** A message from the child: always a JSON object with a `command` (or `pid` in the handshake). */
/** The least time a child gets to answer the handshake, whatever topology.subprocess.timeout.secs says. */
const HANDSHAKE_MIN_MS = 30_000;

export type ShellMsg = Record<string, unknown>;

export interface ShellProcessOptions {
  /** Executable and arguments (Storm's ProcessBuilder command; no shell). */
  command: readonly string[];
  /** Working directory of the child (the topology's code dir). */
  cwd: string;
  logger?: Logger;
}

export interface Handshake {
  conf: Readonly<Record<string, unknown>>;
  context: Record<string, unknown>;
  pidDir: string;
}

const STDERR_TAIL = 4096;

/** JSON with bigints as numbers (strings when not safe) and Buffers as UTF-8 strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
    if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    const raw = (this as Record<string, unknown>)[key];
    if (Buffer.isBuffer(raw)) return raw.toString('utf8');
    return v;
  });
}

export class ShellProcess {
  readonly #o: ShellProcessOptions;
  readonly #log: Logger;
  #child: ChildProcess | undefined;
  #buffer = '';
  #lines: string[] = [];
  #stderr = '';
  #dead = false;
  #killed = false;
  #pid = 0;
  #unflushed = 0;
  readonly #flushWaiters = new Set<() => void>();
  /** Date.now() of the last message from the child (any message counts as a heartbeat). */
  lastHeartbeatMs = Date.now();
  onMessage: (msg: ShellMsg) => void = () => {};
  onDeath: (error: Error) => void = () => {};

  private constructor(options: ShellProcessOptions) {
    this.#o = options;
    this.#log = options.logger ?? silentLogger;
  }

  /**
   * Spawn, handshake, and resolve with the running process; rejects (child killed) on failure
   * or after `timeoutMs`, at least HANDSHAKE_MIN_MS: an interpreter starting on a loaded
   * machine may take seconds (Storm's launch waits for the pid without the heartbeat timeout).
   */
  static async launch(options: ShellProcessOptions, handshake: Handshake, timeoutMs: number): Promise<ShellProcess> {
    const p = new ShellProcess(options);
    await p.#start(handshake, Math.max(timeoutMs, HANDSHAKE_MIN_MS));
    return p;
  }

  get pid(): number {
    return this.#pid;
  }

  get dead(): boolean {
    return this.#dead;
  }

  /** The last few KiB the child wrote to stderr. */
  get stderrTail(): string {
    return this.#stderr;
  }

  /** Write one message; false when the pipe's buffer is full (wait with whenWritable()). */
  writeMessage(msg: unknown): boolean {
    return this.#write(`${toJson(msg)}\nend\n`);
  }

  /** The task ids of an emit (a JSON array), as Storm answers a non-direct emit. */
  writeTaskIds(ids: readonly number[]): boolean {
    return this.#write(`[${ids.join(',')}]\nend\n`);
  }

  /** Messages written but not yet handed to the pipe (the child is not reading fast enough). */
  get unflushedWrites(): number {
    return this.#unflushed;
  }

  /**
   * Resolves once the child's stdin buffer is below its high-water mark and fewer than
   * `maxUnflushed` messages wait to go into the pipe (Storm's bounded pendingWrites queue),
   * or when the child is gone.
   */
  whenWritable(maxUnflushed = Number.POSITIVE_INFINITY): Promise<void> {
    const ready = () => {
      const stdin = this.#child?.stdin;
      return this.#dead || !stdin || stdin.destroyed || (!stdin.writableNeedDrain && this.#unflushed < maxUnflushed);
    };
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!ready()) return;
        this.#flushWaiters.delete(check);
        resolve();
      };
      this.#flushWaiters.add(check);
    });
  }

  /** Stop the child (SIGTERM, SIGKILL after 2 s) without reporting a death. */
  kill(): void {
    this.#dead = true;
    this.#killChild();
    this.#notifyFlushWaiters();
  }

  #write(text: string): boolean {
    const stdin = this.#child?.stdin;
    if (this.#dead || !stdin || stdin.destroyed) return true;
    this.#unflushed++;
    return stdin.write(text, () => {
      this.#unflushed--;
      this.#notifyFlushWaiters();
    });
  }

  #notifyFlushWaiters(): void {
    for (const check of [...this.#flushWaiters]) check();
  }

  #killChild(): void {
    const child = this.#child;
    if (!child || this.#killed) return;
    this.#killed = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, 2000);
    t.unref();
  }

  #die(error: Error): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#killChild();
    this.#notifyFlushWaiters();
    this.onDeath(error);
  }

  #describe(): string {
    const tail = this.#stderr.trim();
    return `${this.#o.command.join(' ')} (pid ${this.#pid || '?'})${tail ? `; stderr: ${tail.slice(-1000)}` : ''}`;
  }

  async #start(handshake: Handshake, timeoutMs: number): Promise<void> {
    const [cmd, ...args] = this.#o.command;
    if (!cmd) throw new Error('Shell component has no command');
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          this.#dead = true;
          this.#killChild();
          reject(error);
        } else resolve();
      };
      const timer = setTimeout(() => finish(new Error(`Shell process ${this.#describe()} did not answer the handshake within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
      // Until the handshake completes, deaths reject the launch.
      this.onDeath = (error) => finish(error);
      this.onMessage = (msg) => {
        if (typeof msg.pid !== 'number') {
          finish(new Error(`Shell process ${this.#describe()} answered the handshake with ${toJson(msg)} instead of {"pid": ...}`));
          return;
        }
        this.#pid = msg.pid;
        this.onDeath = () => {};
        this.onMessage = () => {};
        finish();
      };
      let child: ChildProcess;
      try {
        child = spawn(cmd, args, { cwd: this.#o.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
      } catch (error) {
        finish(new Error(`Cannot start shell process ${this.#o.command.join(' ')} in ${this.#o.cwd}: ${(error as Error).message}`, { cause: error }));
        return;
      }
      this.#child = child;
      this.#pid = child.pid ?? 0;
      child.on('error', (error) => this.#die(new Error(`Cannot run shell process ${this.#o.command.join(' ')} in ${this.#o.cwd}: ${error.message}`, { cause: error })));
      child.on('exit', (code, signal) => {
        // Let stdout deliver what the child wrote before it exited.
        setImmediate(() => this.#die(new Error(`Shell process ${this.#describe()} exited with ${signal ? `signal ${signal}` : `code ${code}`}`)));
      });
      child.stdin!.on('error', () => {}); // EPIPE: reported through exit
      child.stdin!.on('drain', () => this.#notifyFlushWaiters());
      child.stdin!.on('close', () => this.#notifyFlushWaiters());
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => this.#onStdout(chunk));
      child.stdout!.on('end', () => {
        // Usually the child exited: wait a little for its exit code, which says more.
        const t = setTimeout(() => {
          this.#die(new Error(`Pipe to subprocess seems to be broken! ${this.#lines.length ? `Currently read output: ${this.#lines.join('\n')}` : 'No output read.'} Shell process: ${this.#describe()}`));
        }, 500);
        t.unref();
      });
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => {
        this.#stderr = (this.#stderr + chunk).slice(-STDERR_TAIL);
        for (const line of chunk.split('\n')) if (line.trim()) this.#log.info('shell stderr', { pid: this.#pid, line });
      });
      this.#write(`${toJson(handshake)}\nend\n`);
    });
  }

  #onStdout(chunk: string): void {
    this.#buffer += chunk;
    let nl: number;
    while (!this.#dead && (nl = this.#buffer.indexOf('\n')) >= 0) {
      let line = this.#buffer.slice(0, nl);
      this.#buffer = this.#buffer.slice(nl + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line !== 'end') {
        this.#lines.push(line);
        continue;
      }
      const text = this.#lines.join('\n');
      this.#lines = [];
      let msg: unknown;
      try {
        msg = JSON.parse(text);
      } catch {
        this.#die(new Error(`Shell process ${this.#describe()} wrote a message that is not JSON: ${JSON.stringify(text.slice(0, 200))}`));
        return;
      }
      if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
        this.#die(new Error(`Shell process ${this.#describe()} wrote ${JSON.stringify(text.slice(0, 200))}, not a JSON object`));
        return;
      }
      this.lastHeartbeatMs = Date.now();
      try {
        this.onMessage(msg as ShellMsg);
      } catch (error) {
        this.#die(error instanceof Error ? error : new Error(String(error)));
        return;
      }
    }
  }
}

/** Storm's Thrift grouping names as TopologyContext.toJSONString writes them. */
function groupingJson(g: GroupingSpec): Record<string, unknown> {
  switch (g.type) {
    case 'fields':
      return { type: 'FIELDS', fields: g.fields ?? [] };
    case 'global':
      return { type: 'FIELDS', fields: [] };
    case 'shuffle':
      return { type: 'SHUFFLE' };
    case 'all':
      return { type: 'ALL' };
    case 'none':
      return { type: 'NONE' };
    case 'direct':
      return { type: 'DIRECT' };
    case 'local-or-shuffle':
      return { type: 'LOCAL_OR_SHUFFLE' };
    case 'partial-key':
    case 'custom':
      return { type: 'CUSTOM_OBJECT' };
  }
}

/** The `context` of the handshake (Storm's TopologyContext.toJSONString). */
export function multilangContext(context: TopologyContext): Record<string, unknown> {
  const streamFields: Record<string, string[]> = {};
  for (const s of context.getThisStreams()) streamFields[s] = context.getThisOutputFields(s).toList();
  const targets: Record<string, Record<string, unknown>> = {};
  for (const [stream, byComp] of Object.entries(context.getThisTargets())) {
    targets[stream] = Object.fromEntries(Object.entries(byComp).map(([c, g]) => [c, groupingJson(g)]));
  }
  const sources: Record<string, Record<string, unknown>> = {};
  const sourceFields: Record<string, Record<string, string[]>> = {};
  for (const [comp, byStream] of Object.entries(context.getThisSources())) {
    sources[comp] = Object.fromEntries(Object.entries(byStream).map(([s, g]) => [s, groupingJson(g)]));
    sourceFields[comp] = {};
    for (const s of Object.keys(byStream)) {
      try {
        sourceFields[comp]![s] = context.getComponentOutputFields(comp, s).toList();
      } catch {
        sourceFields[comp]![s] = [];
      }
    }
  }
  return {
    'task->component': context.getTaskToComponent(),
    taskid: context.getThisTaskId(),
    componentid: context.getThisComponentId(),
    streams: context.getThisStreams(),
    'stream->outputfields': streamFields,
    'stream->target->grouping': targets,
    'source->stream->grouping': sources,
    'source->stream->fields': sourceFields,
  };
}

/** Storm: `topology.subprocess.timeout.secs`, else `supervisor.worker.timeout.secs`, else 30 s. */
export function subprocessTimeoutMs(conf: Readonly<Record<string, unknown>>): number {
  for (const key of ['topology.subprocess.timeout.secs', 'supervisor.worker.timeout.secs']) {
    const v = Number(conf[key]);
    if (conf[key] !== undefined && conf[key] !== null && Number.isFinite(v) && v > 0) return v * 1000;
  }
  return 30_000;
}

/** A random signed 64-bit integer as a decimal string (Storm's tuple ids for shell bolts). */
export function randomTupleId(): string {
  const b = new BigInt64Array(1);
  globalThis.crypto.getRandomValues(b);
  return b[0]!.toString();
}
