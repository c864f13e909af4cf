// One worker process as the supervisor sees it: writes the worker's config file, spawns
// `node worker-main.js <worker-config.json>` with execa (stdout/stderr appended to
// worker.out in the worker dir), notices when it exits and restarts it with exponential
// backoff, and stops it with SIGTERM then SIGKILL. The worker rewrites a local heartbeat
// file in its dir every 500 ms; checkHeartbeat() SIGKILLs a worker whose file is older than
// the heartbeat timeout (or missing after the start timeout), i.e. a hung one (blocked event
// loop, SIGSTOP), which is then restarted like a crashed one. The pid is kept in worker.pid so a
// restarted supervisor can clean up orphans. Driven by the supervisor's loop; one instance
// per worker id.
import { execa, type ResultPromise } from 'execa';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, touchPrivateFile } from '../../common/private-files.js';
import type { WorkerConfig } from '../contracts.js';

export interface WorkerProcessOptions {
  config: WorkerConfig;
  workerDir: string;
  /** Executable and leading args; the config path is appended. */
  command: string;
  args: string[];
  clock: Clock;
  logger: Logger;
  /** First restart delay; doubles per consecutive crash up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A worker that ran this long resets the crash count. */
  stableAfterMs?: number;
  /** Storm's supervisor.worker.timeout.secs: a local heartbeat older than this kills the worker (default 30 s). */
  heartbeatTimeoutMs?: number;
  /** Storm's supervisor.worker.start.timeout.secs: time for the first local heartbeat (default 120 s). */
  startTimeoutMs?: number;
}

export class WorkerProcess {
  #config: WorkerConfig;
  readonly workerDir: string;
  #options: WorkerProcessOptions;
  #child: ResultPromise | undefined;
  #running = false;
  #stopping = false;
  #startedAtMs = 0;
  #crashes = 0;
  #nextStartAtMs = 0;
  #exited: Promise<void> = Promise.resolve();
  #log: Logger;

  constructor(options: WorkerProcessOptions) {
    this.#options = options;
    this.workerDir = options.workerDir;
    this.#config = { ...options.config, logFile: join(options.workerDir, 'worker.log'), localHeartbeatFile: join(options.workerDir, 'heartbeat') };
    this.#log = options.logger.child({ workerId: this.config.workerId });
  }

  get config(): WorkerConfig {
    return this.#config;
  }

  /**
   * Nimbus changed the assignment but kept this worker's slot and executors (same worker
   * id): keep the process (it adopts the assignment from its heartbeat answer) and use the
   * new config for later restarts.
   */
  updateConfig(config: WorkerConfig): void {
    this.#config = { ...config, logFile: this.#config.logFile, localHeartbeatFile: this.#config.localHeartbeatFile! };
    if (this.#running) writeFileSync(join(this.workerDir, 'worker-config.json'), JSON.stringify(this.#config, null, 2), { mode: PRIVATE_FILE_MODE });
  }

  get workerId(): string {
    return this.config.workerId;
  }

  get port(): number {
    return this.config.port;
  }

  get pid(): number | null {
    return this.#running ? (this.#child?.pid ?? null) : null;
  }

  get running(): boolean {
    return this.#running;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  /** Number of times the process died without being asked to. */
  get crashes(): number {
    return this.#crashes;
  }

  start(): void {
    if (this.#running || this.#stopping) return;
    mkdirSync(this.workerDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    rmSync(this.config.localHeartbeatFile!, { force: true });
    const configPath = join(this.workerDir, 'worker-config.json');
    writeFileSync(configPath, JSON.stringify(this.config, null, 2), { mode: PRIVATE_FILE_MODE });
    const out = join(this.workerDir, 'worker.out');
    touchPrivateFile(out);
    const child = execa(this.#options.command, [...this.#options.args, configPath], {
      detached: false,
      cleanup: true,
      reject: false,
      stdin: 'ignore',
      stdout: { file: out, append: true },
      stderr: { file: out, append: true },
      cwd: this.workerDir,
    });
    this.#child = child;
    this.#running = true;
    this.#startedAtMs = this.#options.clock.now();
    if (child.pid !== undefined) writeFileSync(join(this.workerDir, 'worker.pid'), String(child.pid), { mode: PRIVATE_FILE_MODE });
    this.#log.info('worker started', { pid: child.pid, port: this.config.port, topologyId: this.config.topologyId });
    this.#exited = child.then((result) => {
      this.#running = false;
      rmSync(join(this.workerDir, 'worker.pid'), { force: true });
      if (this.#stopping) {
        this.#log.info('worker stopped', { pid: child.pid });
        return;
      }
      const now = this.#options.clock.now();
      if (now - this.#startedAtMs >= (this.#options.stableAfterMs ?? 30_000)) this.#crashes = 0;
      this.#crashes += 1;
      const initial = this.#options.initialBackoffMs ?? 250;
      const delay = Math.min(this.#options.maxBackoffMs ?? 10_000, initial * 2 ** (this.#crashes - 1));
      this.#nextStartAtMs = now + delay;
      this.#log.warn('worker died', { pid: child.pid, exitCode: result.exitCode, signal: result.signal, restartInMs: delay, crashes: this.#crashes });
    });
  }

  /**
   * Kills (SIGKILL) a running worker whose local heartbeat is older than the heartbeat
   * timeout, or that wrote none within the start timeout (hung: blocked event loop, stopped
   * process); it is then restarted like a crashed one. Returns true when it killed it.
   */
  checkHeartbeat(): boolean {
    const child = this.#child;
    if (!this.#running || this.#stopping || !child) return false;
    const now = Date.now();
    let last: number | undefined;
    try {
      last = statSync(this.config.localHeartbeatFile!).mtimeMs;
    } catch {
      last = undefined;
    }
    const startedWall = now - (this.#options.clock.now() - this.#startedAtMs);
    const limit = last === undefined ? (this.#options.startTimeoutMs ?? 120_000) : (this.#options.heartbeatTimeoutMs ?? 30_000);
    const since = last === undefined ? startedWall : Math.max(last, startedWall);
    if (now - since <= limit) return false;
    this.#log.warn(last === undefined ? 'worker did not heartbeat after start; killing it' : 'worker heartbeat timed out; killing it', {
      pid: child.pid,
      silentMs: Math.round(now - since),
      timeoutMs: limit,
    });
    child.kill('SIGKILL');
    return true;
  }

  /** Restarts a dead worker once its backoff has passed. */
  restartIfDue(): void {
    if (this.#running || this.#stopping) return;
    if (this.#options.clock.now() >= this.#nextStartAtMs) this.start();
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs = 3_000): Promise<void> {
    this.#stopping = true;
    const child = this.#child;
    if (!child || !this.#running) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      await this.#exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
