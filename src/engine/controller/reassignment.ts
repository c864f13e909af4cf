// Partition reassignment as Kafka's KRaft controller does it (KIP-455): starting one widens
// the replica set to target + the replicas being removed (adding = target - current,
// removing = current - target) and leaves ISR and leader alone; the new replicas follow the
// leader and join the ISR through AlterPartition; once every target replica is in the ISR
// the reassignment completes (replicas = target, ISR narrowed to it, leadership moved to a
// target replica when the leader is being removed), and the dropped brokers delete their
// logs when they see the new metadata. Cancelling reverts to the replicas before the adding
// ones. Pure functions over partition records, plus completeReassignments() that applies
// them to the store; single-threaded like every controller handler.
import type { ControllerContext } from './controller-context.js';
import type { PartitionRecord } from './metadata-store.js';

export type Assignment = Omit<PartitionRecord, 'partitionIndex'>;

export function isReassigning(p: Pick<PartitionRecord, 'addingReplicas' | 'removingReplicas'>): boolean {
  return p.addingReplicas.length > 0 || p.removingReplicas.length > 0;
}

/** The replica set a reassignment moves to (the replicas minus those being removed). */
export function targetReplicas(p: Pick<PartitionRecord, 'replicas' | 'removingReplicas'>): number[] {
  return p.replicas.filter((id) => !p.removingReplicas.includes(id));
}

/** The partition once a reassignment to `target` has started (Kafka's PartitionReassignmentReplicas). */
export function startReassignment(current: Assignment, target: readonly number[]): Assignment {
  const removing = current.replicas.filter((id) => !target.includes(id));
  const adding = target.filter((id) => !current.replicas.includes(id));
  return {
    ...current,
    replicas: [...target, ...removing],
    addingReplicas: adding,
    removingReplicas: removing,
    partitionEpoch: current.partitionEpoch + 1,
  };
}

/**
 * The partition with its reassignment completed, or undefined while a target replica is
 * still out of the ISR (or none is in progress). The leader moves to the first live in-sync
 * target replica when it is not itself a target.
 */
export function completeReassignment(current: Assignment, liveBrokerIds: ReadonlySet<number>): Assignment | undefined {
  if (!isReassigning(current)) return undefined;
  const target = targetReplicas(current);
  if (!target.every((id) => current.isr.includes(id))) return undefined;
  return withReplicas(current, target, target.filter((id) => current.isr.includes(id)), liveBrokerIds);
}

/**
 * The partition with its reassignment cancelled: back to the replicas before the adding
 * ones. A string (Kafka's message) when that would leave no in-sync replica.
 */
export function revertReassignment(current: Assignment, liveBrokerIds: ReadonlySet<number>, name: string): Assignment | string {
  const original = current.replicas.filter((id) => !current.addingReplicas.includes(id));
  const isr = original.filter((id) => current.isr.includes(id));
  if (isr.length === 0) return `Unable to revert partition assignment for ${name} because it would require an unclean leader election.`;
  return withReplicas(current, original, isr, liveBrokerIds);
}

function withReplicas(current: Assignment, replicas: number[], isr: number[], live: ReadonlySet<number>): Assignment {
  const keepLeader = current.leader >= 0 && replicas.includes(current.leader);
  const leader = keepLeader ? current.leader : (replicas.find((id) => isr.includes(id) && live.has(id)) ?? -1);
  return {
    ...current,
    replicas,
    isr,
    leader,
    leaderEpoch: leader === current.leader ? current.leaderEpoch : current.leaderEpoch + 1,
    partitionEpoch: current.partitionEpoch + 1,
    addingReplicas: [],
    removingReplicas: [],
  };
}

/** Completes every reassignment whose target replicas are all in sync now; returns how many. */
export function completeReassignments(ctx: ControllerContext): number {
  const live = ctx.liveBrokerIds();
  let completed = 0;
  for (const topic of ctx.store.listTopics()) {
    for (const p of topic.partitions) {
      const next = completeReassignment(p, live);
      if (!next) continue;
      ctx.store.setPartitionAssignment(topic.name, p.partitionIndex, next);
      completed++;
      ctx.logger.info('partition reassignment completed', {
        topic: topic.name,
        partition: p.partitionIndex,
        replicas: next.replicas,
        removed: p.removingReplicas,
        leader: next.leader,
        leaderEpoch: next.leaderEpoch,
      });
    }
  }
  return completed;
}
