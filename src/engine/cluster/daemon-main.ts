// Entry point of the detached cluster daemon: `node dist/engine/cluster/daemon-main.js
// <daemon-spec.json>` (a ClusterSpec plus optional mains/timings, validated: a bad value exits
// 1 naming it). Runs a ClusterDaemon until
// it is told to stop (control socket `stop`, SIGTERM, SIGINT). A failed start is written to
// <dir>/daemon-error.json for the waiting CLI, and the process exits 1.
import { loadMainConfig, type FieldRule, type FieldSchema } from '../common/config-schema.js';
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

const optionalPath: FieldRule = { type: 'string', optional: true, nonEmpty: true };
const optionalMs: FieldRule = { type: 'integer', optional: true, min: 0 };

/** The daemon's spec file, written by `cluster start` (local-cluster). */
export const DAEMON_SPEC_FILE: FieldSchema<DaemonSpecFile> = {
  spec: {
    type: 'object',
    fields: {
      dir: { type: 'string', nonEmpty: true },
      host: { type: 'string', nonEmpty: true },
      basePort: { type: 'integer', min: 1, max: 65535 },
      brokers: { type: 'integer', min: 0 },
      storm: { type: 'boolean' },
      supervisors: { type: 'integer', min: 0 },
      slotsPerSupervisor: { type: 'integer', min: 1 },
      settings: { type: 'settings' },
      uiOpen: { type: 'boolean', optional: true },
      force: { type: 'boolean', optional: true },
    } satisfies FieldSchema<ClusterSpec>,
  },
  mains: {
    type: 'object',
    optional: true,
    fields: { controller: optionalPath, broker: optionalPath, nimbus: optionalPath, supervisor: optionalPath } satisfies FieldSchema<ProcessMains>,
  },
  timings: {
    type: 'object',
    optional: true,
    fields: {
      readyTimeoutMs: optionalMs,
      stopTimeoutMs: optionalMs,
      initialBackoffMs: optionalMs,
      maxBackoffMs: optionalMs,
      stableAfterMs: optionalMs,
    } satisfies FieldSchema<DaemonTimings>,
  },
};

async function main(): Promise<void> {
  usePrivateUmask(); // owner-only files (DESIGN.md, Trust model)
  ignoreOutputStreamErrors();
  const specPath = process.argv[2];
  if (!specPath) {
    process.stderr.write('usage: daemon-main <daemon-spec.json>\n');
    process.exitCode = 2;
    return;
  }
  const file = loadMainConfig('daemon', DAEMON_SPEC_FILE, specPath);
  if (!file) return;
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
