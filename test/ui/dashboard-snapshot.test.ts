import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../src/engine/cluster/local-cluster.js';
import { StreamctlError } from '../../src/engine/common/errors.js';
import type { TopicDescription } from '../../src/engine/client/topics-format.js';
import {
  brokersFromStatus,
  brokersFromTopics,
  collectDashboardSnapshot,
  type DashboardAdmin,
  DashboardPoller,
  type DashboardSources,
  type DashboardTopologies,
  messagesPerSec,
} from '../../src/ui/dashboard-snapshot.js';

function describedTopic(name: string, partitions: Array<{ leader: number; replicas: number[]; isr: number[] }>): TopicDescription {
  return {
    topic: name,
    topicId: 'x',
    minInsyncReplicas: null,
    internal: false,
    configs: [],
    partitions: partitions.map((p, partition) => ({ partition, ...p, elr: null, lastKnownElr: null })),
  };
}

function fakeAdmin(options: { ends?: Map<string, bigint>; groupsFail?: boolean; offsetsFail?: boolean; lagFail?: boolean } = {}): DashboardAdmin {
  const topics = [
    describedTopic('orders', [
      { leader: 1, replicas: [1, 2], isr: [1, 2] },
      { leader: 2, replicas: [2, 1], isr: [2] },
    ]),
    describedTopic('lost', [{ leader: -1, replicas: [3], isr: [] }]),
  ];
  return {
    describeTopics: async () => ({
      topics,
      liveBrokers: [1, 2],
      brokerAddresses: [
        { broker: 1, host: '127.0.0.1', port: 9092 },
        { broker: 2, host: '127.0.0.1', port: 9093 },
      ],
      elrKnown: false,
    }),
    listOffsets: async () => {
      if (options.offsetsFail) throw new Error('listing offsets: Connection to 127.0.0.1:9093 failed.');
      return (
        options.ends ??
      new Map([
        ['orders:0', 10n],
        ['orders:1', 5n],
        ['lost:0', 0n],
      ])
      );
    },
    listGroups: async () => {
      if (options.groupsFail) throw new StreamctlError('TIMEOUT', 'Timed out listing groups.');
      return [{ group: 'billing', state: 'Stable', protocolType: 'consumer' }];
    },
    describeGroupMembers: async () => [
      {
        group: 'billing',
        state: 'Stable',
        members: [{ group: 'billing', consumerId: 'c1', groupInstanceId: '', host: '/127.0.0.1', clientId: 'x', assignment: [] }],
      },
    ],
    groupLag: async () => {
      if (options.lagFail) throw new Error('fetching committed offsets: Connection to 127.0.0.1:9093 failed.');
      return [
        { group: 'billing', totalLag: 7n, topics: [{ group: 'billing', topic: 'orders', partitions: 2, lag: 7n, uncommittedPartitions: 0, timeLagMs: null }] },
      ];
    },
  };
}

const noTopologies: DashboardTopologies = {
  list: async () => ({ topologies: [] }),
  describe: async () => {
    throw new Error('unused');
  },
};

function sources(overrides: Partial<DashboardSources> = {}): DashboardSources {
  return {
    target: { dir: null, bootstrapServers: 'b:1', nimbusUrl: 'http://n:1' },
    clusterStatus: null,
    admin: () => fakeAdmin(),
    topologies: noTopologies,
    ...overrides,
  };
}

function status(overrides: Partial<ClusterStatus> = {}): ClusterStatus {
  const proc = (kind: 'controller' | 'broker', id: number | undefined, port: number, st: 'running' | 'killed') => ({
    kind,
    id,
    host: '127.0.0.1',
    port,
    pid: st === 'running' ? 100 + port : null,
    status: st,
    logFile: '/x',
  });
  return {
    dir: '/tmp/c',
    running: true,
    state: 'running',
    clusterId: 'cid',
    daemonPid: 1,
    bootstrapServers: '127.0.0.1:9092,127.0.0.1:9093',
    nimbusUrl: null,
    processes: [proc('controller', undefined, 9192, 'running'), proc('broker', 2, 9093, 'killed'), proc('broker', 1, 9092, 'running')],
    health: {
      healthy: false,
      unhealthyReasons: ['nodes_down'],
      controllerId: 1,
      allNodes: [1, 2],
      nodesDown: [2],
      leaderCounts: { '1': 3 },
      leaderlessPartitions: [],
      underReplicatedPartitions: [],
      topics: 1,
      partitions: 3,
    },
    ...overrides,
  } as ClusterStatus;
}

