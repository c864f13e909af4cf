// Storm's own Flux example (flux-examples multilang.yaml, unchanged) built through the Flux
// bundle path (prepareTopology: parse, generated entry, esbuild, validation) and run on the
// LocalRunner: a node FluxShellSpout, a python FluxShellBolt, Storm's TestWordCounter and
// LogInfoBolt. Needs dist/ (npm run build): the bundle imports streamctl from there.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalRunner } from '../../../src/engine/runtime/local-runner.js';
import { prepareTopology } from '../../../src/engine/runtime/topology-source.js';
import { loadTopology } from '../../../src/engine/topology/load-topology.js';

const DIR = join(import.meta.dirname, 'fixtures', 'storm-multilang');
let runner: LocalRunner | undefined;
let tmp: string | undefined;

afterEach(async () => {
  await runner?.close();
  runner = undefined;
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("Storm's multilang Flux example", () => {
  it('runs unchanged: sentences from node are split by python and counted', async () => {
    const prepared = await prepareTopology(join(DIR, 'topology.yaml'), { version: '0.1.0' });
    expect(prepared.fluxName).toBe('shell-topology');
    expect(prepared.spec.components.map((c) => `${c.id}:${c.kind}:${c.parallelism}`)).toEqual([
      'count:bolt:1',
      'log:bolt:1',
      'sentence-spout:spout:1',
      'splitsentence:bolt:1',
    ]);
    expect(prepared.spec.components.find((c) => c.id === 'count')!.inputs).toEqual([{ component: 'splitsentence', stream: 'default', grouping: { type: 'fields', fields: ['word'] } }]);
    tmp = mkdtempSync(join(tmpdir(), 'flux-multilang-'));
    writeFileSync(join(tmp, 'topology.mjs'), prepared.code);
    const topology = await loadTopology(join(tmp, 'topology.mjs'));
    runner = await LocalRunner.start(topology, { codeDir: join(DIR, 'resources') });
    await runner.waitFor(() => runner!.componentTotals('log').executed >= 40, 20_000, '40 word counts logged');
    const count = runner.componentTotals('count');
    expect(count.executed).toBeGreaterThanOrEqual(40);
    expect(runner.componentTotals('splitsentence').acked).toBeGreaterThan(0);
    expect(runner.errors()).toEqual([]);
    expect(runner.fatalErrors()).toEqual([]);
  });
});
