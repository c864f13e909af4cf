import { describe, expect, it } from 'vitest';
import { assignReplicas, PlacementError, validateAssignment } from '../../../src/engine/controller/placement.js';

describe('assignReplicas', () => {
  it('spreads leaders evenly across brokers', () => {
    const result = assignReplicas({ brokerIds: [1, 2, 3], numPartitions: 6, replicationFactor: 3, fixedStartIndex: 0 });
    const leaders = new Map<number, number>();
    for (const replicas of result) leaders.set(replicas[0]!, (leaders.get(replicas[0]!) ?? 0) + 1);
    expect([...leaders.values()]).toEqual([2, 2, 2]);
  });

  it('places every replica of a partition on a different broker', () => {
    const result = assignReplicas({ brokerIds: [1, 2, 3, 4, 5], numPartitions: 20, replicationFactor: 3, random: () => 3 });
    for (const replicas of result) expect(new Set(replicas).size).toBe(3);
  });

  it('matches Kafka assignment for a fixed start index', () => {
    // Kafka's AdminUtilsTest: 5 brokers, 10 partitions, RF 3, fixed start index 0.
    const result = assignReplicas({ brokerIds: [0, 1, 2, 3, 4], numPartitions: 10, replicationFactor: 3, fixedStartIndex: 0 });
    expect(result).toEqual([
      [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 0], [4, 0, 1],
      [0, 2, 3], [1, 3, 4], [2, 4, 0], [3, 0, 1], [4, 1, 2],
    ]);
  });

  it('shifts the follower offset every n partitions so followers spread too', () => {
    const result = assignReplicas({ brokerIds: [1, 2, 3], numPartitions: 6, replicationFactor: 2, fixedStartIndex: 0 });
    const followerOf1 = result.filter((r) => r[0] === 1).map((r) => r[1]);
    expect(new Set(followerOf1).size).toBe(2);
  });

  it('continues numbering from startPartitionId when adding partitions', () => {
    const all = assignReplicas({ brokerIds: [1, 2, 3], numPartitions: 6, replicationFactor: 2, fixedStartIndex: 1 });
    const tail = assignReplicas({ brokerIds: [1, 2, 3], numPartitions: 3, replicationFactor: 2, fixedStartIndex: 1, startPartitionId: 3 });
    expect(tail).toEqual(all.slice(3));
  });

  it('rejects a replication factor larger than the broker count with Kafka message', () => {
    expect(() => assignReplicas({ brokerIds: [1], numPartitions: 1, replicationFactor: 3 })).toThrowError(
      'Replication factor: 3 larger than available brokers: 1.',
    );
    try {
      assignReplicas({ brokerIds: [1], numPartitions: 1, replicationFactor: 3 });
    } catch (e) {
      expect((e as PlacementError).errorCode).toBe(38);
    }
  });

  it('rejects zero partitions as INVALID_PARTITIONS', () => {
    expect(() => assignReplicas({ brokerIds: [1], numPartitions: 0, replicationFactor: 1 })).toThrow(
      expect.objectContaining({ errorCode: 37 }),
    );
  });
});

describe('validateAssignment', () => {
  it('accepts a consistent assignment over known brokers', () => {
    expect(() => validateAssignment([[1, 2], [2, 3]], [1, 2, 3])).not.toThrow();
  });

  it('rejects a duplicate broker within a partition', () => {
    expect(() => validateAssignment([[1, 1]], [1, 2])).toThrow(expect.objectContaining({ errorCode: 39 }));
  });

  it('rejects an unknown broker', () => {
    expect(() => validateAssignment([[1, 9]], [1, 2])).toThrow(/Unknown broker 9/);
  });

  it('rejects partitions with different replica counts', () => {
    expect(() => validateAssignment([[1, 2], [1]], [1, 2])).toThrow(expect.objectContaining({ errorCode: 39 }));
  });

  it('rejects an assignment that does not cover the expected partitions', () => {
    expect(() => validateAssignment([[1]], [1], 2)).toThrow(/covers 1 partitions, expected 2/);
  });
});
