// Worker process entry: `node dist/engine/runtime/worker-main.js <worker-config.json>`.
// Reads and validates the WorkerConfig written by the supervisor, imports the topology bundle, starts a
// Worker on the slot port with the TCP transport, and heartbeats to nimbus every 500 ms
// (stats, errors); nimbus's answer carries the topology status the spouts follow. If nimbus
// is unreachable the worker keeps running with the last status. SIGTERM/SIGINT: close
// spouts, clean up bolts, exit 0. Logs JSON lines to config.logFile. Single process, one
// event loop.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadMainConfig, type FieldSchema } from '../common/config-schema.js';
import { createLogger, fileSink, LogLevelControl, type Logger } from '../common/logger.js';
import { namedLogLevel } from './nimbus/log-config.js';
import { nimbusAuthHeaders, readNimbusToken } from '../common/nimbus-token.js';
import { usePrivateUmask } from '../common/private-files.js';
import { ignoreOutputStreamErrors } from '../common/process-guards.js';
import { loadTopology } from '../topology/load-topology.js';
import type { Assignment, TopologyStatus, WorkerConfig, WorkerHeartbeat, WorkerHeartbeatResponse } from './contracts.js';
import { RUNTIME_DEFAULTS } from './local-runner.js';
import { TcpTransport } from './transport/tcp-transport.js';
import { Worker } from './worker.js';
import { exitWithLifeline } from '../common/lifeline.js';
import { MetricsServer, newProcessRegistry } from '../common/metrics-server.js';
import { registerWorkerMetrics } from './metrics/storm-metrics.js';

const HEARTBEAT_MS = 500;
const STATUSES: readonly TopologyStatus[] = ['ACTIVE', 'INACTIVE', 'REBALANCING', 'KILLED'];

/** The worker's config file (written by the supervisor); the spec, conf and assignment are checked by the worker. */
export const WORKER_CONFIG: FieldSchema<WorkerConfig> = {
  workerId: { type: 'string', nonEmpty: true },
  topologyId: { type: 'string', nonEmpty: true },
  topologyName: { type: 'string', nonEmpty: true },
  supervisorId: { type: 'string', nonEmpty: true },
  host: { type: 'string', nonEmpty: true },
  port: { type: 'port' },
  bundlePath: { type: 'string', nonEmpty: true },
  localHeartbeatFile: { type: 'string', optional: true, nonEmpty: true },
  codeDir: { type: 'string', optional: true, nonEmpty: true },
  spec: { type: 'object' },
  stormConf: { type: 'object' },
  assignment: { type: 'object' },
  initialStatus: { type: 'string', oneOf: STATUSES },
  nimbusUrl: { type: 'string', nonEmpty: true },
  nimbusTokenFile: { type: 'string', optional: true, nonEmpty: true },
  logFile: { type: 'string', nonEmpty: true },
  metricsPort: { type: 'port', optional: true },
};
/** Posts heartbeats to nimbus and applies the returned status to the worker. */
class NimbusHeartbeat {
  readonly #config: WorkerConfig;
  readonly #worker: Worker;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #inFlight = false;
  #unreachableSince = 0;

  readonly #levels: LogLevelControl | undefined;

  constructor(config: WorkerConfig, worker: Worker, logger: Logger, levels?: LogLevelControl) {
    this.#config = config;
    this.#worker = worker;
    this.#logger = logger;
    this.#levels = levels;
  }

