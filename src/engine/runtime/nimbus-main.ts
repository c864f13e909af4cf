// Process entry of nimbus: `node dist/engine/runtime/nimbus-main.js <nimbus-config.json>`.
// Reads and validates NimbusProcessConfig (a bad value exits 1 naming it), opens Nimbus (SQLite state under dataDir), serves the REST API
// on host:port behind the bearer token in tokenFile, drives nimbus.tick() every 250 ms, logs
// JSON lines to logFile and exits cleanly on SIGTERM/SIGINT. Ready when GET
// /api/v1/cluster/summary answers. Umask 077: everything it writes is owner-only.
import { loadMainConfig, type FieldSchema } from '../common/config-schema.js';
import { StreamctlError } from '../common/errors.js';
import { createLogger, fileSink } from '../common/logger.js';
import { nimbusTokenPath, readNimbusToken } from '../common/nimbus-token.js';
import { usePrivateUmask } from '../common/private-files.js';
import { ignoreOutputStreamErrors } from '../common/process-guards.js';
import { Nimbus } from './nimbus.js';
import { NimbusHttpApi } from './nimbus/http-api.js';
import { exitWithLifeline } from '../common/lifeline.js';
import { MetricsServer, newProcessRegistry } from '../common/metrics-server.js';
import { registerNimbusMetrics } from './metrics/storm-metrics.js';

/** Config file written by the cluster daemon for the nimbus process. */
export interface NimbusProcessConfig {
  host: string;
  /** HTTP port of the REST API (base port + 200 by default). */
  port: number;
  dataDir: string;
  logFile: string;
  clusterDir: string;
  /** File holding the API's bearer token (default <clusterDir>/nimbus.token); nimbus refuses to start without it. */
  tokenFile?: string;
  /** Serve read-only GET /api/v1/... without the token (`cluster start --ui-open`). */
  uiOpen?: boolean;
  /** Optional tuning (tests): supervisor heartbeat timeout, default 5000. */
  supervisorTimeoutMs?: number;
  /** Optional tuning (tests): worker heartbeat timeout, default 5000. */
  workerTimeoutMs?: number;
  /** Port of the Prometheus /metrics endpoint (absent: none). */
  metricsPort?: number;
}

export const NIMBUS_PROCESS_CONFIG: FieldSchema<NimbusProcessConfig> = {
  host: { type: 'string', nonEmpty: true },
  port: { type: 'port' },
  dataDir: { type: 'string', nonEmpty: true },
  logFile: { type: 'string', nonEmpty: true },
  clusterDir: { type: 'string', nonEmpty: true },
  tokenFile: { type: 'string', optional: true, nonEmpty: true },
  uiOpen: { type: 'boolean', optional: true },
  supervisorTimeoutMs: { type: 'integer', optional: true, min: 1 },
  workerTimeoutMs: { type: 'integer', optional: true, min: 1 },
  metricsPort: { type: 'port', optional: true },
};

const TICK_MS = 250;

async function main(): Promise<void> {
  usePrivateUmask(); // owner-only files (DESIGN.md, Trust model)
  ignoreOutputStreamErrors();
  const configPath = process.argv[2];
  if (!configPath) {
    process.stderr.write('usage: nimbus-main <nimbus-config.json>\n');
    process.exitCode = 2;
    return;
  }
  const config = loadMainConfig('nimbus', NIMBUS_PROCESS_CONFIG, configPath);
  if (!config) return;
  const log = createLogger({ sink: fileSink(config.logFile), fields: { process: 'nimbus', pid: process.pid } });
  const nimbusUrl = `http://${config.host}:${config.port}`;
  let nimbus: Nimbus;
  let api: NimbusHttpApi;
  try {
    const tokenFile = config.tokenFile ?? nimbusTokenPath(config.clusterDir);
    const token = readNimbusToken(tokenFile);
    if (!token) throw new StreamctlError('INVALID_CONFIG', `no nimbus token file at ${tokenFile}; start nimbus through \`streamctl cluster start\``);
    nimbus = Nimbus.open({
      dataDir: config.dataDir,
      nimbusUrl,
      logger: log,
      ...(config.supervisorTimeoutMs !== undefined ? { supervisorTimeoutMs: config.supervisorTimeoutMs } : {}),
      ...(config.workerTimeoutMs !== undefined ? { workerTimeoutMs: config.workerTimeoutMs } : {}),
    });
    api = await NimbusHttpApi.open({ nimbus, host: config.host, port: config.port, token, uiOpen: config.uiOpen === true, logger: log });
  } catch (error) {
    log.error('nimbus failed to start', { error });
    process.stderr.write(`nimbus failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
    return;
  }
  log.info('nimbus started', { url: nimbusUrl, dataDir: config.dataDir, uiOpen: config.uiOpen === true });
  if (config.metricsPort !== undefined) {
    const registry = newProcessRegistry();
    registerNimbusMetrics(registry, { cluster: () => nimbus.views.clusterSummary(), topologies: () => nimbus.views.topologySummary().topologies });
    await MetricsServer.listen({ host: config.host, port: config.metricsPort, registry, logger: log.child({ component: 'metrics' }) });
  }
  const timer = setInterval(() => {
    try {
      nimbus.tick();
    } catch (error) {
      log.error('tick failed', { error });
    }
  }, TICK_MS);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('nimbus stopping', { signal });
    clearInterval(timer);
    await api.close();
    nimbus.close();
    log.info('nimbus stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  exitWithLifeline();
  process.on('SIGINT', () => void stop('SIGINT'));
}

await main();
