import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { streamctl } from './kafka-cli-helpers.js';

describe('topics commands against a real cluster', () => {
  let cluster: TestCluster;
  const b = () => ['--bootstrap-server', cluster.bootstrap];

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('creates a topic and prints the collision warning for a dotted name', async () => {
    const r = await streamctl(['topics', 'create', '--topic', 'orders.v1', '--partitions', '3', ...b()]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\nCreated topic orders.v1.\n",
    );
  });

  it('fails on stdout with exit 1 when the topic exists, unless --if-not-exists', async () => {
    await streamctl(['topics', 'create', '--topic', 'dup', ...b()]);
    const again = await streamctl(['topics', 'create', '--topic', 'dup', ...b()]);
    expect(again.exitCode).toBe(1);
    expect(again.stdout).toBe("Error while executing topic command : Topic 'dup' already exists.\n");
    const quiet = await streamctl(['topics', 'create', '--topic', 'dup', '--if-not-exists', ...b()]);
    expect(quiet.exitCode).toBe(0);
    expect(quiet.stdout).toBe('');
  });

  it('lists topics sorted, one per line, and as JSON', async () => {
    await streamctl(['topics', 'create', '--topic', 'b-topic', ...b()]);
    await streamctl(['topics', 'create', '--topic', 'a-topic', ...b()]);
    const r = await streamctl(['topics', 'list', '--exclude-internal', ...b()]);
    const names = r.stdout.trimEnd().split('\n');
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['a-topic', 'b-topic']));
    const json = JSON.parse((await streamctl(['topics', 'list', '--json', ...b()])).stdout);
    expect(json.topics).toEqual(expect.arrayContaining(['a-topic', 'b-topic']));
  });

  it('describes a topic with the kafka-topics line formats', async () => {
    await streamctl(['topics', 'create', '--topic', 'described', '--partitions', '2', '--config', 'retention.ms=3600000', ...b()]);
    const r = await streamctl(['topics', 'describe', '--topic', 'described', ...b()]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Topic: described\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: .*retention\.ms=3600000/);
    expect(lines[1]).toMatch(/^\tTopic: described\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: [^\t]*\tLastKnownElr: /);
    expect(lines).toHaveLength(3);
  });

  it('adds partitions with alter and deletes the topic', async () => {
    await streamctl(['topics', 'create', '--topic', 'grow', '--partitions', '1', ...b()]);
    const alter = await streamctl(['topics', 'alter', '--topic', 'grow', '--partitions', '3', ...b()]);
    expect([alter.exitCode, alter.stdout]).toEqual([0, '']);
    const described = await streamctl(['topics', 'describe', '--topic', 'grow', ...b()]);
    expect(described.stdout).toContain('PartitionCount: 3');
    const del = await streamctl(['topics', 'delete', '--topic', 'grow', ...b()]);
    expect([del.exitCode, del.stdout]).toEqual([0, '']);
    const deadline = Date.now() + 10_000;
    let listed: string;
    do {
      listed = (await streamctl(['topics', 'list', ...b()])).stdout;
    } while (listed.split('\n').includes('grow') && Date.now() < deadline);
    expect(listed.split('\n')).not.toContain('grow');
  });

  it("reports a missing topic with Kafka's message, and is silent with --if-exists", async () => {
    const r = await streamctl(['topics', 'describe', '--topic', 'missing', ...b()]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("Error while executing topic command : Topic 'Optional[missing]' does not exist as expected\n");
    const quiet = await streamctl(['topics', 'delete', '--topic', 'missing', '--if-exists', ...b()]);
    expect([quiet.exitCode, quiet.stdout]).toEqual([0, '']);
  });

  it('alters and describes topic configs like kafka-configs', async () => {
    await streamctl(['topics', 'create', '--topic', 'configured', ...b()]);
    const alter = await streamctl(['configs', 'alter', '--entity-type', 'topics', '--entity-name', 'configured', '--add-config', 'max.message.bytes=64000', ...b()]);
    expect(alter.stdout).toBe('Completed updating config for topic configured.\n');
    const d = await streamctl(['configs', 'describe', '--topic', 'configured', ...b()]);
    expect(d.stdout.split('\n')[0]).toBe('Dynamic configs for topic configured are:');
    expect(d.stdout.split('\n')[1]).toMatch(/^ {2}max\.message\.bytes=64000 sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:max\.message\.bytes=64000/);
    const bad = await streamctl(['configs', 'alter', '--topic', 'configured', '--delete-config', 'retention.ms', ...b()]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toBe('Invalid config(s): retention.ms\n');
  });
});
