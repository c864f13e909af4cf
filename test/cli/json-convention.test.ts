// Every command that has --json, run against a real cluster (1 broker, nimbus and a
// supervisor), prints output in the one JSON convention of src/cli/output.ts: offsets and lag
// as decimal strings, null for missing values (never "-"), one name per concept. The command
// list comes from the oclif manifest, so a new --json command without a case here fails.
// Runs the built CLI (`npm run build` first).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_KEY_SYNONYMS } from '../../src/cli/output.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { streamctl } from '../commands/kafka-cli-helpers.js';

const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../../oclif.manifest.json', import.meta.url)), 'utf8')) as {
  commands: Record<string, { flags: Record<string, unknown> }>;
};
const jsonCommands = Object.keys(manifest.commands)
  .filter((id) => 'json' in manifest.commands[id]!.flags)
  .sort();

/** Keys whose values are Kafka int64 offsets or lag: decimal strings or null. */
const INT64_KEY = /(^|[a-z])(offset|Offset)$|^(lag|totalLag)$/;

/** Every way `value` departs from the convention, as `path: problem` lines. */
function conventionProblems(value: unknown, path = '$'): string[] {
  if (value === '-' || value === 'N/A') return [`${path}: "${value}" where null is meant`];
  if (Array.isArray(value)) return value.flatMap((v, i) => conventionProblems(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const at = `${path}.${key}`;
    const problems: string[] = [];
    if (key in JSON_KEY_SYNONYMS) problems.push(`${at}: named "${key}", the convention says "${JSON_KEY_SYNONYMS[key]}"`);
    if (INT64_KEY.test(key) && v !== null && !(typeof v === 'string' && /^-?\d+$/.test(v))) {
      problems.push(`${at}: ${JSON.stringify(v)} is not a decimal string or null`);
    }
    return [...problems, ...conventionProblems(v, at)];
  });
}

describe('the JSON convention checker', () => {
  it('flags numbers for offsets, "-" for missing values and synonyms of a concept', () => {
    expect(conventionProblems({ groups: [{ groupId: 'g', lag: 3, rows: [{ offset: '5', host: '-' }] }] })).toEqual([
      '$.groups[0].groupId: named "groupId", the convention says "group"',
      '$.groups[0].lag: 3 is not a decimal string or null',
      '$.groups[0].rows[0].host: "-" where null is meant',
    ]);
    expect(conventionProblems({ group: 'g', logEndOffset: '12', currentOffset: null, totalLag: '0', recordsPerSec: 1.5 })).toEqual([]);
  });
});