  /** set_log_level: nimbus's named levels in force; the others (expired, removed) revert. */
  #applyLogConfig(config: WorkerHeartbeatResponse['logConfig']): void {
    const levels = this.#levels;
    if (!levels || !config) return;
    const now = Date.now();
    const wanted = new Map<string, ReturnType<typeof namedLogLevel>>();
    for (const [name, l] of Object.entries(config)) if (l.expiresAtMs === null || l.expiresAtMs > now) wanted.set(name, namedLogLevel(l.targetLevel));
    for (const name of levels.names()) {
      if (!wanted.has(name)) {
        levels.clear(name);
        this.#logger.info('log level reverted', { logger: name });
      }
    }
    for (const [name, level] of wanted) {
      if (level && levels.level(name) !== level) {
        levels.set(name, level);
        this.#logger.info('log level set', { logger: name, to: level });
      }
    }
  }

  start(): void {
    void this.#beat();
    this.#timer = setInterval(() => void this.#beat(), HEARTBEAT_MS);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  /** One last heartbeat (carrying the errors reported so far), after any beat in flight. */
  async final(): Promise<void> {
    this.stop();
    const deadline = Date.now() + 2000;
    while (this.#inFlight && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await this.#beat();
  }

  async #beat(): Promise<void> {
    if (this.#inFlight) return;
    this.#inFlight = true;
    const c = this.#config;
    const errors = this.#worker.takeErrors();
    const body: WorkerHeartbeat = {
      workerId: c.workerId,
      topologyId: c.topologyId,
      supervisorId: c.supervisorId,
      host: c.host,
      port: c.port,
      pid: process.pid,
      assignmentVersion: this.#worker.assignmentVersion,
      uptimeSecs: this.#worker.uptimeSecs,
      logFile: c.logFile,
      executors: this.#worker.stats(),
      errors,
    };
    try {
      const res = await postHeartbeat(c, body);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const answer = (await res.json()) as WorkerHeartbeatResponse;
      if (this.#unreachableSince) {
        this.#logger.info('nimbus reachable again', { afterMs: Date.now() - this.#unreachableSince });
        this.#unreachableSince = 0;
      }
      if (answer.assignment && answer.assignment.version !== this.#worker.assignmentVersion) this.#adopt(answer.assignment);
      this.#applyLogConfig(answer.logConfig);
      if (STATUSES.includes(answer.status)) await this.#worker.setStatus(answer.status);
      if (typeof answer.assignmentVersion === 'number' && answer.assignmentVersion !== this.#worker.assignmentVersion) {
        this.#logger.debug('assignment changed; waiting to be replaced', { mine: c.assignment.version, current: answer.assignmentVersion });
      }
    } catch (error) {
      // Keep running with the last status; put the errors back for the next beat.
      this.#requeue(errors);
      if (!this.#unreachableSince) {
        this.#unreachableSince = Date.now();
        this.#logger.warn('nimbus unreachable; keeping the last status', { status: this.#worker.status, error: (error as Error).message });
      }
    } finally {
      this.#inFlight = false;
    }
  }

  /** A new assignment that keeps this worker's executors: update peers in place; exit (restart) if that fails. */
  #adopt(assignment: Assignment): void {
    const c = this.#config;
    const index = indexOf(assignment, c);
    try {
      if (index < 0) throw new Error('this worker is not in the new assignment');
      this.#worker.updateAssignment(assignment, index);
    } catch (error) {
      this.#logger.error('cannot adopt the new assignment; exiting to be restarted', { version: assignment.version, error });
      process.exit(1);
    }
  }

  #requeue(errors: WorkerHeartbeat['errors']): void {
    for (const e of errors.slice(0, 50)) this.#worker.reportErrorRecord(e);
  }
}

/** This worker's index in an assignment (by supervisor and slot, else by slot alone); -1 when absent. */
function indexOf(assignment: Assignment, config: WorkerConfig): number {
  const i = assignment.workers.findIndex((w) => w.port === config.port && w.host === config.host && w.supervisorId === config.supervisorId);
  return i >= 0 ? i : assignment.workers.findIndex((w) => w.port === config.port && w.host === config.host);
}

/** A heartbeat with no executors carrying one error (a fatal error while the worker starts). */
async function reportStartupError(config: WorkerConfig, component: string, taskId: number, error: unknown): Promise<void> {
  const body: WorkerHeartbeat = {
    workerId: config.workerId,
    topologyId: config.topologyId,
    supervisorId: config.supervisorId,
    host: config.host,
    port: config.port,
    pid: process.pid,
    assignmentVersion: config.assignment.version,
    uptimeSecs: 0,
    logFile: config.logFile,
    executors: [],
    errors: [{ component, taskId, timeSecs: Math.floor(Date.now() / 1000), error: error instanceof Error ? (error.stack ?? error.message) : String(error) }],
  };
  await postHeartbeat(config, body);
}

let nimbusToken: { file: string; token: string | undefined } | undefined;

