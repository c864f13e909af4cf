// Issue 15's Storm resilience checks on a real local cluster (nimbus and one supervisor
// with two slots, worker processes from dist/): a supervisor killed with -9 and restarted
// by the cluster daemon adopts its running workers instead of restarting them, and a bolt
// that allocates without bound is stopped at its worker's memory limit, restarted and
// reported in `topology describe`, and a Python ShellSpout deactivated during a slow `next`
// is not killed by its heartbeat timer. Topologies are submitted with `topology submit`
// through bin/run.js. Build first (`npm run build`).
import { execa } from 'execa';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TopologyClient } from '../../src/engine/runtime/topology-client.js';
import { nimbusAuthHeaders } from '../../src/engine/common/nimbus-token.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/wait-for.js';

const here = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = join(here, '..', '..');
const FIXTURES = join(here, 'fixtures');
const MULTILANG = join(here, '..', 'engine', 'topology', 'fixtures', 'multilang', 'resources');

const SLOW_SPOUT_TOPOLOGY = `
import { ShellSpout, TopologyBuilder } from 'streamctl';
const builder = new TopologyBuilder();
builder.setSpout('slow', () => new ShellSpout('python3', 'slow_spout.py').setDefaultStream(['x']), 1);
export default builder.createTopology({ 'topology.workers': 1 });
`;

interface WorkerRow {
  workerId: string;
  pid: number | null;
  alive: boolean;
  lastHeartbeatMsAgo: number | null;
}

interface Detail {
  id: string;
  status: string;
  bolts: Array<{ boltId: string; lastError: string }>;
  workers: WorkerRow[];
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Storm resilience on a real local cluster', () => {
  const root = mkdtempSync(join(tmpdir(), 'streamctl-e2e-resilience-'));
  let cluster: TestCluster;
  let client: TopologyClient;

