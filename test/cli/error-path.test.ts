// The one error path of the CLI: every command, given bad input, fails with a clear message,
// the right exit code (2 usage, 1 runtime) and never a stack trace. Runs the built CLI
// (`npm run build` first); starts no cluster.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type CliResult, streamctl } from '../commands/kafka-cli-helpers.js';

interface ManifestCommand {
  args: Record<string, { required?: boolean }>;
  flags: Record<string, { required?: boolean; type: string; options?: string[]; multiple?: boolean }>;
}
const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../../oclif.manifest.json', import.meta.url)), 'utf8')) as {
  commands: Record<string, ManifestCommand>;
};
const commands = Object.keys(manifest.commands).sort();

/** Runs `fn` over `items`, `limit` at a time (each run is a node process). */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!);
      }
    }),
  );
  return results;
}

/** A command line for `id` with every required argument and flag filled with a plausible value. */
function minimalArgv(id: string): string[] {
  const c = manifest.commands[id]!;
  const argv = id.split(':');
  for (const arg of Object.values(c.args)) if (arg.required) argv.push('1');
  for (const [name, flag] of Object.entries(c.flags)) {
    if (!flag.required) continue;
    argv.push(`--${name}`, flag.options?.[0] ?? '1');
  }
  return [...argv, ...(EXTRA[id] ?? [])];
}

/** Flags some commands need besides the required ones to get past their own checks. */
const EXTRA: Record<string, string[]> = {
  'configs:alter': ['--topic', 'x', '--add-config', 'retention.ms=1'],
  'configs:describe': ['--topic', 'x'],
  'groups:delete': ['--group', 'g'],
  'groups:describe': ['--group', 'g'],
  'groups:reset-offsets': ['--group', 'g', '--all-topics', '--to-earliest', '--dry-run'],
  'leader-election': ['--all-topic-partitions'],
  'reassign-partitions': ['--list'],
  'transactions:find-hanging': ['--broker-id', '1'],
  'perf:produce': ['--record-size', '1'],
};

/**
 * Commands that do not act on a cluster (start makes one; init, export, completion and version need
 * none; __complete asks one only while completing a name, and silently).
 */
const CLUSTERLESS = new Set(['cluster:start', 'topology:init', 'topology:export', 'completion', 'version', '__complete']);

function expectNoStackTrace(r: CliResult): void {
  expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)|\n\s+at .+:\d+:\d+/);
}

describe('the error path of every command', () => {
  it('an unknown flag is a usage error: exit 2, the message and the usage text, no stack trace, nothing on stdout', async () => {
    const results = await mapLimit(commands, 3, async (id) => ({ id, r: await streamctl([...id.split(':'), '--no-such-flag'], { timeoutMs: 30_000 }) }));
    for (const { id, r } of results) {
      expect({ id, exitCode: r.exitCode }).toEqual({ id, exitCode: 2 });
      expect(r.stderr, id).toMatch(/^Error: Nonexistent flag: --no-such-flag\n\nUSAGE\n {2}\$ streamctl /);
      expect(r.stdout, id).toBe('');
      expectNoStackTrace(r);
    }
  }, 240_000);

  it('an argument that is not an integer is a usage error (exit 2)', async () => {
    const r = await streamctl(['cluster', 'broker', 'kill', 'abc', '--dir', '/nonexistent/streamctl']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^Error: Expected an integer but received: abc\n\nUSAGE/);
  });

  it('consume --offset without --partition is a usage error and prints nothing else', async () => {
    const r = await streamctl(['consume', '--topic', 't', '--offset', '5', '--dir', '/nonexistent/streamctl']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^Error: The partition is required when offset is specified\.\n\nUSAGE/);
    expect(r.stderr).not.toContain('Processed a total');
    expect(r.stdout).toBe('');
  });

  it('piped stdin does not fill an argument: groups list with input on stdin is not a usage error', async () => {
    const r = await streamctl(['groups', 'list', '--dir', '/nonexistent/streamctl'], { input: 'x\n' });
    expect(r.stderr).not.toContain('Unexpected argument');
    expect(r.stderr).toMatch(/^Error: No local cluster found/);
    expect(r.exitCode).toBe(1);
  });

  it('a missing topology file is a runtime failure (exit 1)', async () => {
    const r = await streamctl(['topology', 'submit', '/nonexistent/topology.ts', '--nimbus-url', 'http://127.0.0.1:1']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('does not exist');
    expectNoStackTrace(r);
  });

  it('--json reports a usage error as one JSON error object with exit 2', async () => {
    const r = await streamctl(['topics', 'list', '--json', '--partitions', 'x']);
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'USAGE', message: 'Nonexistent flag: --partitions', kafkaErrorCode: null } });
  });

  it('every command that acts on a cluster fails the same way, exit 1, when --dir holds no cluster, and creates nothing', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'no-cluster-')), 'missing');
    try {
      const ids = commands.filter((id) => !CLUSTERLESS.has(id));
      const results = await mapLimit(ids, 3, async (id) => ({ id, r: await streamctl([...minimalArgv(id), '--dir', dir], { timeoutMs: 30_000 }) }));
      const wrong = results
        .map(({ id, r }) => ({ id, exitCode: r.exitCode, stderr: r.stderr.split('\n')[0] }))
        .filter((x) => x.exitCode !== 1 || x.stderr !== `Error: No local cluster found in ${dir}.`);
      expect(wrong).toEqual([]);
      for (const { r } of results) expectNoStackTrace(r);
      expect(existsSync(dir)).toBe(false);
    } finally {
      rmSync(dirname(dir), { recursive: true, force: true });
    }
  }, 240_000);

  it('every Storm-side command on a cluster started with --no-storm says it has no nimbus (exit 1), never asks another nimbus', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-storm-'));
    try {
      writeFileSync(
        join(dir, 'cluster.json'),
        JSON.stringify({ version: 1, clusterId: 'c', host: '127.0.0.1', basePort: 9, state: 'running', brokers: [], nimbus: null, supervisors: [] }),
      );
      const ids = commands.filter((id) => id.startsWith('topology:') && !CLUSTERLESS.has(id));
      const results = await mapLimit(ids, 3, async (id) => ({ id, r: await streamctl([...minimalArgv(id), '--dir', dir], { timeoutMs: 30_000 }) }));
      for (const { id, r } of results) {
        expect({ id, exitCode: r.exitCode, stderr: r.stderr.split('\n')[0] }).toEqual({
          id,
          exitCode: 1,
          stderr: `Error: The local cluster in ${dir} has no nimbus (it was started with --no-storm).`,
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
