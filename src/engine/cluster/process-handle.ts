// One child process of the local cluster: `node <main.js> <config.json>` started with
// node:child_process (no execa here: it costs every long-lived process ~16 MB of RSS),
// stdout/stderr appended to a .out file, exit watched, stopped gracefully (SIGTERM, then
// SIGKILL after a timeout) or killed at once. Single-threaded owner: the cluster daemon.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE, touchPrivateFile } from '../common/private-files.js';

export interface ProcessExit {
  code: number | null;
  signal: string | null;
}

export interface ProcessHandleOptions {
  /** Name for logs and errors: "controller", "broker-1". */
  name: string;
  /** Absolute path of the entry script. */
  main: string;
  args: string[];
  /** Node flags before the entry script (e.g. DATA_PROCESS_NODE_FLAGS). */
  nodeArgs?: readonly string[];
  /** Extra environment variables (on top of this process's environment). */
  env?: Record<string, string>;
  /** File that receives stdout and stderr (appended). */
  outFile: string;
  onExit?: (exit: ProcessExit) => void;
}

export class ProcessHandle {
  readonly name: string;
  readonly #options: ProcessHandleOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<ProcessExit> | undefined;
  #running = false;

  constructor(options: ProcessHandleOptions) {
    this.name = options.name;
    this.#options = options;
  }

  /** Starts the process; returns its pid. */
  start(): number {
    if (this.#running) throw new Error(`${this.name} is already running`);
    const o = this.#options;
    ensurePrivateDir(dirname(o.outFile));
    touchPrivateFile(o.outFile);
    const out = openSync(o.outFile, 'a', PRIVATE_FILE_MODE);
    let child: ChildProcess;
    try {
      const args = [...(o.nodeArgs ?? []), o.main, ...o.args];
      child = spawn(process.execPath, args, { stdio: ['ignore', out, out], env: o.env ? { ...process.env, ...o.env } : process.env });
    } finally {
      closeSync(out); // the child holds its own copy
    }
    this.#child = child;
    this.#running = true;
    this.#exited = new Promise<ProcessExit>((resolve) => {
      let settled = false;
      const done = (exit: ProcessExit) => {
        if (settled) return;
        settled = true;
        this.#running = false;
        try {
          o.onExit?.(exit);
        } catch {
          // the owner's exit handler must not turn one child's exit into an uncaught exception
        }
        resolve(exit);
      };
      child.once('exit', (code, signal) => done({ code, signal }));
      // spawn failures (ENOENT, EAGAIN) emit 'error' and no 'exit'
      child.once('error', () => done({ code: null, signal: null }));
    });
    if (child.pid === undefined) throw new Error(`${this.name} could not be started`);
    return child.pid;
  }

  get pid(): number | null {
    return this.#running ? (this.#child?.pid ?? null) : null;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Resolves when the current run ends (immediately if not running). */
  async waitForExit(): Promise<ProcessExit | undefined> {
    return this.#running ? this.#exited : undefined;
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves when the process is gone. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.#running || !this.#child) return;
    const exited = this.#exited!;
    this.#child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.#child.kill('SIGKILL');
      await exited;
    }
  }

  /** SIGKILL now; resolves when the process is gone. */
  async kill(): Promise<void> {
    if (!this.#running || !this.#child) return;
    const exited = this.#exited!;
    this.#child.kill('SIGKILL');
    await exited;
  }
}
