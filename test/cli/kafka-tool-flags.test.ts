// Kafka's perf-test, kafka-consumer-groups (--export/--from-file, --state), kafka-topics
// (--replica-assignment on alter) and kafka-configs (entity types; refused --bootstrap-controller)
// flags, run as processes against a real one-broker cluster; Kafka's documented examples
// are kept with `kafka-X.sh` replaced by `streamctl X`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { streamctl } from '../commands/kafka-cli-helpers.js';

const ORACLE = '/work/shared/reference/kafka-3.9-outputs';
const FINAL_LINE = /^\d+ records sent, \d+\.\d{6} records\/sec \(\d+\.\d{2} MB\/sec\), \d+\.\d{2} ms avg latency, \d+\.\d{2} ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$/;

// The machine is shared: a CLI run can take several seconds, so tests with many runs get time.
describe('perf, groups, topics and configs flags against a real cluster', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let tmp: string;
  const b = () => ['--bootstrap-server', cluster.bootstrap];
  const create = async (topic: string, partitions = 1) => {
    expect((await streamctl(['topics', 'create', '--topic', topic, '--partitions', String(partitions), ...b()])).exitCode).toBe(0);
  };

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
    tmp = mkdtempSync(join(tmpdir(), 'streamctl-tool-flags-'));
  });
  afterAll(async () => {
    await cluster?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("runs Kafka's producer perf-test example and prints its final line format (oracle 07)", async () => {
    await create('perf-docs');
    // kafka-producer-perf-test.sh --topic test --num-records 100 --record-size 100 --throughput -1 --producer-props bootstrap.servers=localhost:9092
    const r = await streamctl(['perf', 'produce', '--topic', 'perf-docs', '--num-records', '100', '--record-size', '100', '--throughput', '-1', '--producer-props', `bootstrap.servers=${cluster.bootstrap}`]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(FINAL_LINE);
    expect(readFileSync(join(ORACLE, '07-kafka-producer-perf-test.out'), 'utf8').trimEnd()).toMatch(FINAL_LINE);
  });

  it('sends payloads from --payload-file split on --payload-delimiter and prints metrics in Kafka layout', async () => {
    await create('perf-payloads');
    const file = join(tmp, 'payloads.txt');
    writeFileSync(file, 'alpha|beta|gamma|');
    const producerConfig = join(tmp, 'perf-producer.properties');
    writeFileSync(producerConfig, 'acks=1\nclient.id=perf-from-file\n');
    const r = await streamctl([
      'perf', 'produce', '--topic', 'perf-payloads', '--num-records', '30', '--payload-file', file, '--payload-delimiter', '|', '--throughput', '-1',
      '--producer.config', producerConfig, '--print-metrics', ...b(),
    ]);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual([`Reading payloads from: ${file}`, 'Number of messages read: 3']);
    expect(lines[2]).toMatch(FINAL_LINE);
    expect(lines[3]).toBe('');
    const metricLines = lines.slice(5).filter((l) => l !== '');
    const width = metricLines[0]!.indexOf(' : ');
    expect(lines[4]).toBe(`${'Metric Name'.padEnd(width)}   Value`);
    expect(metricLines).toContain(`${'producer-metrics:record-send-total:{client-id=perf-from-file}'.padEnd(width)} : 30.000`);
    const c = await streamctl(['consume', '--topic', 'perf-payloads', '--from-beginning', '--max-messages', '30', ...b()]);
    expect(new Set(c.stdout.trimEnd().split('\n'))).toEqual(new Set(['alpha', 'beta', 'gamma']));
  });

  it('sends the record number with --payload-monotonic', async () => {
    await create('perf-monotonic');
    const r = await streamctl(['perf', 'produce', '--topic', 'perf-monotonic', '--num-records', '5', '--payload-monotonic', '--throughput', '-1', ...b()]);
    expect(r.exitCode).toBe(0);
    const c = await streamctl(['consume', '--topic', 'perf-monotonic', '--from-beginning', '--max-messages', '5', ...b()]);
    expect(c.stdout).toBe('0\n1\n2\n3\n4\n');
  });

  it('prints detailed stats rows instead of the summary with --show-detailed-stats, and consumer metrics', async () => {
    await create('perf-detailed');
    await streamctl(['perf', 'produce', '--topic', 'perf-detailed', '--num-records', '2000', '--record-size', '10', '--throughput', '500', ...b()]);
    // kafka-consumer-perf-test.sh --bootstrap-server localhost:9092 --topic test --messages 100 --show-detailed-stats --reporting-interval 1000
    const r = await streamctl([
      'perf', 'consume', '--topic', 'perf-detailed', '--messages', '2000', '--show-detailed-stats', '--reporting-interval', '1', '--print-metrics', '--timeout', '30000', ...b(),
    ]);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec');
    expect(lines[1]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}:\d{3}, 0, \d+\.\d{4}, -?\d+\.\d{4}, \d+, -?\d+\.\d{4}, \d+, -?\d+, -?\d+\.\d{4}, -?\d+\.\d{4}$/);
    expect(r.stdout).not.toContain('start.time');
    expect(r.stdout).toMatch(/\nconsumer-fetch-manager-metrics:records-consumed-total:\{client-id=perf-consumer-client\} +: 2000\.000\n/);
  });

  it('refuses Kafka options without a meaning here and unbacked config entity types with exit 2, naming them', async () => {
    const cases: Array<[string[], string]> = [
      [['perf', 'produce', '--topic', 't', '--num-records', '1', '--record-size', '1', '--throughput', '-1', '--transactional-id', 'tx'], '--transactional-id'],
      [['perf', 'produce', '--topic', 't', '--num-records', '1', '--record-size', '1', '--payload-monotonic', '--throughput', '-1'], 'Exactly one of --record-size'],
      [['perf', 'consume', '--topic', 't', '--messages', '1', '--fetch-size', '10'], '--fetch-size'],
      [['perf', 'consume', '--topic', 't', '--messages', '1', '--date-format', 'HH:mm'], '--date-format'],
      [['configs', 'describe', '--entity-type', 'users', '--entity-name', 'alice'], '--entity-type users'],
      [['configs', 'alter', '--entity-type', 'clients', '--entity-default', '--add-config', 'producer_byte_rate=1024'], '--entity-type clients'],
      [['configs', 'describe', '--user', 'alice'], '--user'],
      [['configs', 'describe', '--bootstrap-controller', '127.0.0.1:1', '--entity-type', 'brokers', '--entity-default'], '--bootstrap-controller'],
      [['topics', 'list', '--command-config', 'admin.properties'], '--command-config'],
      [['groups', 'reset-offsets', '--group', 'g', '--from-file', join(tmp, 'missing.csv'), '--execute'], '--from-file'],
    ];
    for (const [args, named] of cases) {
      const r = await streamctl([...args, ...(args.includes('--bootstrap-controller') ? [] : ['--bootstrap-server', '127.0.0.1:1'])]);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(named);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("exports a reset plan as Kafka's CSV and applies it back with --from-file", async () => {
    await create('exported', 2);
    await streamctl(['produce', '--topic', 'exported', '--property', 'parse.key=true', '--property', 'key.separator=:', ...b()], { input: 'a:1\nb:2\nc:3\nd:4\ne:5\nf:6\n' });
    for (const group of ['export-a', 'export-b']) {
      const c = await streamctl(['consume', '--topic', 'exported', '--group', group, '--from-beginning', '--max-messages', '6', '--timeout-ms', '20000', ...b()]);
      expect(c.stdout.trimEnd().split('\n')).toHaveLength(6);
    }
    // kafka-consumer-groups.sh --bootstrap-server localhost:9092 --group export-a --reset-offsets --to-earliest --topic exported --export --dry-run
    const single = await streamctl(['groups', 'reset-offsets', '--group', 'export-a', '--topic', 'exported', '--to-earliest', '--export', '--dry-run', ...b()]);
    expect(single.exitCode).toBe(0);
    expect(single.stdout).toBe('exported,0,0\nexported,1,0\n\n');
    const both = await streamctl(['groups', 'reset-offsets', '--group', 'export-a', '--group', 'export-b', '--topic', 'exported', '--to-offset', '1', '--export', '--dry-run', ...b()]);
    expect(both.stdout).toBe('export-a,exported,0,1\nexport-a,exported,1,1\nexport-b,exported,0,1\nexport-b,exported,1,1\n\n');
    const plan = join(tmp, 'plan.csv');
    writeFileSync(plan, 'exported,0,0\nexported,1,1\n');
    // kafka-consumer-groups.sh --bootstrap-server localhost:9092 --group export-a --reset-offsets --from-file plan.csv --execute
    const exec = await streamctl(['groups', 'reset-offsets', '--group', 'export-a', '--from-file', plan, '--execute', ...b()]);
    expect(exec.exitCode).toBe(0);
    const cell = (v: string[]) => v.map((c, i) => c.padEnd([30, 30, 10, 15][i]!)).join(' ');
    expect(exec.stdout).toBe(`\n${cell(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'])}${cell(['export-a', 'exported', '0', '0'])}${cell(['export-a', 'exported', '1', '1'])}`);
    const described = JSON.parse((await streamctl(['groups', 'describe', '--group', 'export-a', '--json', ...b()])).stdout);
    const offsets = described.groups[0].rows.map((r: { partition: number; currentOffset: string }) => [r.partition, r.currentOffset]).sort();
    expect(offsets).toEqual([[0, '0'], [1, '1']]);
    // A multi-group file applies each group's lines.
    const multi = join(tmp, 'multi.csv');
    writeFileSync(multi, both.stdout);
    const execBoth = await streamctl(['groups', 'reset-offsets', '--group', 'export-a', '--group', 'export-b', '--from-file', multi, '--execute', ...b()]);
    expect(execBoth.exitCode).toBe(0);
    expect(execBoth.stdout.match(/exported {23}[01] {10}1 {14}/g)).toHaveLength(4);
  });

  it('prints --state byte for byte as Kafka 3.9 for an empty group (oracle 14, coordinator replaced)', async () => {
    const r = await streamctl(['groups', 'describe', '--group', 'export-b', '--state', ...b()]);
    expect(r.exitCode).toBe(0);
    const coordinator = /\n\S+ +(\S+:\d+ {2}\(\d+\))/.exec(r.stdout.split('\n').slice(1).join('\n'))![1]!;
    const oracle = readFileSync(join(ORACLE, '14-kafka-consumer-groups-describe-state.out'), 'utf8');
    const width = Math.max(25, coordinator.length);
    const expected = oracle
      .replace('tools-demo-group          ', 'export-b'.padEnd(width) + ' ')
      .replace('GROUP                     COORDINATOR (ID)          ', `${'GROUP'.padEnd(width)} ${'COORDINATOR (ID)'.padEnd(width)} `)
      .replace('127.0.0.1:44400  (1)     ', coordinator.padEnd(width));
    expect(r.stdout).toBe(expected);
  });

  it('places new partitions with topics alter --replica-assignment', async () => {
    await create('assigned');
    const describe = await streamctl(['topics', 'describe', '--topic', 'assigned', ...b()]);
    const leader = /Leader: (\d+)/.exec(describe.stdout)![1]!;
    const r = await streamctl(['topics', 'alter', '--topic', 'assigned', '--partitions', '3', '--replica-assignment', `${leader},${leader},${leader}`, ...b()]);
    expect(r.exitCode).toBe(0);
    const after = await streamctl(['topics', 'describe', '--topic', 'assigned', ...b()]);
    expect(after.stdout.match(new RegExp(`Replicas: ${leader}\\t`, 'g'))).toHaveLength(3);
    const bad = await streamctl(['topics', 'alter', '--topic', 'assigned', '--partitions', '5', '--replica-assignment', `${leader},${leader},${leader},${leader}`, ...b()]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('replica assignment has 4 partitions');
  });
});
