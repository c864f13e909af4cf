// topology export of an all-TypeScript topology (a reliable spout, a rich bolt on a named
// stream, a basic bolt), run on the LocalRunner twice: as the original module and as the
// exported Flux YAML whose every component is a node multilang child. Same totals: every
// spout tuple acked through the children, same emits per stream. Needs dist/ (npm run build).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleTopology } from '../../../src/engine/runtime/bundler.js';
import { LocalRunner } from '../../../src/engine/runtime/local-runner.js';
import { exportTopology } from '../../../src/engine/runtime/topology-export.js';
import { prepareTopology } from '../../../src/engine/runtime/topology-source.js';
import { loadTopology } from '../../../src/engine/topology/load-topology.js';
import type { TopologyLike } from '../../../src/engine/topology/topology.js';

const TOPOLOGY = `
import { BaseBasicBolt, BaseRichBolt, BaseRichSpout, TopologyBuilder } from 'streamctl';
export class Numbers extends BaseRichSpout {
  n = 0;
  open(_c, _x, collector) { this.collector = collector; }
  nextTuple() { if (this.n < 60) { const n = this.n++; this.collector.emit([n, n % 5], { n }); } }
  declareOutputFields(d) { d.declare(['n', 'mod']); }
}
export class Sum extends BaseRichBolt {
  prepare(_c, _x, collector) { this.collector = collector; this.totals = new Map(); }
  execute(t) {
    const mod = t.getIntegerByField('mod');
    const total = (this.totals.get(mod) ?? 0) + t.getIntegerByField('n');
    this.totals.set(mod, total);
    this.collector.emit('sums', [mod, total], t);
    this.collector.ack(t);
  }
  declareOutputFields(d) { d.declareStream('sums', ['mod', 'total']); }
}
export class Sink extends BaseBasicBolt {
  execute(t, collector) { if (t.getIntegerByField('total') < 0) collector.emit([0]); }
}
const b = new TopologyBuilder();
b.setSpout('numbers', () => new Numbers(), 1);
b.setBolt('sum', () => new Sum(), 2).setNumTasks(4).fieldsGrouping('numbers', ['mod']);
b.setBolt('sink', () => new Sink(), 1).globalGrouping('sum', 'sums');
export default b.createTopology({ 'topology.workers': 1 });
`;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'topology-export-'));
  writeFileSync(join(tmp, 'numbers.ts'), TOPOLOGY);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(topology: TopologyLike, codeDir: string): Promise<Record<string, unknown>> {
  const runner = await LocalRunner.start(topology, { codeDir, conf: { 'topology.stats.sample.rate': 1 } });
  try {
    await runner.waitFor(() => runner.componentTotals('numbers').acked >= 60, 20_000, 'all 60 spout tuples acked');
    await runner.waitFor(() => runner.componentTotals('sink').executed >= 60, 20_000, 'the sink saw 60 sums');
    expect(runner.errors()).toEqual([]);
    expect(runner.fatalErrors()).toEqual([]);
    return Object.fromEntries(['numbers', 'sum', 'sink'].map((id) => [id, runner.componentTotals(id)]));
  } finally {
    await runner.close();
  }
}

describe('topology export (all TypeScript)', () => {
  it('runs the exported Flux YAML with node multilang wrappers to the same totals as the original', async () => {
    const original = await bundleTopology(join(tmp, 'numbers.ts'));
    writeFileSync(join(tmp, 'original.mjs'), original.code);
    const expected = await run(await loadTopology(join(tmp, 'original.mjs')), tmp);
    expect(expected.numbers).toMatchObject({ emitted: 60, acked: 60, failed: 0 });

    const out = join(tmp, 'out');
    const result = await exportTopology(join(tmp, 'numbers.ts'), { out, name: 'numbers', bootstrapServers: '127.0.0.1:9092' });
    expect(result.files).toEqual(['README.md', 'resources/streamctl-topology.mjs', 'topology.yaml']);
    const yaml = readFileSync(join(out, 'topology.yaml'), 'utf8');
    expect(yaml).toContain('className: org.apache.storm.flux.wrappers.spouts.FluxShellSpout');
    expect(yaml).toMatch(/- name: setNamedStream\n\s+args:\n\s+- sums\n\s+- - mod\n\s+- total/);
    const prepared = await prepareTopology(join(out, 'topology.yaml'));
    expect(prepared.spec.components.find((c) => c.id === 'sum')).toMatchObject({ parallelism: 2, numTasks: 4, inputs: [{ component: 'numbers', stream: 'default', grouping: { type: 'fields', fields: ['mod'] } }] });
    expect(prepared.spec.components.find((c) => c.id === 'sink')!.inputs).toEqual([{ component: 'sum', stream: 'sums', grouping: { type: 'global' } }]);
    writeFileSync(join(tmp, 'exported.mjs'), prepared.code);
    const exported = await run(await loadTopology(join(tmp, 'exported.mjs')), join(out, 'resources'));
    expect(exported).toEqual(expected);
  }, 60_000);
});
