// The local cluster daemon: starts controller → brokers → nimbus → supervisors as child
// processes, waits until each is ready (controller answers ApiVersions, each broker lists
// itself in Metadata, nimbus answers /api/v1/cluster/summary, nimbus lists each supervisor),
// restarts a crashed process with exponential backoff unless it was stopped on purpose,
// keeps <dir>/cluster.json current (write-then-rename) and serves a control socket
// (<dir>/daemon.sock, 0600, JSON lines) for stop and broker stop/start/kill. At start it
// makes the cluster dir owner-only and writes a new nimbus API token (<dir>/nimbus.token).
// Concurrency: one event loop; operations on one process are serialised through a per-process
// promise chain so a restart never races a stop.
import { chmodSync, closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { DATA_PROCESS_NODE_FLAGS } from '../common/node-flags.js';
import { StreamctlError, isStreamctlError } from '../common/errors.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { nimbusAuthHeaders, writeNewNimbusToken } from '../common/nimbus-token.js';
import { PRIVATE_FILE_MODE } from '../common/private-files.js';
import { LIFELINE_ENV } from '../common/lifeline.js';
import { KafkaConnection } from '../network/connection.js';
import { ApiKey } from '../protocol/api-keys.js';
import { ClusterDir } from './cluster-dir.js';
import { checkPortsAvailable, planPorts, portOwners, type PortPlan } from './ports.js';
import { ProcessHandle } from './process-handle.js';
import { defaultMains, type ProcessMains } from './process-mains.js';
export type { ProcessMains } from './process-mains.js';
import type { BrokerProcessConfig, ClusterFile, ControllerProcessConfig, ProcessInfo, ProcessKind, ProcessStatus, Settings } from './process-configs.js';

/** Config of nimbus-main (mirrors runtime/nimbus-main's NimbusProcessConfig; cluster must not import runtime). */
interface NimbusConfig {
  host: string;
  port: number;
  dataDir: string;
  logFile: string;
  clusterDir: string;
  tokenFile: string;
  uiOpen: boolean;
}

/** Config of supervisor-main (mirrors runtime/supervisor-main's SupervisorProcessConfig). */
interface SupervisorConfig {
  supervisorId: string;
  host: string;
  slotPorts: number[];
  nimbusUrl: string;
  nimbusTokenFile: string;
  dataDir: string;
  logFile: string;
}

export interface ClusterSpec {
  dir: string;
  host: string;
  basePort: number;
  brokers: number;
  /** Start nimbus and supervisors. */
  storm: boolean;
  supervisors: number;
  slotsPerSupervisor: number;
  /** Kafka-style settings for the controller and brokers (num.partitions, ...). */
  settings: Settings;
  /** Serve nimbus's read-only GET /api/v1/... without the token (`--ui-open`). */
  uiOpen?: boolean;
  /** Start even when a new, empty controller store would ignore partitions on the brokers' disks. */
  force?: boolean;
}

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

export function nimbusUrlFor(host: string, port: number): string {
  return `http://${host}:${port}`;
}

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
  /** Children (and their workers) exit when this process is gone (common/lifeline.ts): ephemeral clusters. */
  lifelinePid?: number;
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
    this.#env = options.lifelinePid ? { [LIFELINE_ENV]: String(options.lifelinePid) } : undefined;
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

  // ---- definition and configs ----

  #define(): void {
    const { host, settings } = this.#spec;
    const dir = this.#dir;
    const plan = this.#plan;
    const controllerConfig: ControllerProcessConfig = {
      clusterId: this.#clusterId,
      host,
      port: plan.controller,
      dataDir: dir.dataDir('controller'),
      logFile: dir.logFile('controller'),
      settings,
      brokerDataDirs: brokerDataDirsIn(dir.root),
      force: this.#spec.force ?? false,
    };
    this.#controller = this.#managed('controller', 'controller', undefined, plan.controller, this.#mains.controller, controllerConfig, () =>
      this.#probeKafka(plan.controller, undefined),
    );
    plan.brokers.forEach((port, i) => {
      const brokerId = i + 1;
      const proc = `broker-${brokerId}`;
      const config: BrokerProcessConfig = {
        brokerId,
        clusterId: this.#clusterId,
        host,
        port,
        dataDir: dir.dataDir(proc),
        logFile: dir.logFile(proc),
        controller: { host, port: plan.controller },
        settings,
      };
      this.#brokers.push(this.#managed(proc, 'broker', brokerId, port, this.#mains.broker, config, () => this.#probeKafka(port, brokerId)));
    });
    if (!this.#spec.storm) return;
    const nimbusUrl = nimbusUrlFor(host, plan.nimbus);
    const nimbusConfig: NimbusConfig = {
      host,
      port: plan.nimbus,
      dataDir: dir.dataDir('nimbus'),
      logFile: dir.logFile('nimbus'),
      clusterDir: dir.root,
      tokenFile: dir.nimbusTokenFile,
      uiOpen: this.#spec.uiOpen === true,
    };
    this.#nimbus = this.#managed('nimbus', 'nimbus', undefined, plan.nimbus, this.#mains.nimbus, nimbusConfig, () =>
      this.#probeHttp(`${nimbusUrl}/api/v1/cluster/summary`, () => true),
    );
    plan.supervisorSlots.forEach((slotPorts, s) => {
      const n = s + 1;
      const proc = `supervisor-${n}`;
      const config: SupervisorConfig = { supervisorId: proc, host, slotPorts, nimbusUrl, nimbusTokenFile: dir.nimbusTokenFile, dataDir: dir.dataDir(proc), logFile: dir.logFile(proc) };
      this.#supervisors.push(
        this.#managed(proc, 'supervisor', n, slotPorts[0] ?? 0, this.#mains.supervisor, config, () =>
          this.#probeHttp(`${nimbusUrl}/api/v1/supervisor/summary`, (body) => listsSupervisor(body, proc)),
        ),
      );
    });
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

  /** Kafka listener ready: the controller answers ApiVersions; a broker lists itself in Metadata. */
  async #probeKafka(port: number, brokerId: number | undefined): Promise<boolean> {
    const conn = await KafkaConnection.connect({ host: this.#spec.host, port, clientId: 'streamctl-daemon', connectTimeoutMs: 1000, requestTimeoutMs: 2000 });
    try {
      if (brokerId === undefined) {
        const res = await conn.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'streamctl', clientSoftwareVersion: '0' });
        return res.errorCode === 0;
      }
      const res = await conn.send(ApiKey.Metadata, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      return res.brokers.some((b) => b.nodeId === brokerId);
    } finally {
      conn.close();
    }
  }

  async #probeHttp(url: string, accept: (body: unknown) => boolean): Promise<boolean> {
    const res = await fetch(url, { headers: nimbusAuthHeaders(this.#nimbusToken), signal: AbortSignal.timeout(2000) });
    if (res.status !== 200) return false;
    return accept(await res.json().catch(() => null));
  }

  // ---- control socket ----

  async #listenControl(): Promise<void> {
    const path = this.#dir.controlSocket;
    this.#dir.removeFile(path);
    const server = net.createServer((socket) => {
      let buffer = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line.trim()) void this.#onCommand(line, socket);
        }
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // The socket file is created by bind() inside listen(), synchronously: a umask of 177
      // around it makes it 0600 from the first moment (the chmod below makes sure).
      const umask = process.umask(0o177);
      try {
        server.listen(path, () => {
          server.off('error', reject);
          resolve();
        });
      } finally {
        process.umask(umask);
      }
    });
    chmodSync(path, PRIVATE_FILE_MODE);
    this.#control = server;
  }

  async #onCommand(line: string, socket: net.Socket): Promise<void> {
    const reply = (value: unknown) => {
      if (!socket.destroyed) socket.write(JSON.stringify(value) + '\n');
    };
    try {
      const cmd = JSON.parse(line) as { cmd: string; action?: string; id?: number };
      switch (cmd.cmd) {
        case 'status':
          reply({ ok: true, result: this.clusterFile() });
          return;
        case 'stop':
          reply({ ok: true, result: null });
          await this.stop();
          return;
        case 'broker': {
          const action = cmd.action;
          if (action !== 'stop' && action !== 'start' && action !== 'kill') throw new StreamctlError('USAGE', `Unknown broker action ${String(action)}.`);
          reply({ ok: true, result: await this.brokerControl(action, Number(cmd.id)) });
          return;
        }
        default:
          throw new StreamctlError('USAGE', `Unknown daemon command ${cmd.cmd}.`);
      }
    } catch (error) {
      const e = isStreamctlError(error) ? error : new StreamctlError('INTERNAL', (error as Error).message);
      reply({ ok: false, error: { code: e.code, message: e.message, hint: e.hint } });
    }
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

function listsSupervisor(body: unknown, supervisorId: string): boolean {
  const list = (body as { supervisors?: Record<string, unknown>[] } | null)?.supervisors ?? [];
  return list.some((s) => Object.values(s).includes(supervisorId));
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

/** `broker-<n>` folders of the cluster dir, including those of brokers no longer configured. */
function brokerDataDirsIn(root: string): string[] {
  try {
    return readdirSync(root)
      .filter((n) => /^broker-\d+$/.test(n))
      .map((n) => join(root, n));
  } catch {
    return [];
  }
}

/** The last non-empty line of a process's .out file (what it said before exiting), cut to 500 chars. */
function lastLine(path: string): string | undefined {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const len = Math.min(size, 4096);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      const line = buf.toString('utf8').trim().split('\n').at(-1)?.trim();
      return line ? line.slice(0, 500) : undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
