// Fixed dashboard snapshots for the component tests: a 3-broker local cluster with broker 3
// killed, a few topics, groups with lag and one topology.
import type { DashboardSnapshot, TopicRow } from '../../src/ui/dashboard-snapshot.js';

export function topic(name: string, overrides: Partial<TopicRow> = {}): TopicRow {
  return { topic: name, partitions: 3, replicationFactor: 3, underReplicated: 0, leaderless: 0, logEndOffset: 300n, messagesPerSec: 12.4, ...overrides };
}

export function fixedSnapshot(overrides: Partial<DashboardSnapshot> = {}): DashboardSnapshot {
  return {
    takenAtMs: new Date(2024, 0, 2, 3, 4, 5).getTime(),
    target: { dir: '/tmp/c1', bootstrapServers: '127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094', nimbusUrl: 'http://127.0.0.1:19292' },
    brokers: {
      data: {
        clusterId: 'c-42',
        controller: { host: '127.0.0.1', port: 19192, status: 'running' },
        brokers: [
          { broker: 1, host: '127.0.0.1', port: 19092, up: true, processStatus: 'running', leaders: 4, controller: true },
          { broker: 2, host: '127.0.0.1', port: 19093, up: true, processStatus: 'running', leaders: 2, controller: false },
          { broker: 3, host: '127.0.0.1', port: 19094, up: false, processStatus: 'killed', leaders: 0, controller: false },
        ],
        health: {
          healthy: false,
          unhealthyReasons: ['nodes_down', 'under_replicated_partitions'],
          controllerId: 1,
          allNodes: [1, 2, 3],
          nodesDown: [3],
          leaderCounts: { '1': 4, '2': 2 },
          leaderlessPartitions: [],
          underReplicatedPartitions: ['orders/0', 'orders/1'],
          topics: 2,
          partitions: 6,
        },
      },
      error: null,
    },
    topics: {
      data: [topic('orders', { underReplicated: 2, logEndOffset: 1234567n, messagesPerSec: 250 }), topic('payments', { partitions: 1, replicationFactor: 1, logEndOffset: 0n, messagesPerSec: null })],
      error: null,
    },
    groups: {
      data: [
        { group: 'billing', state: 'Stable', members: 2, totalLag: 4711n, topics: ['orders'] },
        { group: 'audit', state: 'Empty', members: 0, totalLag: 0n, topics: ['orders', 'payments'] },
      ],
      error: null,
    },
    topologies: {
      data: [
        {
          id: 'wc-1-1700000000',
          name: 'wc',
          status: 'ACTIVE',
          workers: 2,
          executors: 6,
          tasks: 8,
          uptime: '3m 12s',
          emitted: 98765,
          acked: 9000,
          failed: 17,
          completeLatencyMs: '4.250',
        },
      ],
      error: null,
    },
    ...overrides,
  };
}
