// Supervisor: registers with nimbus and heartbeats every 500 ms with its slots and running
// workers; nimbus answers with the workers it should run. Each round reconciles: stops
// workers no longer wanted (waiting for them to exit before reusing their port), starts
// new ones, kills hung ones (stale local heartbeat, Storm's supervisor.worker.timeout.secs)
// and restarts dead ones with backoff. When nimbus is unreachable it keeps its
// workers as they are. A supervisor that restarts (crash, kill -9) adopts the workers its
// previous run left running (worker.pid + worker-config.json in each worker dir, checked
// against /proc/<pid>/cmdline) instead of killing them; nimbus's next answer decides
// whether they stay. Heartbeats carry nimbus's bearer token (read from nimbusTokenFile,
// re-read after a 401), and each worker's config names the same file for its own
// heartbeats. close() stops every worker. Single-threaded; one round at a time.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_PROCESS_NODE_FLAGS } from '../common/node-flags.js';
import type { Clock } from '../common/clock.js';
import { systemClock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { nimbusAuthHeaders, readNimbusToken } from '../common/nimbus-token.js';
import type { WorkerConfig } from './contracts.js';
import type { SupervisorHeartbeatRequest, SupervisorHeartbeatResponse } from './nimbus/api-types.js';
import { WorkerProcess, type WorkerError, type WorkerProcessOptions } from './supervisor/worker-process.js';

export interface SupervisorOptions {
  supervisorId: string;
  host: string;
  slotPorts: number[];
  nimbusUrl: string;
  /** File with nimbus's API token (<cluster dir>/nimbus.token); without it requests carry no token. */
  nimbusTokenFile?: string;
  dataDir: string;
  logger?: Logger;
  clock?: Clock;
  heartbeatIntervalMs?: number;
  /** Script run as the worker (default: worker-main.js next to this file). */
  workerMain?: string;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Storm's supervisor.worker.timeout.secs: a worker whose local heartbeat is older is killed and restarted (default 30 s). */
  workerTimeoutMs?: number;
  /** Storm's supervisor.worker.start.timeout.secs: time a new worker has for its first heartbeat (default 120 s). */
  workerStartTimeoutMs?: number;
  /** Parallel to slotPorts: the /metrics port handed to the worker in each slot. */
  workerMetricsPorts?: number[];
}

export const DEFAULT_WORKER_MAIN = join(dirname(fileURLToPath(import.meta.url)), 'worker-main.js');

export class Supervisor {
  #options: SupervisorOptions;
  #log: Logger;
  #clock: Clock;
  #workers = new Map<string, WorkerProcess>();
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> = Promise.resolve();
  #closed = false;
  #startedMs: number;
  #nimbusReachable: boolean | undefined;
  #registered = false;
  #nimbusToken: string | undefined;

  private constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#log = options.logger ?? silentLogger;
    this.#clock = options.clock ?? systemClock;
    this.#startedMs = this.#clock.now();
    this.#nimbusToken = options.nimbusTokenFile ? readNimbusToken(options.nimbusTokenFile) : undefined;
  }

  /** Adopts the still-running workers of a previous run, then starts the heartbeat loop. */
  static open(options: SupervisorOptions): Supervisor {
    const s = new Supervisor(options);
    s.#adoptWorkers();
    const interval = options.heartbeatIntervalMs ?? 500;
    const openedAt = Date.now();
    const loop = () => {
      if (s.#closed) return;
      s.#round = s.#reconcile().finally(() => {
        // Until nimbus first answers (it starts beside us), ask again soon, for a while.
        const starting = !s.#registered && Date.now() - openedAt < 10_000;
        if (!s.#closed) s.#timer = setTimeout(loop, starting ? Math.min(interval, 50) : interval);
      });
    };
    loop();
    return s;
  }

  /** True once nimbus has answered a heartbeat. */
  get registered(): boolean {
    return this.#registered;
  }

  /** Running worker handles (for tests and status). */
  workers(): WorkerProcess[] {
    return [...this.#workers.values()];
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#round.catch(() => {});
    await Promise.all([...this.#workers.values()].map((w) => w.stop()));
    this.#workers.clear();
    this.#log.info('supervisor stopped all workers');
  }

  /** A worker config from nimbus plus what only this supervisor knows: the token file and the slot's metrics port. */
  #withLocalSettings(c: WorkerConfig, tokenFile: string | undefined): WorkerConfig {
    const slot = this.#options.slotPorts.indexOf(c.port);
    const metricsPort = slot >= 0 ? this.#options.workerMetricsPorts?.[slot] : undefined;
    return { ...c, ...(tokenFile ? { nimbusTokenFile: tokenFile } : {}), ...(metricsPort !== undefined ? { metricsPort } : {}) };
  }

  #workersDir(): string {
    return join(this.#options.dataDir, 'workers');
  }

  #adoptWorkers(): void {
    const dir = this.#workersDir();
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const w = WorkerProcess.adopt(this.#workerOptions(name));
      if (w && w.workerId === name) this.#workers.set(name, w);
    }
  }

  /** How every worker process of this supervisor is run (all but its config). */
  #workerOptions(workerId: string): Omit<WorkerProcessOptions, 'config'> {
    const o = this.#options;
    return {
      workerDir: join(this.#workersDir(), workerId),
      command: process.execPath,
      args: [...DATA_PROCESS_NODE_FLAGS, o.workerMain ?? DEFAULT_WORKER_MAIN],
      clock: this.#clock,
      logger: this.#log,
      ...(o.initialBackoffMs !== undefined ? { initialBackoffMs: o.initialBackoffMs } : {}),
      ...(o.maxBackoffMs !== undefined ? { maxBackoffMs: o.maxBackoffMs } : {}),
      ...(o.workerTimeoutMs !== undefined ? { heartbeatTimeoutMs: o.workerTimeoutMs } : {}),
      ...(o.workerStartTimeoutMs !== undefined ? { startTimeoutMs: o.workerStartTimeoutMs } : {}),
    };
  }

  async #heartbeat(): Promise<WorkerConfig[] | undefined> {
    const body: SupervisorHeartbeatRequest = {
      supervisorId: this.#options.supervisorId,
      host: this.#options.host,
      slotPorts: this.#options.slotPorts,
      uptimeSecs: Math.floor((this.#clock.now() - this.#startedMs) / 1000),
      runningWorkers: [...this.#workers.values()].map((w) => ({ workerId: w.workerId, topologyId: w.config.topologyId, port: w.port, pid: w.pid })),
      workerErrors: [...this.#workers.values()].flatMap((w) => w.takeErrors()),
    };
    try {
      const res = await fetch(`${this.#options.nimbusUrl}/internal/v1/supervisor-heartbeat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...nimbusAuthHeaders(this.#nimbusToken) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(2_000),
      });
      // A new token (the cluster was restarted around us): read it again for the next beat.
      if (res.status === 401 && this.#options.nimbusTokenFile) this.#nimbusToken = readNimbusToken(this.#options.nimbusTokenFile);
      if (!res.ok) throw new Error(`nimbus answered ${res.status}: ${await res.text()}`);
      const reply = (await res.json()) as SupervisorHeartbeatResponse;
      if (this.#nimbusReachable !== true) this.#log.info('connected to nimbus', { nimbusUrl: this.#options.nimbusUrl });
      this.#nimbusReachable = true;
      this.#registered = true;
      return reply.workers;
    } catch (error) {
      this.#requeue(body.workerErrors ?? []);
      if (this.#nimbusReachable !== false) this.#log.warn('nimbus unreachable; keeping workers as they are', { error });
      this.#nimbusReachable = false;
      return undefined;
    }
  }

  /** Gives errors that did not reach nimbus back to their workers (sent with the next heartbeat). */
  #requeue(errors: WorkerError[]): void {
    for (const w of this.#workers.values()) {
      const mine = errors.filter((e) => e.topologyId === w.config.topologyId && e.port === w.port);
      if (mine.length > 0) w.requeueErrors(mine);
    }
  }

  async #reconcile(): Promise<void> {
    const desired = await this.#heartbeat();
    if (this.#closed) return;
    if (desired) {
      const tokenFile = this.#options.nimbusTokenFile;
      const wanted = new Map(desired.map((c) => [c.workerId, this.#withLocalSettings(c, tokenFile)]));
      const stops: Array<Promise<void>> = [];
      for (const [id, w] of this.#workers) {
        if (!wanted.has(id)) {
          this.#log.info('stopping worker no longer assigned', { workerId: id });
          stops.push(w.stop().finally(() => this.#workers.delete(id)));
        }
      }
      // Wait for the ports to be free before starting their new workers.
      await Promise.all(stops);
      if (this.#closed) return;
      for (const [id, config] of wanted) {
        const existing = this.#workers.get(id);
        if (existing) {
          if (existing.config.assignment.version !== config.assignment.version) existing.updateConfig(config);
          continue;
        }
        const w = new WorkerProcess({ ...this.#workerOptions(id), config });
        this.#workers.set(id, w);
        w.start();
      }
    }
    for (const w of this.#workers.values()) {
      if (!w.checkMemory()) w.checkHeartbeat();
      w.restartIfDue();
    }
  }
}