describe('every --json command against a real cluster', () => {
  let cluster: TestCluster;
  let work: string;
  const seen = new Set<string>();

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1, storm: true, supervisors: 1 });
    work = mkdtempSync(join(tmpdir(), 'streamctl-json-'));
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /** Runs one command with --json; every document it prints (one, or one per line) must follow the convention. */
  async function check(argv: string[], options: { input?: string; lines?: boolean; expectExit?: number } = {}) {
    const id = argv.filter((a) => !a.startsWith('-')).slice(0, 3).join(':');
    const known = jsonCommands.filter((c) => id === c || id.startsWith(`${c}:`)).sort((a, b) => b.length - a.length)[0];
    if (known) seen.add(known);
    const r = await streamctl([...argv, '--json', '--dir', cluster.dir], { input: options.input });
    expect(r.exitCode, `${argv.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(options.expectExit ?? 0);
    const docs = options.lines
      ? r.stdout
          .trim()
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as unknown)
      : [JSON.parse(r.stdout) as unknown];
    expect(docs.length, argv.join(' ')).toBeGreaterThan(0);
    for (const doc of docs) expect(conventionProblems(doc), argv.join(' ')).toEqual([]);
    return docs;
  }

  it('covers every command with --json and each follows the convention', async () => {
    await check(['cluster', 'start']);
    await check(['cluster', 'status']);
    await check(['topics', 'create', '--topic', 'orders', '--partitions', '2']);
    await check(['topics', 'list']);
    await check(['topics', 'describe', '--topic', 'orders']);
    await check(['topics', 'alter', '--topic', 'orders', '--partitions', '3']);
    const produced = await streamctl(['produce', '--topic', 'orders', '--dir', cluster.dir], { input: 'a\nb\nc\nd\n' });
    expect(produced.exitCode, produced.stderr).toBe(0);
    const records = await check(['consume', '--topic', 'orders', '--group', 'billing', '--from-beginning', '--max-messages', '4'], { lines: true });
    expect(records).toHaveLength(4);
    expect(records.every((r) => typeof (r as { offset: unknown }).offset === 'string')).toBe(true);
    await check(['configs', 'describe', '--topic', 'orders']);
    await check(['configs', 'alter', '--topic', 'orders', '--add-config', 'retention.ms=3600000']);
    const [listed] = await check(['groups', 'list']);
    expect((listed as { groups: Array<{ group: string }> }).groups.map((g) => g.group)).toContain('billing');
    await check(['groups', 'list', '--state']);
    const [described] = await check(['groups', 'describe', '--group', 'billing']);
    const row = (described as { groups: Array<{ rows: Array<Record<string, unknown>> }> }).groups[0]!.rows[0]!;
    expect(row).toMatchObject({ group: 'billing', topic: 'orders', consumerId: null, host: null, clientId: null });
    await check(['groups', 'describe', '--group', 'billing', '--members']);
    const [state] = await check(['groups', 'describe', '--group', 'billing', '--state']);
    expect((state as { groups: Array<{ coordinator: unknown }> }).groups[0]!.coordinator).toMatchObject({ broker: 1 });
    await check(['groups', 'reset-offsets', '--group', 'billing', '--topic', 'orders', '--to-offset', '100']);
    await check(['lag']);
    const [perfProduce] = await check(['perf', 'produce', '--topic', 'orders', '--num-records', '50', '--record-size', '10', '--throughput', '-1']);
    expect(perfProduce).toMatchObject({ topic: 'orders', records: 50, recordsPerSec: expect.any(Number), p99LatencyMs: expect.any(Number) });
    const [perfConsume] = await check(['perf', 'consume', '--topic', 'orders', '--messages', '10']);
    expect(perfConsume).toMatchObject({ topic: 'orders', messages: 10, messagesPerSec: expect.any(Number), mbConsumed: expect.any(Number) });
    await check(['leader-election', '--election-type', 'PREFERRED', '--all-topic-partitions']);
    writeFileSync(join(work, 'offsets.json'), '{"partitions": [{"topic": "orders", "partition": 0, "offset": -1}], "version": 1}');
    const [deleted] = await check(['records', 'delete', '--offset-json-file', join(work, 'offsets.json')]);
    expect(deleted).toMatchObject({ partitions: [{ topic: 'orders', partition: 0, lowWatermark: expect.stringMatching(/^\d+$/), error: null }] });
    await check(['log-dirs', 'describe']);
    await check(['log', 'verify']);
    await check(['reassign-partitions', '--list']);
    await check(['transactions', 'list']);
    await check(['transactions', 'describe-producers', '--topic', 'orders', '--partition', '0']);
    await check(['transactions', 'find-hanging', '--broker-id', '1']);
    await check(['transactions', 'describe', '--transactional-id', 'nope'], { expectExit: 1 });
    await check(['transactions', 'abort', '--topic', 'orders', '--partition', '0', '--start-offset', '0'], { expectExit: 1 });
    await check(['dashboard']);
    await check(['groups', 'delete-offsets', '--group', 'billing', '--topic', 'orders']);
    await check(['groups', 'delete', '--group', 'billing']);
    await check(['topics', 'delete', '--topic', 'orders']);
    await check(['topology', 'list']);
    await check(['topology', 'init', join(work, 'wc')]);
    await check(['topology', 'export', join(work, 'wc', 'topology.ts'), '--out', join(work, 'wc-storm'), '--name', 'wc']);
    // Topology operations on a topology that does not exist: the JSON error object.
    for (const op of ['describe', 'activate', 'deactivate', 'kill', 'rebalance', 'errors']) await check(['topology', op, 'nope'], { expectExit: 1 });
    await check(['topology', 'set-log-level', 'nope', 'ROOT=INFO'], { expectExit: 1 });
    await check(['cluster', 'health', '--exit-when-healthy', '--timeout', '30000']);
    await check(['topology', 'submit', join(work, 'missing.ts')], { expectExit: 1 });
    await check(['cluster', 'broker', 'stop', '1']);
    await check(['cluster', 'broker', 'start', '1']);
    await check(['cluster', 'broker', 'kill', '1']);
    await check(['cluster', 'broker', 'start', '1']);
    await check(['cluster', 'stop']);
    await check(['version']);
    expect([...seen].sort()).toEqual(jsonCommands);
  }, 600_000);
});
