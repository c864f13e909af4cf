// The README's examples run as written, in order: every line of its fenced `sh` blocks runs
// in bash against a fresh default cluster (1 broker, nimbus, 1 supervisor with 4 slots, as
// `cluster start` makes by default) and must exit 0. Lines that end with `# needs: 3 brokers`
// run, in their order, on a 3-broker cluster instead; lines that end with `# skip: <reason>`
// and blocks after `<!-- readme-examples: skip (<reason>) -->` do not run. `streamctl` is the
// built CLI (`npm run build` first). Clusters start on free ports, so `cluster start` finds
// them running and leaves them as they are.
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from './helpers/cluster.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface ReadmeLine {
  line: string;
  /** 1-based line number in README.md. */
  at: number;
  cluster: 'default' | '3 brokers';
}

/** The runnable lines of README.md's `sh` blocks, in order, with the cluster each needs. */
function readmeExampleLines(markdown: string): ReadmeLine[] {
  const lines = markdown.split('\n');
  const out: ReadmeLine[] = [];
  let inBlock = false;
  let skipBlock = false;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (!inBlock && /^```sh\s*$/.test(text)) {
      inBlock = true;
      skipBlock = /<!-- readme-examples: skip \(.+\) -->/.test(lines[i - 1] ?? '');
      continue;
    }
    if (inBlock && /^```\s*$/.test(text)) {
      inBlock = false;
      continue;
    }
    if (!inBlock || skipBlock) continue;
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (/#\s*skip:\s*\S/.test(trimmed)) continue;
    out.push({ line: trimmed, at: i + 1, cluster: /#\s*needs:\s*3 brokers\s*$/.test(trimmed) ? '3 brokers' : 'default' });
  }
  return out;
}

describe('README examples', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const examples = readmeExampleLines(readme);
  const work = mkdtempSync(join(tmpdir(), 'streamctl-readme-'));
  const binDir = join(work, 'bin');
  mkdirSync(binDir);
  writeFileSync(join(binDir, 'streamctl'), `#!/bin/sh\nexec node '${join(ROOT, 'bin/run.js')}' "$@"\n`, { mode: 0o755 });
  const clusters: TestCluster[] = [];

  afterAll(async () => {
    for (const c of clusters) await c.stop();
    rmSync(work, { recursive: true, force: true });
  }, 120_000);

  async function runAll(lines: ReadmeLine[], cluster: TestCluster, cwd: string): Promise<void> {
    mkdirSync(cwd, { recursive: true });
    for (const example of lines) {
      const r = await execa('bash', ['-o', 'pipefail', '-c', example.line], {
        cwd,
        reject: false,
        timeout: 180_000,
        env: { PATH: `${binDir}:${process.env.PATH}`, STREAMCTL_DIR: cluster.dir, HOME: work, NODE_NO_WARNINGS: '1' },
      });
      expect(r.exitCode, `README.md:${example.at}: ${example.line}\n${String(r.stdout).slice(-2000)}\n${String(r.stderr).slice(-2000)}`).toBe(0);
    }
  }

  it('the parser finds lines for both clusters and honours skip markers', () => {
    const parsed = readmeExampleLines('<!-- readme-examples: skip (x) -->\n```sh\nnpm test\n```\n```sh\na   # needs: 3 brokers\nb # skip: why\n# only a comment\nc\n```\n');
    expect(parsed.map((l) => [l.line.split(' ')[0], l.cluster])).toEqual([
      ['a', '3 brokers'],
      ['c', 'default'],
    ]);
    expect(examples.filter((l) => l.cluster === 'default').length).toBeGreaterThan(40);
    expect(examples.some((l) => l.cluster === '3 brokers')).toBe(true);
  });

  it('run in order on the default cluster', async () => {
    const cluster = await startTestCluster({ brokers: 1, storm: true, supervisors: 1, slots: 4 });
    clusters.push(cluster);
    await runAll(
      examples.filter((l) => l.cluster === 'default'),
      cluster,
      join(work, 'default'),
    );
  }, 1_200_000);

  it('the lines that need more brokers run in order on a 3-broker cluster', async () => {
    const cluster = await startTestCluster({ brokers: 3 });
    clusters.push(cluster);
    await runAll(
      examples.filter((l) => l.cluster === '3 brokers'),
      cluster,
      join(work, 'three'),
    );
  }, 600_000);
});