describe('collectDashboardSnapshot', () => {
  it('sums log-end offsets per topic and counts under-replicated and leaderless partitions', async () => {
    const s = await collectDashboardSnapshot(sources(), { nowMs: 1000 });
    expect(s.topics.error).toBeNull();
    expect(s.topics.data).toEqual([
      { topic: 'lost', partitions: 1, replicationFactor: 1, underReplicated: 1, leaderless: 1, logEndOffset: 0n, messagesPerSec: null },
      { topic: 'orders', partitions: 2, replicationFactor: 2, underReplicated: 1, leaderless: 0, logEndOffset: 15n, messagesPerSec: null },
    ]);
  });

  it('computes records per second from the previous snapshot', async () => {
    const first = await collectDashboardSnapshot(sources(), { nowMs: 1000 });
    const ends = new Map([
      ['orders:0', 30n],
      ['orders:1', 5n],
      ['lost:0', 0n],
    ]);
    const second = await collectDashboardSnapshot(sources({ admin: () => fakeAdmin({ ends }) }), { nowMs: 3000, previous: first });
    expect(second.topics.data!.find((t) => t.topic === 'orders')!.messagesPerSec).toBe(10);
    expect(second.topics.data!.find((t) => t.topic === 'lost')!.messagesPerSec).toBe(0);
  });

  it('reports group state, members and total lag', async () => {
    const s = await collectDashboardSnapshot(sources(), { nowMs: 1000 });
    expect(s.groups).toEqual({ data: [{ group: 'billing', state: 'Stable', members: 1, totalLag: 7n, topics: ['orders'], committedTotal: 8n }], error: null });
  });

  it('keeps a failing source to its own slot with the error text and hint', async () => {
    const down: DashboardTopologies = {
      list: async () => {
        throw new StreamctlError('NOT_RUNNING', 'Cannot reach nimbus at http://n:1', { hint: 'Pass --nimbus-url.' });
      },
      describe: noTopologies.describe,
    };
    const s = await collectDashboardSnapshot(sources({ topologies: down, admin: () => fakeAdmin({ groupsFail: true }) }), { nowMs: 1 });
    expect(s.topologies).toEqual({ data: null, error: 'Cannot reach nimbus at http://n:1. Pass --nimbus-url.' });
    expect(s.groups).toEqual({ data: null, error: 'Timed out listing groups.' });
    expect(s.topics.error).toBeNull();
    expect(s.brokers.error).toBeNull();
  });

  it('keeps the topic rows without log-end offsets when ListOffsets fails, with the error', async () => {
    const s = await collectDashboardSnapshot(sources({ admin: () => fakeAdmin({ offsetsFail: true }) }));
    expect(s.topics.error).toBe('log-end offsets: listing offsets: Connection to 127.0.0.1:9093 failed.');
    expect(s.topics.data!.map((t) => [t.topic, t.partitions, t.logEndOffset])).toEqual([
      ['lost', 1, null],
      ['orders', 2, null],
    ]);
    expect(s.brokers.data!.brokers.map((b) => b.broker)).toEqual([1, 2]);
  });

  it('keeps the group list without lag when the lag cannot be read, with the error', async () => {
    const s = await collectDashboardSnapshot(sources({ admin: () => fakeAdmin({ lagFail: true }) }));
    expect(s.groups).toEqual({
      data: [{ group: 'billing', state: 'Stable', members: 1, totalLag: null, topics: [], committedTotal: null }],
      error: 'lag: fetching committed offsets: Connection to 127.0.0.1:9093 failed.',
    });
  });

  it('reports the same error in every Kafka panel when no brokers are known', async () => {
    const s = await collectDashboardSnapshot(
      sources({
        admin: () => {
          throw new StreamctlError('NOT_RUNNING', 'No local cluster found in /tmp/none.');
        },
      }),
    );
    expect(s.topics.error).toBe('No local cluster found in /tmp/none.');
    expect(s.groups.error).toBe('No local cluster found in /tmp/none.');
    expect(s.brokers.error).toBe('No local cluster found in /tmp/none.');
    expect(s.topologies).toEqual({ data: [], error: null });
  });

  it('turns a source that does not answer in time into an error', async () => {
    const hanging: DashboardTopologies = { list: () => new Promise(() => undefined), describe: noTopologies.describe };
    const s = await collectDashboardSnapshot(sources({ topologies: hanging }), { sourceTimeoutMs: 50 });
    expect(s.topologies).toEqual({ data: null, error: 'nimbus did not answer within 0.1 s' });
    expect(s.topics.error).toBeNull();
  });

  it('reads emitted, acked, failed and complete latency from each topology\'s all-time stats', async () => {
    const topologies: DashboardTopologies = {
      list: async () => ({
        topologies: [
          { id: 'wc-1', name: 'wc', status: 'ACTIVE', owner: 'me', uptime: '5s', uptimeSeconds: 5, tasksTotal: 4, workersTotal: 1, executorsTotal: 4, replicationCount: 1, assignmentVersion: 1, pendingAction: null },
        ],
      }),
      describe: async (id: string) => {
        expect(id).toBe('wc-1');
        return {
          topologyStats: [
            { window: '600', windowPretty: '10m', emitted: 1, transferred: 1, completeLatency: '9.000', acked: 1, failed: 0 },
            { window: ':all-time', windowPretty: 'All time', emitted: 50, transferred: 40, completeLatency: '2.500', acked: 20, failed: 3 },
          ],
        } as never;
      },
    };
    const s = await collectDashboardSnapshot(sources({ topologies }));
    expect(s.topologies.data).toEqual([
      { id: 'wc-1', name: 'wc', status: 'ACTIVE', workers: 1, executors: 4, tasks: 4, uptime: '5s', emitted: 50, acked: 20, failed: 3, completeLatencyMs: '2.500' },
    ]);
  });

  it('takes brokers from the local cluster status when there is one', async () => {
    const s = await collectDashboardSnapshot(sources({ clusterStatus: async () => status() }));
    expect(s.brokers.data!.brokers.map((b) => [b.broker, b.up, b.processStatus, b.leaders, b.controller])).toEqual([
      [1, true, 'running', 3, true],
      [2, false, 'killed', 0, false],
    ]);
    expect(s.brokers.data!.controller).toEqual({ host: '127.0.0.1', port: 9192, status: 'running' });
  });
});

