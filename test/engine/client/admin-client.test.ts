import type { Admin } from '@platformatic/kafka';
import { formatResetNotices } from '../../../src/engine/client/groups-format.js';
import { describe, expect, it } from 'vitest';
import { AdminClient } from '../../../src/engine/client/admin-client.js';

function fakeAdmin(over: Record<string, unknown>): Admin {
  return { close: async () => undefined, ...over } as unknown as Admin;
}

describe('AdminClient with an injected client', () => {
  it('turns TOPIC_ALREADY_EXISTS into Kafka text, or nothing with ifNotExists', async () => {
    const error = Object.assign(new Error('Received response with error'), {
      errors: [Object.assign(new Error('Topic with this name already exists.'), { apiId: 'TOPIC_ALREADY_EXISTS', apiCode: 36 })],
    });
    const admin = new AdminClient({ admin: fakeAdmin({ createTopics: async () => Promise.reject(error) }) });
    await expect(admin.createTopic({ topic: 'dup' })).rejects.toThrow("Topic 'dup' already exists.");
    await expect(admin.createTopic({ topic: 'dup', ifNotExists: true })).resolves.toEqual({ topic: 'dup', created: false, collisionWarning: false });
  });

  it('rejects a replica assignment combined with partitions before calling the broker', async () => {
    const admin = new AdminClient({ admin: fakeAdmin({}) });
    await expect(admin.createTopic({ topic: 't', partitions: 2, replicaAssignment: [[1]] })).rejects.toThrow("can't be used with option");
  });

  it('computes describe rows: member partitions first, then committed partitions without owner', async () => {
    const admin = new AdminClient({
      admin: fakeAdmin({
        describeGroups: async () =>
          new Map([
            [
              'g',
              {
                id: 'g',
                state: 'STABLE',
                protocol: 'range',
                members: new Map([['m1', { id: 'm1', clientId: 'c1', clientHost: '/127.0.0.1', groupInstanceId: null, assignments: new Map([['t', { topic: 't', partitions: [1] }]]) }]]),
              },
            ],
          ]),
        listConsumerGroupOffsets: async () => [
          {
            groupId: 'g',
            topics: [
              {
                name: 't',
                partitions: [
                  { partitionIndex: 0, committedOffset: 4n, committedLeaderEpoch: -1 },
                  { partitionIndex: 1, committedOffset: 7n, committedLeaderEpoch: 2 },
                ],
              },
            ],
          },
        ],
        listOffsets: async () => [{ name: 't', partitions: [{ partitionIndex: 0, offset: 10n }, { partitionIndex: 1, offset: 7n }] }],
      }),
    });
    const [view] = await admin.describeGroupOffsets(['g']);
    expect(view!.state).toBe('Stable');
    expect(view!.rows.map((r) => [r.partition, r.currentOffset, r.logEndOffset, r.lag, r.consumerId, r.leaderEpoch])).toEqual([
      [1, 7n, 7n, 0n, 'm1', 2],
      [0, 4n, 10n, 6n, null, null],
    ]);
  });

  it('refuses to reset a group that has members', async () => {
    const admin = new AdminClient({
      admin: fakeAdmin({ describeGroups: async () => new Map([['g', { id: 'g', state: 'STABLE', members: new Map() }]]) }),
    });
    const result = await admin.resetOffsets({ groups: ['g'], topics: ['t'], allTopics: false, scenario: { kind: 'to-earliest' }, execute: true });
    expect(result.failedGroups).toEqual(['g']);
    expect(formatResetNotices(result.notices).stdout).toBe("\nError: Assignments can only be reset if the group 'g' is inactive, but the current state is Stable.\n");
  });
});
