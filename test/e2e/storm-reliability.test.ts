// Issue 5's "How we will know" checks for guaranteed processing, topology control and error
// handling, tried as a user would: one real local cluster (nimbus, 2 supervisors, worker
// processes from dist/), topologies from test/e2e/fixtures submitted with `topology submit`
// through bin/run.js, faults injected with kill -9. Fixture components write what they see
// to files (appendFileSync, so a killed worker loses nothing it recorded), which is what
// the assertions read, next to nimbus's REST API. Build first (`npm run build`).
import { execa } from 'execa';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nimbusAuthHeaders } from '../../src/engine/common/nimbus-token.js';
import { TopologyClient } from '../../src/engine/runtime/topology-client.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/wait-for.js';

const here = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = join(here, '..', '..');
const FIXTURES = join(here, 'fixtures');

/** Numbers, one per line, of every file in `dir` whose name starts with `prefix`. */
function readNumbers(dir: string, prefix: string): number[] {
  if (!existsSync(dir)) return [];
  const out: number[] = [];
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(prefix)) continue;
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (/^\d+$/.test(line)) out.push(Number(line));
    }
  }
  return out;
}

function countById(ids: number[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1);
  return m;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface WorkerRow {
  workerId: string;
  port: number;
  pid: number | null;
  alive: boolean;
  assignmentVersion: number | null;
  executors: Array<{ component: string; startTask: number; endTask: number }>;
}

interface ComponentRow {
  spoutId?: string;
  boltId?: string;
  executors: number;
  tasks: number;
  emitted: number;
  acked: number;
  failed: number;
  executed?: number;
  lastError: string;
}

interface Detail {
  id: string;
  name: string;
  status: string;
  assignmentVersion: number;
  tasksTotal: number;
  spouts: ComponentRow[];
  bolts: ComponentRow[];
  workers: WorkerRow[];
}

describe('Storm guarantees and control on a real local cluster', () => {
  const root = mkdtempSync(join(tmpdir(), 'streamctl-e2e-'));
  let cluster: TestCluster;
  let client: TopologyClient;
  const pulseDir = join(root, 'pulse');

  const cli = (args: string[]) => execa('node', [join(REPO_ROOT, 'bin/run.js'), 'topology', ...args, '--dir', cluster.dir], { reject: false, cwd: root });
  const rest = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${cluster.nimbusUrl}${path}`, { headers: nimbusAuthHeaders(cluster.nimbusToken) });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const topologies = async () => (await rest<{ topologies: Array<{ id: string; name: string; status: string }> }>('/api/v1/topology/summary')).topologies;
  const idOf = async (name: string) => {
    const t = (await topologies()).find((x) => x.name === name);
    if (!t) throw new Error(`topology ${name} is not listed`);
    return t.id;
  };
  const detail = async (name: string) => rest<Detail>(`/api/v1/topology/${encodeURIComponent(await idOf(name))}`);
  const workers = async (id: string) => (await rest<{ hostPortList: WorkerRow[] }>(`/api/v1/topology-workers/${encodeURIComponent(id)}`)).hostPortList;
  /** Kills with no wait and waits until nimbus has removed it (frees slots and CPU for the next test). */
  const killNow = async (name: string) => {
    await client.kill(name, 0);
    await waitFor(`${name} removed`, async () => !(await topologies()).some((t) => t.name === name));
  };
  /** Timestamps the pulse spout wrote from nextTuple. */
  const pulseTicks = () => readNumbers(pulseDir, 'next-tuple-');
  const lastPulse = () => Math.max(0, ...pulseTicks());

  /** The pulse topology runs untouched: same id, ACTIVE, same worker pids, nextTuple still called. */
  const expectPulseUndisturbed = async (before: { id: string; pids: number[] }) => {
    const since = Date.now();
    await waitFor('pulse nextTuple after the failed command', () => lastPulse() > since);
    const d = await detail('pulse');
    expect(d.id).toBe(before.id);
    expect(d.status).toBe('ACTIVE');
    expect(d.workers.map((w) => w.pid)).toEqual(before.pids);
  };
  const pulseState = async () => {
    const d = await waitFor('pulse workers heartbeating', async () => {
      const x = await detail('pulse');
      return x.workers.length > 0 && x.workers.every((w) => w.alive && w.pid !== null) ? x : undefined;
    });
    return { id: d.id, pids: d.workers.map((w) => w.pid!) };
  };

  /** Waits until the numbered spout has seen every id acked; on timeout says what is missing. */
  const waitForAllAcked = async (dir: string, n: number) => {
    try {
      await waitFor('every id acked at the spout', () => new Set(readNumbers(dir, 'spout-acked-')).size === n, 60_000, 250);
    } catch (error) {
      const acked = new Set(readNumbers(dir, 'spout-acked-'));
      const sink = new Set(readNumbers(dir, 'sink-'));
      const notAcked = Array.from({ length: n }, (_, i) => i).filter((i) => !acked.has(i));
      throw new Error(
        `${(error as Error).message}: ${notAcked.length} ids never acked (first: ${notAcked.slice(0, 10).join(', ')}; ` +
          `${notAcked.filter((i) => !sink.has(i)).length} of them never reached the sink); spout fail() calls: ${readNumbers(dir, 'spout-failed-').length}`,
        { cause: error },
      );
    }
  };

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 0, supervisors: 2, slots: 2, storm: true });
    client = TopologyClient.fromCluster({ dir: cluster.dir });
    // The bystander: runs through every test until the last one kills it.
    const r = await cli(['submit', join(FIXTURES, 'pulse.ts'), '--name', 'pulse', '-c', `e2e.dir=${pulseDir}`, '-c', 'topology.message.timeout.secs=3']);
    expect(r.exitCode, r.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('with acking, processes every input at least once through 1 % random bolt failures and a worker killed with kill -9, replaying failed tuples', async () => {
    const dir = join(root, 'alo');
    const N = 3000;
    const r = await cli([
      'submit',
      join(FIXTURES, 'numbered.ts'),
      '--name',
      'alo',
      '-c',
      `e2e.dir=${dir}`,
      '-c',
      `e2e.count=${N}`,
      '-c',
      'e2e.rate=600',
      '-c',
      'e2e.hold.ms=100',
      '-c',
      'topology.message.timeout.secs=3',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Submitted topology: alo \(alo-\d+-\d+\) ACTIVE, 2 worker\(s\)/);
    const id = await idOf('alo');

    // Mid-stream: a fifth of the ids are through; kill -9 the worker that does not run the spout.
    const seenAtKill = await waitFor('a fifth of the ids in the sink', () => {
      const n = new Set(readNumbers(dir, 'sink-')).size;
      return n >= N / 5 ? n : undefined;
    });
    const before = await workers(id);
    expect(before).toHaveLength(2);
    const victim = before.find((w) => !w.executors.some((e) => e.component === 'numbers'))!;
    expect(victim.pid).toBeGreaterThan(0);
    expect(readFileSync(`/proc/${victim.pid}/cmdline`, 'utf8')).toContain('worker-main');
    process.kill(victim.pid!, 'SIGKILL');
    expect(seenAtKill).toBeLessThan(N);

    // The supervisor restarts it: same worker id (no reassignment), a new pid, heartbeating.
    const restarted = await waitFor('the killed worker restarted by its supervisor', async () => {
      const w = (await workers(id)).find((x) => x.workerId === victim.workerId);
      return w && w.alive && w.pid !== null && w.pid !== victim.pid ? w : undefined;
    });
    expect(isAlive(victim.pid!)).toBe(false);
    expect(isAlive(restarted.pid!)).toBe(true);

    // Every id fully processed (its tuple tree acked at the spout) and seen by the sink at least once.
    await waitForAllAcked(dir, N);
    const sink = countById(readNumbers(dir, 'sink-'));
    const missing = Array.from({ length: N }, (_, i) => i).filter((i) => !sink.has(i));
    expect(missing).toEqual([]);
    expect([...sink.keys()].every((k) => k >= 0 && k < N)).toBe(true);

    // Failed tuples went back to the spout and were replayed: every id the flaky bolt failed
    // reached the spout's fail() and later the sink.
    const flakyFailed = new Set(readNumbers(dir, 'flaky-failed-'));
    const spoutFailed = new Set(readNumbers(dir, 'spout-failed-'));
    expect(flakyFailed.size).toBeGreaterThan(0);
    for (const f of flakyFailed) expect(spoutFailed.has(f), `id ${f} failed in the bolt but the spout's fail() was not called`).toBe(true);
    // Tuples held by the killed worker were lost: their trees timed out and were replayed too.
    const timedOut = [...spoutFailed].filter((f) => !flakyFailed.has(f));
    expect(timedOut.length).toBeGreaterThan(0);
    // The spout ran in the surviving worker, so it opened exactly once.
    expect(readFileSync(join(dir, 'spout-opened.log'), 'utf8').trim().split('\n')).toHaveLength(1);
    // Nimbus's metrics show the failures.
    const d = await waitFor('spout failures in nimbus metrics', async () => {
      const x = await detail('alo');
      return x.spouts[0]!.failed >= flakyFailed.size && x.spouts[0]!.acked > 0 ? x : undefined;
    });
    expect(d.spouts[0]!.failed).toBeGreaterThan(0);
    await killNow('alo');
  }, 150_000);

  it('with acking, restarts a spout worker killed with kill -9 and every input is still processed at least once', async () => {
    const dir = join(root, 'alo-spout');
    const N = 2000;
    const r = await cli(['submit', join(FIXTURES, 'numbered.ts'), '--name', 'alo-spout', '-c', `e2e.dir=${dir}`, '-c', `e2e.count=${N}`, '-c', 'e2e.rate=500', '-c', 'topology.message.timeout.secs=3']);
    expect(r.exitCode, r.stderr).toBe(0);
    const id = await idOf('alo-spout');
    await waitFor('a quarter of the ids acked', () => new Set(readNumbers(dir, 'spout-acked-')).size >= N / 4);
    const victim = (await workers(id)).find((w) => w.executors.some((e) => e.component === 'numbers'))!;
    expect(readFileSync(`/proc/${victim.pid}/cmdline`, 'utf8')).toContain('worker-main');
    process.kill(victim.pid!, 'SIGKILL');
    const ackedAtKill = new Set(readNumbers(dir, 'spout-acked-')).size;
    expect(ackedAtKill).toBeLessThan(N);

    const restarted = await waitFor('the spout worker restarted by its supervisor', async () => {
      const w = (await workers(id)).find((x) => x.workerId === victim.workerId);
      return w && w.alive && w.pid !== null && w.pid !== victim.pid ? w : undefined;
    });
    await waitForAllAcked(dir, N);
    const sink = countById(readNumbers(dir, 'sink-'));
    expect(Array.from({ length: N }, (_, i) => i).filter((i) => !sink.has(i))).toEqual([]);
    // The new spout task opened in the new process and resumed from the ids acked before the kill.
    const opened = readFileSync(join(dir, 'spout-opened.log'), 'utf8').trim().split('\n').map((l) => l.split(' '));
    expect(opened.map((o) => Number(o[0]))).toEqual([victim.pid, restarted.pid]);
    expect(Number(opened[1]![2]!.replace('acked=', ''))).toBeGreaterThanOrEqual(ackedAtKill);
    await killNow('alo-spout');
  }, 120_000);

  it('with topology.acker.executors=0, processes each input at most once: no replays, inputs the bolt failed stay missing', async () => {
    const dir = join(root, 'amo');
    const N = 2000;
    const r = await cli([
      'submit',
      join(FIXTURES, 'numbered.ts'),
      '--name',
      'amo',
      '-c',
      `e2e.dir=${dir}`,
      '-c',
      `e2e.count=${N}`,
      '-c',
      'e2e.rate=1000',
      '-c',
      'topology.acker.executors=0',
      '-c',
      'topology.message.timeout.secs=3',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);

    // Without replays, every id ends either in the sink or failed by the flaky bolt.
    await waitFor('every id in the sink or failed', () => readNumbers(dir, 'sink-').length + readNumbers(dir, 'flaky-failed-').length >= N, 60_000, 250);
    const sink = countById(readNumbers(dir, 'sink-'));
    const flakyFailed = readNumbers(dir, 'flaky-failed-');
    expect([...sink.entries()].filter(([, n]) => n > 1)).toEqual([]);
    expect(flakyFailed.length).toBeGreaterThan(0);
    const missing = Array.from({ length: N }, (_, i) => i).filter((i) => !sink.has(i));
    expect(missing).toEqual([...new Set(flakyFailed)].sort((a, b) => a - b));

    // The spout's ack came at emit, for failed ids too; fail() was never called.
    expect(new Set(readNumbers(dir, 'spout-acked-')).size).toBe(N);
    expect(readNumbers(dir, 'spout-failed-')).toEqual([]);
    const d = await waitFor('all spout acks in nimbus metrics', async () => {
      const x = await detail('amo');
      return x.spouts[0]!.acked >= N ? x : undefined;
    });
    expect(d.spouts[0]).toMatchObject({ acked: N, failed: 0 });
    expect(d.workers.flatMap((w) => w.executors).some((e) => e.component === '__acker')).toBe(false);
    await killNow('amo');
  }, 120_000);

  it('a bolt that throws on every tuple: the error shows in describe and the REST component errors, and the worker dies and is restarted with backoff', async () => {
    const before = await pulseState();
    const r = await cli(['submit', join(FIXTURES, 'thrower.ts'), '--name', 'thrower', '-c', 'topology.message.timeout.secs=3']);
    expect(r.exitCode, r.stderr).toBe(0);
    const id = await idOf('thrower');
    const first = await waitFor('the bolt error in nimbus', async () => {
      const x = await detail('thrower');
      return x.bolts[0]!.lastError && x.workers[0]?.pid ? x : undefined;
    });
    expect(first.bolts[0]!.lastError).toMatch(/e2e-boom: cannot handle \d+/);
    const component = await rest<{ componentErrors: Array<{ error: string; errorPort: number }> }>(`/api/v1/topology/${id}/component/thrower`);
    expect(component.componentErrors.length).toBeGreaterThan(0);
    expect(component.componentErrors[0]!.error).toMatch(/Error: e2e-boom: cannot handle \d+/);
    expect(component.componentErrors[0]!.errorPort).toBe(first.workers[0]!.port);
    const text = await cli(['describe', 'thrower']);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/e2e-boom: cannot handle \d+/);
    const json = JSON.parse((await cli(['describe', 'thrower', '--json'])).stdout) as Detail;
    expect(json.bolts[0]!.lastError).toMatch(/e2e-boom/);

    // Storm: the uncaught exception kills the worker; its supervisor restarts it (new pid).
    const workerId = first.workers[0]!.workerId;
    const firstPid = first.workers[0]!.pid!;
    await waitFor('the worker restarted with a new pid', async () => {
      const w = (await workers(id)).find((x) => x.workerId === workerId);
      return w?.pid && w.pid !== firstPid ? w : undefined;
    });
    // CPU stays bounded: restarts back off (250 ms doubling per crash, Storm-like) instead of
    // a tight loop: every restart waits longer than the one before.
    const deaths = () =>
      readdirSync(join(cluster.dir, 'logs'))
        .filter((f) => /^supervisor-\d+\.log$/.test(f))
        .flatMap((f) => readFileSync(join(cluster.dir, 'logs', f), 'utf8').split('\n'))
        .filter((l) => l.includes('"worker died"') && l.includes(workerId))
        .map((l) => JSON.parse(l) as { time?: string; ts?: string; restartInMs: number; exitCode: number });
    try {
      const seen = await waitFor('four deaths of the crash-looping worker', () => (deaths().length >= 4 ? deaths() : undefined), 60_000, 250);
      expect(seen.every((d) => d.exitCode === 11)).toBe(true);
      const delays = seen.map((d) => d.restartInMs);
      // Each restart waits at least as long as the one before (up to the supervisor's cap), and longer overall.
      for (let i = 1; i < delays.length; i++) expect(delays[i]!).toBeGreaterThanOrEqual(delays[i - 1]!);
      expect(delays.at(-1)!, delays.join(', ')).toBeGreaterThan(delays[0]!);
      expect((await detail('thrower')).status).toBe('ACTIVE');
      await expectPulseUndisturbed(before);
    } finally {
      await killNow('thrower');
    }
  }, 90_000);

  it('refuses a topology file that does not compile with the compiler message and leaves running topologies alone', async () => {
    const before = await pulseState();
    const file = join(root, 'broken.ts');
    copyFileSync(join(FIXTURES, 'broken.ts.txt'), file);
    const r = await cli(['submit', file]);
    expect(r.exitCode).toBe(1); // a runtime failure: only usage errors exit 2
    expect(r.stderr).toMatch(/Topology file .*broken\.ts does not compile:\n\s+.*broken\.ts:4:\d+: /);
    expect((await topologies()).map((t) => t.name)).toEqual(['pulse']);
    await expectPulseUndisturbed(before);
  }, 60_000);

  it('refuses a topology whose grouping names an unknown component and leaves running topologies alone', async () => {
    const before = await pulseState();
    const r = await cli(['submit', join(FIXTURES, 'bad-grouping.ts')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/unknown component 'no-such-spout'/);
    expect((await topologies()).map((t) => t.name)).toEqual(['pulse']);
    await expectPulseUndisturbed(before);
  }, 60_000);

  it('refuses a name that is taken and leaves the topology of that name running', async () => {
    const before = await pulseState();
    const r = await cli(['submit', join(FIXTURES, 'pulse.ts'), '--name', 'pulse', '-c', `e2e.dir=${join(root, 'pulse-2')}`]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Error: Topology with name 'pulse' already exists on cluster/);
    expect((await topologies()).map((t) => t.name)).toEqual(['pulse']);
    expect(existsSync(join(root, 'pulse-2'))).toBe(false);
    await expectPulseUndisturbed(before);
  }, 60_000);

  it('deactivate stops the spout’s nextTuple within a second and activate resumes it within a second', async () => {
    // The engine calls `topology deactivate/activate` make (their CLI wording is covered by
    // test/commands/topology/topology-commands.test.ts), so the clock starts when nimbus has
    // applied the change rather than after a CLI process start-up.
    await waitFor('pulse running', () => lastPulse() > Date.now() - 500);
    await client.deactivate('pulse');
    const deactivatedAt = Date.now();
    // Quiet for at least 1.5 s after the call, and the last call came within 1 s of it.
    await waitFor('1.5 s after deactivate', () => Date.now() - deactivatedAt >= 1500, 5_000, 50);
    const lastWhileActive = lastPulse();
    expect(lastWhileActive - deactivatedAt).toBeLessThan(1000);
    await waitFor('another 0.5 s', () => Date.now() - deactivatedAt >= 2000, 5_000, 50);
    expect(lastPulse()).toBe(lastWhileActive);
    expect((await detail('pulse')).status).toBe('INACTIVE');

    const activateCalled = Date.now();
    await client.activate('pulse');
    const resumed = await waitFor('nextTuple again', () => pulseTicks().find((t) => t >= activateCalled), 5_000, 50);
    expect(resumed - activateCalled).toBeLessThan(1000);
    const lifecycle = readFileSync(join(pulseDir, readdirSync(pulseDir).find((f) => f.startsWith('lifecycle-'))!), 'utf8').trim().split('\n');
    expect(lifecycle.map((l) => l.split(' ')[1])).toEqual(['activate', 'deactivate', 'activate']);
  }, 60_000);

  it('rebalance -e count=2 changes the executors while the tasks stay fixed, and describe --json shows it', async () => {
    const before = await detail('pulse');
    expect(before.bolts[0]).toMatchObject({ boltId: 'count', executors: 4, tasks: 4 });
    const r = await cli(['rebalance', 'pulse', '-w', '0', '-e', 'count=2']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('Topology pulse is rebalancing');
    // The real worker is replaced by one running the new executors.
    const after = await waitFor('rebalanced and running', async () => {
      const x = await detail('pulse');
      const ok = x.status === 'ACTIVE' && x.assignmentVersion > before.assignmentVersion && x.workers.every((w) => w.alive && w.assignmentVersion === x.assignmentVersion);
      return ok ? x : undefined;
    }, 30_000);
    const counts = after.workers.flatMap((w) => w.executors).filter((e) => e.component === 'count');
    expect(counts).toHaveLength(2);
    expect(counts.map((e) => [e.startTask, e.endTask])).toEqual([
      [counts[0]!.startTask, counts[0]!.startTask + 1],
      [counts[0]!.startTask + 2, counts[0]!.startTask + 3],
    ]);
    const json = JSON.parse((await cli(['describe', 'pulse', '--json'])).stdout) as Detail;
    expect(json.bolts[0]).toMatchObject({ boltId: 'count', executors: 2, tasks: 4 });
    expect(json.tasksTotal).toBe(before.tasksTotal);
    const since = Date.now();
    await waitFor('the rebalanced spout runs', () => lastPulse() > since);
  }, 90_000);

  it('kill -w 5 stops the spouts, keeps the topology KILLED for about 5 s, then removes it and its workers', async () => {
    const d = await detail('pulse');
    const pids = d.workers.map((w) => w.pid!);
    const called = Date.now();
    const r = await cli(['kill', 'pulse', '-w', '5']);
    const returned = Date.now();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('Killed topology: pulse');
    expect((await topologies()).find((t) => t.name === 'pulse')?.status).toBe('KILLED');
    // Spouts deactivated at once (the worker follows nimbus's status).
    await waitFor('pulse quiet', () => Date.now() - lastPulse() >= 1000, 10_000);
    expect(lastPulse() - returned).toBeLessThan(1000);
    const removedAt = await waitFor('pulse removed', async () => (!(await topologies()).some((t) => t.name === 'pulse') ? Date.now() : undefined), 30_000, 100);
    expect(removedAt - called).toBeGreaterThanOrEqual(5000);
    expect(removedAt - returned).toBeLessThan(5000 + 4000);
    expect((await cli(['list'])).stdout).toBe('No topologies running.');
    await waitFor('pulse workers gone', () => pids.every((p) => !isAlive(p)), 15_000);
  }, 60_000);
});
