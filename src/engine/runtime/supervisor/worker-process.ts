// One worker process as the supervisor sees it: writes the worker's config file, spawns
// `node worker-main.js <worker-config.json>` (node:child_process; stdout/stderr appended to
// worker.out in the worker dir through a file descriptor the worker owns, so it outlives
// the supervisor), notices when it exits and restarts it with exponential backoff, and
// stops it with SIGTERM then SIGKILL. The worker rewrites a local heartbeat file in its dir
// every 500 ms; checkHeartbeat() SIGKILLs a worker whose file is older than the heartbeat
// timeout (or missing after the start timeout), i.e. a hung one (blocked event loop,
// SIGSTOP), which is then restarted like a crashed one. The pid is kept in worker.pid next
// to worker-config.json, so a restarted supervisor adopts a still-running worker
// (WorkerProcess.adopt: no child handle, so its exit is noticed by polling its pid) instead
// of killing it. Memory (worker-memory.ts): node runs with --max-old-space-size from the
// topology's worker.heap.memory.mb, and checkMemory() SIGKILLs a worker whose RSS is over
// the hard limit; that kill and a death from V8's out-of-heap abort become component
// errors (takeErrors) that the supervisor sends to nimbus, so `topology describe` shows
// them. Driven by the supervisor's loop; one instance per worker id.
import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../common/private-files.js';
import type { ComponentError, WorkerConfig } from '../contracts.js';
import { fileSize, ranOutOfHeap, residentMb, workerMemoryLimits, type WorkerMemoryLimits } from './worker-memory.js';

