// Engine facade of the local cluster, what the `cluster` commands and the test helper call:
// start (detached daemon, or in this process with foreground), stop, status with a health
// summary (rpk cluster health style), and broker fault injection through the daemon's
// control socket. Stateless between calls: everything is found through the cluster dir.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { StreamctlError, isStreamctlError, type ErrorCode } from '../common/errors.js';
import { createLogger, fileSink, silentLogger, type Logger } from '../common/logger.js';
import { PRIVATE_FILE_MODE } from '../common/private-files.js';
import { KafkaConnection } from '../network/connection.js';
import { ApiKey } from '../protocol/api-keys.js';
import { ClusterDaemon, DEFAULT_TIMINGS, isAlive, type ClusterSpec, type DaemonTimings, type ProcessMains } from './cluster-daemon.js';
import { daemonMain } from './process-mains.js';
import { ClusterDir } from './cluster-dir.js';
import { DEFAULT_BASE_PORT, MAX_BROKERS, planPorts } from './ports.js';
import type { ClusterFile, ProcessInfo, Settings } from './process-configs.js';

export interface StartClusterOptions {
  dir: string;
  /** Defaults: the previous run's value from cluster.json, else 1 broker, 1 supervisor, 4 slots, port 9092, Storm on. */
  brokers?: number;
  supervisors?: number;
  slots?: number;
  basePort?: number;
  storm?: boolean;
  settings?: Settings;
  host?: string;
  /** Let nimbus serve its read-only GET /api/v1/... without the token. Not carried over from the previous run. */
  uiOpen?: boolean;
  /** Start even when a new, empty controller store would ignore partitions on the brokers' disks. */
  force?: boolean;
  /** Run the daemon in this process until SIGINT/SIGTERM (or `signal` aborts). */
  foreground?: boolean;
  /** Foreground only: called once every process is ready. */
  onReady?: (cluster: ClusterFile) => void;
  /** Foreground only: stops the cluster when aborted (tests). */
  signal?: AbortSignal;
  logger?: Logger;
  /** Overrides for tests (fake processes, short backoff). */
  mains?: Partial<ProcessMains>;
  timings?: Partial<DaemonTimings>;
}

export interface StartClusterResult {
  /** True when a cluster was already running in the directory (nothing was started). */
  alreadyRunning: boolean;
  dir: string;
  cluster: ClusterFile;
}

export interface ClusterHealth {
  healthy: boolean;
  unhealthyReasons: string[];
  controllerId: number;
  allNodes: number[];
  nodesDown: number[];
  /** Broker id → number of partitions it leads. */
  leaderCounts: Record<string, number>;
  leaderlessPartitions: string[];
  underReplicatedPartitions: string[];
  topics: number;
  partitions: number;
}

export interface ClusterStatus {
  dir: string;
  running: boolean;
  /**
   * 'orphaned': the daemon is gone but some of its processes still run (run `cluster stop`);
   * 'crashed': the daemon is gone without stopping the cluster and none of its processes run.
   */
  state: ClusterFile['state'] | 'not-started' | 'orphaned' | 'crashed';
  clusterId: string | null;
  daemonPid: number | null;
  bootstrapServers: string | null;
  nimbusUrl: string | null;
  /** Where the bearer token for nimbus's API is (0600), or null without Storm. */
  nimbusTokenFile: string | null;
  /** True when nimbus's read-only GETs need no token (`cluster start --ui-open`). */
  nimbusUiOpen: boolean;
  processes: ProcessInfo[];
  /** Null when no broker answered. */
  health: ClusterHealth | null;
  /** Prometheus /metrics endpoints of the processes (workers: one per slot, served while a worker runs there). */
  metrics: MetricsEndpoint[];
}

export interface MetricsEndpoint {
  /** "controller", "broker 1", "nimbus", "worker supervisor-1:9392". */
  process: string;
  url: string;
}

const START_DEADLINE_MS = 180_000;

