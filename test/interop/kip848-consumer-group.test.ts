// KIP-848 consumer groups with a real client: @platformatic/kafka consumers with
// groupProtocol 'consumer' (ConsumerGroupHeartbeat, OffsetCommit/OffsetFetch v9 with member
// epochs) against one local broker. A first member gets every partition, a second one joins
// and the partitions are handed over (revoked by the first before the second gets them),
// commits work, `groups describe`/`groups list` show the group, and a member that leaves
// gets its partitions reassigned. Build first (`npm run build`): the cluster runs from dist/.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);
const TOPIC = 'kip848';
const GROUP = 'kip848-group';
let cluster: TestCluster;
const consumers: Array<Consumer<string, string, string, string>> = [];

beforeAll(async () => {
  cluster = await startTestCluster({
    brokers: 1,
    settings: { 'group.consumer.heartbeat.interval.ms': '300', 'group.consumer.session.timeout.ms': '6000', 'offsets.topic.num.partitions': '3' },
  });
  const producer = new Producer({ clientId: 'kip848-producer', bootstrapBrokers: cluster.bootstrap.split(','), serializers: stringSerializers, autocreateTopics: false });
  try {
    await run('node', ['bin/run.js', 'topics', 'create', '--topic', TOPIC, '--partitions', '4', '--bootstrap-server', cluster.bootstrap]);
    await producer.send({ messages: Array.from({ length: 40 }, (_, i) => ({ topic: TOPIC, partition: i % 4, key: `k${i}`, value: `v${i}` })) });
  } finally {
    await producer.close();
  }
}, 60_000);

afterAll(async () => {
  for (const c of consumers) await Promise.resolve(c.close(true)).catch(() => undefined);
  await cluster?.stop();
});

function consumer(clientId: string) {
  const c = new Consumer({
    groupId: GROUP,
    clientId,
    bootstrapBrokers: cluster.bootstrap.split(','),
    deserializers: stringDeserializers,
    groupProtocol: 'consumer',
  });
  consumers.push(c);
  return c;
}

const owned = (c: Consumer<string, string, string, string>) => (c.assignments ?? []).flatMap((a) => a.partitions.map((p) => `${a.topic}-${p}`)).sort();
const cli = async (...args: string[]) => (await run('node', ['bin/run.js', ...args, '--bootstrap-server', cluster.bootstrap])).stdout;

describe('consumer-protocol group with @platformatic/kafka', () => {
  it('assigns, hands over, commits, describes and reassigns on leave', async () => {
    const a = consumer('member-a');
    const received: string[] = [];
    const streamA = await a.consume({ topics: [TOPIC], mode: 'earliest', autocommit: 200 });
    streamA.on('data', (m) => received.push(`${m.partition}:${m.offset}`));
    await waitFor('member a owns every partition and read every record', () => owned(a).length === 4 && received.length === 40, 20_000);

    const b = consumer('member-b');
    const streamB = await b.consume({ topics: [TOPIC], mode: 'earliest', autocommit: 200 });
    streamB.on('data', () => undefined);
    // Revocation before reassignment: no partition is ever owned by both at once.
    const overlaps: string[] = [];
    await waitFor(
      'the partitions are split between a and b',
      () => {
        overlaps.push(...owned(a).filter((p) => owned(b).includes(p)));
        return owned(a).length === 2 && owned(b).length === 2;
      },
      20_000,
      20,
    );
    expect(overlaps).toEqual([]);
    expect(new Set([...owned(a), ...owned(b)]).size).toBe(4);

    // Commits made with member epochs (OffsetCommit v9) are visible to the tools.
    await waitFor('committed offsets reach the log end', async () => {
      const out = JSON.parse(await cli('groups', 'describe', '--group', GROUP, '--json')) as { groups: Array<{ rows: Array<{ lag: string | null }> }> };
      const rows = out.groups[0]?.rows ?? [];
      return rows.length === 4 && rows.every((r) => r.lag === '0');
    }, 20_000);
    const list = await cli('groups', 'list', '--type', '--state');
    expect(list).toMatch(new RegExp(`${GROUP}\\s+Consumer\\s+Stable`));
    const members = await cli('groups', 'describe', '--group', GROUP, '--members', '--verbose');
    const lines = members.split('\n').filter((l) => l.trim() !== '');
    expect(lines[0]!.trim().split(/\s+/)).toEqual(['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'CURRENT-EPOCH', 'CURRENT-ASSIGNMENT', 'TARGET-EPOCH', 'TARGET-ASSIGNMENT']);
    const rowOf = (client: string) => lines.find((l) => l.includes(client))!.trim().split(/\s+/);
    for (const client of ['member-a', 'member-b']) {
      const [, , , , count, epoch, current, targetEpoch, target] = rowOf(client);
      expect(count).toBe('2');
      expect(epoch).toBe(targetEpoch);
      expect(current).toBe(target);
    }
    const state = (await cli('groups', 'describe', '--group', GROUP, '--state', '--verbose')).split('\n').filter((l) => l.trim() !== '');
    expect(state[0]!.trim().split(/\s+/)).toEqual(['GROUP', 'COORDINATOR', '(ID)', 'ASSIGNMENT-STRATEGY', 'STATE', 'GROUP-EPOCH', 'TARGET-ASSIGNMENT-EPOCH', '#MEMBERS']);
    expect(state[1]).toMatch(/uniform\s+Stable\s+(\d+)\s+\1\s+2\s*$/);

    // a leaves: b gets everything.
    await streamA.close();
    await a.close(true);
    await waitFor('member b owns every partition after a left', () => owned(b).length === 4, 20_000);
  }, 90_000);
});
