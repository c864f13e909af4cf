// Partition leader election as the controller does it when brokers come and go: drop dead
// brokers from the ISR, elect the first replica (assignment order) that is live and in the
// ISR, fall back to an unclean election only when allowed, and move leadership back to the
// preferred replica when it is in the ISR again. Pure functions over a partition's state;
// the caller persists the result. Leader epoch bumps on every leader change; partition
// epoch bumps on every change.

export interface PartitionLeadership {
  replicas: readonly number[];
  isr: readonly number[];
  /** -1 when the partition has no leader. */
  leader: number;
  leaderEpoch: number;
  partitionEpoch: number;
}

export interface ElectionContext {
  /** Registered, unfenced brokers. */
  liveBrokerIds: ReadonlySet<number>;
  /** unclean.leader.election.enable for this topic. */
  uncleanLeaderElection: boolean;
  /** auto.leader.rebalance.enable: move leadership back to the preferred replica. */
  preferredLeaderRebalance: boolean;
}

export type ElectionReason = 'unchanged' | 'isr-shrink' | 'leader-elected' | 'unclean-leader-elected' | 'leader-lost' | 'preferred-leader-restored';

export interface ElectionResult {
  state: PartitionLeadership;
  reason: ElectionReason;
}

/**
 * Recomputes a partition's leader and ISR for the current set of live brokers.
 * Returns the (possibly unchanged) state and what happened.
 */
export function electLeader(current: PartitionLeadership, ctx: ElectionContext): ElectionResult {
  const live = ctx.liveBrokerIds;
  const liveIsr = current.isr.filter((id) => live.has(id));
  // Kafka keeps the last ISR member when everything is gone, so a clean election can happen
  // when it comes back; the ISR is never empty.
  const nextIsr = liveIsr.length > 0 ? liveIsr : [...current.isr];
  const leaderAlive = current.leader >= 0 && live.has(current.leader) && liveIsr.includes(current.leader);

  if (leaderAlive) {
    const preferred = current.replicas[0];
    if (
      ctx.preferredLeaderRebalance &&
      preferred !== undefined &&
      preferred !== current.leader &&
      live.has(preferred) &&
      liveIsr.includes(preferred)
    ) {
      return {
        state: bump(current, { leader: preferred, isr: liveIsr, leaderChanged: true }),
        reason: 'preferred-leader-restored',
      };
    }
    if (sameMembers(liveIsr, current.isr)) return { state: copy(current), reason: 'unchanged' };
    return { state: bump(current, { leader: current.leader, isr: liveIsr, leaderChanged: false }), reason: 'isr-shrink' };
  }

  const clean = current.replicas.find((id) => live.has(id) && liveIsr.includes(id));
  if (clean !== undefined) {
    return { state: bump(current, { leader: clean, isr: liveIsr, leaderChanged: true }), reason: 'leader-elected' };
  }
  if (ctx.uncleanLeaderElection) {
    const unclean = current.replicas.find((id) => live.has(id));
    if (unclean !== undefined) {
      return { state: bump(current, { leader: unclean, isr: [unclean], leaderChanged: true }), reason: 'unclean-leader-elected' };
    }
  }
  if (current.leader === -1 && sameMembers(nextIsr, current.isr)) return { state: copy(current), reason: 'unchanged' };
  return { state: bump(current, { leader: -1, isr: nextIsr, leaderChanged: current.leader !== -1 }), reason: 'leader-lost' };
}

/** Leader to use for a brand-new partition: the first live replica (the preferred one normally). */
export function initialLeadership(replicas: readonly number[], liveBrokerIds: ReadonlySet<number>): PartitionLeadership {
  const liveReplicas = replicas.filter((id) => liveBrokerIds.has(id));
  const isr = liveReplicas.length > 0 ? liveReplicas : [...replicas];
  return { replicas: [...replicas], isr, leader: liveReplicas[0] ?? -1, leaderEpoch: 0, partitionEpoch: 0 };
}

function bump(
  current: PartitionLeadership,
  change: { leader: number; isr: readonly number[]; leaderChanged: boolean },
): PartitionLeadership {
  return {
    replicas: [...current.replicas],
    isr: orderLike(change.isr, current.replicas),
    leader: change.leader,
    leaderEpoch: change.leaderChanged ? current.leaderEpoch + 1 : current.leaderEpoch,
    partitionEpoch: current.partitionEpoch + 1,
  };
}

function copy(current: PartitionLeadership): PartitionLeadership {
  return { ...current, replicas: [...current.replicas], isr: [...current.isr] };
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}

/** Keeps ISR members in assignment order (as kafka-topics prints them), unknown ones last. */
function orderLike(isr: readonly number[], replicas: readonly number[]): number[] {
  const members = new Set(isr);
  const ordered = replicas.filter((id) => members.has(id));
  for (const id of isr) if (!ordered.includes(id)) ordered.push(id);
  return ordered;
}