function resolveSpec(opts: StartClusterOptions, previous: ClusterFile | undefined): ClusterSpec {
  const spec: ClusterSpec = {
    dir: new ClusterDir(opts.dir).root,
    host: opts.host ?? previous?.host ?? '127.0.0.1',
    basePort: opts.basePort ?? previous?.basePort ?? DEFAULT_BASE_PORT,
    brokers: opts.brokers ?? previous?.brokers.length ?? 1,
    storm: opts.storm ?? (previous ? previous.nimbus !== null : true),
    supervisors: opts.supervisors ?? (previous && previous.nimbus !== null ? previous.supervisors.length : 1),
    slotsPerSupervisor: opts.slots ?? previous?.slotsPerSupervisor ?? 4,
    settings: { ...(previous?.settings ?? {}), ...(opts.settings ?? {}) },
    uiOpen: opts.uiOpen === true,
    ...(opts.force ? { force: true } : {}),
  };
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) throw new StreamctlError('USAGE', `${name} must be an integer from ${min} to ${max}, got ${v}.`);
  };
  int('--brokers', spec.brokers, 0, MAX_BROKERS);
  int('--supervisors', spec.supervisors, 0, 50);
  int('--slots', spec.slotsPerSupervisor, 1, 100);
  int('--base-port', spec.basePort, 1, 65535);
  if (spec.host !== '127.0.0.1' && spec.host !== 'localhost') {
    throw new StreamctlError('USAGE', `The local cluster listens on 127.0.0.1 only, got host ${spec.host}.`);
  }
  return spec;
}

/** True when cluster.json names a live daemon that has not stopped. */
function isRunning(file: ClusterFile | undefined): file is ClusterFile {
  return !!file && isAlive(file.daemon.pid) && file.state !== 'stopped' && file.state !== 'failed';
}

/**
 * Starts the local cluster in `opts.dir` and resolves when every process is ready. Already
 * running → `{ alreadyRunning: true }` with the current cluster.json. Detached by default
 * (a daemon process survives this one); with `foreground` the daemon runs here and this
 * resolves only after the cluster stopped again.
 */
export async function startCluster(opts: StartClusterOptions): Promise<StartClusterResult> {
  const dir = new ClusterDir(opts.dir);
  const previous = dir.readClusterFile();
  if (isRunning(previous)) return { alreadyRunning: true, dir: dir.root, cluster: previous };
  const orphans = previous ? allProcesses(previous).filter((p) => p.pid !== null && isAlive(p.pid) && isOurProcess(p.pid, dir)) : [];
  if (orphans.length > 0) {
    throw new StreamctlError('ALREADY_EXISTS', `Processes of an earlier run in ${dir.root} are still alive (${orphans.map((p) => `${p.kind}${p.id ?? ''} pid ${p.pid}`).join(', ')}) but its daemon is gone.`, {
      hint: 'Run `streamctl cluster stop` first; it stops them.',
    });
  }
  const spec = resolveSpec(opts, previous);
  dir.ensure();
  if (opts.foreground) return runForeground(spec, opts);

  dir.removeFile(dir.daemonErrorFile);
  const specPath = join(dir.configDir, 'daemon.json');
  dir.writeJson(specPath, { spec, mains: opts.mains, timings: opts.timings });
  mkdirSync(dir.logsDir, { recursive: true });
  const out = openSync(dir.daemonOut, 'a', PRIVATE_FILE_MODE);
  let pid: number;
  try {
    const child = spawn(process.execPath, [daemonMain(), specPath], {
      detached: true,
      stdio: ['ignore', out, out],
    });
    child.unref();
    if (child.pid === undefined) throw new StreamctlError('INTERNAL', 'Could not start the cluster daemon.');
    pid = child.pid;
  } finally {
    closeSync(out);
  }

  const deadline = Date.now() + START_DEADLINE_MS;
  for (;;) {
    const file = safeRead(dir);
    if (file && file.daemon.pid === pid && file.state === 'running') return { alreadyRunning: false, dir: dir.root, cluster: file };
    if (!isAlive(pid) || (file?.state === 'failed' && file.daemon.pid === pid)) {
      await waitFor(() => !isAlive(pid), 10_000);
      throw daemonError(dir);
    }
    if (Date.now() > deadline) {
      throw new StreamctlError('TIMEOUT', `The cluster did not become ready within ${START_DEADLINE_MS / 1000} s.`, { hint: `See the logs in ${dir.logsDir}.` });
    }
    await sleep(100);
  }
}

