// Issue 9 items 4 and 6 against one real 3-broker cluster (auto.create.topics.enable=true):
// `records delete` moves the log start offset on every replica and deletes whole segments
// (kcat and a kafka-python group consumer below it reset to it), `log-dirs describe` prints
// kafka-log-dirs' text with the sizes on disk, producers create missing topics and check
// --partition, deleting a topic removes its committed offsets, and `topics list/describe`
// work while a partition has no leader. Runs the built CLI (`npm run build` first).
import { execa } from 'execa';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type EmbeddedCluster } from '../../src/embedded/start-cluster.js';
import { formatDeleteRecords } from '../../src/engine/client/records-format.js';
import { waitFor } from '../helpers/wait-for.js';
import { streamctl } from './kafka-cli-helpers.js';

const PY_RESET = fileURLToPath(new URL('../interop/fixtures/kafka_python_reset.py', import.meta.url));

/** The base offsets of the segments in a replica's folder. */
function segmentBases(dir: string): bigint[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => BigInt(f.slice(0, 20)))
    .sort((a, b) => (a < b ? -1 : 1));
}

function logBytes(dir: string): number {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

describe('admin APIs and topic lifecycle', () => {
  let c: EmbeddedCluster;
  let admin: Admin;
  const cli = (args: string[], input?: string) => streamctl([...args, '--bootstrap-server', c.bootstrapServers], { input });
  const python = async (...args: string[]) => {
    const r = await execa('/usr/bin/python3', [PY_RESET, c.bootstrapServers, ...args], { timeout: 60_000, reject: false });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    return JSON.parse(String(r.stdout).trim().split('\n').pop()!) as Record<string, unknown>;
  };

  beforeAll(async () => {
    c = await startCluster({ brokers: 3, config: { 'auto.create.topics.enable': true, 'num.partitions': 2 } });
    admin = new Admin({ clientId: 'admin-apis-test', bootstrapBrokers: c.brokers });
    await c.createTopic('purge', { partitions: 2, replicationFactor: 3, config: { 'segment.bytes': 1024 } });
    for (let b = 0; b < 20; b++) await c.produce('purge', Array.from({ length: 10 }, (_, i) => ({ value: `record-${b * 10 + i}-padding-padding`, partition: 0 })));
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
    await c?.stop();
  });

  it('records delete moves the log start offset on every replica, deletes segments, and consumers below it reset', async () => {
    expect(await python('purge', 'reset-group', 'commit', '10')).toEqual({ committed: 10 });
    const file = join(c.dir, 'offsets.json');
    writeFileSync(file, JSON.stringify({ partitions: [{ topic: 'purge', partition: 0, offset: 150 }, { topic: 'purge', partition: 1, offset: -1 }], version: 1 }));
    const r = await cli(['records', 'delete', '--offset-json-file', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      'Executing records delete operation\n' +
        formatDeleteRecords([
          { topic: 'purge', partition: 0, lowWatermark: 150n, error: null },
          { topic: 'purge', partition: 1, lowWatermark: 0n, error: null },
        ]),
    );
    expect(r.exitCode).toBe(0);
    // The answer waits for every follower: all three replicas already moved and deleted.
    for (const broker of [1, 2, 3]) {
      const bases = segmentBases(join(c.dir, `broker-${broker}`, 'purge-0'));
      expect(bases[0], `broker ${broker}`).toBeGreaterThan(0n);
      expect(bases[0]! <= 150n && (bases[1] === undefined || bases[1] > 150n), `broker ${broker}: ${bases.join(',')}`).toBe(true);
    }
    // kcat (librdkafka) asked for offset 5: OFFSET_OUT_OF_RANGE, reset to the new start.
    const kcat = await execa('kcat', ['-C', '-b', c.bootstrapServers, '-t', 'purge', '-p', '0', '-o', '5', '-e', '-f', '%o\n', '-X', 'auto.offset.reset=earliest'], { timeout: 30_000, reject: false });
    expect(kcat.exitCode, String(kcat.stderr)).toBe(0);
    const offsets = String(kcat.stdout).trim().split('\n').map(Number);
    expect(offsets[0]).toBe(150);
    expect(offsets).toHaveLength(50);
    // kafka-python's group position (10) is below the log start: it resets to 150.
    expect(await python('purge', 'reset-group', 'resume')).toEqual({ first: 150, count: 50 });
    // Past the high watermark: Kafka's per-partition error, exit 1.
    writeFileSync(file, JSON.stringify({ partitions: [{ topic: 'purge', partition: 0, offset: 999 }] }));
    const bad = await cli(['records', 'delete', '--offset-json-file', file]);
    expect(bad.stdout).toContain('partition: purge-0\terror: org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.\n');
    expect(bad.exitCode).toBe(1);
  }, 120_000);

  it('log-dirs describe prints the query lines and one JSON line with the sizes on disk', async () => {
    const r = await cli(['log-dirs', 'describe', '--topic-list', 'purge', '--broker-list', '2,1']);
    expect(r.exitCode, r.stderr).toBe(0);
    const [querying, received, json, rest] = r.stdout.split('\n');
    expect(querying).toBe('Querying brokers for log directories information');
    expect(received).toBe('Received log directory information from brokers 1,2');
    expect(rest).toBe('');
    const doc = JSON.parse(json!) as { version: number; brokers: Array<{ broker: number; logDirs: Array<{ logDir: string; error: null; partitions: Array<Record<string, unknown>> }> }> };
    expect(Object.keys(doc)).toEqual(['brokers', 'version']);
    expect(doc.brokers.map((b) => b.broker)).toEqual([1, 2]);
    for (const b of doc.brokers) {
      const [dir] = b.logDirs;
      expect(dir!.logDir).toBe(join(c.dir, `broker-${b.broker}`));
      expect(dir!.partitions.map((p) => Object.keys(p))).toEqual([
        ['partition', 'size', 'offsetLag', 'isFuture'],
        ['partition', 'size', 'offsetLag', 'isFuture'],
      ]);
      const p0 = dir!.partitions.find((p) => p.partition === 'purge-0')!;
      expect(p0).toEqual({ partition: 'purge-0', size: logBytes(join(dir!.logDir, 'purge-0')), offsetLag: 0, isFuture: false });
    }
    const missing = await cli(['log-dirs', 'describe', '--broker-list', '9']);
    expect(missing.stderr).toBe('ERROR: The given brokers do not exist from --broker-list: 9. Current existent brokers: 1,2,3\n');
    expect(missing.exitCode).toBe(1);
  }, 60_000);

  it('produce creates a missing topic when the cluster allows it and checks --partition', async () => {
    const made = await cli(['produce', '--topic', 'auto-made'], 'a\nb\n');
    expect(made.exitCode, made.stderr).toBe(0);
    expect((await admin.metadata({ topics: ['auto-made'] })).topics.get('auto-made')?.partitionsCount).toBe(2);
    const perf = await cli(['perf', 'produce', '--topic', 'auto-perf', '--num-records', '20', '--record-size', '10', '--throughput', '-1']);
    expect(perf.exitCode, perf.stderr).toBe(0);
    expect((await admin.metadata({ topics: ['auto-perf'] })).topics.get('auto-perf')?.partitionsCount).toBe(2);
    const bad = await cli(['produce', '--topic', 'auto-made', '--partition', '5'], 'x\n');
    expect(bad.stderr).toContain('Invalid partition given with record: 5 is not in the range [0...2].');
    expect(bad.exitCode).toBe(1);
  }, 60_000);

  it('deleting a topic removes its committed offsets from every group', async () => {
    await admin.deleteTopics({ topics: ['purge'] });
    await c.createTopic('purge', { partitions: 2, replicationFactor: 3 });
    // The group had offsets only for the deleted topic: they go, and the empty group with them.
    await waitFor('the group to be gone', async () => !(await admin.listGroups()).has('reset-group'), 20_000);
  }, 60_000);

  it('topics list and describe work while a partition has no leader', async () => {
    await admin.createTopics({ topics: ['solo'], partitions: -1, replicas: -1, assignments: [{ partition: 0, brokers: [3] }] });
    await c.stopBroker(3);
    await waitFor('solo to lose its leader', async () => {
      const r = await cli(['topics', 'describe', '--topic', 'solo']);
      return r.exitCode === 0 && r.stdout.includes('Leader: none') ? r : undefined;
    });
    const described = await cli(['topics', 'describe', '--topic', 'solo']);
    expect(described.stdout).toMatch(/^Topic: solo\tTopicId: \S+\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: \n\tTopic: solo\tPartition: 0\tLeader: none\tReplicas: 3\tIsr: 3?\tElr: \tLastKnownElr: \n$/);
    const listed = await cli(['topics', 'list']);
    expect(listed.exitCode, listed.stdout + listed.stderr).toBe(0);
    expect(listed.stdout.split('\n')).toContain('solo');
    const unavailable = await cli(['topics', 'describe', '--unavailable-partitions']);
    expect(unavailable.exitCode).toBe(0);
    expect(unavailable.stdout).toMatch(/^\tTopic: solo\tPartition: 0\tLeader: none\t/m);
    // Only leaderless partitions (auto-created topics may have some on broker 3 too).
    expect(unavailable.stdout.trim().split('\n').every((l) => l.includes('\tLeader: none\t'))).toBe(true);
  }, 90_000);
});
