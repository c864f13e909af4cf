// `topology export` and Flux submit end to end on one embedded cluster with Storm: the
// word-count template (topology init) runs as TypeScript, is exported (Flux YAML + multilang
// node wrapper + storm-kafka-client components), the exported YAML is submitted with the
// CLI (dry run first) and gives the same counts for every word as the original; a Flux file
// with a bad field fails with its path, exit 1, and nothing is submitted.
// Needs dist/ (npm run build).
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type EmbeddedCluster } from '../../src/embedded/start-cluster.js';
import type { ReadRecord } from '../../src/embedded/kafka-conveniences.js';
import { initProject } from '../../src/engine/runtime/topology-init.js';
import { waitFor } from '../helpers/wait-for.js';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const SENTENCES = ['the cow jumped over the moon', 'an apple a day keeps the doctor away', 'four score and seven years ago', 'snow white and the seven dwarfs'];
const INPUT = Array.from({ length: 40 }, (_, i) => SENTENCES[i % SENTENCES.length]!);
const WORDS = INPUT.flatMap((s) => s.split(' '));

let cluster: EmbeddedCluster;
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'flux-export-'));
  cluster = await startCluster({ storm: true, config: { 'num.partitions': 2 } });
  await cluster.createTopic('sentences', { partitions: 2 });
  await cluster.createTopic('word-counts', { partitions: 2 });
  await cluster.produce('sentences', INPUT);
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const cli = (args: string[]) => execa('node', [BIN, ...args, '--dir', cluster.dir], { reject: false, env: { NO_COLOR: '1' } });
const key = (r: ReadRecord) => `${r.partition}:${r.offset}`;

/** Final count per word among `records` (the latest value per key: counts only grow). */
function finalCounts(records: ReadRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) out[r.key!.toString()] = Math.max(out[r.key!.toString()] ?? 0, Number(r.value!.toString()));
  return out;
}

describe('topology export', () => {
  it('exports the word-count template and its Flux YAML counts every word as the original does', async () => {
    const expected: Record<string, number> = {};
    for (const w of WORDS) expected[w] = (expected[w] ?? 0) + 1;
    const project = join(tmp, 'wc');
    initProject({ dir: project });

    const original = await cluster.submitTopology(join(project, 'topology.ts'), { name: 'wc-ts' });
    await original.waitForProcessed('kafka-out', WORDS.length, { timeoutMs: 60_000 });
    const first = await waitFor('the original topology writes every count', async () => {
      const r = await cluster.readTopic('word-counts');
      return r.length >= WORDS.length && r;
    });
    await original.kill();
    expect(first).toHaveLength(WORDS.length);
    expect(finalCounts(first)).toEqual(expected);

    const out = join(tmp, 'wc-storm');
    const exported = await cli(['topology', 'export', join(project, 'topology.ts'), '--out', out, '--name', 'wc-flux', '--bootstrap-server', cluster.bootstrapServers]);
    expect(exported.stderr).toBe('');
    expect(exported.exitCode).toBe(0);
    expect(exported.stdout).toContain('bolt split: FluxShell (node streamctl-topology.mjs)');
    expect(exported.stdout).toContain('spout sentences: storm-kafka-client KafkaSpout');
    expect(exported.stdout).toContain(`storm jar flux-core.jar org.apache.storm.flux.Flux --remote ${out}/topology.yaml`);
    const yaml = readFileSync(join(out, 'topology.yaml'), 'utf8');
    expect(yaml).toContain('className: org.apache.storm.kafka.spout.KafkaSpout');
    expect(yaml).toContain('className: org.apache.storm.flux.wrappers.bolts.FluxShellBolt');

    const dry = await cli(['topology', 'submit', join(out, 'topology.yaml'), '--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout.split('\n').slice(6, 10)).toEqual(['+-         Apache Storm        -+', '+-  data FLow User eXperience  -+', expect.stringMatching(/^Version: /), `Parsing file: ${join(out, 'topology.yaml')}`]);
    expect(dry.stdout).toContain('count [4] (org.apache.storm.flux.wrappers.bolts.FluxShellBolt)');
    expect(dry.stdout).toContain('split --FIELDS--> count');
    expect(dry.stdout).not.toContain('Submitted topology');

    const submitted = await cli(['topology', 'submit', join(out, 'topology.yaml')]);
    expect(submitted.exitCode).toBe(0);
    expect(submitted.stdout).toMatch(/Submitted topology: wc-flux \(wc-flux-\d+-\d+\) ACTIVE, 2 worker\(s\), 10 task\(s\)/);
    const seen = new Set(first.map(key));
    const second = await waitFor(
      'the exported topology writes every count',
      async () => {
        const r = (await cluster.readTopic('word-counts')).filter((x) => !seen.has(key(x)));
        return r.length >= WORDS.length && r;
      },
      60_000,
    );
    expect(second).toHaveLength(WORDS.length);
    expect(finalCounts(second)).toEqual(finalCounts(first));
    expect((await cli(['topology', 'kill', 'wc-flux', '-w', '0'])).exitCode).toBe(0);
  }, 150_000);

  it('rejects a Flux file with a bad field by its path, exit 1, and submits nothing', async () => {
    const file = join(tmp, 'bad.yaml');
    writeFileSync(file, 'name: bad\nspouts:\n  - id: words\n    className: TestWordSpout\nbolts:\n  - id: count\n    className: TestWordCounter\n    parallelism: 0\nstreams: []\n');
    const result = await cli(['topology', 'submit', file]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`Error: ${file}: bolts[0].parallelism: must be an integer >= 1, got number 0`);
    const list = await cli(['topology', 'list', '--json']);
    expect(JSON.parse(list.stdout).topologies.map((t: { name: string }) => t.name)).not.toContain('bad');
  });
});