describe('brokersFromStatus', () => {
  it('refuses a stopped cluster with a message naming its dir', () => {
    expect(() => brokersFromStatus(status({ running: false, state: 'stopped', health: null }))).toThrow('The local cluster in /tmp/c is stopped.');
  });

  it('marks every broker down when no broker answered Metadata', () => {
    const view = brokersFromStatus(status({ health: null }));
    expect(view.brokers.every((b) => !b.up)).toBe(true);
    expect(view.health).toBeNull();
  });
});

describe('brokersFromTopics', () => {
  it('counts leaders per live broker and flags under-replicated and leaderless partitions', () => {
    const view = brokersFromTopics(
      [
        describedTopic('t', [
          { leader: 1, replicas: [1, 2], isr: [1] },
          { leader: -1, replicas: [2], isr: [] },
        ]),
      ],
      [1, 2],
      [{ broker: 1, host: 'kafka1', port: 9092 }],
    );
    expect(view.brokers.map((b) => [b.broker, b.host, b.port, b.leaders, b.up])).toEqual([
      [1, 'kafka1', 9092, 1, true],
      [2, null, null, 0, true],
    ]);
    expect(view.health!.unhealthyReasons).toEqual(['leaderless_partitions', 'under_replicated_partitions']);
  });
});

describe('messagesPerSec', () => {
  it('has no rate without a previous sample or when the log end went backwards', () => {
    expect(messagesPerSec(null, 10n, 1000)).toBeNull();
    expect(messagesPerSec(20n, 10n, 1000)).toBeNull();
    expect(messagesPerSec(10n, 30n, 4000)).toBe(5);
  });
});

describe('DashboardPoller', () => {
  it('explains that a local cluster without nimbus has no topologies, and reports a stopped cluster', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-poller-'));
    try {
      const processInfo = (kind: string, port: number, id?: number) => ({ kind, id, host: '127.0.0.1', port, pid: null, status: 'stopped', logFile: join(dir, 'x.log') });
      writeFileSync(
        join(dir, 'cluster.json'),
        JSON.stringify({
          version: 1,
          clusterId: 'cid',
          host: '127.0.0.1',
          state: 'stopped',
          daemon: { pid: 0 },
          controller: processInfo('controller', 1),
          brokers: [processInfo('broker', 2, 1)],
          nimbus: null,
          supervisors: [],
        }),
      );
      const poller = DashboardPoller.open({
        dir,
        remoteKafka: false,
        kafka: () => {
          throw new StreamctlError('NOT_RUNNING', `The local cluster in ${dir} is stopped.`);
        },
      });
      const s = await poller.poll();
      await poller.close();
      expect(s.topologies).toEqual({ data: null, error: 'This local cluster runs without Storm (no nimbus): start it without --no-storm, or pass --nimbus-url.' });
      expect(s.brokers.error).toBe(`The local cluster in ${dir} is stopped.`);
      expect(s.groups.error).toBe(`The local cluster in ${dir} is stopped.`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
