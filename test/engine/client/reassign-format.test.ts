// kafka-reassign-partitions' files and texts (ReassignPartitionsCommand, Kafka 3.9).
import { describe, expect, it } from 'vitest';
import {
  formatCancel,
  formatGenerate,
  formatList,
  formatVerify,
  parseBrokerList,
  parseReassignment,
  parseTopicsToMove,
} from '../../../src/engine/client/reassign-format.js';

describe('reassign-partitions files', () => {
  it('reads the topics-to-move and reassignment files and refuses what the tool refuses', () => {
    expect(parseTopicsToMove('{"version":1,"topics":[{"topic":"a"},{"topic":"b"}]}')).toEqual(['a', 'b']);
    expect(() => parseTopicsToMove('{"topics":[{"topic":"a"},{"topic":"a"}]}')).toThrow('List of topics to reassign contains duplicate entries: a');
    expect(() => parseTopicsToMove('{"version":2,"topics":[]}')).toThrow('Not supported version field value 2');
    expect(() => parseTopicsToMove('{nope')).toThrow(/^The input string is not a valid JSON/);
    expect(parseBrokerList('1,2,3')).toEqual([1, 2, 3]);
    expect(() => parseBrokerList('1,1')).toThrow('Broker list contains duplicate entries: 1');
    const plan = '{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[2,3],"log_dirs":["any","any"]}]}';
    expect(parseReassignment(plan, { forExecute: true })).toEqual([{ topic: 't', partition: 0, replicas: [2, 3] }]);
    expect(() => parseReassignment('{"version":1,"partitions":[]}', { forExecute: true })).toThrow('Partition reassignment list cannot be empty');
    expect(() => parseReassignment('{"partitions":[{"topic":"t","partition":0,"replicas":[1,1]}]}', { forExecute: true })).toThrow(
      'Partition replica lists may not contain duplicate entries: t-0 contains multiple entries for 1',
    );
    expect(() => parseReassignment('{"partitions":[{"topic":"t","partition":0,"replicas":[1],"log_dirs":["any","any"]}]}', { forExecute: false })).toThrow(
      'Size of replicas list [1] is different from size of log dirs list [any, any] for partition t-0',
    );
  });
});

describe('reassign-partitions texts', () => {
  it('prints --generate as two compact JSON documents, partitions sorted', () => {
    expect(formatGenerate([{ topic: 't', partition: 1, replicas: [1] }, { topic: 't', partition: 0, replicas: [1] }], [{ topic: 't', partition: 0, replicas: [2] }])).toBe(
      'Current partition replica assignment\n' +
        '{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1],"log_dirs":["any"]},{"topic":"t","partition":1,"replicas":[1],"log_dirs":["any"]}]}\n\n' +
        'Proposed partition reassignment configuration\n' +
        '{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[2],"log_dirs":["any"]}]}\n',
    );
  });

  it('prints every --verify state and the empty log-dir line', () => {
    expect(
      formatVerify([
        { topic: 't', partition: 2, currentReplicas: [1], targetReplicas: [2], done: true },
        { topic: 't', partition: 0, currentReplicas: [2, 3], targetReplicas: [2, 3], done: true },
        { topic: 't', partition: 1, currentReplicas: [2, 1], targetReplicas: [2], done: false },
      ]),
    ).toBe(
      'Status of partition reassignment:\n' +
        'Reassignment of partition t-0 is completed.\n' +
        'Reassignment of partition t-1 is still in progress.\n' +
        'There is no active reassignment of partition t-2, but replica set is 1 rather than 2.\n\n',
    );
  });

  it('prints --list and --cancel as Kafka 3.9 does (no newline after the log-dir line)', () => {
    expect(formatList([])).toBe('No partition reassignments found.\n');
    expect(formatList([{ topic: 't', partition: 0, replicas: [2, 3, 1], addingReplicas: [2, 3], removingReplicas: [1] }])).toBe(
      'Current partition reassignments:\nt-0: replicas: 2,3,1. adding: 2,3. removing: 1.\n',
    );
    expect(formatCancel([])).toBe('None of the specified partition reassignments are active.\nNone of the specified partition moves are active.');
    expect(formatCancel([{ topic: 't', partition: 1 }, { topic: 't', partition: 0 }])).toBe(
      'Successfully cancelled partition reassignments for: t-0,t-1\nNone of the specified partition moves are active.',
    );
  });
});
