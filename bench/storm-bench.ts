// Storm runtime benchmark: word count (spout -> split -> count, fields grouping on word)
// in 2 real worker processes (dist/engine/runtime/worker-main.js) with a fake nimbus.
// Prints word tuples/s (count executions) with acking and without, and the complete
// latency p99 at half the acked throughput. Run after `npm run build`:
//   npx tsx bench/storm-bench.ts [--seconds 10] [--only noack|ack|half] [--rate sentences/s] [-c key=value]... [--profile dir]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTopology } from '../src/engine/topology/load-topology.js';
import { FakeNimbus, STREAMCTL_URL, spawnWorker, writeWorkerConfigs } from '../test/engine/runtime/fixtures/worker-harness.js';
import { waitFor } from '../test/helpers/wait-for.js';

/** The value after `--name`, or undefined when the flag is absent. */
function flagValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const seconds = Number(flagValue('--seconds') ?? 10);
if (!(seconds > 0)) throw new Error(`--seconds must be a positive number, got ${flagValue('--seconds')}`);
/** `--profile <dir>`: write V8 CPU profiles of the workers there. */
const profileDir = flagValue('--profile');
const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];

const TOPOLOGY = `
import { BaseRichSpout, BaseBasicBolt, TopologyBuilder } from '${STREAMCTL_URL}';
const WORDS = 'the quick brown fox jumps over the lazy dog and then some more words follow here to make a vocabulary of moderate size for counting'.split(' ');
const SENTENCES = [];
for (let i = 0; i < 1000; i++) { const s = []; for (let j = 0; j < 10; j++) s.push(WORDS[(i * 7 + j * 13 + (i >> 3)) % WORDS.length] + (j % 3 === 0 ? String(i % 50) : '')); SENTENCES.push(s.join(' ')); }
class SentenceSpout extends BaseRichSpout {
  open(conf, _ctx, collector) {
    this.c = collector; this.i = 0; this.useAck = conf['bench.ack'] === true;
    this.rate = Number(conf['bench.rate'] ?? 0); this.start = performance.now(); this.sent = 0;
  }
  nextTuple() {
    let n = 16;
    if (this.rate > 0) {
      const now = performance.now();
      let allowed = Math.floor(((now - this.start) / 1000) * this.rate) - this.sent;
      if (allowed > this.rate / 100) {
        // More than 10 ms behind (deactivated, or held back): restart the schedule, no burst.
        this.start = now; this.sent = 0; allowed = 16;
      }
      if (allowed <= 0) return;
      n = Math.min(n, allowed);
    }
    for (let k = 0; k < n; k++) {
      const s = SENTENCES[this.i++ % SENTENCES.length];
      if (this.useAck) this.c.emit([s], this.i); else this.c.emit([s]);
    }
    this.sent += n;
  }
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
const b = new TopologyBuilder();
b.setSpout('spout', () => new SentenceSpout(), 2);
b.setBolt('split', () => new Split(), 2).localOrShuffleGrouping('spout');
b.setBolt('count', () => new Count(), 2).setNumTasks(4).fieldsGrouping('split', ['word']);
export default b.createTopology();
`;

/** CPU seconds (user + system) used so far by a process, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (100/s)
  } catch {
    return 0;
  }
}

/**
 * Sentence trees in flight per spout task with acking. 1000 (10,000 words per spout) keeps
 * both workers busy; more only adds queueing (complete latency = pending / throughput) and
 * GC work on the queued tuples. `-c topology.max.spout.pending=5000` for the older setting.
 */
const MAX_PENDING = 1000;

/** `-c key=value` (repeatable): extra topology config for every run, e.g. -c topology.executor.receive.buffer.size=2048. */
const extraConf: Record<string, unknown> = {};
process.argv.forEach((a, i) => {
  if (a !== '-c') return;
  const [k, ...v] = (process.argv[i + 1] ?? '').split('=');
  const text = v.join('=');
  extraConf[k!] = text === 'true' ? true : text === 'false' ? false : Number.isNaN(Number(text)) ? text : Number(text);
});
const maxPending = Number(extraConf['topology.max.spout.pending'] ?? MAX_PENDING);

interface RunResult {
  wordsPerSec: number;
  sentencesAckedPerSec: number;
  failed: number;
  p50: number;
  p99: number;
  mean: number;
  /** Words per CPU-second of the two workers: the rate 1 dedicated core would give. */
  wordsPerCpuSec: number;
  /** Cores the workers actually got (CPU s / wall s). */
  cpuUse: number;
}

