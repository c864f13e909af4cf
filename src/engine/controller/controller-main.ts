// Entry point of the controller process: `node dist/engine/controller/controller-main.js
// <controller-config.json>`. Validates the config and its settings (a bad value exits 1 naming
// it), opens the SQLite metadata store in the config's dataDir, serves
// the controller APIs on host:port with the shared Kafka server, fences brokers whose
// session expired, pushes metadata changes to the live brokers, and shuts down cleanly on SIGTERM/SIGINT. Logs JSON lines to logFile.
import { createLogger, fileSink } from '../common/logger.js';
import { usePrivateUmask } from '../common/private-files.js';
import { ignoreOutputStreamErrors } from '../common/process-guards.js';
import { loadMainConfig } from '../common/config-schema.js';
import { CONTROLLER_PROCESS_CONFIG } from '../cluster/process-configs.js';
import { CONTROLLER_SETTINGS } from './controller-settings.js';
import { KafkaServer } from '../network/server.js';
import { Controller } from './controller.js';
import { MetadataPusher } from './metadata-pusher.js';
import { systemClock } from '../common/clock.js';
import { exitWithLifeline } from '../common/lifeline.js';
import { MetricsServer, newProcessRegistry } from '../common/metrics-server.js';
import { registerControllerMetrics } from './controller-metrics.js';

async function main(): Promise<void> {
  usePrivateUmask(); // owner-only files (DESIGN.md, Trust model)
  ignoreOutputStreamErrors();
  const configPath = process.argv[2];
  if (!configPath) {
    process.stderr.write('usage: controller-main <controller-config.json>\n');
    process.exitCode = 2;
    return;
  }
  const config = loadMainConfig('controller', CONTROLLER_PROCESS_CONFIG, configPath, (c) => CONTROLLER_SETTINGS.validate(c.settings));
  if (!config) return;
  const logger = createLogger({ sink: fileSink(config.logFile), fields: { proc: 'controller' } });
  const pusher = new MetadataPusher({
    logger: logger.child({ component: 'metadata-pusher' }),
    clock: systemClock,
    targets: () => controller.store.listBrokers().filter((b) => !b.fenced),
  });
  let controller: Controller;
  try {
    controller = Controller.open({
      dataDir: config.dataDir,
      clusterId: config.clusterId,
      settings: config.settings,
      logger,
      brokerDataDirs: config.brokerDataDirs ?? [],
      force: config.force ?? false,
      pushMetadata: (ms) => pusher.push(ms),
    });
  } catch (error) {
    logger.error('controller refused to start', { error });
    const hint = (error as { hint?: string }).hint;
    process.stderr.write(`controller: ${(error as Error).message}${hint ? ` ${hint}` : ''}\n`);
    process.exitCode = 1;
    return;
  }
  let server: KafkaServer;
  try {
    server = await KafkaServer.listen({
      host: config.host,
      port: config.port,
      logger: logger.child({ component: 'server' }),
      supportedVersions: controller.supportedVersions(),
      handle: (request) => controller.handle(request.header.apiKey, request.header.apiVersion, request.body),
    });
  } catch (error) {
    logger.error('controller could not listen', { error, port: config.port });
    controller.close();
    process.stderr.write(`controller: ${(error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  controller.startTicking();
  if (config.metricsPort !== undefined) {
    const registry = newProcessRegistry();
    registerControllerMetrics(registry, () => controller.store);
    await MetricsServer.listen({ host: config.host, port: config.metricsPort, registry, logger: logger.child({ component: 'metrics' }) });
  }
  logger.info('controller started', { host: config.host, port: server.port, pid: process.pid, clusterId: config.clusterId });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('controller stopping', { signal });
    await server.close();
    pusher.close();
    controller.close();
    logger.info('controller stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  exitWithLifeline();
  process.on('SIGINT', () => void stop('SIGINT'));
}

await main();
