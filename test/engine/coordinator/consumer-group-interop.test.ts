// Real clients against a real local cluster: kafkajs consumers share a topic's partitions
// through our group coordinator, take over a leaving member's partitions, commit offsets,
// and kcat (librdkafka) joins the same group alongside kafkajs.
// Build first (`npm run build`): the cluster runs from dist/.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssignerProtocol, Kafka, PartitionAssigners, logLevel, type Admin, type Consumer } from 'kafkajs';
import { startTestCluster, type TestCluster } from '../../helpers/cluster.js';
import { waitFor } from '../../helpers/wait-for.js';

let cluster: TestCluster;
let kafka: Kafka;
let admin: Admin;
const consumers: Consumer[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  cluster = await startTestCluster({ brokers: 1 });
  kafka = new Kafka({ clientId: 'interop', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
}, 60_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const c of consumers) await c.disconnect().catch(() => undefined);
  await admin?.disconnect().catch(() => undefined);
  await cluster?.stop();
}, 60_000);

const poll = waitFor;

interface MemberView {
  memberId: string;
  clientId: string;
  partitions: number[];
}

/** The group's members and their partitions of `topic`, once the group is Stable. */
async function stableMembers(groupId: string, topic: string): Promise<MemberView[] | undefined> {
  const { groups } = await admin.describeGroups([groupId]);
  const g = groups[0]!;
  if (g.state !== 'Stable') return undefined;
  return g.members.map((m) => {
    const a = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
    return { memberId: m.memberId, clientId: m.clientId, partitions: [...(a?.assignment[topic] ?? [])].sort((x, y) => x - y) };
  });
}

function coversAll(members: MemberView[], partitions: number): boolean {
  const all = members.flatMap((m) => m.partitions).sort((a, b) => a - b);
  return all.length === partitions && all.every((p, i) => p === i);
}

async function produce(topic: string, count: number, prefix: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: count }, (_, i) => ({ key: `${prefix}-${i}`, value: `${prefix}-${i}` })),
  });
  await producer.disconnect();
}

interface Seen {
  who: string;
  partition: number;
  offset: string;
  value: string;
}

async function startConsumer(groupId: string, topic: string, who: string, seen: Seen[], extra: Partial<Parameters<Kafka['consumer']>[0]> = {}): Promise<Consumer> {
  // A short fetch wait: kafkajs only heartbeats (and so learns of a rebalance) between fetches.
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500, rebalanceTimeout: 10_000, maxWaitTimeInMs: 500, ...extra });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      seen.push({ who, partition, offset: message.offset, value: message.value!.toString() });
    },
  });
  return consumer;
}