/** POST /internal/v1/worker-heartbeat with nimbus's bearer token (read once from config.nimbusTokenFile; again after a 401). */
async function postHeartbeat(config: WorkerConfig, body: WorkerHeartbeat): Promise<Response> {
  const file = config.nimbusTokenFile;
  if (file && nimbusToken?.file !== file) nimbusToken = { file, token: readNimbusToken(file) };
  const res = await fetch(`${config.nimbusUrl}/internal/v1/worker-heartbeat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...nimbusAuthHeaders(file ? nimbusToken?.token : undefined) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(2000),
  });
  if (res.status === 401) nimbusToken = undefined;
  return res;
}

async function main(): Promise<void> {
  usePrivateUmask(); // owner-only files (DESIGN.md, Trust model)
  ignoreOutputStreamErrors();
  const configPath = process.argv[2];
  if (!configPath) {
    process.stderr.write('usage: worker-main <worker-config.json>\n');
    process.exitCode = 2;
    return;
  }
  const config = loadMainConfig('worker', WORKER_CONFIG, configPath);
  if (!config) return;
  const levels = new LogLevelControl();
  const logger = createLogger({ sink: fileSink(config.logFile), fields: { workerId: config.workerId, topologyId: config.topologyId, port: config.port }, levels });
  process.on('uncaughtException', (error) => {
    logger.error('uncaught exception', { error });
  });
  process.on('unhandledRejection', (error) => {
    logger.error('unhandled rejection', { error });
  });
  const index = indexOf(config.assignment, config);
  if (index < 0) {
    logger.error('this worker is not in its assignment', { port: config.port });
    process.exitCode = 1;
    return;
  }
  logger.info('worker starting', { pid: process.pid, bundle: config.bundlePath, status: config.initialStatus });
  let worker: Worker | undefined;
  let heartbeat: NimbusHeartbeat | undefined;
  let dying = false;
  // Storm's ShellBolt/ShellSpout die() and an uncaught exception in a bolt's execute: report
  // the error, stop executing, then exit so the supervisor restarts the worker (with
  // backoff; exit code 11 as Storm's System.exit(11)).
  const onFatalError = (component: string, taskId: number, error: unknown) => {
    if (dying) return;
    dying = true;
    worker?.halt();
    logger.error('worker exiting after a fatal component error', { component, taskId, error });
    const force = setTimeout(() => process.exit(11), 3000);
    force.unref();
    const beat = worker ? (heartbeat ?? new NimbusHeartbeat(config, worker, logger, levels)).final() : reportStartupError(config, component, taskId, error);
    void beat.catch(() => {}).finally(() => process.exit(11));
  };
  try {
    const topology = await loadTopology(config.bundlePath);
    worker = await Worker.start({
      topology,
      topologyId: config.topologyId,
      spec: config.spec,
      stormConf: { ...RUNTIME_DEFAULTS, ...config.stormConf },
      assignment: config.assignment,
      workerIndex: index,
      initialStatus: config.initialStatus,
      logger,
      codeDir: config.codeDir ?? join(dirname(config.bundlePath), 'resources'),
      onFatalError,
      transport: (handlers) =>
        TcpTransport.open({
          host: config.host,
          port: config.port,
          peers: config.assignment.workers.map((w) => ({ host: w.host, port: w.port })),
          selfIndex: index,
          handlers,
          logger,
        }),
    });
  } catch (error) {
    logger.error('worker failed to start', { error });
    process.stderr.write(`worker failed to start: ${(error as Error).message}\n`);
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 50).unref();
    return;
  }
  if (dying) {
    worker.halt();
    return;
  }
  heartbeat = new NimbusHeartbeat(config, worker, logger, levels);
  heartbeat.start();
  if (config.metricsPort !== undefined) {
    const registry = newProcessRegistry();
    const running = worker;
    registerWorkerMetrics(registry, config.topologyName, () => running.stats());
    void MetricsServer.listen({ host: config.host, port: config.metricsPort, registry, logger: logger.child({ component: 'metrics' }) });
  }
  // Local heartbeat for the supervisor: written from the event loop, so a blocked loop or a
  // stopped process lets it go stale and the supervisor kills and restarts the worker.
  const localHeartbeat = config.localHeartbeatFile;
  if (localHeartbeat) {
    const write = () => {
      try {
        writeFileSync(localHeartbeat, String(Date.now()));
      } catch (error) {
        logger.warn('cannot write the local heartbeat', { error });
      }
    };
    write();
    setInterval(write, HEARTBEAT_MS).unref();
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('worker shutting down', { signal });
    heartbeat?.stop();
    const force = setTimeout(() => process.exit(0), 5000);
    force.unref();
    worker!
      .close()
      .catch((error) => logger.error('shutdown failed', { error }))
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  exitWithLifeline();
  process.on('SIGINT', () => shutdown('SIGINT'));
}

void main();
