// `cluster health` (rpk cluster health): one health report of the local cluster (its
// processes and a broker's Metadata) or of any Kafka cluster (--bootstrap-server: the first
// broker that answers), and the wait/watch loop around it. Healthy = every broker up, the
// controller up, no leaderless and no under-replicated partition. Against a remote cluster
// a broker counts as down when it is named as a replica, or was seen earlier in the same
// watch, but is missing from Metadata. Single-threaded; polls, never sleeps blindly.
import { StreamctlError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { brokerHealth, clusterStatus, type ClusterHealth } from './local-cluster.js';

export type HealthTarget = { kind: 'local'; dir: string } | { kind: 'remote'; bootstrapServers: Array<{ host: string; port: number }> };

/** Remembers brokers seen by earlier checks of a watch (remote clusters). */
export interface HealthMemory {
  seenBrokers: Set<number>;
}

function downEverywhere(expected: number[], reasons: string[]): ClusterHealth {
  return {
    healthy: false,
    unhealthyReasons: reasons,
    controllerId: -1,
    allNodes: expected,
    nodesDown: expected,
    leaderCounts: {},
    leaderlessPartitions: [],
    underReplicatedPartitions: [],
    topics: 0,
    partitions: 0,
  };
}

function withReason(h: ClusterHealth, reason: string): ClusterHealth {
  if (h.unhealthyReasons.includes(reason)) return h;
  return { ...h, healthy: false, unhealthyReasons: [...h.unhealthyReasons, reason] };
}

/** One health report; never throws for an unreachable cluster (that is a report too). */
export async function checkHealth(target: HealthTarget, memory: HealthMemory = { seenBrokers: new Set() }, logger: Logger = silentLogger): Promise<ClusterHealth> {
  if (target.kind === 'local') {
    const status = await clusterStatus(target.dir, { logger });
    const expected = status.processes.filter((p) => p.kind === 'broker').map((p) => p.id ?? 0);
    if (!status.running) return downEverywhere(expected, ['cluster_not_running']);
    let health = status.health ?? downEverywhere(expected, ['nodes_down']);
    // The brokers' Metadata may be older than the processes' fate: trust the process table too.
    const deadBrokers = status.processes.filter((p) => p.kind === 'broker' && p.status !== 'running').map((p) => p.id ?? 0);
    const nodesDown = [...new Set([...health.nodesDown, ...deadBrokers])].sort((a, b) => a - b);
    if (nodesDown.length > health.nodesDown.length) health = withReason({ ...health, nodesDown }, 'nodes_down');
    if (status.processes.some((p) => p.kind === 'controller' && p.status !== 'running')) health = withReason(health, 'controller_down');
    return health;
  }
  const expected = [...memory.seenBrokers].sort((a, b) => a - b);
  let lastError: unknown;
  for (const server of target.bootstrapServers) {
    try {
      const health = await brokerHealth(server, expected, logger);
      for (const id of health.allNodes) if (!health.nodesDown.includes(id)) memory.seenBrokers.add(id);
      return health;
    } catch (error) {
      lastError = error;
    }
  }
  logger.debug('no broker answered', { error: lastError });
  return downEverywhere(expected, ['no_broker_reachable']);
}

export interface WatchHealthOptions {
  /** Return at the first healthy report. */
  exitWhenHealthy: boolean;
  /** Report every change until the timeout (or forever). */
  watch: boolean;
  /** Give up after this long (undefined: never). */
  timeoutMs?: number;
  intervalMs?: number;
  /** Called with the first report and every report that differs from the previous one. */
  onChange?: (health: ClusterHealth) => void;
  signal?: AbortSignal;
  logger?: Logger;
}

export interface WatchHealthResult {
  health: ClusterHealth;
  /** True when the loop ended because the timeout passed. */
  timedOut: boolean;
}

/** Polls until healthy (exitWhenHealthy), the timeout, or the signal; one check without either flag. */
export async function watchHealth(target: HealthTarget, o: WatchHealthOptions): Promise<WatchHealthResult> {
  const interval = o.intervalMs ?? 1000;
  const deadline = o.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + o.timeoutMs;
  const memory: HealthMemory = { seenBrokers: new Set() };
  let last = '';
  for (;;) {
    const health = await checkHealth(target, memory, o.logger);
    const key = JSON.stringify(health);
    if (key !== last) o.onChange?.(health);
    last = key;
    if (!o.exitWhenHealthy && !o.watch) return { health, timedOut: false };
    if (o.exitWhenHealthy && health.healthy) return { health, timedOut: false };
    if (o.signal?.aborted) return { health, timedOut: false };
    const wait = Math.min(interval, deadline - Date.now());
    if (wait <= 0) return { health, timedOut: true };
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, wait);
      o.signal?.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      }, { once: true });
    });
  }
}

/** Validates --timeout. */
export function checkTimeout(ms: number | undefined): void {
  if (ms !== undefined && (!Number.isInteger(ms) || ms < 0)) throw new StreamctlError('USAGE', `--timeout must be a non-negative number of milliseconds, got ${ms}.`);
}