/** An error the supervisor saw for a worker (memory limit), to report to nimbus. */
export interface WorkerError extends ComponentError {
  topologyId: string;
  port: number;
}

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
  #child: { kill(signal: NodeJS.Signals): unknown } | undefined;
  /** Pid of the running process (spawned or adopted). */
  #pid: number | undefined;
  /** Polls an adopted process (not our child: no exit event). */
  #adoptPoll: NodeJS.Timeout | undefined;
  #running = false;
  #stopping = false;
  #startedAtMs = 0;
  #crashes = 0;
  #nextStartAtMs = 0;
  #exited: Promise<void> = Promise.resolve();
  #log: Logger;
  /** Size of worker.out when the process started (its output since then is read at exit). */
  #outStart = 0;
  /** Set when checkMemory killed the process (its exit is then already reported). */
  #killedForMemory = false;
  #errors: WorkerError[] = [];

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
    return this.#running ? (this.#pid ?? null) : null;
  }

  /**
   * A worker that a previous supervisor process started and that still runs: read its
   * worker.pid and worker-config.json and take it over (heartbeat checks, stop, restart
   * after it dies). Returns undefined when the dir holds no live worker of ours.
   */
  static adopt(options: Omit<WorkerProcessOptions, 'config'>): WorkerProcess | undefined {
    let pid: number;
    let config: WorkerConfig;
    try {
      pid = Number(readFileSync(join(options.workerDir, 'worker.pid'), 'utf8'));
      config = JSON.parse(readFileSync(join(options.workerDir, 'worker-config.json'), 'utf8')) as WorkerConfig;
    } catch {
      return undefined;
    }
    if (!(pid > 0) || !isWorkerProcess(pid, options.workerDir)) return undefined;
    const w = new WorkerProcess({ ...options, config });
    w.#pid = pid;
    w.#running = true;
    w.#startedAtMs = options.clock.now();
    w.#outStart = fileSize(join(options.workerDir, 'worker.out'));
    w.#exited = new Promise<void>((resolve) => {
      w.#adoptPoll = setInterval(() => {
        if (isWorkerProcess(pid, w.workerDir)) return;
        clearInterval(w.#adoptPoll);
        w.#adoptPoll = undefined;
        w.#onExit(pid, undefined, undefined);
        resolve();
      }, 200);
      w.#adoptPoll.unref();
    });
    w.#log.info('adopted running worker', { pid, port: config.port, topologyId: config.topologyId });
    return w;
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
    // The worker writes straight into worker.out (its own descriptor, not a pipe through
    // this process), so it keeps running if the supervisor dies and is adopted later.
    this.#outStart = fileSize(join(this.workerDir, 'worker.out'));
    this.#killedForMemory = false;
    const out = openSync(join(this.workerDir, 'worker.out'), 'a', PRIVATE_FILE_MODE);
    let child: ChildProcess;
    try {
      child = spawnProcess(this.#options.command, [`--max-old-space-size=${this.#limits().heapMb}`, ...this.#options.args, configPath], {
        stdio: ['ignore', out, out],
        cwd: this.workerDir,
      });
    } finally {
      closeSync(out); // the worker holds its own copy
    }
    this.#child = child;
    this.#pid = child.pid;
    this.#running = true;
    this.#startedAtMs = this.#options.clock.now();
    if (child.pid !== undefined) writeFileSync(join(this.workerDir, 'worker.pid'), String(child.pid), { mode: PRIVATE_FILE_MODE });
    this.#log.info('worker started', { pid: child.pid, port: this.config.port, topologyId: this.config.topologyId });
    this.#exited = new Promise<void>((resolve) => {
      let done = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (done) return;
        done = true;
        this.#onExit(child.pid, code ?? undefined, signal ?? undefined);
        resolve();
      };
      child.once('exit', finish);
      child.once('error', () => finish(null, null)); // could not be spawned
    });
  }

  #onExit(pid: number | undefined, exitCode: number | undefined, signal: string | undefined): void {
    this.#running = false;
    this.#child = undefined;
    rmSync(join(this.workerDir, 'worker.pid'), { force: true });
    if (this.#stopping) {
      this.#log.info('worker stopped', { pid });
      return;
    }
    if (!this.#killedForMemory && ranOutOfHeap(join(this.workerDir, 'worker.out'), this.#outStart)) {
      const { heapMb } = this.#limits();
      this.#report(`Worker ${this.workerId} (pid ${pid}) ran out of JavaScript heap (worker.heap.memory.mb ${heapMb}, --max-old-space-size=${heapMb}) and is restarted`);
    }
    const now = this.#options.clock.now();
    if (now - this.#startedAtMs >= (this.#options.stableAfterMs ?? 30_000)) this.#crashes = 0;
    this.#crashes += 1;
    const initial = this.#options.initialBackoffMs ?? 250;
    const delay = Math.min(this.#options.maxBackoffMs ?? 10_000, initial * 2 ** (this.#crashes - 1));
    this.#nextStartAtMs = now + delay;
    this.#log.warn('worker died', { pid, exitCode, signal, restartInMs: delay, crashes: this.#crashes });
  }

  /** Signal the running process (our child, or an adopted one by pid). */
  #kill(signal: NodeJS.Signals): void {
    if (this.#child) {
      this.#child.kill(signal);
      return;
    }
    const pid = this.#pid;
    if (pid === undefined || !isWorkerProcess(pid, this.workerDir)) return;
    try {
      process.kill(pid, signal);
    } catch {
      // gone already
    }
  }

  /**
   * Kills (SIGKILL) a running worker whose local heartbeat is older than the heartbeat
   * timeout, or that wrote none within the start timeout (hung: blocked event loop, stopped
   * process); it is then restarted like a crashed one. Returns true when it killed it.
   */
  checkHeartbeat(): boolean {
    if (!this.#running || this.#stopping || this.#pid === undefined) return false;
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
      pid: this.#pid,
      silentMs: Math.round(now - since),
      timeoutMs: limit,
    });
    this.#kill('SIGKILL');
    return true;
  }

  /**
   * SIGKILLs a running worker whose resident set is over its hard limit (then restarted like
   * a crashed one) and records the error for nimbus. Returns true when it killed it.
   */
  checkMemory(): boolean {
    const pid = this.#pid;
    if (!this.#running || this.#stopping || pid === undefined || this.#killedForMemory) return false;
    const rss = residentMb(pid);
    const { heapMb, rssLimitMb } = this.#limits();
    if (rss === undefined || rss <= rssLimitMb) return false;
    this.#killedForMemory = true;
    this.#log.warn('worker over its memory limit; killing it', { pid, rssMb: Math.round(rss), limitMb: rssLimitMb, heapMb });
    this.#report(
      `Worker ${this.workerId} (pid ${pid}) used ${Math.round(rss)} MB of memory (RSS), over its limit of ${Math.round(rssLimitMb)} MB ` +
        `(worker.heap.memory.mb ${heapMb}, storm.supervisor.hard.memory.limit.*): killed and restarted`,
    );
    this.#kill('SIGKILL');
    return true;
  }

  /** Errors seen since the last call (memory kills, out-of-heap deaths), for nimbus. */
  takeErrors(): WorkerError[] {
    const out = this.#errors;
    this.#errors = [];
    return out;
  }

  /** Put back errors that did not reach nimbus. */
  requeueErrors(errors: WorkerError[]): void {
    this.#errors.unshift(...errors.slice(-50));
  }

  #limits(): WorkerMemoryLimits {
    try {
      return workerMemoryLimits(this.config.stormConf ?? {});
    } catch {
      // Nimbus refuses bad values at submit; a config from an older nimbus gets the defaults.
      return workerMemoryLimits({});
    }
  }

  /** One error per user component with executors in this worker (those rows show it in describe). */
  #report(message: string): void {
    const c = this.config;
    const mine = c.assignment.workers.find((w) => w.port === c.port && w.supervisorId === c.supervisorId)?.executors ?? [];
    const user = mine.filter((e) => !e.component.startsWith('__'));
    const timeSecs = Math.floor(Date.now() / 1000);
    const seen = new Set<string>();
    for (const e of user.length > 0 ? user : mine) {
      if (seen.has(e.component)) continue;
      seen.add(e.component);
      if (this.#errors.length < 100) this.#errors.push({ topologyId: c.topologyId, port: c.port, component: e.component, taskId: e.startTask, timeSecs, error: message });
    }
  }

  /** Restarts a dead worker once its backoff has passed. */
  restartIfDue(): void {
    if (this.#running || this.#stopping) return;
    if (this.#options.clock.now() >= this.#nextStartAtMs) this.start();
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs = 3_000): Promise<void> {
    this.#stopping = true;
    if (!this.#running) return;
    this.#kill('SIGTERM');
    const timer = setTimeout(() => this.#kill('SIGKILL'), graceMs);
    try {
      await this.#exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** True when `pid` runs and is the worker of `workerDir` (its command line names the dir's worker-config.json; pids get reused). */
export function isWorkerProcess(pid: number, workerDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(join(workerDir, 'worker-config.json'));
  } catch {
    return false;
  }
}
