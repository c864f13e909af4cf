// Test helper: starts a real local cluster (the same engine call `streamctl cluster start`
// uses: startCluster, detached daemon) in a temp dir on a free port range, and always cleans
// up: stop() stops the cluster gracefully, then SIGKILLs anything still alive (daemon and
// every child) and removes the dir. Build first (`npm run build`): processes run from dist/.
//
//   const cluster = await startTestCluster({ brokers: 3 });
//   afterAll(() => cluster.stop());
//   new Kafka({ brokers: cluster.bootstrap.split(',') })
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DaemonTimings, ProcessMains } from '../../src/engine/cluster/cluster-daemon.js';
import { startCluster, stopCluster } from '../../src/engine/cluster/local-cluster.js';
import { leaseBasePort } from '../../src/engine/cluster/port-lock.js';
import { nimbusTokenPath, readNimbusToken } from '../../src/engine/common/nimbus-token.js';
import type { ClusterFile } from '../../src/engine/cluster/process-configs.js';

export interface TestClusterOptions {
  /** Default 1. */
  brokers?: number;
  /** Default 0; nimbus and supervisors start when > 0 (or when storm is true). */
  supervisors?: number;
  storm?: boolean;
  slots?: number;
  /** Kafka-style settings for controller and brokers, e.g. { 'num.partitions': '3' }. */
  settings?: Record<string, string>;
  /** Replace process entry points (fixtures). */
  mains?: Partial<ProcessMains>;
  timings?: Partial<DaemonTimings>;
  /** Nimbus serves read-only GET /api/v1/... without the token (`cluster start --ui-open`). */
  uiOpen?: boolean;
  /** Called with the (empty, new) cluster dir before the cluster starts in it. */
  prepareDir?: (dir: string) => void;
  /** Where the cluster dir is made (default the OS temp dir), e.g. a small tmpfs. */
  parentDir?: string;
}

export interface TestCluster {
  dir: string;
  /** "127.0.0.1:p1,127.0.0.1:p2" ("" without brokers). */
  bootstrap: string;
  /** "http://127.0.0.1:p" or null without Storm. */
  nimbusUrl: string | null;
  /** The bearer token nimbus requires (from <dir>/nimbus.token), or undefined without Storm. */
  nimbusToken: string | undefined;
  basePort: number;
  clusterFile: ClusterFile;
  /** Re-reads cluster.json (pids change after restarts). */
  readClusterFile(): ClusterFile;
  stop(): Promise<void>;
}

/** Every pid cluster.json names (daemon and children). */
function recordedPids(dir: string): number[] {
  let file: ClusterFile;
  try {
    file = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as ClusterFile;
  } catch {
    return [];
  }
  const pids = [file.daemon.pid, file.controller.pid, ...file.brokers.map((b) => b.pid), file.nimbus?.pid ?? null, ...file.supervisors.map((s) => s.pid)];
  return pids.filter((p): p is number => typeof p === 'number' && p > 0);
}

/** Pids of the topology workers the supervisors recorded (workers can outlive a killed supervisor). */
function workerPids(dir: string): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((d) => d.startsWith('supervisor-'));
  } catch {
    return pids;
  }
  for (const s of entries) {
    let workers: string[];
    try {
      workers = readdirSync(join(dir, s, 'workers'));
    } catch {
      continue;
    }
    for (const w of workers) {
      try {
        pids.push(Number(readFileSync(join(dir, s, 'workers', w, 'worker.pid'), 'utf8')));
      } catch {
        // no running process recorded
      }
    }
  }
  return pids.filter((p) => p > 0);
}

/** SIGKILLs every pid that still runs with a config file of this cluster dir (pid-reuse safe). */
function killEverything(dir: string, pids: number[]): void {
  for (const pid of new Set(pids)) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) continue;
    } catch {
      continue; // gone (or no /proc: nothing we can check safely)
    }
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const brokers = options.brokers ?? 1;
  const supervisors = options.supervisors ?? 0;
  const storm = options.storm ?? supervisors > 0;
  const slots = options.slots ?? 2;
  const lease = await leaseBasePort({ brokers, supervisors, slotsPerSupervisor: slots });
  const basePort = lease.basePort;
  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'streamctl-cluster-'));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // Collect pids first: a graceful stop rewrites cluster.json without them.
    const pids = [...recordedPids(dir), ...workerPids(dir)];
    try {
      await stopCluster(dir, { timeoutMs: 20_000 });
    } catch {
      // fall through to the hard kill
    } finally {
      killEverything(dir, [...pids, ...recordedPids(dir)]);
      lease.release();
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    options.prepareDir?.(dir);
    const { cluster } = await startCluster({
      dir,
      brokers,
      supervisors,
      slots,
      storm,
      basePort,
      settings: options.settings ?? {},
      ...(options.uiOpen ? { uiOpen: true } : {}),
      mains: options.mains,
      timings: { initialBackoffMs: 200, maxBackoffMs: 2000, stopTimeoutMs: 5000, ...options.timings },
    });
    return {
      dir,
      bootstrap: cluster.bootstrapServers ?? '',
      nimbusUrl: cluster.nimbusUrl ?? null,
      nimbusToken: readNimbusToken(nimbusTokenPath(dir)),
      basePort,
      clusterFile: cluster,
      readClusterFile: () => JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as ClusterFile,
      stop,
    };
  } catch (error) {
    const logs = logTails(dir);
    await stop();
    if (error instanceof Error && logs) error.message += `\n--- process output ---\n${logs}`;
    throw error;
  }
}

/** Last lines of every .out/.log file of a cluster dir, to explain a failed start. */
function logTails(dir: string): string {
  try {
    const logs = join(dir, 'logs');
    return readdirSync(logs)
      .map((f) => {
        const lines = readFileSync(join(logs, f), 'utf8').trim().split('\n').slice(-8).join('\n');
        return lines ? `[${f}]\n${lines}` : '';
      })
      .filter(Boolean)
      .join('\n');
  } catch {
    return '';
  }
}