describe('consumer groups with real clients', () => {
  it('three kafkajs consumers share six partitions, and the others take over when one leaves', async () => {
    const topic = 'orders';
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
    const seen: Seen[] = [];
    const [, , third] = await Promise.all(['a', 'b', 'c'].map((who) => startConsumer('trio', topic, who, seen)));

    const three = await poll('three members sharing the partitions', async () => {
      const m = await stableMembers('trio', topic);
      return m && m.length === 3 && coversAll(m, 6) && m.every((x) => x.partitions.length === 2) ? m : undefined;
    });
    expect(three).toHaveLength(3);

    await produce(topic, 60, 'first');
    await poll('the first 60 records consumed', () => seen.filter((s) => s.value.startsWith('first-')).length >= 60);

    await third!.disconnect();
    const leftAt = Date.now();
    const two = await poll('two members taking over all partitions', async () => {
      const m = await stableMembers('trio', topic);
      return m && m.length === 2 && coversAll(m, 6) && m.every((x) => x.partitions.length === 3) ? m : undefined;
    });
    expect(two).toHaveLength(2);
    expect(Date.now() - leftAt).toBeLessThan(10_000); // within the session timeout

    await produce(topic, 60, 'second');
    await poll('the second 60 records consumed', () => seen.filter((s) => s.value.startsWith('second-')).length >= 60);
    const second = seen.filter((s) => s.value.startsWith('second-'));
    expect(new Set(second.map((s) => s.who))).toEqual(new Set(['a', 'b']));
    // Every record went to exactly one member.
    const keys = seen.map((s) => `${s.partition}:${s.offset}`);
    expect(new Set(keys).size).toBe(120);
    expect(keys).toHaveLength(120);

    // Committed offsets reach the log end offsets.
    const ends = await admin.fetchTopicOffsets(topic);
    await poll('committed offsets at the log end', async () => {
      const [committed] = await admin.fetchOffsets({ groupId: 'trio', topics: [topic] });
      const byPartition = new Map(committed!.partitions.map((p) => [p.partition, p.offset]));
      return ends.every((e) => byPartition.get(e.partition) === e.high);
    });
  }, 120_000);

  it('kcat -G joins a group alongside a kafkajs member and they split the partitions', async () => {
    const topic = 'mixed';
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
    const seen: Seen[] = [];
    // librdkafka offers "range,roundrobin"; a kafkajs round-robin assigner named like
    // librdkafka's gives the two clients a common protocol.
    await startConsumer('mix', topic, 'kafkajs', seen, {
      partitionAssigners: [(config) => ({ ...PartitionAssigners.roundRobin(config), name: 'roundrobin' })],
    });
    await poll('the kafkajs member alone in the group', async () => {
      const m = await stableMembers('mix', topic);
      return m && m.length === 1 && coversAll(m, 6);
    });

    const kcatLines: string[] = [];
    const kcat = spawn(
      'kcat',
      ['-b', cluster.bootstrap, '-G', 'mix', '-X', 'partition.assignment.strategy=roundrobin', '-X', 'client.id=kcat-member', '-o', 'beginning', '-q', '-u', '-f', '%p %o %s\\n', topic],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(kcat);
    let kcatErr = '';
    let kcatPartial = '';
    kcat.stdout!.setEncoding('utf8').on('data', (d: string) => {
      // A chunk can end mid-line: keep the tail until its newline arrives.
      const parts = (kcatPartial + d).split('\n');
      kcatPartial = parts.pop()!;
      kcatLines.push(...parts.filter(Boolean));
    });
    kcat.stderr!.setEncoding('utf8').on('data', (d: string) => (kcatErr += d));

    const members = await poll(
      'kcat and kafkajs sharing the partitions',
      async () => {
        const m = await stableMembers('mix', topic);
        return m && m.length === 2 && coversAll(m, 6) && m.every((x) => x.partitions.length === 3) ? m : undefined;
      },
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nkcat stderr: ${kcatErr}`);
    });
    const kcatMember = members.find((m) => m.clientId === 'kcat-member');
    expect(kcatMember).toBeDefined();

    await produce(topic, 30, 'mixed');
    const kcatValues = () => new Set(kcatLines.filter((l) => l.includes('mixed-')).map((l) => l.split(' ').slice(2).join(' ')));
    const kafkajsValues = () => new Set(seen.filter((s) => s.value.startsWith('mixed-')).map((s) => s.value));
    const expected = Array.from({ length: 30 }, (_, i) => `mixed-${i}`);
    // Until every one of the 30 is read (a record read by both across a rebalance under load
    // counts once: delivery is at least once).
    await poll('all 30 records consumed by the two clients', () => {
      const union = new Set([...kcatValues(), ...kafkajsValues()]);
      return expected.every((v) => union.has(v));
    });
    // Both clients got records, and nothing else. (Which member reads which partition is
    // checked through the group's assignment above; a rebalance under load may move
    // partitions between the snapshot and the reads, so it is not asserted per record.)
    expect(kcatValues().size).toBeGreaterThan(0);
    expect(kafkajsValues().size).toBeGreaterThan(0);
    expect([...new Set([...kcatValues(), ...kafkajsValues()])].sort()).toEqual([...expected].sort());

    kcat.kill('SIGTERM');
    await poll('kcat left and kafkajs took over', async () => {
      const m = await stableMembers('mix', topic);
      return m && m.length === 1 && coversAll(m, 6);
    });
  }, 120_000);

  it('a member that dies without leaving loses its partitions to the others when its session expires', async () => {
    const topic = 'crashy';
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
    const seen: Seen[] = [];
    await startConsumer('crash', topic, 'kafkajs', seen, {
      partitionAssigners: [(config) => ({ ...PartitionAssigners.roundRobin(config), name: 'roundrobin' })],
    });
    const sessionTimeoutMs = 6_000;
    const kcat = spawn(
      'kcat',
      ['-b', cluster.bootstrap, '-G', 'crash', '-X', 'partition.assignment.strategy=roundrobin', '-X', `session.timeout.ms=${sessionTimeoutMs}`, '-q', '-u', topic],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    children.push(kcat);
    await poll(
      'kcat and kafkajs sharing the partitions',
      async () => {
        const m = await stableMembers('crash', topic);
        return m && m.length === 2 && coversAll(m, 4) && m.every((x) => x.partitions.length === 2);
      },
      60_000,
    );
    kcat.kill('SIGKILL'); // no LeaveGroup: only the session timeout can notice
    const killedAt = Date.now();
    await poll('kafkajs alone with every partition', async () => {
      const m = await stableMembers('crash', topic);
      return m && m.length === 1 && coversAll(m, 4);
    });
    const took = Date.now() - killedAt;
    expect(took).toBeGreaterThanOrEqual(sessionTimeoutMs - 1_000);
    expect(took).toBeLessThan(sessionTimeoutMs + 8_000);
  }, 120_000);
});