async function run(label: string, runConf: Record<string, unknown>): Promise<RunResult> {
  const conf = { ...runConf, ...extraConf };
  const dir = mkdtempSync(join(tmpdir(), 'storm-bench-'));
  const nimbus = await FakeNimbus.start();
  const children = [];
  try {
    const bundlePath = join(dir, 'topology.mjs');
    writeFileSync(bundlePath, TOPOLOGY);
    const topology = await loadTopology(bundlePath);
    // Start inactive and activate once both workers heartbeat (and have had time to connect),
    // so that tuples held for a worker still starting do not count in the latencies.
    nimbus.status = 'INACTIVE';
    const configs = await writeWorkerConfigs({ dir, spec: topology.spec, bundlePath, numWorkers: 2, nimbusUrl: nimbus.url, stormConf: conf, initialStatus: 'INACTIVE' });
    for (const c of configs) children.push(spawnWorker(c.path, nodeArgs));
    await waitFor('workers started', () => nimbus.latest.size === 2, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    nimbus.status = 'ACTIVE';
    await waitFor('workers running', () => nimbus.total('count', (e) => e.executed) > 0, 20_000);
    await new Promise((r) => setTimeout(r, 3000)); // warm-up
    const words0 = nimbus.total('count', (e) => e.executed);
    const acked0 = nimbus.total('spout', (e) => e.acked);
    const cpu0 = children.reduce((n, c) => n + cpuSeconds(c.pid), 0);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const words1 = nimbus.total('count', (e) => e.executed);
    const acked1 = nimbus.total('spout', (e) => e.acked);
    const cpu = children.reduce((n, c) => n + cpuSeconds(c.pid), 0) - cpu0;
    const dt = (Date.now() - t0) / 1000;
    let p50 = 0;
    let p99 = 0;
    let mean = 0;
    for (const { body } of nimbus.latest.values()) {
      for (const e of body.executors) {
        if (e.component !== 'spout' || !e.completeLatency) continue;
        p50 = Math.max(p50, e.completeLatency.p50Ms);
        p99 = Math.max(p99, e.completeLatency.p99Ms);
        mean = Math.max(mean, e.completeLatency.meanMs);
      }
    }
    const res = {
      wordsPerSec: Math.round((words1 - words0) / dt),
      sentencesAckedPerSec: Math.round((acked1 - acked0) / dt),
      failed: nimbus.total('spout', (e) => e.failed),
      p50,
      p99,
      mean,
      wordsPerCpuSec: cpu > 0 ? Math.round((words1 - words0) / cpu) : 0,
      cpuUse: cpu / dt,
    };
    console.log(
      `${label.padEnd(40)} ${String(res.wordsPerSec).padStart(8)} words/s on ${res.cpuUse.toFixed(2)} cores (${res.wordsPerCpuSec} words per CPU-s)  ` +
        `acked sentences/s ${res.sentencesAckedPerSec}  failed ${res.failed}  complete latency mean ${mean} p50 ${p50} p99 ${p99} ms`,
    );
    return res;
  } finally {
    for (const c of children) {
      c.kill('SIGTERM');
      await c;
    }
    await nimbus.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`storm word count, 2 workers, ${seconds}s per run (after 3 s warm-up)`);
const only = flagValue('--only');
if (only === undefined || only === 'noack') await run('no acking (ackers=0)', { 'topology.acker.executors': 0 });
if (only === 'noack') process.exit(0);
/** `--rate <sentences/s>`: skip the full-speed acked run and use this rate for the latency run. */
const fixedRate = Number(flagValue('--rate') ?? 0);
let halfRate: number;
if (fixedRate > 0) {
  halfRate = Math.max(1, Math.round(fixedRate / 2));
} else {
  const acked = await run(`acking, max.spout.pending=${maxPending}`, { 'bench.ack': true, 'topology.max.spout.pending': maxPending });
  if (only === 'ack') process.exit(0);
  // Half of the acked throughput, as a sentence rate per spout task (10 words per sentence, 2 spouts).
  halfRate = Math.max(100, Math.round(acked.wordsPerSec / 2 / 10 / 2));
}
await run(`acking at half load (${halfRate * 2} sentences/s)`, { 'bench.ack': true, 'bench.rate': halfRate, 'topology.max.spout.pending': maxPending });
