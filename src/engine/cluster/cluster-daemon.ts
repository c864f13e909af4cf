// The local cluster daemon: starts controller → brokers → nimbus → supervisors as child
// processes, waits until each is ready (controller answers ApiVersions, each broker lists
// itself in Metadata, nimbus answers /api/v1/cluster/summary, nimbus lists each supervisor),
// restarts a crashed process with exponential backoff unless it was stopped on purpose,
// keeps <dir>/cluster.json current (write-then-rename) and serves a control socket
// (<dir>/daemon.sock, 0600, JSON lines) for stop and broker stop/start/kill. At start it
// makes the cluster dir owner-only and writes a new nimbus API token (<dir>/nimbus.token).
// Concurrency: one event loop; operations on one process are serialised through a per-process
// promise chain so a restart never races a stop.
import net from 'node:net';
import { DATA_PROCESS_NODE_FLAGS } from '../common/node-flags.js';
import { StreamctlError } from '../common/errors.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { writeNewNimbusToken } from '../common/nimbus-token.js';
import { LIFELINE_ENV } from '../common/lifeline.js';
import { ClusterDir } from './cluster-dir.js';
import { listenControl } from './daemon-control.js';
import { checkPortsAvailable, planPorts, portOwners, type PortPlan } from './ports.js';
import { ProcessHandle } from './process-handle.js';
import { defineProcesses, nimbusUrlFor } from './process-definitions.js';
import { lastLine, probeHttp, probeKafka } from './readiness-probes.js';
import { defaultMains, type ProcessMains } from './process-mains.js';
export type { ProcessMains } from './process-mains.js';
import type { ClusterFile, ClusterSpec, ProcessInfo, ProcessKind, ProcessStatus } from './process-configs.js';

export type { ClusterSpec } from './process-configs.js';

export interface DaemonTimings {
  /** How long a process may take to become ready. */
  readyTimeoutMs: number;
  /** Grace period between SIGTERM and SIGKILL. */
  stopTimeoutMs: number;
  /** First restart delay; doubles per consecutive crash up to maxBackoffMs. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** A process that ran this long resets its crash count. */
  stableAfterMs: number;
}

/** Exit code of a broker whose log dir failed (broker/log-dir-failure.ts; cluster must not import broker). */
export const EXIT_BROKER_LOG_DIR_FAILED = 3;

export const DEFAULT_TIMINGS: DaemonTimings = {
  readyTimeoutMs: 30_000,
  stopTimeoutMs: 10_000,
  initialBackoffMs: 500,
  maxBackoffMs: 30_000,
  stableAfterMs: 30_000,
};

export { nimbusUrlFor } from './process-definitions.js';

interface Managed {
  proc: string;
  info: ProcessInfo;
  handle: ProcessHandle;
  ready: (signal: { exited: boolean }) => Promise<void>;
  /** Stopped or killed on purpose: do not restart. */
  wantedDown: boolean;
  crashes: number;
  startedAt: number;
  restartTimer: NodeJS.Timeout | undefined;
  chain: Promise<unknown>;
}

export interface ClusterDaemonOptions {
  spec: ClusterSpec;
  logger?: Logger;
  mains?: Partial<ProcessMains>;
  timings?: Partial<DaemonTimings>;
  /** Children (and their workers) exit when one of these processes is gone (common/lifeline.ts): ephemeral clusters. */
  lifelinePids?: readonly number[];
}

export class ClusterDaemon {
  readonly #spec: ClusterSpec;
  readonly #dir: ClusterDir;
  readonly #logger: Logger;
  readonly #mains: ProcessMains;
  readonly #timings: DaemonTimings;
  readonly #env: Record<string, string> | undefined;
  readonly #plan: PortPlan;
  readonly #clusterId: string;
  readonly #startedAt = new Date().toISOString();
  #controller!: Managed;
  readonly #brokers: Managed[] = [];
  #nimbus: Managed | null = null;
  readonly #supervisors: Managed[] = [];
  #state: ClusterFile['state'] = 'starting';
  #control: net.Server | undefined;
  #nimbusToken: string | undefined;
  #stopping: Promise<void> | undefined;
  readonly #stopped: Promise<void>;
  #resolveStopped!: () => void;

