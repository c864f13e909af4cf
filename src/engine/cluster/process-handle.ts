// One child process of the local cluster: `node <main.js> <config.json>` started with execa,
// stdout/stderr appended to a .out file, exit watched, stopped gracefully (SIGTERM, then
// SIGKILL after a timeout) or killed at once. Single-threaded owner: the cluster daemon.
import { dirname } from 'node:path';
import { ensurePrivateDir, touchPrivateFile } from '../common/private-files.js';
import { execa } from 'execa';

type Child = Promise<{ exitCode?: number; signal?: string }> & { pid?: number; kill(signal?: NodeJS.Signals): boolean };

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
  /** File that receives stdout and stderr (appended). */
  outFile: string;
  onExit?: (exit: ProcessExit) => void;
}

export class ProcessHandle {
  readonly name: string;
  readonly #options: ProcessHandleOptions;
  #child: Child | undefined;
  #exited: Promise<ProcessExit> | undefined;
  #running = false;

  constructor(options: ProcessHandleOptions) {
    this.name = options.name;
    this.#options = options;
  }

  /** Starts the process; returns its pid. */
  start(): number {
    if (this.#running) throw new Error(`${this.name} is already running`);
    ensurePrivateDir(dirname(this.#options.outFile));
    touchPrivateFile(this.#options.outFile); // execa would create it with the default mode
    const out = { file: this.#options.outFile, append: true } as const;
    const args = [...(this.#options.nodeArgs ?? []), this.#options.main, ...this.#options.args];
    this.#child = execa(process.execPath, args, { stdin: 'ignore', stdout: out, stderr: out, reject: false }) as unknown as Child;
    const child = this.#child;
    this.#running = true;
    this.#exited = (async () => {
      const result = await child;
      this.#running = false;
      const exit: ProcessExit = { code: typeof result.exitCode === 'number' ? result.exitCode : null, signal: result.signal ?? null };
      try {
        this.#options.onExit?.(exit);
      } catch {
        // the owner's exit handler must not turn one child's exit into an unhandled rejection
      }
      return exit;
    })();
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