  const cli = (args: string[]) => execa('node', [join(REPO_ROOT, 'bin/run.js'), 'topology', ...args, '--dir', cluster.dir], { reject: false, cwd: root });
  const rest = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${cluster.nimbusUrl}${path}`, { headers: nimbusAuthHeaders(cluster.nimbusToken) });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const topologies = async () => (await rest<{ topologies: Array<{ id: string; name: string }> }>('/api/v1/topology/summary')).topologies;
  const detail = async (name: string) => {
    const t = (await topologies()).find((x) => x.name === name);
    if (!t) throw new Error(`topology ${name} is not listed`);
    return rest<Detail>(`/api/v1/topology/${encodeURIComponent(t.id)}`);
  };
  const killNow = async (name: string) => {
    await client.kill(name, 0);
    await waitFor(`${name} removed`, async () => !(await topologies()).some((t) => t.name === name));
  };
  const supervisorLog = () => readFileSync(join(cluster.dir, 'logs', 'supervisor-1.log'), 'utf8');
  const supervisorPid = () => cluster.readClusterFile().supervisors[0]!.pid;
  const liveWorker = async (name: string) => {
    const d = await detail(name);
    const w = d.workers[0];
    return w && w.alive && w.pid !== null ? w : undefined;
  };

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 0, supervisors: 1, slots: 2, storm: true });
    client = new TopologyClient({ nimbusUrl: cluster.nimbusUrl!, token: cluster.nimbusToken });
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('a supervisor killed with -9 and restarted adopts its running worker: same pid, heartbeats keep flowing, and it still restarts the worker when it dies', async () => {
    const r = await cli(['submit', join(FIXTURES, 'pulse.ts'), '--name', 'pulse', '-c', `e2e.dir=${join(root, 'pulse')}`]);
    expect(r.exitCode, r.stderr).toBe(0);
    const worker = await waitFor('the pulse worker up', () => liveWorker('pulse'), 30_000);
    const oldSupervisor = supervisorPid()!;
    const starts = () => supervisorLog().split('\n').filter((l) => l.includes('"worker started"')).length;
    const startsBefore = starts();

    process.kill(oldSupervisor, 'SIGKILL');
    await waitFor('the daemon restarts the supervisor', () => {
      const pid = supervisorPid();
      return pid && pid !== oldSupervisor && isAlive(pid) ? pid : undefined;
    }, 30_000);
    await waitFor('the new supervisor adopts the worker', () => supervisorLog().includes('adopted running worker') || undefined, 20_000);
    const adoptedAt = Date.now();
    // Heartbeats from the adopted worker keep flowing to nimbus: sampled for 3 s, always the
    // same pid, alive, with a recent heartbeat.
    const samples: Array<WorkerRow | undefined> = [];
    await waitFor('3 s of heartbeats after the adoption', async () => {
      samples.push((await detail('pulse')).workers[0]);
      return Date.now() - adoptedAt >= 3_000;
    }, 20_000, 250);
    expect(samples.length).toBeGreaterThan(5);
    for (const w of samples) {
      expect(w).toMatchObject({ pid: worker.pid, alive: true });
      expect(w!.lastHeartbeatMsAgo!).toBeLessThan(2_000);
    }
    expect(isAlive(worker.pid!)).toBe(true);
    expect(starts()).toBe(startsBefore);

    // The new supervisor watches the adopted worker: killed with -9, it is restarted.
    process.kill(worker.pid!, 'SIGKILL');
    const replaced = await waitFor('the adopted worker restarted after kill -9', async () => {
      const w = await liveWorker('pulse');
      return w && w.pid !== worker.pid ? w : undefined;
    }, 20_000);
    expect(isAlive(replaced.pid!)).toBe(true);
    await killNow('pulse');
    await waitFor('the worker stopped with its topology', () => !isAlive(replaced.pid!), 15_000);
  }, 120_000);

  it('a Python ShellSpout deactivated during a slow next is not killed after the subprocess timeout: same worker, no restart', async () => {
    const project = join(root, 'slow-shell');
    const logDir = join(root, 'slow-shell-log');
    mkdirSync(join(project, 'resources'), { recursive: true });
    mkdirSync(logDir, { recursive: true });
    writeFileSync(join(project, 'topology.ts'), SLOW_SPOUT_TOPOLOGY);
    for (const f of ['slow_spout.py', 'storm.py']) copyFileSync(join(MULTILANG, f), join(project, 'resources', f));
    const r = await cli(['submit', join(project, 'topology.ts'), '--name', 'slowshell', '-c', `test.commands.log=${join(logDir, 'commands.log')}`, '-c', 'topology.subprocess.timeout.secs=2']);
    expect(r.exitCode, r.stderr).toBe(0);
    const commands = () => (existsSync(join(logDir, 'commands.log')) ? readFileSync(join(logDir, 'commands.log'), 'utf8') : '');
    const worker = await waitFor('the spout in a next', async () => (commands().includes('next-start') ? liveWorker('slowshell') : undefined), 30_000);
    await client.deactivate('slowshell');
    await waitFor('the child got deactivate after its next', () => /next-end\ndeactivate\n/.test(commands()) || undefined, 10_000);
    const deactivatedAt = Date.now();
    // Absence over time: twice the 2 s subprocess timeout with no command in flight.
    const samples: Array<WorkerRow | undefined> = [];
    await waitFor('4 s after the deactivate', async () => {
      samples.push(await liveWorker('slowshell'));
      return Date.now() - deactivatedAt >= 4_000;
    }, 20_000, 250);
    for (const w of samples) expect(w?.pid).toBe(worker.pid);
    expect(isAlive(worker.pid!)).toBe(true);
    expect(supervisorLog().split('\n').filter((l) => l.includes('"worker died"') && l.includes(worker.workerId))).toEqual([]);
    expect((await detail('slowshell')).status).toBe('INACTIVE');
    await killNow('slowshell');
  }, 120_000);

  it('a bolt whose Buffers grow without bound is killed at its worker memory limit, restarted, and the error shows in describe', async () => {
    // worker.heap.memory.mb 64 and a 96 MB overage: the hard RSS limit is max(64 × 2, 64 + 96) = 160 MB.
    const r = await cli([
      'submit',
      join(FIXTURES, 'hog.ts'),
      '--name',
      'hog',
      '-c',
      'e2e.hog.kind=buffer',
      '-c',
      'worker.heap.memory.mb=64',
      '-c',
      'storm.supervisor.hard.memory.limit.overage.mb=96',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const first = await waitFor('the hog worker up', () => liveWorker('hog'), 30_000);
    expect(readFileSync(`/proc/${first.pid}/cmdline`, 'utf8').split('\0')).toContain('--max-old-space-size=64');
    const d = await waitFor('the memory error in nimbus', async () => {
      const x = await detail('hog');
      return /over its limit of 160 MB/.test(x.bolts[0]!.lastError) ? x : undefined;
    }, 60_000);
    expect(d.bolts[0]!.lastError).toMatch(/used \d+ MB of memory \(RSS\), over its limit of 160 MB \(worker.heap.memory.mb 64/);
    await waitFor('a new worker process', async () => {
      const w = await liveWorker('hog');
      return w && w.pid !== first.pid ? w : undefined;
    }, 30_000);
    expect(isAlive(first.pid!)).toBe(false);
    const json = JSON.parse((await cli(['describe', 'hog', '--json'])).stdout) as Detail;
    expect(json.bolts[0]!.lastError).toMatch(/over its limit of 160 MB/);
    expect(supervisorLog()).toMatch(/worker over its memory limit; killing it/);
    await killNow('hog');
  }, 120_000);

  it('a bolt whose JavaScript heap grows without bound stops at --max-old-space-size, is restarted, and the error shows in describe', async () => {
    const r = await cli(['submit', join(FIXTURES, 'hog.ts'), '--name', 'heaphog', '-c', 'e2e.hog.kind=heap', '-c', 'worker.heap.memory.mb=64']);
    expect(r.exitCode, r.stderr).toBe(0);
    const first = await waitFor('the heaphog worker up', () => liveWorker('heaphog'), 30_000);
    const d = await waitFor('the out-of-heap error in nimbus', async () => {
      const x = await detail('heaphog');
      return /ran out of JavaScript heap/.test(x.bolts[0]!.lastError) ? x : undefined;
    }, 60_000);
    expect(d.bolts[0]!.lastError).toMatch(/ran out of JavaScript heap \(worker.heap.memory.mb 64, --max-old-space-size=64\)/);
    await waitFor('a new worker process', async () => {
      const w = await liveWorker('heaphog');
      return w && w.pid !== first.pid ? w : undefined;
    }, 30_000);
    await killNow('heaphog');
  }, 120_000);
});