  private constructor(options: ClusterDaemonOptions, clusterId: string) {
    this.#spec = options.spec;
    this.#dir = new ClusterDir(options.spec.dir);
    this.#logger = options.logger ?? silentLogger;
    this.#mains = { ...defaultMains(), ...options.mains };
    this.#timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.#env = options.lifelinePids?.length ? { [LIFELINE_ENV]: options.lifelinePids.join(',') } : undefined;
    this.#plan = planPorts({
      basePort: options.spec.basePort,
      brokers: options.spec.brokers,
      supervisors: options.spec.storm ? options.spec.supervisors : 0,
      slotsPerSupervisor: options.spec.slotsPerSupervisor,
    });
    this.#clusterId = clusterId;
    this.#stopped = new Promise((resolve) => (this.#resolveStopped = resolve));
  }

  /**
   * Checks ports, starts every process in order and waits until all are ready. On failure
   * everything started so far is stopped and the error is thrown.
   */
  static async start(options: ClusterDaemonOptions): Promise<ClusterDaemon> {
    const dir = new ClusterDir(options.spec.dir);
    dir.ensure();
    const existing = dir.readClusterFile();
    if (existing && existing.daemon.pid !== process.pid && isAlive(existing.daemon.pid) && existing.state !== 'stopped') {
      throw new StreamctlError('ALREADY_EXISTS', `A cluster is already running in ${dir.root} (daemon pid ${existing.daemon.pid}).`);
    }
    const tightened = dir.tighten();
    const daemon = new ClusterDaemon(options, dir.ensureClusterId());
    if (tightened > 0) daemon.#logger.warn('removed group/other access from the cluster directory', { dir: dir.root, entries: tightened });
    if (options.spec.storm) daemon.#nimbusToken = writeNewNimbusToken(dir.nimbusTokenFile);
    else dir.removeFile(dir.nimbusTokenFile);
    await checkPortsAvailable(options.spec.host, portOwners(daemon.#plan, options.spec.storm));
    daemon.#define();
    daemon.#writeClusterFile();
    try {
      await daemon.#listenControl();
      await daemon.#startAll();
    } catch (error) {
      daemon.#logger.error('cluster start failed', { error });
      daemon.#state = 'failed';
      await daemon.#stopAll();
      daemon.#closeControl();
      daemon.#state = 'failed';
      daemon.#writeClusterFile();
      daemon.#resolveStopped();
      throw error;
    }
    daemon.#state = 'running';
    daemon.#writeClusterFile();
    daemon.#logger.info('cluster running', { dir: dir.root, clusterId: daemon.#clusterId });
    return daemon;
  }

  get clusterId(): string {
    return this.#clusterId;
  }

  /** Resolves once the daemon has stopped (after stop(), or a `stop` on the control socket). */
  waitUntilStopped(): Promise<void> {
    return this.#stopped;
  }

  /** The current cluster.json content. */
  clusterFile(): ClusterFile {
    const plan = this.#plan;
    return {
      version: 1,
      clusterId: this.#clusterId,
      host: this.#spec.host,
      basePort: this.#spec.basePort,
      startedAt: this.#startedAt,
      daemon: { pid: process.pid, controlSocket: this.#dir.controlSocket },
      controller: { ...this.#controller.info },
      brokers: this.#brokers.map((b) => ({ ...b.info })),
      nimbus: this.#nimbus ? { ...this.#nimbus.info } : null,
      supervisors: this.#supervisors.map((s) => ({ ...s.info })),
      state: this.#state,
      slotsPerSupervisor: this.#spec.slotsPerSupervisor,
      settings: this.#spec.settings,
      bootstrapServers: plan.brokers.map((p) => `${this.#spec.host}:${p}`).join(','),
      nimbusUrl: this.#spec.storm ? nimbusUrlFor(this.#spec.host, plan.nimbus) : null,
      nimbusTokenFile: this.#spec.storm ? this.#dir.nimbusTokenFile : null,
      nimbusUiOpen: this.#spec.storm && this.#spec.uiOpen === true,
    };
  }

  /** Gracefully stops every process (supervisors, nimbus, brokers, controller) and the control socket. */
  stop(): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = (async () => {
        this.#state = 'stopping';
        this.#writeClusterFile();
        this.#logger.info('cluster stopping');
        await this.#stopAll();
        this.#closeControl();
        this.#state = 'stopped';
        this.#writeClusterFile();
        this.#logger.info('cluster stopped');
        this.#resolveStopped();
      })();
    }
    return this.#stopping;
  }

  /**
   * Ends every process at once with SIGKILL and closes the control socket: for ephemeral
   * clusters, whose data is thrown away (stop() is the graceful way).
   */
  kill(): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = (async () => {
        this.#state = 'stopping';
        const all = [this.#controller, ...this.#brokers, ...(this.#nimbus ? [this.#nimbus] : []), ...this.#supervisors];
        await Promise.all(
          all.map(async (m) => {
            m.wantedDown = true;
            if (m.restartTimer) clearTimeout(m.restartTimer);
            m.restartTimer = undefined;
            await m.handle.kill();
            this.#setStatus(m, 'killed', null);
          }),
        );
        this.#closeControl();
        this.#state = 'stopped';
        this.#writeClusterFile();
        this.#resolveStopped();
      })();
    }
    return this.#stopping;
  }

  /** Fault injection: stop (SIGTERM), kill (SIGKILL) or start one broker. Stopped/killed brokers stay down. */
  async brokerControl(action: 'stop' | 'start' | 'kill', brokerId: number): Promise<ProcessInfo> {
    const m = this.#brokers.find((b) => b.info.id === brokerId);
    if (!m) {
      throw new StreamctlError('NOT_FOUND', `No broker ${brokerId} in this cluster (brokers: ${this.#brokers.map((b) => b.info.id).join(', ') || 'none'}).`);
    }
    if (this.#stopping) throw new StreamctlError('NOT_RUNNING', 'The cluster is stopping.');
    await this.#serial(m, async () => {
      if (action === 'start') {
        m.wantedDown = false;
        m.crashes = 0;
        if (m.restartTimer) clearTimeout(m.restartTimer);
        m.restartTimer = undefined;
        if (!m.handle.running) await this.#launch(m);
        return;
      }
      m.wantedDown = true;
      if (m.restartTimer) clearTimeout(m.restartTimer);
      m.restartTimer = undefined;
      if (action === 'kill') await m.handle.kill();
      else await m.handle.stop(this.#timings.stopTimeoutMs);
      this.#setStatus(m, action === 'kill' ? 'killed' : 'stopped', null);
    });
    return { ...m.info };
  }

  // ---- definition and configs (process-definitions.ts) ----

  #define(): void {
    const defs = defineProcesses({ spec: this.#spec, dir: this.#dir, plan: this.#plan, clusterId: this.#clusterId, mains: this.#mains });
    for (const d of defs) {
      const r = d.ready;
      const probe = r.kind === 'kafka' ? () => probeKafka(this.#spec.host, r.port, r.brokerId) : () => probeHttp(r.url, this.#nimbusToken, r.accept);
      const m = this.#managed(d.proc, d.kind, d.id, d.port, d.main, d.config, probe);
      if (d.kind === 'controller') this.#controller = m;
      else if (d.kind === 'broker') this.#brokers.push(m);
      else if (d.kind === 'nimbus') this.#nimbus = m;
      else this.#supervisors.push(m);
    }
  }

  #managed(proc: string, kind: ProcessKind, id: number | undefined, port: number, main: string, config: object, probe: () => Promise<boolean>): Managed {
    const configPath = this.#dir.configFile(proc);
    this.#dir.writeJson(configPath, config);
    const info: ProcessInfo = { kind, ...(id === undefined ? {} : { id }), host: this.#spec.host, port, pid: null, status: 'stopped', logFile: this.#dir.logFile(proc) };
    const m: Managed = {
      proc,
      info,
      handle: undefined as unknown as ProcessHandle,
      ready: (signal) => this.#waitReady(m, probe, signal),
      wantedDown: false,
      crashes: 0,
      startedAt: 0,
      restartTimer: undefined,
      chain: Promise.resolve(),
    };
    m.handle = new ProcessHandle({
      name: proc,
      main,
      args: [configPath],
      ...(kind === 'broker' ? { nodeArgs: DATA_PROCESS_NODE_FLAGS } : {}),
      ...(this.#env ? { env: this.#env } : {}),
      outFile: this.#dir.outFile(proc),
      onExit: (exit) => this.#onExit(m, exit),
    });
    return m;
  }

  // ---- lifecycle ----

  /**
   * Every process at once: brokers retry the controller and supervisors retry nimbus until
   * they answer, so starting in dependency order would only add up the start-up times.
   * The first failure wins; start() then stops whatever did start.
   */
  async #startAll(): Promise<void> {
    const all = [this.#controller, ...this.#brokers, ...(this.#nimbus ? [this.#nimbus] : []), ...this.#supervisors];
    const launches = all.map((m) => this.#launch(m));
    // The launches still waiting when one fails end when start()'s clean-up stops their processes.
    for (const launch of launches) launch.catch(() => undefined);
    await Promise.all(launches);
  }

  async #stopAll(): Promise<void> {
    const stopGroup = (group: Managed[]) =>
      Promise.all(
        group.map((m) =>
          this.#serial(m, async () => {
            m.wantedDown = true;
            if (m.restartTimer) clearTimeout(m.restartTimer);
            m.restartTimer = undefined;
            await m.handle.stop(this.#timings.stopTimeoutMs);
            if (m.info.status !== 'killed') this.#setStatus(m, 'stopped', null);
          }),
        ),
      );
    await stopGroup(this.#supervisors);
    if (this.#nimbus) await stopGroup([this.#nimbus]);
    await stopGroup(this.#brokers);
    if (this.#controller) await stopGroup([this.#controller]);
  }

  /** Starts a process and waits until it is ready; throws (after killing it) when it is not. */
  async #launch(m: Managed): Promise<void> {
    const signal = { exited: false };
    const pid = m.handle.start();
    m.startedAt = Date.now();
    void m.handle.waitForExit().then(() => (signal.exited = true));
    this.#setStatus(m, 'starting', pid);
    this.#logger.info('process started', { proc: m.proc, pid });
    try {
      await m.ready(signal);
    } catch (error) {
      if (m.handle.running) await m.handle.kill();
      throw error;
    }
    this.#setStatus(m, 'running', pid);
    this.#logger.info('process ready', { proc: m.proc, pid });
  }

  #onExit(m: Managed, exit: { code: number | null; signal: string | null }): void {
    if (m.wantedDown || this.#stopping || this.#state !== 'running') {
      this.#logger.info('process exited', { proc: m.proc, ...exit });
      return;
    }
    if (m.info.kind === 'broker' && exit.code === EXIT_BROKER_LOG_DIR_FAILED) {
      // The broker gave up its partitions because its log dir failed (full disk, I/O error):
      // restarting it at once would fail again. `cluster broker start` brings it back.
      m.wantedDown = true;
      this.#logger.error('broker stopped: its log dir failed; free space or fix the disk, then run `streamctl cluster broker start`', { proc: m.proc, ...exit });
      this.#setStatus(m, 'stopped', null);
      return;
    }
    const ranMs = Date.now() - m.startedAt;
    m.crashes = ranMs >= this.#timings.stableAfterMs ? 1 : m.crashes + 1;
    const delay = restartDelayMs(m.crashes, this.#timings);
    this.#logger.warn('process crashed; restarting', { proc: m.proc, ...exit, crashes: m.crashes, restartInMs: delay });
    this.#setStatus(m, 'crashed', null);
    m.restartTimer = setTimeout(() => {
      m.restartTimer = undefined;
      void this.#serial(m, async () => {
        if (m.wantedDown || this.#stopping || m.handle.running) return;
        try {
          await this.#launch(m);
        } catch (error) {
          // The exit handler of that run schedules the next attempt.
          this.#logger.warn('restart failed', { proc: m.proc, error });
          if (!m.handle.running && !m.wantedDown && !this.#stopping) this.#onExit(m, { code: null, signal: null });
        }
      });
    }, delay);
  }

  #serial<T>(m: Managed, op: () => Promise<T>): Promise<T> {
    const next = m.chain.then(op, op);
    m.chain = next.catch(() => undefined);
    return next;
  }

  #setStatus(m: Managed, status: ProcessStatus, pid: number | null): void {
    m.info.status = status;
    m.info.pid = pid;
    this.#writeClusterFile();
  }

  /**
   * Never throws: a full or failing disk must not take the daemon (and with it every child)
   * down. The file keeps its previous content (atomic replace) and the next change retries.
   */
  #writeClusterFile(): void {
    if (!this.#controller) return;
    try {
      this.#dir.writeClusterFile(this.clusterFile());
    } catch (error) {
      this.#logger.error('could not write cluster.json', { path: this.#dir.clusterFile, error });
    }
  }

  // ---- readiness ----

  async #waitReady(m: Managed, probe: () => Promise<boolean>, signal: { exited: boolean }): Promise<void> {
    const deadline = Date.now() + this.#timings.readyTimeoutMs;
    for (;;) {
      if (signal.exited || !m.handle.running) {
        const said = lastLine(this.#dir.outFile(m.proc));
        throw new StreamctlError('NOT_RUNNING', `${m.proc} exited while starting${said ? `: ${said}` : ''}; see ${this.#dir.outFile(m.proc)} and ${m.info.logFile}.`);
      }
      if (await probe().catch(() => false)) return;
      if (Date.now() > deadline) {
        throw new StreamctlError('TIMEOUT', `${m.proc} was not ready within ${this.#timings.readyTimeoutMs} ms; see ${m.info.logFile}.`);
      }
      // Refused connections fail at once, so probing often costs little and shortens start-up.
      await delay(Date.now() - m.startedAt < 5000 ? 15 : 100);
    }
  }

  // ---- control socket (daemon-control.ts) ----

  async #listenControl(): Promise<void> {
    this.#control = await listenControl(this.#dir, {
      status: () => this.clusterFile(),
      stop: () => this.stop(),
      brokerControl: (action, id) => this.brokerControl(action, id),
    });
  }

  #closeControl(): void {
    this.#control?.close();
    this.#control = undefined;
    this.#dir.removeFile(this.#dir.controlSocket);
  }
}

/** Backoff before restarting a process after its `crashes`-th consecutive crash (1-based): doubling, capped. */
export function restartDelayMs(crashes: number, timings: Pick<DaemonTimings, 'initialBackoffMs' | 'maxBackoffMs'>): number {
  return Math.min(timings.maxBackoffMs, timings.initialBackoffMs * 2 ** Math.max(0, crashes - 1));
}

export function isAlive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
