import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatDeleteGroups,
  formatDeleteOffsets,
  formatGroupList,
  formatGroupMembers,
  formatGroupOffsets,
  formatGroupStates,
  formatResetOffsets,
  normalizeGroupState,
  type PartitionOffsetRow,
} from '../../../src/engine/client/groups-format.js';

const row = (over: Partial<PartitionOffsetRow>): PartitionOffsetRow => ({
  group: 'a_group',
  topic: 'a_topic',
  partition: 0,
  leaderEpoch: null,
  currentOffset: 1n,
  logEndOffset: 1n,
  lag: 0n,
  consumerId: 'consumer-a_group-1-c40d5ee8-5d05-4e29-9245-a527a5144ba9',
  host: '/172.18.0.3',
  clientId: 'consumer-a_group-1',
  ...over,
});

describe('kafka-consumer-groups format', () => {
  it('prints the offsets table exactly like the real 3.x+ output', () => {
    const out = formatGroupOffsets([{ group: 'a_group', state: 'Stable', rows: [row({})] }], false);
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe(
      '\n' +
        'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                                             HOST            CLIENT-ID\n' +
        'a_group         a_topic         0          1               1               0               consumer-a_group-1-c40d5ee8-5d05-4e29-9245-a527a5144ba9 /172.18.0.3     consumer-a_group-1\n',
    );
  });

  it('prints - for missing values and warns on stderr about an empty group', () => {
    const out = formatGroupOffsets(
      [{ group: 'g', state: 'Empty', rows: [row({ group: 'g', currentOffset: null, lag: null, consumerId: '-', host: '-', clientId: '-' })] }],
      false,
    );
    expect(out.stderr).toBe("\nConsumer group 'g' has no active members.\n");
    expect(out.stdout.split('\n')[2]).toBe('g               a_topic         0          -               1               -               -               -               -');
  });

  it('reports dead and unknown groups on stdout without a table', () => {
    expect(formatGroupOffsets([{ group: 'g', state: 'Dead', rows: [] }], false).stdout).toBe("\nError: Consumer group 'g' does not exist.\n");
    expect(formatGroupOffsets([{ group: 'g', state: null, rows: [] }], false).stdout).toBe("\nError: The consumer group 'g' does not exist.\n");
  });

  it('adds LEADER-EPOCH with --verbose', () => {
    const out = formatGroupOffsets([{ group: 'a_group', state: 'Stable', rows: [row({ leaderEpoch: 3 })] }], true);
    expect(out.stdout.split('\n')[1]).toContain('PARTITION  LEADER-EPOCH    CURRENT-OFFSET');
    expect(out.stdout.split('\n')[2]).toContain('0          3               1');
  });

  it('prints the members table with a trailing space after #PARTITIONS', () => {
    const out = formatGroupMembers(
      [
        {
          group: 'g',
          state: 'Stable',
          members: [{ group: 'g', consumerId: 'c-1', groupInstanceId: '', host: '/127.0.0.1', clientId: 'cl', assignment: [{ topic: 't', partitions: [1, 0] }] }],
        },
      ],
      true,
    );
    const lines = out.stdout.split('\n');
    expect(lines[0]).toBe('');
    expect(lines[1]).toBe(
      'GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     CURRENT-EPOCH   CURRENT-ASSIGNMENT   TARGET-EPOCH    TARGET-ASSIGNMENT   ',
    );
    expect(lines[2]).toBe('g               c-1             /127.0.0.1      cl              2               -               t:0,1                -               -                   ');
  });

  it('prints the state table with the coordinator as host:port  (id)', () => {
    const out = formatGroupStates([{ group: 'g', state: 'Stable', coordinator: { broker: 0, host: 'localhost', port: 9092 }, assignmentStrategy: 'range', members: 4 }]);
    expect(out.stdout).toBe(
      '\nGROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS' +
        '\ng                         localhost:9092  (0)       range                Stable          4\n',
    );
  });

  it('prints the state table of an empty group byte for byte as Kafka 3.9 (oracle 14)', () => {
    const out = formatGroupStates([{ group: 'tools-demo-group', state: 'Empty', coordinator: { host: '127.0.0.1', port: 44400, broker: 1 }, assignmentStrategy: '', members: 0 }]);
    expect(out.stdout).toBe(readFileSync('/work/shared/reference/kafka-3.9-outputs/14-kafka-consumer-groups-describe-state.out', 'utf8'));
  });

  it('sizes GROUP by the coordinator text when it is longer than 25', () => {
    const host = 'broker-with-a-long-name.example';
    const out = formatGroupStates([{ group: 'g', state: 'Stable', coordinator: { host, port: 9092, broker: 7 }, assignmentStrategy: 'range', members: 1 }]);
    const coordinator = `${host}:9092  (7)`;
    expect(out.stdout.split('\n')[2]).toBe(`${'g'.padEnd(coordinator.length)} ${coordinator} ${'range'.padEnd(20)} ${'Stable'.padEnd(15)} 1`);
  });

  it('lists groups plainly or as a GROUP/STATE table', () => {
    const groups = [{ group: 'billing', state: 'Stable' as const, protocolType: 'consumer' }];
    expect(formatGroupList(groups, false)).toBe('billing\n');
    expect(formatGroupList(groups, true)).toBe(`${'GROUP'.padEnd(25)} ${'STATE'.padEnd(20)}\n${'billing'.padEnd(25)} ${'Stable'.padEnd(20)}\n`);
  });

  it('maps the client library state spelling to Kafka names', () => {
    expect(normalizeGroupState('PREPARINGREBALANCE')).toBe('PreparingRebalance');
    expect(normalizeGroupState('EMPTY')).toBe('Empty');
  });

  it('prints the reset-offsets plan as Kafka 3.9 does, rows unseparated (oracle 22)', () => {
    const rows = [1, 2, 0].map((partition) => ({ group: 'tools-demo-group', topic: 'tools-demo', partition, offset: 0n }));
    expect(formatResetOffsets(rows, 1)).toBe(readFileSync('/work/shared/reference/kafka-3.9-outputs/22-kafka-consumer-groups-reset-dry-run.out', 'utf8'));
  });

  it('prints the delete and delete-offsets results', () => {
    expect(formatDeleteGroups(['a', 'b'], []).stdout).toBe("Deletion of requested consumer groups ('a', 'b') was successful.\n");
    expect(formatDeleteGroups([], [{ group: 'x', error: 'NON_EMPTY_GROUP' }]).stdout).toBe(
      "\nError: Deletion of some consumer groups failed:\n* Group 'x' could not be deleted due to: NON_EMPTY_GROUP\n",
    );
    const text = formatDeleteOffsets({ group: 'g', topics: ['t'], topLevelError: null, partitions: [{ topic: 't', partition: 0, error: null }] });
    expect(text).toBe(
      `Request succeed for deleting offsets with topic t group g\n\n${'TOPIC'.padEnd(30)} ${'PARTITION'.padEnd(15)} ${'STATUS'.padEnd(15)}\n${'t'.padEnd(30)} ${'0'.padEnd(15)} ${'Successful'.padEnd(15)}\n`,
    );
  });
});
