// kafka-reassign-partitions and dynamic broker configs against a real 3-broker cluster: a
// partition with data moves from broker 1 to brokers 2 and 3 (readable, old log deleted),
// --verify/--list/--cancel print Kafka's texts, and a broker-default log config takes effect
// on topics without their own override. One cluster for the file.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type EmbeddedCluster } from '../../src/embedded/start-cluster.js';
import { AdminClient } from '../../src/engine/client/admin-client.js';
import { KafkaConnection } from '../../src/engine/network/connection.js';
import { ApiKey } from '../../src/engine/protocol/api-keys.js';
import { streamctl } from './kafka-cli-helpers.js';
import { waitFor } from '../helpers/wait-for.js';

let cluster: EmbeddedCluster;
let work: string;
const b = () => ['--bootstrap-server', cluster.bootstrapServers];

beforeAll(async () => {
  cluster = await startCluster({ brokers: 3, config: { 'log.retention.check.interval.ms': 200, 'replica.lag.time.max.ms': 5000 } });
  work = mkdtempSync(join(tmpdir(), 'reassign-'));
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The processes (broker-N folders) holding a log folder `name`. */
function holders(name: string): string[] {
  return readdirSync(cluster.dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^broker-\d+$/.test(d.name))
    .filter((d) => readdirSync(join(cluster.dir, d.name)).includes(name))
    .map((d) => d.name)
    .sort();
}

function file(name: string, json: unknown): string {
  const path = join(work, name);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

async function run(args: string[]) {
  return streamctl(args, { timeoutMs: 30_000 });
}

describe('reassign-partitions', () => {
  it('moves a partition with its data from broker 1 to brokers 2 and 3 and deletes the old log', async () => {
    expect((await run(['topics', 'create', '--topic', 'moving', '--replica-assignment', '1', ...b()])).exitCode).toBe(0);
    const values = Array.from({ length: 200 }, (_, i) => `value-${i}`);
    await cluster.produce('moving', values);
    expect(holders('moving-0')).toEqual(['broker-1']);

    const plan = file('plan.json', { version: 1, partitions: [{ topic: 'moving', partition: 0, replicas: [2, 3] }] });
    const executed = await run(['reassign-partitions', '--reassignment-json-file', plan, '--execute', ...b()]);
    expect(executed).toMatchObject({ exitCode: 0, stderr: '' });
    expect(executed.stdout).toBe(
      'Current partition replica assignment\n\n' +
        '{"version":1,"partitions":[{"topic":"moving","partition":0,"replicas":[1],"log_dirs":["any"]}]}\n\n' +
        'Save this to use as the --reassignment-json-file option during rollback\n' +
        'Successfully started partition reassignment for moving-0\n',
    );

    const verified = await waitFor('the reassignment to complete', async () => {
      const r = await run(['reassign-partitions', '--reassignment-json-file', plan, '--verify', ...b()]);
      return r.stdout.includes('is completed.') ? r : undefined;
    }, 30_000, 250);
    expect(verified.stdout).toBe(
      'Status of partition reassignment:\nReassignment of partition moving-0 is completed.\n\n' +
        'Clearing broker-level throttles on brokers 1,2,3\nClearing topic-level throttles on topic moving\n',
    );
    await waitFor('the old replica deleted', () => holders('moving-0').join(',') === 'broker-2,broker-3', 15_000);
    const described = await run(['topics', 'describe', '--topic', 'moving', ...b()]);
    expect(described.stdout).toMatch(/Partition: 0\tLeader: [23]\tReplicas: 2,3\tIsr: [23],[23]/);
    const read = await cluster.readTopic('moving', { maxRecords: 200, timeoutMs: 10_000 });
    expect(read.map((r) => String(r.value))).toEqual(values);
    expect((await run(['reassign-partitions', '--list', ...b()])).stdout).toBe('No partition reassignments found.\n');
  }, 90_000);

  it('generates a proposal over the given brokers as Kafka prints it', async () => {
    const topics = file('topics.json', { version: 1, topics: [{ topic: 'moving' }] });
    const r = await run(['reassign-partitions', '--topics-to-move-json-file', topics, '--broker-list', '1,2', '--generate', ...b()]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(
      /^Current partition replica assignment\n\{"version":1,"partitions":\[\{"topic":"moving","partition":0,"replicas":\[2,3\],"log_dirs":\["any","any"\]\}\]\}\n\nProposed partition reassignment configuration\n\{"version":1,"partitions":\[\{"topic":"moving","partition":0,"replicas":\[(1,2|2,1)\],"log_dirs":\["any","any"\]\}\]\}\n$/,
    );
  });

  it('lists, verifies and cancels a reassignment that cannot finish while its new replica is down, and refuses that broker itself', async () => {
    expect((await run(['topics', 'create', '--topic', 'stuck', '--replica-assignment', '1', ...b()])).exitCode).toBe(0);
    // Broker 3 down: kafka-reassign-partitions refuses a broker that is not live ("Unknown broker
    // id 3"), but the controller takes any registered broker, so the reassignment is started
    // over the protocol, as another admin client would.
    await cluster.stopBroker(3);
    try {
      const plan = file('stuck.json', { version: 1, partitions: [{ topic: 'stuck', partition: 0, replicas: [1, 3] }] });
      const [host, port] = cluster.brokers[0]!.split(':');
      const conn = await KafkaConnection.connect({ host: host!, port: Number(port), clientId: 'test' });
      try {
        await waitFor('broker 3 gone from the metadata', async () => {
          const md = await conn.send(ApiKey.Metadata, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
          return !md.brokers.some((x) => x.nodeId === 3);
        });
        expect((await run(['reassign-partitions', '--reassignment-json-file', plan, '--execute', ...b()])).stdout).toBe('Unknown broker id 3\n');
        const res = await conn.send(ApiKey.AlterPartitionReassignments, 0, { timeoutMs: 10_000, topics: [{ name: 'stuck', partitions: [{ partitionIndex: 0, replicas: [1, 3] }] }] });
        expect(res.responses[0]!.partitions[0]!.errorCode).toBe(0);
      } finally {
        conn.close();
      }
      expect((await run(['reassign-partitions', '--list', ...b()])).stdout).toBe('Current partition reassignments:\nstuck-0: replicas: 1,3. adding: 3.\n');
      const again = await run(['reassign-partitions', '--reassignment-json-file', plan, '--execute', ...b()]);
      expect(again.exitCode).toBe(1);
      expect(again.stdout).toMatch(/^Cannot execute because there is an existing partition assignment\. {2}Use --additional/);
      const verified = await run(['reassign-partitions', '--reassignment-json-file', plan, '--verify', ...b()]);
      expect(verified.stdout).toBe('Status of partition reassignment:\nReassignment of partition stuck-0 is still in progress.\n\n');
      const cancelled = await run(['reassign-partitions', '--reassignment-json-file', plan, '--cancel', ...b()]);
      expect(cancelled.stdout).toBe(
        'Successfully cancelled partition reassignment for: stuck-0\nNone of the specified partition moves are active.' +
          'Clearing broker-level throttles on brokers 1,2,3\nClearing topic-level throttles on topic stuck\n',
      );
      expect((await run(['topics', 'describe', '--topic', 'stuck', ...b()])).stdout).toMatch(/Partition: 0\tLeader: 1\tReplicas: 1\tIsr: 1/);
      const throttled = await run(['reassign-partitions', '--reassignment-json-file', plan, '--execute', '--throttle', '1000', ...b()]);
      expect(throttled.exitCode).toBe(2);
      expect(throttled.stderr).toContain('--throttle is a Kafka option that streamctl does not support: replication between brokers is not throttled');
    } finally {
      await cluster.startBroker(3);
    }
  }, 90_000);
});

describe('dynamic broker configs', () => {
  it('changes the cluster-wide default, describes it as kafka-configs does, and topics without an override follow it', async () => {
    const admin = AdminClient.open({ bootstrapServers: cluster.brokers });
    try {
      const altered = await run(['configs', 'alter', '--entity-type', 'brokers', '--entity-default', '--add-config', 'log.segment.bytes=1024', ...b()]);
      expect(altered, altered.stderr).toMatchObject({ exitCode: 0, stdout: 'Completed updating default config for brokers in the cluster.\n' });
      await cluster.createTopic('aging', { partitions: 1, replicationFactor: 1 });
      await cluster.createTopic('kept', { partitions: 1, replicationFactor: 1, config: { 'retention.ms': -1 } });
      const values = Array.from({ length: 100 }, (_, i) => `record-${i}-${'x'.repeat(40)}`);
      for (let i = 0; i < values.length; i += 10) {
        await cluster.produce('aging', values.slice(i, i + 10));
        await cluster.produce('kept', values.slice(i, i + 10));
      }
      const parts = [{ topic: 'aging', partition: 0 }, { topic: 'kept', partition: 0 }];
      expect([...(await admin.listOffsets(parts, 'earliest')).values()]).toEqual([0n, 0n]);

      expect((await run(['configs', 'alter', '--broker-defaults', '--add-config', 'log.retention.ms=1', ...b()])).exitCode).toBe(0);
      const described = await run(['configs', 'describe', '--entity-type', 'brokers', '--entity-default', ...b()]);
      expect(described.stdout).toBe(
        'Default configs for brokers in the cluster are:\n' +
          '  log.retention.ms=1 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=1}\n' +
          '  log.segment.bytes=1024 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.segment.bytes=1024}\n',
      );
      await waitFor('old segments of the topic without its own retention deleted', async () => (await admin.listOffsets([parts[0]!], 'earliest')).get('aging:0')! > 0n, 20_000, 200);
      expect((await admin.listOffsets([parts[1]!], 'earliest')).get('kept:0')).toBe(0n);

      const all = await run(['configs', 'describe', '--entity-type', 'brokers', '--entity-name', '1', '--all', ...b()]);
      expect(all.stdout.split('\n')[0]).toBe('All configs for broker 1 are:');
      expect(all.stdout).toContain('\n  log.retention.ms=1 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=1, DEFAULT_CONFIG:log.retention.hours=168}\n');
      expect(all.stdout).toContain('\n  log.retention.hours=168 sensitive=false synonyms={DEFAULT_CONFIG:log.retention.hours=168}\n');
      expect(all.stdout).toContain('\n  broker.id=1 sensitive=false synonyms={STATIC_BROKER_CONFIG:broker.id=1, DEFAULT_CONFIG:broker.id=-1}\n');
      expect(all.stdout).toContain('\n  log.retention.check.interval.ms=200 sensitive=false synonyms={STATIC_BROKER_CONFIG:log.retention.check.interval.ms=200, DEFAULT_CONFIG:log.retention.check.interval.ms=300000}\n');

      const perBroker = await run(['configs', 'alter', '--entity-type', 'brokers', '--entity-name', '2', '--add-config', 'log.retention.bytes=1000000', ...b()]);
      expect(perBroker.stdout).toBe('Completed updating config for broker 2.\n');
      expect((await run(['configs', 'describe', '--broker', '2', ...b()])).stdout).toBe(
        'Dynamic configs for broker 2 are:\n  log.retention.bytes=1000000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.retention.bytes=1000000, DEFAULT_CONFIG:log.retention.bytes=-1}\n',
      );

      const readOnly = await run(['configs', 'alter', '--entity-type', 'brokers', '--entity-name', '1', '--add-config', 'num.partitions=3', ...b()]);
      expect(readOnly.exitCode).toBe(1);
      expect(readOnly.stderr).toContain('Cannot update these configs dynamically: Set(num.partitions)');
      expect((await run(['configs', 'alter', '--broker-defaults', '--delete-config', 'log.retention.ms,log.segment.bytes', ...b()])).exitCode).toBe(0);
      expect((await run(['configs', 'describe', '--entity-type', 'brokers', '--entity-default', ...b()])).stdout).toBe('Default configs for brokers in the cluster are:\n');
    } finally {
      await admin.close();
    }
  }, 60_000);
});
