// Long-running Kafka commands stopped with Ctrl-C, SIGTERM or a closed stdout: a group console
// consumer commits what it printed and leaves its group at once; `lag --watch` keeps printing
// until interrupted; `consume | head -1` ends; produce sends what it read and exits 0.
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

  /** A group console consumer of `ticks`, once it has printed all 20 records. */
  async function groupConsumerThatPrintedAll(group: string): Promise<{ child: ResultPromise }> {
    const child = execa('node', [BIN, 'consume', '--topic', 'ticks', '--group', group, '--from-beginning', ...b()], {
      reject: false,
      env: { NODE_NO_WARNINGS: '1' },
    });
    children.push(child);
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    await until('all 20 records printed', () => out.split('\n').filter((l) => l.startsWith('tick-')).length === 20);
    return { child }; // wrapped: returning the ResultPromise itself would await the process
  }

  it('a group consumer stopped with SIGINT commits what it printed and leaves the group at once', async () => {
    const { child } = await groupConsumerThatPrintedAll('ctrl-c');
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
    // The trend column: one sparkline point per sample so far.
    expect(out).toMatch(/TIME-LAG +TREND/);
    expect(out).toMatch(/ctrl-c +\(total\) +\d+ +[▁-█]{2,}/);
  });

  it('a group consumer stopped with the first SIGTERM exits 0, commits and leaves the group', async () => {
    const { child } = await groupConsumerThatPrintedAll('term');
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    const members = await streamctl(['groups', 'describe', '--group', 'term', '--members', '--json', ...b()]);
    expect(JSON.stringify(JSON.parse(members.stdout))).not.toContain('console-consumer');
    const lag = await streamctl(['lag', '--group', 'term', '--json', ...b()]);
    expect(JSON.parse(lag.stdout).groups[0].totalLag).toBe('0');
  });

  it('consume piped into head -1 ends once head has its line, even when no further record arrives', async () => {
    await streamctl(['topics', 'create', '--topic', 'five', '--partitions', '1', ...b()]);
    const produced = await streamctl(['produce', '--topic', 'five', ...b()], { input: 'r1\nr2\nr3\nr4\nr5\n' });
    expect(produced.stderr).toBe('');
    // All five records fit in the pipe before head exits: only noticing the reader left ends it.
    const result = await execa('bash', ['-c', `node ${BIN} consume --topic five --from-beginning --bootstrap-server ${cluster.bootstrap} | head -1`], {
      reject: false,
      timeout: 30_000,
      env: { NODE_NO_WARNINGS: '1' },
    });
    expect(result.timedOut).toBe(false);
    expect(String(result.stdout)).toBe('r1');
  });

  it('produce stopped with SIGTERM while stdin is still open sends what it read and exits 0', async () => {
    await streamctl(['topics', 'create', '--topic', 'term-produce', '--partitions', '1', ...b()]);
    const child = execa('node', [BIN, 'produce', '--topic', 'term-produce', ...b()], { reject: false, env: { NODE_NO_WARNINGS: '1' } });
    children.push(child);
    child.stdin!.write('a\nb\n');
    await until('both records are on the broker', async () => {
      const c = await streamctl(['consume', '--topic', 'term-produce', '--from-beginning', '--max-messages', '2', '--timeout-ms', '1000', ...b()]);
      return c.stdout === 'a\nb\n';
    });
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(0);
  });
});
