// Long-running Kafka commands stopped with Ctrl-C: a group console consumer commits what it
// printed and leaves its group at once; `lag --watch` keeps printing until interrupted.
import { execa, type ResultPromise } from 'execa';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { streamctl } from './kafka-cli-helpers.js';
import { waitFor } from '../helpers/wait-for.js';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

async function until(what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  await waitFor(what, fn, timeoutMs);
}

describe('interrupting long-running Kafka commands', () => {
  let cluster: TestCluster;
  const b = () => ['--bootstrap-server', cluster.bootstrap];
  const children: ResultPromise[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
    await streamctl(['topics', 'create', '--topic', 'ticks', '--partitions', '2', ...b()]);
    const lines = Array.from({ length: 20 }, (_, i) => `tick-${i}`).join('\n');
    await streamctl(['produce', '--topic', 'ticks', ...b()], { input: `${lines}\n` });
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await cluster?.stop();
  });

  it('a group consumer stopped with SIGINT commits what it printed and leaves the group at once', async () => {
    const child = execa('node', [BIN, 'consume', '--topic', 'ticks', '--group', 'ctrl-c', '--from-beginning', ...b()], {
      reject: false,
      env: { NODE_NO_WARNINGS: '1' },
    });
    children.push(child);
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    await until('all 20 records printed', () => out.split('\n').filter((l) => l.startsWith('tick-')).length === 20);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(String(result.stderr)).toContain('Processed a total of 20 messages');

    // Left cleanly: the group is Empty right away (not after a session timeout), nothing lags.
    const state = await streamctl(['groups', 'describe', '--group', 'ctrl-c', '--state', '--json', ...b()]);
    expect(JSON.stringify(JSON.parse(state.stdout))).toContain('"Empty"');
    const lag = await streamctl(['lag', '--group', 'ctrl-c', '--json', ...b()]);
    expect(JSON.parse(lag.stdout).groups[0].totalLag).toBe('0');
  });

  it('lag --watch prints a fresh view every interval until interrupted', async () => {
    const child = execa('node', [BIN, 'lag', '--group', 'ctrl-c', '--watch', '--interval', '1', ...b()], {
      reject: false,
      env: { NODE_NO_WARNINGS: '1' },
    });
    children.push(child);
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    await until('three lag views', () => (out.match(/ctrl-c/g) ?? []).length >= 3);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(0);
  });
});
