// Stateful bolt benchmark: Storm's word count (spout -> split -> count, fields grouping on
// word, acking on) in 2 real worker processes with a fake nimbus, run twice in the same
// process: the count bolt as a plain basic bolt (stateless), then as a BaseStatefulBolt
// keeping the counts in a KeyValueState with checkpoints every second (in-memory provider,
// Storm's default; the $checkpointspout's PREPARE/COMMIT flow through the whole graph and
// inputs are acked only after their commit). Prints both words/s and the ratio (target >= 50 %).
// Acks are held until the commit, so the stateful run moves at most 2 x max.spout.pending
// sentences per checkpoint cycle, and a larger pending only deepens the queues the
// checkpoint tuples wait in (measured: 20000 -> 31 %, 60000 -> 26 % of stateless). Both runs
// use the same value. Run after `npm run build`:
//   npx tsx bench/stateful-bench.ts [--seconds 10] [--pending 20000]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTopology } from '../src/engine/topology/load-topology.js';
import { FakeNimbus, STREAMCTL_URL, spawnWorker, writeWorkerConfigs } from '../test/engine/runtime/fixtures/worker-harness.js';
import { waitFor } from '../test/helpers/wait-for.js';

function flagValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const seconds = Number(flagValue('--seconds') ?? 10);
const pending = Number(flagValue('--pending') ?? 20_000);
if (!(seconds > 0) || !(pending > 0)) throw new Error('--seconds and --pending must be positive numbers');

const topologySource = (stateful: boolean) => `
import { BaseRichSpout, BaseBasicBolt, BaseStatefulBolt, TopologyBuilder } from '${STREAMCTL_URL}';
const WORDS = 'the quick brown fox jumps over the lazy dog and then some more words follow here to make a vocabulary of moderate size for counting'.split(' ');
const SENTENCES = [];
for (let i = 0; i < 1000; i++) { const s = []; for (let j = 0; j < 10; j++) s.push(WORDS[(i * 7 + j * 13 + (i >> 3)) % WORDS.length] + (j % 3 === 0 ? String(i % 50) : '')); SENTENCES.push(s.join(' ')); }
class SentenceSpout extends BaseRichSpout {
  open(_conf, _ctx, collector) { this.c = collector; this.i = 0; }
  nextTuple() { for (let k = 0; k < 16; k++) { const s = SENTENCES[this.i++ % SENTENCES.length]; this.c.emit([s], this.i); } }
  declareOutputFields(d) { d.declare(['sentence']); }
}
class Split extends BaseBasicBolt {
  execute(t, c) { const words = t.getString(0).split(' '); for (let i = 0; i < words.length; i++) c.emit([words[i]]); }
  declareOutputFields(d) { d.declare(['word']); }
}
class Count extends BaseBasicBolt {
  constructor() { super(); this.counts = new Map(); }
  execute(t) { const w = t.getString(0); this.counts.set(w, (this.counts.get(w) ?? 0) + 1); }
}
class StatefulCount extends BaseStatefulBolt {
  prepare(_conf, _ctx, collector) { this.c = collector; }
  initState(state) { this.state = state; }
  execute(t) { const w = t.getString(0); this.state.put(w, this.state.get(w, 0) + 1); this.c.ack(t); }
}
const b = new TopologyBuilder();
b.setSpout('spout', () => new SentenceSpout(), 2);
b.setBolt('split', () => new Split(), 2).localOrShuffleGrouping('spout');
b.setBolt('count', () => ${stateful ? 'new StatefulCount()' : 'new Count()'}, 2).setNumTasks(4).fieldsGrouping('split', ['word']);
export default b.createTopology({ 'topology.state.checkpoint.interval.ms': 1000 });
`;

async function run(label: string, stateful: boolean): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'stateful-bench-'));
  const nimbus = await FakeNimbus.start();
  const children = [];
  try {
    const bundlePath = join(dir, 'topology.mjs');
    writeFileSync(bundlePath, topologySource(stateful));
    const topology = await loadTopology(bundlePath);
    nimbus.status = 'INACTIVE';
    const stormConf = { 'topology.max.spout.pending': pending };
    const configs = await writeWorkerConfigs({ dir, spec: topology.spec, bundlePath, numWorkers: 2, nimbusUrl: nimbus.url, stormConf, initialStatus: 'INACTIVE' });
    for (const c of configs) children.push(spawnWorker(c.path, []));
    await waitFor('workers started', () => nimbus.latest.size === 2, 20_000);
    nimbus.status = 'ACTIVE';
    await waitFor('workers running', () => nimbus.total('count', (e) => e.executed) > 0, 20_000);
    await new Promise((r) => setTimeout(r, 3000)); // warm-up
    const words0 = nimbus.total('count', (e) => e.executed);
    const acked0 = nimbus.total('spout', (e) => e.acked);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const dt = (Date.now() - t0) / 1000;
    const words = Math.round((nimbus.total('count', (e) => e.executed) - words0) / dt);
    const acked = Math.round((nimbus.total('spout', (e) => e.acked) - acked0) / dt);
    const failed = nimbus.total('spout', (e) => e.failed);
    const checkpoints = nimbus.total('$checkpointspout', (e) => e.acked);
    console.log(
      `${label.padEnd(44)} ${String(words).padStart(8)} words/s  acked sentences/s ${acked}  failed ${failed}${stateful ? `  checkpoint steps acked ${checkpoints}` : ''}`,
    );
    const errors = new Set<string>();
    for (const h of nimbus.heartbeats) for (const e of h.body.errors ?? []) errors.add(`${e.component}: ${e.error}`);
    for (const e of [...errors].slice(0, 5)) console.log(`  error: ${e}`);
    return words;
  } finally {
    for (const c of children) {
      c.kill('SIGTERM');
      await c;
    }
    await nimbus.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`stateful vs stateless word count, 2 workers, acking on, max.spout.pending=${pending}, ${seconds}s per run (after 3 s warm-up)`);
const stateless = await run('stateless (BaseBasicBolt count)', false);
const stateful = await run('stateful (KeyValueState, checkpoint every 1 s)', true);
console.log(`stateful keeps ${((stateful / stateless) * 100).toFixed(0)} % of the stateless throughput (target >= 50 %)`);
