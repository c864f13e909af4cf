// Process entry of a supervisor: `node dist/engine/runtime/supervisor-main.js <supervisor-config.json>`.
// Reads and validates SupervisorProcessConfig (a bad value exits 1 naming it), runs a Supervisor (heartbeats to nimbus, spawns and watches
// worker processes), logs JSON lines to logFile, and on SIGTERM/SIGINT stops its workers and
// exits. Ready when nimbus's /api/v1/supervisor/summary lists supervisorId.
import { loadMainConfig, type FieldSchema } from '../common/config-schema.js';
import { createLogger, fileSink } from '../common/logger.js';
import { usePrivateUmask } from '../common/private-files.js';
import { ignoreOutputStreamErrors } from '../common/process-guards.js';
import { Supervisor } from './supervisor.js';
import { exitWithLifeline } from '../common/lifeline.js';

/** Config file written by the cluster daemon for each supervisor process. */
export interface SupervisorProcessConfig {
  /** e.g. "supervisor-1". */
  supervisorId: string;
  host: string;
  /** Worker slot ports (base + 300 + (s-1)*slots ..). */
  slotPorts: number[];
  /** e.g. http://127.0.0.1:9292 */
  nimbusUrl: string;
  /** <cluster dir>/nimbus.token: the bearer token sent to nimbus (and handed to workers). */
  nimbusTokenFile?: string;
  dataDir: string;
  logFile: string;
  /** Optional (tests): script run as the worker instead of worker-main.js. */
  workerMain?: string;
  /** Optional (tests): heartbeat interval, default 500 ms. */
  heartbeatIntervalMs?: number;
  /** Storm's supervisor.worker.timeout.secs in ms: a worker whose local heartbeat is older is killed and restarted (default 30000). */
  workerTimeoutMs?: number;
  /** Storm's supervisor.worker.start.timeout.secs in ms: time for a new worker's first heartbeat (default 120000). */
  workerStartTimeoutMs?: number;
  /** Parallel to slotPorts: the /metrics port of the worker in each slot. */
  workerMetricsPorts?: number[];
}

export const SUPERVISOR_PROCESS_CONFIG: FieldSchema<SupervisorProcessConfig> = {
  supervisorId: { type: 'string', nonEmpty: true },
  host: { type: 'string', nonEmpty: true },
  slotPorts: { type: 'ports' },
  nimbusUrl: { type: 'string', nonEmpty: true },
  nimbusTokenFile: { type: 'string', optional: true, nonEmpty: true },
  dataDir: { type: 'string', nonEmpty: true },
  logFile: { type: 'string', nonEmpty: true },
  workerMain: { type: 'string', optional: true, nonEmpty: true },
  heartbeatIntervalMs: { type: 'integer', optional: true, min: 1 },
  workerTimeoutMs: { type: 'integer', optional: true, min: 1 },
  workerStartTimeoutMs: { type: 'integer', optional: true, min: 1 },
  workerMetricsPorts: { type: 'ports', optional: true },
};

async function main(): Promise<void> {
  usePrivateUmask(); // owner-only files (DESIGN.md, Trust model)
  ignoreOutputStreamErrors();
  const configPath = process.argv[2];
  if (!configPath) {
    process.stderr.write('usage: supervisor-main <supervisor-config.json>\n');
    process.exitCode = 2;
    return;
  }
  const config = loadMainConfig('supervisor', SUPERVISOR_PROCESS_CONFIG, configPath);
  if (!config) return;
  const log = createLogger({ sink: fileSink(config.logFile), fields: { process: 'supervisor', supervisorId: config.supervisorId, pid: process.pid } });
  const supervisor = Supervisor.open({
    supervisorId: config.supervisorId,
    host: config.host,
    slotPorts: config.slotPorts,
    nimbusUrl: config.nimbusUrl,
    ...(config.nimbusTokenFile !== undefined ? { nimbusTokenFile: config.nimbusTokenFile } : {}),
    dataDir: config.dataDir,
    logger: log,
    ...(config.workerMain !== undefined ? { workerMain: config.workerMain } : {}),
    ...(config.heartbeatIntervalMs !== undefined ? { heartbeatIntervalMs: config.heartbeatIntervalMs } : {}),
    ...(config.workerTimeoutMs !== undefined ? { workerTimeoutMs: config.workerTimeoutMs } : {}),
    ...(config.workerStartTimeoutMs !== undefined ? { workerStartTimeoutMs: config.workerStartTimeoutMs } : {}),
    ...(config.workerMetricsPorts !== undefined ? { workerMetricsPorts: config.workerMetricsPorts } : {}),
  });
  log.info('supervisor started', { slotPorts: config.slotPorts, nimbusUrl: config.nimbusUrl });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('supervisor stopping', { signal });
    await supervisor.close();
    log.info('supervisor stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  exitWithLifeline();
  process.on('SIGINT', () => void stop('SIGINT'));
}

await main();
