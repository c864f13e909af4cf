import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStreamctlError } from '../../../src/engine/common/errors.js';
import { bundleTopology, readBundleSpec } from '../../../src/engine/runtime/bundler.js';
import { copyTopologyFixtures, REPO_ROOT } from './fixtures/cluster-harness.js';

describe('bundler', () => {
  // A stand-in for dist/ whose index.js re-exports the built topology API, so these tests do
  // not depend on src/index.ts being there.
  let distDir: string;
  let fixtures: string;
  beforeAll(() => {
    fixtures = copyTopologyFixtures();
    distDir = mkdtempSync(join(tmpdir(), 'streamctl-dist-'));
    writeFileSync(join(distDir, 'index.js'), `export * from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'dist/engine/topology/index.js')).href)};\n`);
  });
  afterAll(() => {
    rmSync(distDir, { recursive: true, force: true });
    rmSync(fixtures, { recursive: true, force: true });
  });

  it('reports esbuild’s message and location for a file that does not compile', async () => {
    let caught: unknown;
    try {
      await bundleTopology(join(fixtures, 'broken.ts'), { distDir });
    } catch (error) {
      caught = error;
    }
    expect(isStreamctlError(caught, 'INVALID_INPUT')).toBe(true);
    expect((caught as Error).message).toMatch(/does not compile:\n {2}.*broken\.ts:3:\d+: /);
  });

  it('reports a missing file clearly', async () => {
    await expect(bundleTopology(join(fixtures, 'missing.ts'), { distDir })).rejects.toThrow(/does not exist/);
  });

  it('bundles local imports, keeps streamctl external as a file URL, and yields the validated spec', async () => {
    const bundle = await bundleTopology(join(fixtures, 'words.ts'), { distDir });
    const text = bundle.code.toString('utf8');
    expect(text).toContain(pathToFileURL(join(distDir, 'index.js')).href);
    expect(text).toContain('cherry'); // words-data.ts was bundled in
    const spec = await readBundleSpec(bundle.code);
    expect(spec.components.map((c) => [c.id, c.kind, c.parallelism, c.numTasks])).toEqual([
      ['count', 'bolt', 2, 4],
      ['words', 'spout', 1, 1],
    ]);
    expect(spec.config).toEqual({ 'topology.workers': 1 });
  });

  it('refuses a topology whose graph is invalid with the topology API’s message', async () => {
    const bundle = await bundleTopology(join(fixtures, 'bad-grouping.ts'), { distDir });
    await expect(readBundleSpec(bundle.code)).rejects.toThrow(/unknown component 'nope'/);
  });
});
