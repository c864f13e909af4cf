// Issue 14's stateful path as a new user runs it: `topology init --template stateful-count`,
// submit on a local cluster, then kill -9 the worker, kill -9 the supervisor and
// `cluster stop` / `cluster start`: after each, new sentences are counted on top of the
// counts checkpointed in the cluster's own compacted topic, so every word's count equals its
// number of occurrences (none lost, none counted twice: each kill happens after the last
// inputs' checkpoint and offset commit). `topology describe` shows the state provider and
// the last checkpoint per task. The windowed-count template runs beside it: its window shows
// in describe and its words are counted per window.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreeBasePort } from '../../../src/engine/cluster/ports.js';
import { AdminClient } from '../../../src/engine/client/admin-client.js';
import { TopologyClient } from '../../../src/engine/runtime/topology-client.js';
import { describeTopologyState } from '../../../src/engine/runtime/topology-state-view.js';
import { REPO_ROOT } from '../../engine/runtime/fixtures/cluster-harness.js';
import { waitFor } from '../../helpers/wait-for.js';

interface Describe {
  workers: Array<{ pid: number | null; alive: boolean }>;
  bolts: Array<{ boltId: string; windowing?: string | null; stateful?: boolean }>;
  state: { stateProvider: string | null; bolts: Array<{ bolt: string; checkpoints: Array<{ task: number; txid: number | null; time: string | null }> }> };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('stateful-count template on a local cluster', () => {
  const root = mkdtempSync(join(tmpdir(), 'streamctl-sc-'));
  const dir = join(root, 'cluster');
  let base = 0;
  const cli = (args: string[]) =>
    execa('node', [join(REPO_ROOT, 'bin/run.js'), ...args, ...(args[0] === 'topology' && args[1] === 'init' ? [] : ['--dir', dir])], { reject: false, cwd: root });
  const bootstrap = () => `127.0.0.1:${base}`;
  const startCluster = async () => {
    const r = await cli(['cluster', 'start', '--base-port', String(base), '--brokers', '1']);
    expect(r.exitCode, r.stderr).toBe(0);
  };

  beforeAll(async () => {
    base = await findFreeBasePort({ brokers: 1, supervisors: 1, slotsPerSupervisor: 4 });
    await startCluster();
  }, 120_000);
  afterAll(async () => {
    await cli(['cluster', 'stop']);
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  // In-process (the CLI's own engine calls), so polling does not start a node process each time.
  const describeSc = async (): Promise<Describe> => {
    const detail = await TopologyClient.fromCluster({ dir }).describe('sc');
    return { ...detail, state: await describeTopologyState(detail) } as Describe;
  };
  const counts = async (topic: string) => {
    const out = await execa('kcat', ['-b', bootstrap(), '-t', topic, '-C', '-e', '-q', '-f', '%k=%s\\n'], { reject: false });
    const c: Record<string, number> = {};
    for (const line of out.stdout.split('\n').filter(Boolean)) {
      const [k, v] = line.split('=');
      c[k!] = Math.max(c[k!] ?? 0, Number(v));
    }
    return c;
  };
  const committed = async () => {
    const d = await describeSc();
    const txids = d.state.bolts.find((b) => b.bolt === 'count')?.checkpoints.map((c) => c.txid ?? -1) ?? [];
    return txids.length === 2 ? Math.min(...txids) : -1;
  };
  const expected: Record<string, number> = {};
  /** Produce sentences, wait for the exact counts, then for 3 more checkpoints (acks and offset commits done). */
  const phase = async (label: string, sentences: string[], settle = true) => {
    await execa('kcat', ['-b', bootstrap(), '-t', 'sentences', '-P'], { input: sentences.join('\n') + '\n' });
    for (const s of sentences) for (const w of s.split(' ')) expected[w] = (expected[w] ?? 0) + 1;
    const want = JSON.stringify(expected, Object.keys(expected).sort());
    let seen: Record<string, number> = {};
    await waitFor(`${label}: counts`, async () => {
      seen = await counts('word-counts');
      return JSON.stringify(seen, Object.keys(expected).sort()) === want;
    }, 60_000, 250).catch((error: Error) => {
      throw new Error(`${error.message}; expected ${want}, got ${JSON.stringify(seen)}`);
    });
    if (!settle) return;
    const tx = await committed();
    await waitFor(`${label}: checkpoints after the counts`, async () => (await committed()) >= tx + 3, 30_000, 250);
  };
  const liveWorkerPid = async () => {
    const w = (await describeSc()).workers.find((x) => x.alive && x.pid !== null);
    return w?.pid ?? undefined;
  };

  it('keeps every count across kill -9 of the worker, kill -9 of the supervisor and cluster stop/start', async () => {
    const admin = AdminClient.open({ bootstrapServers: [bootstrap()] });
    try {
      for (const topic of ['sentences', 'word-counts', 'window-counts']) await admin.createTopic({ topic, partitions: 2 });
    } finally {
      await admin.close();
    }
    for (const template of ['stateful-count', 'windowed-count']) {
      const init = await cli(['topology', 'init', join(root, template), '--template', template]);
      expect(init.exitCode, init.stderr).toBe(0);
    }
    // Both templates run side by side; the windowed one is checked at the end.
    for (const [template, name] of [['stateful-count', 'sc'], ['windowed-count', 'wnd']]) {
      const submit = await cli(['topology', 'submit', join(root, template!, 'topology.ts'), '--name', name!]);
      expect(submit.exitCode, submit.stderr).toBe(0);
    }

    await phase('first sentences', ['the cat and the hat', 'the dog ate the hat', 'zebra zebra zebra']);

    const worker = (await waitFor('the worker', liveWorkerPid, 30_000))!;
    process.kill(worker, 'SIGKILL');
    await phase('after kill -9 of the worker', ['the cat sat', 'a hat on a cat']);
    const worker2 = (await waitFor('a new worker', liveWorkerPid, 30_000))!;
    expect(worker2).not.toBe(worker);

    const supervisorPid = () => (JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as { supervisors: Array<{ pid: number }> }).supervisors[0]!.pid;
    const supervisor = supervisorPid();
    process.kill(supervisor, 'SIGKILL');
    await waitFor('the supervisor restarted', () => supervisorPid() !== supervisor && isAlive(supervisorPid()), 30_000);
    await phase('after kill -9 of the supervisor', ['the end of the dog']);

    const stop = await cli(['cluster', 'stop']);
    expect(stop.exitCode, stop.stderr).toBe(0);
    await startCluster();
    await phase('after cluster stop and start', ['the cat and the dog and the hat'], false);
    expect(expected.the).toBe(10);

    const text = (await cli(['topology', 'describe', 'sc'])).stdout;
    expect(text).toContain('State: TopicKeyValueStateProvider, checkpoint every 1000 ms');
    expect(text).toMatch(/count +- +stateful +task \d+: txid \d+ at \d{4}-/);
    const d = await describeSc();
    expect(d.state.stateProvider).toBe('TopicKeyValueStateProvider');
    expect(d.bolts.find((b) => b.boltId === 'count')).toMatchObject({ stateful: true, windowing: null });

    // The windowed-count template: its window in describe, and the three zebras in one window.
    expect((await cli(['topology', 'describe', 'wnd'])).stdout).toMatch(/window +sliding 10 s every 2 s +- +-/);
    await waitFor('a window with the three zebras', async () => (await counts('window-counts')).zebra === 3, 30_000, 250);
  }, 240_000);

});
