// The kafka-consumer-groups 4.0 views of consumer-protocol (KIP-848) groups: list --type,
// --state --verbose epochs, --members --verbose epochs and target assignments.
import { describe, expect, it } from 'vitest';
import { formatGroupList, formatGroupMembers, formatGroupStates, parseTypeFilter } from '../../../src/engine/client/groups-format.js';

describe('groups list --type', () => {
  const groups = [
    { group: 'a', state: 'Stable' as const, protocolType: 'consumer', type: 'Consumer' as const },
    { group: 'b', state: 'Empty' as const, protocolType: 'consumer' },
  ];

  it('prints GROUP TYPE, and GROUP TYPE STATE with --state', () => {
    expect(formatGroupList(groups, false, true).split('\n').map((l) => l.trim().split(/\s+/))).toEqual([['GROUP', 'TYPE'], ['a', 'Consumer'], ['b', 'Classic'], ['']]);
    expect(formatGroupList(groups, true, true).split('\n')[1]!.trim().split(/\s+/)).toEqual(['a', 'Consumer', 'Stable']);
  });

  it('parses type filters case-insensitively and names the valid ones otherwise', () => {
    expect(parseTypeFilter('consumer,CLASSIC')).toEqual(['Consumer', 'Classic']);
    expect(() => parseTypeFilter('share')).toThrow("Invalid types list 'share'. Valid types are: classic, consumer");
  });
});

describe('groups describe --verbose for consumer-protocol groups', () => {
  it('adds GROUP-EPOCH and TARGET-ASSIGNMENT-EPOCH to --state, with - for classic groups', () => {
    const coordinator = { broker: 1, host: '127.0.0.1', port: 9092 };
    const out = formatGroupStates(
      [
        { group: 'g', state: 'Stable', coordinator, assignmentStrategy: 'uniform', members: 2, groupEpoch: 3, targetAssignmentEpoch: 3 },
        { group: 'h', state: 'Stable', coordinator, assignmentStrategy: 'range', members: 1 },
      ],
      undefined,
      true,
    ).stdout.split('\n').filter((l) => l !== '');
    expect(out[0]!.split(/\s+/)).toEqual(['GROUP', 'COORDINATOR', '(ID)', 'ASSIGNMENT-STRATEGY', 'STATE', 'GROUP-EPOCH', 'TARGET-ASSIGNMENT-EPOCH', '#MEMBERS']);
    expect(out[1]!.split(/\s+/)).toEqual(['g', '127.0.0.1:9092', '(1)', 'uniform', 'Stable', '3', '3', '2']);
    expect(out[3]!.split(/\s+/)).toEqual(['h', '127.0.0.1:9092', '(1)', 'range', 'Stable', '-', '-', '1']);
  });

  it('fills the member epochs and target assignment in --members --verbose', () => {
    const member = { group: 'g', consumerId: 'm1', groupInstanceId: null, host: '/127.0.0.1', clientId: 'c1', assignment: [{ topic: 't', partitions: [1, 0] }], memberEpoch: 4, targetAssignment: [{ topic: 't', partitions: [0, 1, 2] }] };
    const lines = formatGroupMembers([{ group: 'g', state: 'Reconciling', members: [member], targetAssignmentEpoch: 5 }], true).stdout.split('\n').filter((l) => l !== '');
    expect(lines[1]!.trim().split(/\s+/)).toEqual(['g', 'm1', '/127.0.0.1', 'c1', '2', '4', 't:0,1', '5', 't:0,1,2']);
  });
});
