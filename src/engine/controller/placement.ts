// Replica placement for new topics and new partitions: Kafka's rack-unaware round-robin
// (AdminUtils.assignReplicasToBrokers): the first replica of partition p goes to broker
// (start + p) mod n, followers follow at a shift that grows by one every n partitions, so
// leaders and followers are both spread evenly. Also validates explicit assignments.
// Pure functions; randomness is injected (`random`), so tests are deterministic.

export class PlacementError extends Error {
  /** Kafka error code to answer with (INVALID_REPLICATION_FACTOR 38, INVALID_REPLICA_ASSIGNMENT 39, INVALID_PARTITIONS 37). */
  readonly errorCode: number;
  constructor(errorCode: number, message: string) {
    super(message);
    this.name = 'PlacementError';
    this.errorCode = errorCode;
  }
}

export const PLACEMENT_ERRORS = {
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_REPLICA_ASSIGNMENT: 39,
} as const;

export interface PlacementRequest {
  /** Live (unfenced) broker ids to place on. */
  brokerIds: readonly number[];
  /** How many partitions to place. */
  numPartitions: number;
  replicationFactor: number;
  /** Index of the first partition being placed (for CreatePartitions: the current count). */
  startPartitionId?: number;
  /** Fixed start index and shift (tests, reproducibility); random when absent. */
  fixedStartIndex?: number;
  /** Returns an integer in [0, bound). Defaults to Math.random. */
  random?: (bound: number) => number;
}

const defaultRandom = (bound: number) => Math.floor(Math.random() * bound);

/**
 * Assigns replicas to brokers the way Kafka does without racks. Returns one replica list per
 * placed partition (index 0 = partition `startPartitionId`), preferred leader first.
 */
export function assignReplicas(request: PlacementRequest): number[][] {
  const brokers = [...new Set(request.brokerIds)].sort((a, b) => a - b);
  const { numPartitions, replicationFactor } = request;
  if (numPartitions <= 0) {
    throw new PlacementError(PLACEMENT_ERRORS.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
  }
  if (replicationFactor <= 0) {
    throw new PlacementError(PLACEMENT_ERRORS.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.');
  }
  if (replicationFactor > brokers.length) {
    throw new PlacementError(
      PLACEMENT_ERRORS.INVALID_REPLICATION_FACTOR,
      `Replication factor: ${replicationFactor} larger than available brokers: ${brokers.length}.`,
    );
  }
  const n = brokers.length;
  const random = request.random ?? defaultRandom;
  const fixed = request.fixedStartIndex !== undefined && request.fixedStartIndex >= 0;
  const startIndex = fixed ? request.fixedStartIndex! % n : random(n);
  let nextReplicaShift = fixed ? request.fixedStartIndex! % n : random(n);
  let partitionId = Math.max(0, request.startPartitionId ?? 0);
  const result: number[][] = [];
  for (let i = 0; i < numPartitions; i++) {
    if (partitionId > 0 && partitionId % n === 0) nextReplicaShift += 1;
    const firstReplicaIndex = (partitionId + startIndex) % n;
    const replicas = [brokers[firstReplicaIndex]!];
    for (let j = 0; j < replicationFactor - 1; j++) {
      replicas.push(brokers[replicaIndex(firstReplicaIndex, nextReplicaShift, j, n)]!);
    }
    result.push(replicas);
    partitionId += 1;
  }
  return result;
}

function replicaIndex(firstReplicaIndex: number, secondReplicaShift: number, index: number, n: number): number {
  const shift = 1 + ((secondReplicaShift + index) % (n - 1));
  return (firstReplicaIndex + shift) % n;
}

/**
 * Validates an explicit assignment (`--replica-assignment 1:2,2:3`): every partition present
 * once, same replica count everywhere, no duplicate broker in a partition, every broker known.
 * `expectedPartitions` is the number of partitions the assignment must cover (from 0 or from
 * `startPartitionId` when adding partitions), or undefined to accept any count.
 */
export function validateAssignment(
  assignment: readonly (readonly number[])[],
  knownBrokerIds: readonly number[],
  expectedPartitions?: number,
): void {
  if (assignment.length === 0) {
    throw new PlacementError(PLACEMENT_ERRORS.INVALID_REPLICA_ASSIGNMENT, 'Replica assignment is empty.');
  }
  if (expectedPartitions !== undefined && assignment.length !== expectedPartitions) {
    throw new PlacementError(
      PLACEMENT_ERRORS.INVALID_REPLICA_ASSIGNMENT,
      `Replica assignment covers ${assignment.length} partitions, expected ${expectedPartitions}.`,
    );
  }
  const known = new Set(knownBrokerIds);
  const rf = assignment[0]!.length;
  assignment.forEach((replicas, partition) => {
    if (replicas.length === 0) {
      throw new PlacementError(PLACEMENT_ERRORS.INVALID_REPLICA_ASSIGNMENT, `Partition ${partition} has no replicas.`);
    }
    if (replicas.length !== rf) {
      throw new PlacementError(
        PLACEMENT_ERRORS.INVALID_REPLICA_ASSIGNMENT,
        `Partition ${partition} has ${replicas.length} replicas but partition 0 has ${rf}: all partitions need the same replication factor.`,
      );
    }
    if (new Set(replicas).size !== replicas.length) {
      throw new PlacementError(
        PLACEMENT_ERRORS.INVALID_REPLICA_ASSIGNMENT,
        `Duplicate brokers not allowed in replica assignment: ${replicas.join(', ')} for partition ${partition}.`,
      );
    }
    for (const id of replicas) {
      if (!known.has(id)) {
        throw new PlacementError(
          PLACEMENT_ERRORS.INVALID_REPLICA_ASSIGNMENT,
          `Unknown broker ${id} in replica assignment for partition ${partition}; registered brokers: ${[...known].sort((a, b) => a - b).join(', ') || 'none'}.`,
        );
      }
    }
  });
}
