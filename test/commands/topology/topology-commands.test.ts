import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatStormList } from '../../../src/engine/runtime/topology-formatters.js';
import { copyTopologyFixtures, Harness, REPO_ROOT, submitBody } from '../../engine/runtime/fixtures/cluster-harness.js';
import { waitFor } from '../../helpers/wait-for.js';

// Commands run through oclif as a user would: node bin/run.js topology ...
describe('topology commands', () => {
  const h = new Harness();
  let fixtures: string;
  const run = (args: string[]) => execa('node', [join(REPO_ROOT, 'bin/run.js'), 'topology', ...args, '--nimbus-url', h.nimbusUrl, '--dir', h.dir], { reject: false, cwd: h.dir });

  beforeAll(async () => {
    fixtures = copyTopologyFixtures();
    await h.startNimbus();
    await h.startSupervisor('supervisor-1', 4);
  });
  afterAll(async () => {
    await h.close();
    rmSync(fixtures, { recursive: true, force: true });
  });

  it('prints "No topologies running." on an empty cluster', async () => {
    const r = await run(['list']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('No topologies running.');
  });

  it('prints the exact storm list table', async () => {
    const sub = await h.post('/internal/v1/submit', submitBody('wordcount', { conf: { 'topology.workers': 2 }, owner: 'alice' }));
    const id = sub.body.topologyId as string;
    await waitFor('assigned', async () => ((await h.get(`/api/v1/topology/${id}`)).workersTotal === 2 ? true : undefined));
    const r = await run(['list']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Topology_name        Status     Num_tasks  Num_workers  Uptime_secs  Topology_Id          Owner               ');
    expect(lines[1]).toBe('-'.repeat(88));
    expect(lines[2]).toMatch(new RegExp(`^wordcount {12}ACTIVE {5}7 {10}2 {12}\\d+ +${id} +alice {15}$`));
    expect(lines).toHaveLength(3);
  });

  it('returns the topologies as JSON with --json', async () => {
    const r = await run(['list', '--json']);
    const parsed = JSON.parse(r.stdout) as { topologies: Array<{ name: string; tasksTotal: number; workersTotal: number }> };
    expect(parsed.topologies.find((t) => t.name === 'wordcount')).toMatchObject({ tasksTotal: 7, workersTotal: 2 });
  });

  it('deactivates and activates by name with Storm’s messages', async () => {
    const off = await run(['deactivate', 'wordcount']);
    expect(off.stdout).toBe('Deactivated topology: wordcount');
    expect((await run(['list'])).stdout).toMatch(/wordcount +INACTIVE/);
    const on = await run(['activate', 'wordcount']);
    expect(on.stdout).toBe('Activated topology: wordcount');
  });

  it('fails a rebalance asking for more executors than tasks as a runtime error (nimbus refuses it: exit 1)', async () => {
    const r = await run(['rebalance', 'wordcount', '-w', '0', '-e', 'count=9']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Error: Component count has 4 task\(s\); it cannot run 9 executors/);
  });

  it('rebalances executors and describe shows them with the tasks unchanged', async () => {
    const r = await run(['rebalance', 'wordcount', '-w', '0', '-e', 'count=4']);
    expect(r.stdout).toBe('Topology wordcount is rebalancing');
    const d = await waitFor('rebalanced', async () => {
      const x = await run(['describe', 'wordcount', '--json']);
      const j = JSON.parse(x.stdout);
      return j.status === 'ACTIVE' && j.bolts[0].executors === 4 ? j : undefined;
    });
    expect(d.tasksTotal).toBe(7);
    const text = await run(['describe', 'wordcount']);
    expect(text.stdout).toMatch(/^Topology: wordcount \(wordcount-\d+-\d+\)/);
    expect(text.stdout).toMatch(/\ncount +4 +4 /);
  });

  it('lists components when monitor gets no -m, as storm monitor', async () => {
    const r = await run(['monitor', 'wordcount']);
    expect(r.stdout.split('\n')).toEqual(['Available components for wordcount :', '------------------', 'words', 'count', '------------------', 'Please use -m to specify one component']);
  });

  it('prints a monitor line per interval with the emitted delta', async () => {
    const r = await run(['monitor', 'wordcount', '-m', 'words', '-i', '1', '--count', '2']);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('topology\tcomponent\tparallelism\tstream\ttime-diff ms\temitted\tthroughput (Kt/s)');
    expect(lines[1]).toMatch(/^wordcount\twords\t1\tdefault\t0\t\d+\t0\.0$/);
    expect(lines[2]).toMatch(/^wordcount\twords\t1\tdefault\t\d{3,4}\t\d+\t[\d.]+$/);
  });

  it('prints the worker logs of a topology', async () => {
    const r = await run(['logs', 'wordcount']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/fake worker started on port/);
  });

  it('reports an unknown topology as not found', async () => {
    const r = await run(['kill', 'nope']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Error: Topology 'nope' not found/);
  });

  it('refuses to submit a file that does not compile (a runtime failure: exit 1)', async () => {
    const r = await run(['submit', join(fixtures, 'broken.ts')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/does not compile:\n.*broken\.ts:3:\d+/);
  });

  it('kills with a wait and the topology disappears from the list', async () => {
    const r = await run(['kill', 'wordcount', '-w', '6']);
    expect(r.stdout).toBe('Killed topology: wordcount');
    const during = await h.get<{ topologies: Array<{ name: string; status: string }> }>('/api/v1/topology/summary');
    expect(during.topologies.find((t) => t.name === 'wordcount')?.status).toBe('KILLED');
    await waitFor('removed', async () => ((await run(['list'])).stdout === 'No topologies running.' ? true : undefined));
  });

  it('says where nimbus was looked for when it is not running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamctl-nonimbus-'));
    const r = await execa('node', [join(REPO_ROOT, 'bin/run.js'), 'topology', 'list', '--nimbus-url', 'http://127.0.0.1:1'], { reject: false, cwd: dir });
    rmSync(dir, { recursive: true, force: true });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Cannot reach nimbus at http:\/\/127\.0\.0\.1:1/);
  });
});

describe('formatStormList', () => {
  it('pads every column as Java’s %-Ns and keeps long values whole', () => {
    const text = formatStormList([
      { id: 'a-very-long-topology-name-1-1700000000', name: 'a-very-long-topology-name', status: 'ACTIVE', owner: 'bob', uptime: '', uptimeSeconds: 5, tasksTotal: 3, workersTotal: 1, executorsTotal: 3, replicationCount: 1, assignmentVersion: 1, pendingAction: null },
    ]);
    expect(text.split('\n')[2]).toBe('a-very-long-topology-name ACTIVE     3          1            5            a-very-long-topology-name-1-1700000000 bob                 ');
  });
});
