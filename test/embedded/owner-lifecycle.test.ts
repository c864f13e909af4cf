// An embedded cluster's owner dies or many start at once: the owner fixture
// (fixtures/owner.mjs, running dist/) stands in for a test runner.
// - SIGKILL of the owner (no hook can run): every child, workers included, exits within about
//   a second (their lifeline), and the reaper removes the directory and the port lease.
// - A runner's forked worker owns the cluster and outlives the SIGKILLed runner: the cluster
//   goes with the runner all the same (its IPC channel closes; the lifeline names both).
// - Eight owners starting clusters at the same time: no port clash, each works.
// - `cluster start --ephemeral`: prints the address (or --json description), serves, and
//   SIGTERM stops it with exit 0 and removes its directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { processesUnder } from '../../src/engine/cluster/ephemeral-cleanup.js';
import { PORT_LOCK_DIR } from '../../src/engine/cluster/port-lock.js';
import { waitFor } from '../helpers/wait-for.js';

const OWNER = fileURLToPath(new URL('./fixtures/owner.mjs', import.meta.url));
const RUNNER = fileURLToPath(new URL('./fixtures/runner.mjs', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

interface Started {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

function run(args: string[]): Started {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then((code) => {
    if (code !== 0 && err) lines.push(`stderr: ${err}`);
  });
  return { child, lines, exited };
}

async function firstJson(s: Started, timeoutMs = 60_000): Promise<{ dir: string; bootstrap: string; basePort: number }> {
  const line = await waitFor('the owner to print its cluster', () => s.lines.find((l) => l.startsWith('{"dir"')) ?? (s.child.exitCode !== null ? Promise.reject(new Error(s.lines.join('\n'))) : undefined), timeoutMs);
  return JSON.parse(line) as { dir: string; bootstrap: string; basePort: number };
}

describe('embedded cluster owners', () => {
  it('SIGKILL of the owner: children (workers too) exit within a second, the dir and lease go', async () => {
    const owner = run([OWNER, JSON.stringify({ storm: true }), 'wordcount']);
    try {
      const { dir, basePort } = await firstJson(owner, 90_000);
      await waitFor('the topology to run', () => owner.lines.includes('running') || (owner.child.exitCode !== null ? Promise.reject(new Error(owner.lines.join('\n'))) : false), 120_000);
      const before = processesUnder(dir);
      // controller, broker, nimbus, supervisor and the word count's two workers
      expect(before.length).toBeGreaterThanOrEqual(6);
      owner.child.kill('SIGKILL');
      const killedAt = Date.now();
      await waitFor('every child to exit', () => processesUnder(dir).length === 0, 10_000, 20);
      const tookMs = Date.now() - killedAt;
      expect(tookMs).toBeLessThan(2_000); // about 200 ms to notice + at most 500 ms to stop, with slack for a loaded machine
      await waitFor('the reaper to remove the dir and the lease', () => !existsSync(dir) && !existsSync(`${PORT_LOCK_DIR}/${basePort}`), 15_000, 50);
    } finally {
      owner.child.kill('SIGKILL');
    }
  }, 240_000);

  it('SIGKILL of a test runner whose forked worker owns the cluster and lives on: the cluster goes', async () => {
    const runner = run([RUNNER, JSON.stringify({ storm: false })]);
    let worker: number | undefined;
    try {
      const { dir } = await firstJson(runner, 60_000);
      worker = (JSON.parse(runner.lines.find((l) => l.startsWith('{"worker"'))!) as { worker: number }).worker;
      expect(processesUnder(dir).length).toBe(2); // controller and broker
      runner.child.kill('SIGKILL');
      const killedAt = Date.now();
      await waitFor('every child to exit', () => processesUnder(dir).length === 0, 10_000, 20);
      expect(Date.now() - killedAt).toBeLessThan(2_000);
      await waitFor('the dir to be removed', () => !existsSync(dir), 15_000, 50);
    } finally {
      runner.child.kill('SIGKILL');
      if (worker) {
        try {
          process.kill(worker, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
  }, 120_000);

  it('eight owners start clusters in parallel without a port clash', async () => {
    const owners = Array.from({ length: 8 }, () => run([OWNER, JSON.stringify({ brokers: 1 }), 'selftest']));
    try {
      const codes = await Promise.all(owners.map((o) => o.exited));
      expect(codes, owners.map((o) => o.lines.join('\n')).join('\n---\n')).toEqual(Array(8).fill(0));
      const started = owners.map((o) => JSON.parse(o.lines.find((l) => l.startsWith('{'))!) as { dir: string; basePort: number });
      expect(new Set(started.map((s) => s.basePort)).size).toBe(8);
      expect(owners.every((o) => o.lines.includes('ok'))).toBe(true);
      for (const s of started) expect(existsSync(s.dir)).toBe(false);
    } finally {
      for (const o of owners) o.child.kill('SIGKILL');
    }
  }, 300_000);

  it('cluster start --ephemeral prints its description, serves, and SIGTERM removes it', async () => {
    const cli = run([BIN, 'cluster', 'start', '--ephemeral', '--no-storm', '--brokers', '2', '--json']);
    try {
      await waitFor('the JSON description', () => cli.lines.join('\n').trim().endsWith('}') || (cli.child.exitCode !== null ? Promise.reject(new Error(cli.lines.join('\n'))) : false), 60_000);
      const description = JSON.parse(cli.lines.join('\n')) as { dir: string; bootstrapServers: string; ephemeral: boolean; brokers: unknown[]; nimbus: unknown };
      expect(description.ephemeral).toBe(true);
      expect(description.brokers).toHaveLength(2);
      expect(description.nimbus).toBeNull();
      const topics = run([BIN, 'topics', 'create', '--topic', 'x', '--partitions', '2', '--bootstrap-server', description.bootstrapServers]);
      expect(await topics.exited, topics.lines.join('\n')).toBe(0);
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
      expect(processesUnder(description.dir)).toEqual([]);
      expect(existsSync(description.dir)).toBe(false);
    } finally {
      cli.child.kill('SIGKILL');
    }
  }, 120_000);

  it('cluster start --ephemeral prints the bootstrap servers as its first line', async () => {
    const cli = run([BIN, 'cluster', 'start', '--ephemeral', '--no-storm']);
    try {
      const line = await waitFor('the bootstrap line', () => cli.lines[0] ?? (cli.child.exitCode !== null ? Promise.reject(new Error(cli.lines.join('\n'))) : undefined), 60_000);
      expect(line).toMatch(/^127\.0\.0\.1:\d+$/);
      cli.child.kill('SIGINT');
      expect(await cli.exited).toBe(0);
    } finally {
      cli.child.kill('SIGKILL');
    }
  }, 120_000);
});
