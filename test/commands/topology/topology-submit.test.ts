import { execa } from 'execa';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleTopology, readBundleSpec } from '../../../src/engine/runtime/bundler.js';
import { copyTopologyFixtures, Harness, REPO_ROOT } from '../../engine/runtime/fixtures/cluster-harness.js';
import { waitFor } from '../../helpers/wait-for.js';

// submit and init through bin/run.js, with the real worker (dist/engine/runtime/worker-main.js).
describe('topology submit and init', () => {
  const h = new Harness();
  let fixtures: string;
  const cli = (args: string[]) => execa('node', [join(REPO_ROOT, 'bin/run.js'), 'topology', ...args], { reject: false, cwd: h.dir });
  const run = (args: string[]) => cli([...args, '--nimbus-url', h.nimbusUrl, '--dir', h.dir]);

  beforeAll(async () => {
    fixtures = copyTopologyFixtures();
    await h.startNimbus();
    await h.startSupervisor('supervisor-1', 4, { workerMain: join(REPO_ROOT, 'dist/engine/runtime/worker-main.js') });
  });
  afterAll(async () => {
    await h.close();
    rmSync(fixtures, { recursive: true, force: true });
  });

  it('submits a topology file importing streamctl, waits for its workers, and it processes tuples', async () => {
    const r = await run(['submit', join(fixtures, 'words.ts'), '--name', 'words', '-c', 'topology.message.timeout.secs=10']);
    expect(r.stderr).not.toMatch(/^Error:/m);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Submitted topology: words \(words-\d+-\d+\) ACTIVE, 1 worker\(s\), 6 task\(s\)$/);
    const d = await waitFor('tuples acked', async () => {
      const x = JSON.parse((await run(['describe', 'words', '--json'])).stdout);
      return x.spouts[0].acked > 0 && x.bolts[0].executed > 0 ? x : undefined;
    });
    expect(d.msgTimeout).toBe(10);
    expect(d.spouts[0]).toMatchObject({ spoutId: 'words', executors: 1, tasks: 1, failed: 0 });
  });

  it('refuses a second topology with a taken name and leaves the first running', async () => {
    const r = await run(['submit', join(fixtures, 'words.ts'), '--name', 'words']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Error: Topology with name 'words' already exists on cluster/);
    expect((await run(['list'])).stdout).toMatch(/\nwords +ACTIVE/);
  });

  it('refuses a topology whose grouping names an unknown component (a runtime failure: exit 1)', async () => {
    const r = await run(['submit', join(fixtures, 'bad-grouping.ts')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/unknown component 'nope'/);
  });

  it('deactivates, then kills with a wait and the workers go away', async () => {
    expect((await run(['deactivate', 'words'])).exitCode).toBe(0);
    const before = JSON.parse((await run(['describe', 'words', '--json'])).stdout);
    const pid = before.workers[0].pid as number;
    expect((await run(['kill', 'words', '-w', '1'])).stdout).toBe('Killed topology: words');
    // Removed after the 1 s wait (nimbus ticks every 250 ms; slower under a loaded machine).
    await waitFor('topology removed', async () => (await run(['list'])).stdout === 'No topologies running.' || undefined);
    await waitFor('worker gone', () => {
      try {
        process.kill(pid, 0);
        return undefined;
      } catch {
        return true;
      }
    });
  });

  it('scaffolds the word-count template into a project that bundles without npm install', async () => {
    const dir = join(h.dir, 'wc');
    const r = await cli(['init', dir]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/Created .*wc from template word-count: README\.md, package\.json, topology\.ts, tsconfig\.json/);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.dependencies.streamctl).toBe(`file:${REPO_ROOT}`);
    const spec = await readBundleSpec((await bundleTopology(join(dir, 'topology.ts'))).code);
    expect(spec.components.map((c) => [c.id, c.kind, c.numTasks])).toEqual([
      ['count', 'bolt', 4],
      ['kafka-out', 'bolt', 1],
      ['sentences', 'spout', 1],
      ['split', 'bolt', 2],
    ]);
    expect(spec.components.find((c) => c.id === 'count')!.inputs[0]!.grouping).toEqual({ type: 'fields', fields: ['word'] });
    expect(spec.config['topology.workers']).toBe(2);
    const again = await cli(['init', dir]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/exists and is not empty/);
  });
});
