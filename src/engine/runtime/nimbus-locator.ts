// Where nimbus and the brokers of a local cluster are, for the topology commands: an explicit
// --nimbus-url, else the cluster dir's cluster.json, else the default port; and whether a URL
// is on this machine (only then is the cluster dir's nimbus token sent). Reads files only.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultClusterDir } from '../cluster/cluster-dir.js';

export const DEFAULT_NIMBUS_URL = 'http://127.0.0.1:9292';


/**
 * Nimbus URL: the explicit one, else `<dir>/cluster.json`'s `nimbus.{host,port}`, else
 * DEFAULT_NIMBUS_URL.
 */
export function resolveNimbusUrl(options: { dir?: string | undefined; nimbusUrl?: string | undefined }): string {
  if (options.nimbusUrl) return options.nimbusUrl.replace(/\/+$/, '');
  const file = join(options.dir ?? defaultClusterDir(), 'cluster.json');
  if (existsSync(file)) {
    try {
      const cluster = JSON.parse(readFileSync(file, 'utf8')) as { nimbus?: { host?: string; port?: number } | null };
      if (cluster.nimbus?.port) return `http://${cluster.nimbus.host ?? '127.0.0.1'}:${cluster.nimbus.port}`;
    } catch {
      // fall through to the default
    }
  }
  return DEFAULT_NIMBUS_URL;
}

export function isLoopbackUrl(url: string): boolean {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname.toLowerCase());
  } catch {
    return false;
  }
}

/** Bootstrap servers of the local cluster from cluster.json (for templates), if known. */
export function clusterBootstrapServers(dir?: string): string | undefined {
  const file = join(dir ?? defaultClusterDir(), 'cluster.json');
  if (!existsSync(file)) return undefined;
  try {
    const cluster = JSON.parse(readFileSync(file, 'utf8')) as { brokers?: Array<{ host: string; port: number }> };
    const list = (cluster.brokers ?? []).map((b) => `${b.host}:${b.port}`);
    return list.length ? list.join(',') : undefined;
  } catch {
    return undefined;
  }
}
