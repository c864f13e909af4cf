// Entry point of the detached cluster daemon: `node dist/engine/cluster/daemon-main.js
// <daemon-spec.json>` (a ClusterSpec plus optional mains/timings). Runs a ClusterDaemon until
// it is told to stop (control socket `stop`, SIGTERM, SIGINT). A failed start is written to
// <dir>/daemon-error.json for the waiting CLI, and the process exits 1.
import { readFileSync } from 'node:fs';
import { isStreamctlError } from '../common/errors.js';
import { createLogger, fileSink } from '../common/logger.js';
import { usePrivateUmask } from '../common/private-files.js';
import { ignoreOutputStreamErrors } from '../common/process-guards.js';
import { ClusterDaemon, type ClusterSpec, type DaemonTimings, type ProcessMains } from './cluster-daemon.js';
import { ClusterDir } from './cluster-dir.js';

export interface DaemonSpecFile {
  spec: ClusterSpec;
  mains?: Partial<ProcessMains>;
  timings?: Partial<DaemonTimings>;
}

async function main(): Promise<void> {
  usePrivateUmask(); // owner-only files (DESIGN.md, Trust model)
  ignoreOutputStreamErrors();
  const specPath = process.argv[2];
  if (!specPath) {
    process.stderr.write('usage: daemon-main <daemon-spec.json>\n');
    process.exitCode = 2;
    return;
  }
  const file = JSON.parse(readFileSync(specPath, 'utf8')) as DaemonSpecFile;
  const dir = new ClusterDir(file.spec.dir);
  dir.ensure();
  const logger = createLogger({ sink: fileSink(dir.daemonLog), fields: { proc: 'daemon', pid: process.pid } });
  process.on('SIGHUP', () => undefined);
  // The daemon is what restarts and stops the cluster's processes, so one unexpected error (a
  // full disk under cluster.json or the logs) must not end it: log and keep supervising.
  process.on('uncaughtException', (error) => logger.error('uncaught exception; the daemon keeps running', { error }));
  process.on('unhandledRejection', (error) => logger.error('unhandled rejection; the daemon keeps running', { error }));
  let daemon: ClusterDaemon;
  try {
    daemon = await ClusterDaemon.start({ spec: file.spec, logger, mains: file.mains, timings: file.timings });
  } catch (error) {
    const e = isStreamctlError(error) ? { code: error.code, message: error.message, hint: error.hint } : { code: 'INTERNAL', message: String((error as Error)?.message ?? error) };
    try {
      dir.writeJson(dir.daemonErrorFile, e);
    } catch {
      process.stderr.write(`cluster start failed: ${e.message}\n`);
    }
    logger.error('daemon failed to start', { error });
    process.exit(1);
  }
  const onSignal = (signal: string) => {
    logger.info('daemon got signal', { signal });
    void daemon.stop();
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  await daemon.waitUntilStopped();
  process.exit(0);
}

await main();
