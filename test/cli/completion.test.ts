// Shell completion in a real bash against a running cluster: the generated script, sourced,
// completes topic and group names from the cluster, offers no flag (and no `--`) after a flag
// that takes a value, and stays silent without a cluster. (The script's per-TAB bound is
// raised here: node starts slowly on a loaded test machine.) Also --version/-v/version, -h, and
// the suggestion for a mistyped command. Runs the built CLI (`npm run build` first).
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { streamctl } from '../commands/kafka-cli-helpers.js';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

/** Runs the bash completion function for `words` (the last is the word being completed). */
async function bashComplete(words: string[], dir: string): Promise<string[]> {
  const quoted = [BIN, ...words].map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `source <('${BIN}' completion bash) && COMP_WORDS=(${quoted}) && COMP_CWORD=${words.length} && _streamctl && printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = await execa('bash', ['-c', script], { reject: false, env: { STREAMCTL_DIR: dir, NODE_NO_WARNINGS: '1', STREAMCTL_COMPLETE_TIMEOUT: '60' }, timeout: 30_000 });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return String(r.stdout)
    .split('\n')
    .filter((l) => l !== '');
}

describe('completion against a running cluster', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
    const d = ['--dir', cluster.dir];
    for (const topic of ['orders', 'order-events', 'payments']) {
      expect((await streamctl(['topics', 'create', '--topic', topic, ...d])).exitCode).toBe(0);
    }
    await streamctl(['produce', '--topic', 'orders', ...d], { input: 'x\n' });
    const consumed = await streamctl(['consume', '--topic', 'orders', '--group', 'billing', '--from-beginning', '--max-messages', '1', ...d]);
    expect(consumed.exitCode, consumed.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('completes --topic with the topic names of the cluster', async () => {
    expect(await bashComplete(['consume', '--topic', ''], cluster.dir)).toEqual(['order-events', 'orders', 'payments']);
    expect(await bashComplete(['consume', '--topic', 'ord'], cluster.dir)).toEqual(['order-events', 'orders']);
  }, 60_000);

  it('completes --group with the consumer groups of the cluster', async () => {
    expect(await bashComplete(['groups', 'describe', '--group', ''], cluster.dir)).toEqual(['billing']);
  }, 60_000);

  it('completes commands and flags, and offers nothing after a flag whose value it cannot list', async () => {
    expect(await bashComplete(['top'], cluster.dir)).toEqual(['topics', 'topology']);
    expect(await bashComplete(['topics', 'list', '--exc'], cluster.dir)).toEqual(['--exclude-internal']);
    expect(await bashComplete(['consume', '--bootstrap-server', ''], cluster.dir)).toEqual([]);
  }, 60_000);

  it('broker ids come from the cluster', async () => {
    expect(await bashComplete(['cluster', 'broker', 'kill', ''], cluster.dir)).toEqual(['1']);
  }, 60_000);

  it('is silent when there is no cluster', async () => {
    expect(await bashComplete(['consume', '--topic', ''], '/nonexistent/streamctl')).toEqual([]);
  }, 60_000);
});

describe('version, help and mistyped commands', () => {
  it('--version, -v and version print the version line', async () => {
    for (const argv of [['--version'], ['-v'], ['version']]) {
      const r = await streamctl(argv);
      expect(r.exitCode, argv.join(' ')).toBe(0);
      expect(r.stdout, argv.join(' ')).toMatch(/^streamctl\/\d+\.\d+\.\d+ /);
    }
  });

  it('-h prints the help', async () => {
    const r = await streamctl(['topics', 'list', '-h']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('USAGE');
  });

  it('a mistyped command suggests the nearest one and exits 2', async () => {
    const r = await streamctl(['topic', 'list']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Did you mean "topics list"?');
    const r2 = await streamctl(['consme']);
    expect(r2.exitCode).toBe(2);
    expect(r2.stderr).toContain('Did you mean "consume"?');
  });
});
