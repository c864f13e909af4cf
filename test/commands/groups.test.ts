import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { streamctl } from './kafka-cli-helpers.js';

describe('groups, lag and perf commands against a real cluster', () => {
  let cluster: TestCluster;
  const b = () => ['--bootstrap-server', cluster.bootstrap];

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
    await streamctl(['topics', 'create', '--topic', 'events', '--partitions', '2', ...b()]);
    const lines = Array.from({ length: 10 }, (_, i) => `k${i}\tv${i}`).join('\n');
    await streamctl(['produce', '--topic', 'events', '--property', 'parse.key=true', ...b()], { input: `${lines}\n` });
    // A group that read 4 records and left: its commits are what groups describe shows.
    const c = await streamctl(['consume', '--topic', 'events', '--group', 'readers', '--from-beginning', '--max-messages', '4', ...b()]);
    expect(c.stderr).toContain('Processed a total of 4 messages');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function independentLag(group: string): Promise<bigint> {
    const kafka = new Kafka({ brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets('events');
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: ['events'] });
      let lag = 0n;
      for (const p of committed!.partitions) {
        const end = BigInt(ends.find((e) => e.partition === p.partition)!.high);
        if (p.offset !== '-1') lag += end - BigInt(p.offset);
      }
      return lag;
    } finally {
      await admin.disconnect();
    }
  }

  it('lists the group and describes lag equal to log end minus committed', async () => {
    const list = await streamctl(['groups', 'list', ...b()]);
    expect(list.stdout.split('\n')).toContain('readers');
    const d = await streamctl(['groups', 'describe', '--group', 'readers', '--json', ...b()]);
    const view = JSON.parse(d.stdout).groups[0];
    expect(BigInt(view.totalLag)).toBe(await independentLag('readers'));
    expect(BigInt(view.totalLag)).toBe(6n);
    const text = await streamctl(['groups', 'describe', '--group', 'readers', ...b()]);
    expect(text.stderr).toBe("\nConsumer group 'readers' has no active members.\n");
    expect(text.stdout.split('\n')[1]).toMatch(/^GROUP {11}TOPIC {11}PARTITION {2}CURRENT-OFFSET {2}LOG-END-OFFSET {2}LAG {13}CONSUMER-ID/);
  });

  it('continues from the committed offsets when the group consumes again', async () => {
    const c = await streamctl(['consume', '--topic', 'events', '--group', 'readers', '--from-beginning', '--max-messages', '6', '--timeout-ms', '15000', ...b()]);
    expect(c.stdout.trimEnd().split('\n')).toHaveLength(6);
    expect(await independentLag('readers')).toBe(0n);
  });

  it('plans a reset as a dry run by default and applies it with --execute', async () => {
    const dry = await streamctl(['groups', 'reset-offsets', '--group', 'readers', '--topic', 'events', '--to-earliest', ...b()]);
    expect(dry.stderr).toContain('WARN: No action will be performed as the --execute option is missing.In a future major release');
    const cell = (v: string[]) => v.map((c, i) => c.padEnd([30, 30, 10, 15][i]!)).join(' ');
    expect(dry.stdout).toBe(`\n${cell(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'])}${cell(['readers', 'events', '0', '0'])}${cell(['readers', 'events', '1', '0'])}`);
    expect(await independentLag('readers')).toBe(0n);
    const exec = await streamctl(['groups', 'reset-offsets', '--group', 'readers', '--topic', 'events', '--to-earliest', '--execute', ...b()]);
    expect(exec.exitCode).toBe(0);
    expect(await independentLag('readers')).toBe(10n);
    const again = await streamctl(['consume', '--topic', 'events', '--group', 'readers', '--max-messages', '10', '--timeout-ms', '15000', ...b()]);
    expect(again.stdout.trimEnd().split('\n').sort()).toEqual(Array.from({ length: 10 }, (_, i) => `v${i}`).sort());
  });

  it("refuses to reset an active group with Kafka's message", async () => {
    const kafka = new Kafka({ brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'active', sessionTimeout: 10_000, heartbeatInterval: 1000 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'events', fromBeginning: true });
      let joined = false;
      consumer.on(consumer.events.GROUP_JOIN, () => {
        joined = true;
      });
      await consumer.run({ eachMessage: async () => undefined });
      await waitFor('the consumer joined', () => joined, 30_000);
      const r = await streamctl(['groups', 'reset-offsets', '--group', 'active', '--topic', 'events', '--to-earliest', '--execute', ...b()]);
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toContain("\nError: Assignments can only be reset if the group 'active' is inactive, but the current state is Stable.\n");
    } finally {
      await consumer.disconnect();
    }
  });

  it('shows lag per group and topic', async () => {
    await streamctl(['groups', 'reset-offsets', '--group', 'readers', '--all-topics', '--shift-by', '-1', '--execute', ...b()]);
    const r = await streamctl(['lag', '--group', 'readers', '--json', ...b()]);
    const [g] = JSON.parse(r.stdout).groups;
    expect(g.group).toBe('readers');
    expect(g.totalLag).toBe('2');
    expect(g.topics[0].timeLagMs).not.toBeNull();
  });

  it('deletes offsets and then the group', async () => {
    const del = await streamctl(['groups', 'delete-offsets', '--group', 'readers', '--topic', 'events:0', ...b()]);
    expect(del.stdout.split('\n')[0]).toBe('Request succeed for deleting offsets with topic events:0 group readers');
    expect(del.stdout).toMatch(/events {25}0 {15}Successful/);
    const gone = await streamctl(['groups', 'delete', '--group', 'readers', ...b()]);
    expect(gone.stdout).toBe("Deletion of requested consumer groups ('readers') was successful.\n");
  });

  it("prints perf produce and perf consume figures that match the topic", async () => {
    await streamctl(['topics', 'create', '--topic', 'perf', '--partitions', '2', ...b()]);
    const p = await streamctl(['perf', 'produce', '--topic', 'perf', '--num-records', '5000', '--record-size', '100', '--throughput', '-1', ...b()]);
    expect(p.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^5000 records sent, \d+\.\d{6} records\/sec \(\d+\.\d{2} MB\/sec\), \d+\.\d{2} ms avg latency, \d+\.\d{2} ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$/,
    );
    const c = await streamctl(['perf', 'consume', '--topic', 'perf', '--messages', '5000', ...b()]);
    const [header, row] = c.stdout.trimEnd().split('\n');
    expect(header).toBe('start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec');
    const cells = row!.split(', ');
    expect(cells[4]).toBe('5000');
    expect(cells[2]).toBe((500_000 / 1024 / 1024).toFixed(4));
  });
});