async function runForeground(spec: ClusterSpec, opts: StartClusterOptions): Promise<StartClusterResult> {
  const dir = new ClusterDir(spec.dir);
  const logger = opts.logger ?? createLogger({ sink: fileSink(dir.daemonLog), fields: { proc: 'daemon', pid: process.pid } });
  const daemon = await ClusterDaemon.start({ spec, logger, mains: opts.mains, timings: opts.timings });
  const cluster = daemon.clusterFile();
  const stop = () => void daemon.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  opts.signal?.addEventListener('abort', stop, { once: true });
  try {
    opts.onReady?.(cluster);
    await daemon.waitUntilStopped();
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return { alreadyRunning: false, dir: dir.root, cluster: daemon.clusterFile() };
}

function daemonError(dir: ClusterDir): StreamctlError {
  if (existsSync(dir.daemonErrorFile)) {
    try {
      const e = JSON.parse(readFileSync(dir.daemonErrorFile, 'utf8')) as { code: ErrorCode; message: string; hint?: string };
      return new StreamctlError(e.code, e.message, e.hint ? { hint: e.hint } : {});
    } catch {
      // fall through
    }
  }
  return new StreamctlError('INTERNAL', 'The cluster daemon exited during start.', { hint: `See ${dir.daemonOut} and ${dir.daemonLog}.` });
}

export interface StopClusterResult {
  wasRunning: boolean;
  dir: string;
}

/**
 * Stops the cluster gracefully: asks the daemon (SIGTERM to each process, SIGKILL after the
 * grace period) and waits for it to exit. Processes left behind by a daemon that died are
 * stopped directly. Not running → `{ wasRunning: false }`.
 */
export async function stopCluster(dirPath: string, options: { timeoutMs?: number } = {}): Promise<StopClusterResult> {
  const dir = new ClusterDir(dirPath);
  const file = safeRead(dir);
  if (!file) return { wasRunning: false, dir: dir.root };
  const timeoutMs = options.timeoutMs ?? 60_000;
  const daemonAlive = isAlive(file.daemon.pid) && file.state !== 'stopped';
  if (daemonAlive) {
    try {
      await sendCommand(file, { cmd: 'stop' });
    } catch {
      signal(file.daemon.pid, 'SIGTERM');
    }
    if (!(await waitFor(() => !isAlive(file.daemon.pid), timeoutMs))) signal(file.daemon.pid, 'SIGKILL');
  }
  // Children the daemon did not stop (it died, or was killed): stop them ourselves.
  const leftovers = allProcesses(file).filter((p) => p.pid !== null && isAlive(p.pid) && isOurProcess(p.pid, dir));
  for (const p of leftovers) signal(p.pid!, 'SIGTERM');
  if (!(await waitFor(() => leftovers.every((p) => !isAlive(p.pid)), Math.min(timeoutMs, DEFAULT_TIMINGS.stopTimeoutMs)))) {
    for (const p of leftovers) if (isAlive(p.pid)) signal(p.pid!, 'SIGKILL');
  }
  const wasRunning = daemonAlive || leftovers.length > 0;
  if (leftovers.length > 0 || !daemonAlive) {
    const after = safeRead(dir);
    if (after && after.state !== 'stopped') {
      for (const p of allProcesses(after)) {
        if (p.pid !== null && isAlive(p.pid)) continue; // keep the pid of anything that survived
        p.pid = null;
        if (p.status !== 'killed') p.status = 'stopped';
      }
      after.state = 'stopped';
      dir.writeClusterFile(after);
    }
  }
  return { wasRunning, dir: dir.root };
}

/**
 * Reads cluster.json, checks which processes are alive and asks a running broker for
 * Metadata to summarise cluster health (live brokers, leaders per broker, leaderless and
 * under-replicated partitions).
 */
export async function clusterStatus(dirPath: string, options: { logger?: Logger } = {}): Promise<ClusterStatus> {
  const dir = new ClusterDir(dirPath);
  let file = safeRead(dir);
  if (!file) {
    return { dir: dir.root, running: false, state: 'not-started', clusterId: dir.readClusterId() ?? null, daemonPid: null, bootstrapServers: null, nimbusUrl: null, nimbusTokenFile: null, nimbusUiOpen: false, processes: [], health: null, metrics: [] };
  }
  const running = isRunning(file);
  // A live daemon knows better than a cluster.json it may have failed to rewrite (full disk).
  if (running) file = ((await sendCommand(file, { cmd: 'status' }, 5_000).catch(() => undefined)) as ClusterFile | undefined) ?? file;
  let orphans = 0;
  const processes = allProcesses(file).map((p) => {
    const alive = p.pid !== null && isAlive(p.pid) && isOurProcess(p.pid, dir);
    if (!running && alive) orphans++;
    let status = p.status;
    if (!alive && (status === 'running' || status === 'starting')) status = running ? 'crashed' : 'stopped';
    else if (!alive && !running && status === 'crashed') status = 'stopped';
    return { ...p, pid: alive ? p.pid : null, status };
  });
  let health: ClusterHealth | null = null;
  if (running) {
    const brokers = processes.filter((p) => p.kind === 'broker' && p.status === 'running');
    for (const b of brokers) {
      health = await brokerHealth(b, file.brokers.map((x) => x.id!), options.logger ?? silentLogger).catch(() => null);
      if (health) break;
    }
  }
  // cluster.json of a daemon that died says 'running' (or 'starting'/'stopping'): report the truth.
  const recorded = file.state ?? 'stopped';
  const deadDaemon = !running && (recorded === 'running' || recorded === 'starting' || recorded === 'stopping');
  return {
    dir: dir.root,
    running,
    state: !running && orphans > 0 ? 'orphaned' : deadDaemon ? 'crashed' : running ? recorded : recorded === 'failed' ? 'failed' : 'stopped',
    clusterId: file.clusterId,
    daemonPid: running ? file.daemon.pid : null,
    bootstrapServers: file.bootstrapServers ?? file.brokers.map((b) => `${b.host}:${b.port}`).join(','),
    nimbusUrl: file.nimbusUrl ?? null,
    nimbusTokenFile: file.nimbusUrl ? (file.nimbusTokenFile ?? dir.nimbusTokenFile) : null,
    nimbusUiOpen: file.nimbusUiOpen === true,
    processes,
    health,
    metrics: metricsEndpoints(file),
  };
}

/** The /metrics URLs of a cluster's processes, from its port scheme. */
export function metricsEndpoints(file: ClusterFile): MetricsEndpoint[] {
  const storm = file.nimbus !== null;
  const plan = planPorts({ basePort: file.basePort, brokers: file.brokers.length, supervisors: storm ? file.supervisors.length : 0, slotsPerSupervisor: file.slotsPerSupervisor ?? 1 });
  const url = (port: number) => `http://${file.host}:${port}/metrics`;
  const out: MetricsEndpoint[] = [{ process: 'controller', url: url(plan.metrics.controller) }];
  file.brokers.forEach((b, i) => out.push({ process: `broker ${b.id ?? i + 1}`, url: url(plan.metrics.brokers[i]!) }));
  if (storm) {
    out.push({ process: 'nimbus', url: url(plan.metrics.nimbus) });
    plan.metrics.workers.forEach((ports, s) =>
      ports.forEach((port, k) => out.push({ process: `worker supervisor-${s + 1}:${plan.supervisorSlots[s]![k]}`, url: url(port) })),
    );
  }
  return out;
}

/**
 * Health from one broker's Metadata: brokers expected (the cluster's, or any seen before) or
 * named as replicas but not live are down; leaderless and under-replicated partitions.
 */
export async function brokerHealth(broker: { host: string; port: number }, expectedIds: number[], logger: Logger): Promise<ClusterHealth> {
  const conn = await KafkaConnection.connect({ host: broker.host, port: broker.port, clientId: 'streamctl-status', logger, connectTimeoutMs: 2000, requestTimeoutMs: 5000 });
  try {
    const md = await conn.send(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    const live = md.brokers.map((b) => b.nodeId).sort((a, b) => a - b);
    const replicaIds = md.topics.flatMap((t) => t.partitions.flatMap((p) => p.replicaNodes));
    const allNodes = [...new Set([...expectedIds, ...live, ...replicaIds])].sort((a, b) => a - b);
    const nodesDown = allNodes.filter((id) => !live.includes(id));
    const leaderCounts: Record<string, number> = Object.fromEntries(live.map((id) => [String(id), 0]));
    const leaderless: string[] = [];
    const underReplicated: string[] = [];
    let partitions = 0;
    for (const t of md.topics) {
      for (const p of t.partitions) {
        partitions++;
        const name = `${t.name}/${p.partitionIndex}`;
        if (p.leaderId < 0) leaderless.push(name);
        else leaderCounts[String(p.leaderId)] = (leaderCounts[String(p.leaderId)] ?? 0) + 1;
        if (p.isrNodes.length < p.replicaNodes.length) underReplicated.push(name);
      }
    }
    const controllerId = md.controllerId;
    const reasons: string[] = [];
    if (nodesDown.length > 0) reasons.push('nodes_down');
    if (leaderless.length > 0) reasons.push('leaderless_partitions');
    if (underReplicated.length > 0) reasons.push('under_replicated_partitions');
    if (controllerId < 0) reasons.push('no_controller');
    return {
      healthy: reasons.length === 0,
      unhealthyReasons: reasons,
      controllerId,
      allNodes,
      nodesDown,
      leaderCounts,
      leaderlessPartitions: leaderless,
      underReplicatedPartitions: underReplicated,
      topics: md.topics.length,
      partitions,
    };
  } finally {
    conn.close();
  }
}

/** Fault injection through the daemon: stop (SIGTERM), kill (SIGKILL) or start broker `brokerId`. */
export async function brokerControl(dirPath: string, action: 'stop' | 'start' | 'kill', brokerId: number): Promise<ProcessInfo> {
  const dir = new ClusterDir(dirPath);
  const file = safeRead(dir);
  if (!isRunning(file)) {
    throw new StreamctlError('NOT_RUNNING', `No cluster is running in ${dir.root}.`, { hint: 'Start one with `streamctl cluster start`.' });
  }
  return (await sendCommand(file, { cmd: 'broker', action, id: brokerId })) as ProcessInfo;
}

/** Sends one JSON command to the daemon's control socket and returns its result. */
async function sendCommand(file: ClusterFile, command: Record<string, unknown>, timeoutMs = 120_000): Promise<unknown> {
  const path = file.daemon.controlSocket;
  if (!path) throw new StreamctlError('NOT_RUNNING', 'The cluster daemon has no control socket.');
  return new Promise((resolve, reject) => {
    const socket = net.connect(path);
    let buffer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new StreamctlError('TIMEOUT', `The cluster daemon did not answer within ${timeoutMs / 1000} s.`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(JSON.stringify(command) + '\n'));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      socket.end();
      const reply = JSON.parse(buffer.slice(0, nl)) as { ok: boolean; result?: unknown; error?: { code: ErrorCode; message: string; hint?: string } };
      if (reply.ok) resolve(reply.result);
      else reject(new StreamctlError(reply.error!.code, reply.error!.message, reply.error!.hint ? { hint: reply.error!.hint } : {}));
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(new StreamctlError('NOT_RUNNING', `Cannot reach the cluster daemon at ${path}: ${err.message}`, { cause: err }));
    });
  });
}

function allProcesses(file: ClusterFile): ProcessInfo[] {
  return [file.controller, ...file.brokers, ...(file.nimbus ? [file.nimbus] : []), ...file.supervisors];
}

function safeRead(dir: ClusterDir): ClusterFile | undefined {
  try {
    return dir.readClusterFile();
  } catch (error) {
    if (isStreamctlError(error, 'STORAGE')) return undefined;
    throw error;
  }
}

/** Guards against pid reuse: only processes started with a config file of this cluster dir. */
function isOurProcess(pid: number, dir: ClusterDir): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(dir.configDir);
  } catch {
    return process.platform !== 'linux';
  }
}

function signal(pid: number | null, sig: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
