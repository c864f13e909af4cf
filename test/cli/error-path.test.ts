// The one error path of the CLI: every command, given bad input, fails with a clear message,
// the right exit code (2 usage, 1 runtime) and never a stack trace. Runs the built CLI
// (`npm run build` first); starts no cluster.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type CliResult, streamctl } from '../commands/kafka-cli-helpers.js';

interface ManifestCommand {
  args: Record<string, unknown>;
  flags: Record<string, { required?: boolean; type: string }>;
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
    const r = await streamctl(['topology', 'submit', '/nonexistent/topology.ts', '--dir', '/nonexistent/streamctl']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('does not exist');
    expectNoStackTrace(r);
  });

  it('--json reports a usage error as one JSON error object with exit 2', async () => {
    const r = await streamctl(['topics', 'list', '--json', '--partitions', 'x']);
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'USAGE', message: 'Nonexistent flag: --partitions', kafkaErrorCode: null } });
  });
});
