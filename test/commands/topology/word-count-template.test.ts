import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreeBasePort } from '../../../src/engine/cluster/ports.js';
import { REPO_ROOT } from '../../engine/runtime/fixtures/cluster-harness.js';
import { waitFor } from '../../helpers/wait-for.js';

// The new-user path of the issue: cluster start → topology init → submit → counts in Kafka.
describe('word-count template on a local cluster', () => {
  const root = mkdtempSync(join(tmpdir(), 'streamctl-wc-'));
  const dir = join(root, 'cluster');
  let base = 0;
  const cli = (args: string[], input?: string) =>
    execa('node', [join(REPO_ROOT, 'bin/run.js'), ...args, ...(args[0] === 'topology' && args[1] === 'init' ? [] : ['--dir', dir])], {
      reject: false,
      cwd: root,
      ...(input !== undefined ? { input } : {}),
    });

  beforeAll(async () => {
    // Below the kernel's ephemeral range, so no client connection can hold one of them.
    base = await findFreeBasePort({ brokers: 1, supervisors: 1, slotsPerSupervisor: 4 });
    const r = await cli(['cluster', 'start', '--base-port', String(base), '--brokers', '1']);
    expect(r.exitCode, r.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await cli(['cluster', 'stop']);
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('counts words from one topic into another with 4 count tasks in 2 workers', async () => {
    const bootstrap = `127.0.0.1:${base}`;
    for (const topic of ['sentences', 'word-counts']) {
      const t = await execa('kcat', ['-b', bootstrap, '-L', '-t', topic], { reject: false });
      if (!t.stdout.includes(`topic "${topic}" with 2 partitions`)) {
        const c = await cli(['topics', 'create', '--topic', topic, '--partitions', '2', '--bootstrap-server', bootstrap]);
        expect(c.exitCode, c.stderr).toBe(0);
      }
    }
    expect((await cli(['topology', 'init', join(root, 'wc')])).exitCode).toBe(0);
    const submit = await cli(['topology', 'submit', join(root, 'wc', 'topology.ts'), '--name', 'wc']);
    expect(submit.exitCode, submit.stderr).toBe(0);
    expect(submit.stdout).toMatch(/ACTIVE, 2 worker\(s\), 10 task\(s\)/);
    const list = await cli(['topology', 'list']);
    expect(list.stdout).toMatch(/\nwc +ACTIVE +10 +2 +/);

    await execa('kcat', ['-b', bootstrap, '-t', 'sentences', '-P'], { input: 'the cat and the hat\nthe dog ate the hat\n' });
    const expected = { the: 4, cat: 1, and: 1, hat: 2, dog: 1, ate: 1 };
    const latest = await waitFor(
      'word counts',
      async () => {
        const out = await execa('kcat', ['-b', bootstrap, '-t', 'word-counts', '-C', '-e', '-q', '-f', '%k=%s\\n'], { reject: false });
        const counts: Record<string, number> = {};
        for (const line of out.stdout.split('\n').filter(Boolean)) {
          const [k, v] = line.split('=');
          counts[k!] = Math.max(counts[k!] ?? 0, Number(v));
        }
        return JSON.stringify(counts, Object.keys(expected).sort()) === JSON.stringify(expected, Object.keys(expected).sort()) ? counts : undefined;
      },
      60_000,
    );
    expect(latest).toEqual(expected);
    const describe = JSON.parse((await cli(['topology', 'describe', 'wc', '--json'])).stdout);
    expect(describe.bolts.find((b: { boltId: string }) => b.boltId === 'count')).toMatchObject({ executors: 4, tasks: 4 });
    expect(new Set(describe.workers.map((w: { port: number }) => w.port)).size).toBe(2);
    expect(describe.spouts[0].acked).toBe(2);
  }, 180_000);
});
