// Finds the local cluster: the --dir flag (the base command maps STREAMCTL_DIR onto it), else
// ~/.streamctl/cluster; and the bootstrap servers Kafka commands use by default, read from
// that cluster's cluster.json.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ClusterFile } from '../engine/cluster/process-configs.js';
import { StreamctlError } from '../engine/common/errors.js';

export function defaultClusterDir(): string {
  return join(homedir(), '.streamctl', 'cluster');
}

/** The cluster dir from the parsed `--dir` flag (env already applied), else the default. */
export function resolveClusterDir(dirFlag?: string): string {
  return resolve(dirFlag ?? defaultClusterDir());
}

/** True when `dir` is the default location (so output need not mention STREAMCTL_DIR). */
export function isDefaultClusterDir(dir: string): boolean {
  return resolve(dir) === resolve(defaultClusterDir());
}

/**
 * The local cluster's brokers as host:port strings, from `<dir>/cluster.json`. NOT_RUNNING
 * with a hint when there is no cluster, it is stopped, or it has no brokers.
 */
export function bootstrapServersFromCluster(dir: string): string[] {
  const path = join(dir, 'cluster.json');
  if (!existsSync(path)) {
    throw new StreamctlError('NOT_RUNNING', `No local cluster found in ${dir}.`, {
      hint: 'Start one with `streamctl cluster start`, or pass --bootstrap-server host:port.',
    });
  }
  let file: ClusterFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as ClusterFile;
  } catch (error) {
    throw new StreamctlError('STORAGE', `${path} is not valid JSON.`, { cause: error });
  }
  if (file.state === 'stopped' || file.state === 'failed') {
    throw new StreamctlError('NOT_RUNNING', `The local cluster in ${dir} is ${file.state}.`, {
      hint: 'Start it with `streamctl cluster start`, or pass --bootstrap-server host:port.',
    });
  }
  const brokers = file.brokers.map((b) => `${b.host}:${b.port}`);
  if (brokers.length === 0) throw new StreamctlError('NOT_RUNNING', `The local cluster in ${dir} has no brokers.`);
  return brokers;
}
