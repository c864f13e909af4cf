// Finds the local cluster, the same way for every command: the --dir flag (the base command
// maps STREAMCTL_DIR onto it), else ~/.streamctl/cluster; and, from that cluster's
// cluster.json (read here only), the bootstrap servers Kafka-side commands use and the nimbus
// URL Storm-side commands use unless --bootstrap-server / --nimbus-url is given.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultClusterDir } from '../engine/cluster/cluster-dir.js';
import type { ClusterFile } from '../engine/cluster/process-configs.js';
import { StreamctlError } from '../engine/common/errors.js';

/** The cluster dir from the parsed `--dir` flag (env already applied), else the default. */
export function resolveClusterDir(dirFlag?: string): string {
  return resolve(dirFlag ?? defaultClusterDir());
}

/** True when `dir` is the default location (so output need not mention STREAMCTL_DIR). */
export function isDefaultClusterDir(dir: string): boolean {
  return resolve(dir) === resolve(defaultClusterDir());
}

/** The cluster dir from the flag (see resolveClusterDir), failing when it holds no cluster. */
export function locateClusterDir(dirFlag?: string): string {
  const dir = resolveClusterDir(dirFlag);
  requireClusterDir(dir);
  return dir;
}

/** `<dir>/cluster.json`; NOT_RUNNING "No local cluster found" when `dir` holds no cluster. */
export function requireClusterDir(dir: string): string {
  const path = join(dir, 'cluster.json');
  if (!existsSync(path)) {
    throw markLocatorError(
      new StreamctlError('NOT_RUNNING', `No local cluster found in ${dir}.`, {
        hint: 'Start one with `streamctl cluster start`, or pass --dir, or --bootstrap-server / --nimbus-url for a cluster elsewhere.',
      }),
    );
  }
  return path;
}

const locatorErrors = new WeakSet<Error>();

function markLocatorError(error: StreamctlError): StreamctlError {
  locatorErrors.add(error);
  return error;
}

/**
 * True for the errors above (no cluster, stopped, no brokers, no nimbus): every command
 * reports them the same way, even those that otherwise print a Kafka tool's error text.
 */
export function isClusterLocatorError(error: unknown): boolean {
  return error instanceof Error && locatorErrors.has(error);
}

/**
 * The running local cluster's cluster.json in `dir`: the one place the CLI reads it. Fails
 * with NOT_RUNNING and the same message for every command when there is no cluster there
 * or it is stopped.
 */
export function readRunningCluster(dir: string): ClusterFile {
  const path = requireClusterDir(dir);
  let file: ClusterFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as ClusterFile;
  } catch (error) {
    throw new StreamctlError('STORAGE', `${path} is not valid JSON.`, { cause: error });
  }
  if (file.state === 'stopped' || file.state === 'failed') {
    throw markLocatorError(
      new StreamctlError('NOT_RUNNING', `The local cluster in ${dir} is ${file.state}.`, {
        hint: 'Start it with `streamctl cluster start`, or pass --bootstrap-server / --nimbus-url for a cluster elsewhere.',
      }),
    );
  }
  return file;
}

/** The local cluster's brokers as host:port strings. NOT_RUNNING when there are none. */
export function bootstrapServersFromCluster(dir: string): string[] {
  const brokers = (readRunningCluster(dir).brokers ?? []).map((b) => `${b.host}:${b.port}`);
  if (brokers.length === 0) throw markLocatorError(new StreamctlError('NOT_RUNNING', `The local cluster in ${dir} has no brokers.`));
  return brokers;
}

/**
 * The local cluster's nimbus REST URL. NOT_RUNNING when there is no cluster, or it runs
 * without Storm (`cluster start --no-storm`): never another cluster's nimbus.
 */
export function nimbusUrlFromCluster(dir: string): string {
  const nimbus = readRunningCluster(dir).nimbus;
  if (!nimbus) {
    throw markLocatorError(
      new StreamctlError('NOT_RUNNING', `The local cluster in ${dir} has no nimbus (it was started with --no-storm).`, {
        hint: 'Restart it with Storm (`streamctl cluster stop` then `streamctl cluster start`), or pass --nimbus-url.',
      }),
    );
  }
  return `http://${nimbus.host}:${nimbus.port}`;
}
