// Process entry of a broker: `node dist/engine/broker/broker-main.js <broker-config.json>`.
// Reads and validates BrokerProcessConfig and its settings (a bad value exits 1 naming the
// key and value), logs JSON lines to its logFile, opens the LogManager on dataDir (recovering
// after a crash), starts the Broker; SIGTERM/SIGINT → graceful close (controlled
// shutdown, stop serving, checkpoints, clean-shutdown marker) and exit 0.
import { createLogger, fileSink, type LogLevel } from '../common/logger.js';
import { usePrivateUmask } from '../common/private-files.js';
import { ignoreOutputStreamErrors } from '../common/process-guards.js';
import { toLogConfig } from '../common/topic-config.js';
import { loadMainConfig } from '../common/config-schema.js';
import { BROKER_PROCESS_CONFIG } from '../cluster/process-configs.js';
import { BROKER_SETTINGS } from './broker-settings.js';
import { LogManager } from '../storage/log-manager.js';
import { systemClock } from '../common/clock.js';
import { Broker } from './broker.js';
import { EXIT_LOG_DIR_FAILED, isLogDirIoError } from './log-dir-failure.js';
import { exitWithLifeline } from '../common/lifeline.js';
import { MetricsServer, newProcessRegistry } from '../common/metrics-server.js';
import { registerBrokerMetrics, renderTelemetryClients } from './broker-metrics.js';

async function main(): Promise<void> {
  usePrivateUmask(); // owner-only files (DESIGN.md, Trust model)
  ignoreOutputStreamErrors();
  const configPath = process.argv[2];
  if (!configPath) {
    process.stderr.write('usage: broker-main <broker-config.json>\n');
    process.exitCode = 2;
    return;
  }
  const config = loadMainConfig('broker', BROKER_PROCESS_CONFIG, configPath, (c) => BROKER_SETTINGS.validate(c.settings));
  if (!config) return;
  const settings = config.settings;
  const level = BROKER_SETTINGS.string(settings, 'log.level') as LogLevel;
  const log = createLogger({ sink: fileSink(config.logFile), level, fields: { process: 'broker', brokerId: config.brokerId, pid: process.pid } });
  let failLogDir: ((error: Error) => void) | undefined;
  process.on('uncaughtException', (error) => {
    log.error('uncaught exception', { error });
    // A background write (checkpoint, flush) that hit a full or failing disk takes the log
    // dir offline like a failed append does, instead of crashing into a restart loop.
    if (failLogDir && isLogDirIoError(error)) return failLogDir(error);
    process.exit(1);
  });
  process.on('unhandledRejection', (error) => log.error('unhandled rejection', { error }));

  let broker: Broker;
  let logManager: LogManager | undefined;
  try {
    logManager = LogManager.open({
      dataDir: config.dataDir,
      logger: log.child({ component: 'log-manager' }),
      clock: systemClock,
      defaultConfig: toLogConfig({}, settings),
      retentionCheckIntervalMs: BROKER_SETTINGS.number(settings, 'log.retention.check.interval.ms'),
      checkpointIntervalMs: BROKER_SETTINGS.number(settings, 'log.flush.offset.checkpoint.interval.ms'),
      cleanerIntervalMs: BROKER_SETTINGS.number(settings, 'log.cleaner.backoff.ms'),
    });
    broker = await Broker.start({ config, logManager, logger: log, onLogDirFailed: () => process.exit(EXIT_LOG_DIR_FAILED) });
  } catch (error) {
    log.error('broker failed to start', { error });
    process.stderr.write(`broker ${config.brokerId} failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    try {
      logManager?.close();
    } catch {
      // already failing
    }
    process.exitCode = 1;
    return;
  }
  failLogDir = (error) => broker.replicaManager.markLogDirFailed(error, { topic: '-', partition: -1, op: 'background write' });
  if (config.metricsPort !== undefined) {
    const registry = newProcessRegistry();
    registerBrokerMetrics(registry, broker.metricsSource);
    await MetricsServer.listen({
      host: config.host,
      port: config.metricsPort,
      registry,
      logger: log.child({ component: 'metrics' }),
      routes: { '/telemetry': () => renderTelemetryClients(broker.stats, systemClock.now()) },
    });
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    broker.close().then(
      () => process.exit(0),
      (error) => {
        log.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  exitWithLifeline();
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
