// Reconciliation of one KIP-848 consumer group member towards its target assignment (Kafka's
// CurrentAssignmentBuilder): a member first gives up the partitions it must lose (state
// UNREVOKED_PARTITIONS, its epoch unchanged, the partitions listed as pending revocation),
// and only once it has acknowledged that (its heartbeat no longer lists them) does it move
// to the target epoch; it then gets the partitions of its target that no other member still
// owns, and waits (UNRELEASED_PARTITIONS) for the ones their previous owners have not
// revoked yet. A partition therefore never has two owners. Pure: the caller supplies who
// owns what. Concurrency: none (pure).
import type { Assignment } from './consumer-group-assignors.js';

export const MemberState = { Stable: 0, UnrevokedPartitions: 1, UnreleasedPartitions: 2 } as const;
export type MemberState = (typeof MemberState)[keyof typeof MemberState];

export const MEMBER_STATE_NAMES: Readonly<Record<MemberState, string>> = {
  0: 'STABLE',
  1: 'UNREVOKED_PARTITIONS',
  2: 'UNRELEASED_PARTITIONS',
};

export interface MemberAssignmentState {
  memberEpoch: number;
  previousMemberEpoch: number;
  state: MemberState;
  /** Partitions the member owns (or may own now). */
  assigned: Assignment;
  /** Partitions the member must revoke before it moves on. */
  pendingRevocation: Assignment;
}

export interface ReconcileInput {
  member: MemberAssignmentState;
  targetEpoch: number;
  target: Assignment;
  /** What the member's heartbeat says it owns; null when the heartbeat did not say. */
  owned: Assignment | null;
  /** True when another member owns (or is still revoking) the partition. */
  ownedByOther: (topicId: string, partition: number) => boolean;
}

export function copyAssignment(a: Assignment): Assignment {
  return new Map([...a].map(([t, s]) => [t, new Set(s)]));
}

export function sameAssignment(a: Assignment, b: Assignment): boolean {
  const size = (x: Assignment) => [...x.values()].reduce((n, s) => n + s.size, 0);
  if (size(a) !== size(b)) return false;
  for (const [t, s] of a) for (const p of s) if (!b.get(t)?.has(p)) return false;
  return true;
}

/** True when every partition of `a` is in `b`. */
export function isSubset(a: Assignment, b: Assignment): boolean {
  for (const [t, s] of a) for (const p of s) if (!b.get(t)?.has(p)) return false;
  return true;
}

function ownsAnyOf(owned: Assignment | null, partitions: Assignment): boolean {
  if (owned === null) return true;
  for (const [t, s] of partitions) for (const p of s) if (owned.get(t)?.has(p)) return true;
  return false;
}

/** The member's next state; the same object when nothing changes. */
export function reconcile(input: ReconcileInput): MemberAssignmentState {
  const { member, targetEpoch } = input;
  switch (member.state) {
    case MemberState.Stable:
      if (member.memberEpoch === targetEpoch) return member;
      return next(input, member.memberEpoch, member.assigned);
    case MemberState.UnrevokedPartitions:
      // Still owns some of what it must give up: wait for its acknowledgement.
      if (ownsAnyOf(input.owned, member.pendingRevocation)) return member;
      return next(input, member.memberEpoch, member.assigned);
    case MemberState.UnreleasedPartitions:
      // Some target partitions may have been released since.
      return next(input, member.memberEpoch, member.assigned);
    default:
      return member;
  }
}

function next(input: ReconcileInput, memberEpoch: number, current: Assignment): MemberAssignmentState {
  const { member, target, targetEpoch } = input;
  const kept: Assignment = new Map();
  const revoke: Assignment = new Map();
  const toAssign: Assignment = new Map();
  let unreleased = false;
  const put = (a: Assignment, t: string, p: number) => {
    let s = a.get(t);
    if (!s) a.set(t, (s = new Set()));
    s.add(p);
  };
  for (const [t, s] of current) for (const p of s) put(target.get(t)?.has(p) ? kept : revoke, t, p);
  for (const [t, s] of target) {
    for (const p of s) {
      if (current.get(t)?.has(p)) continue;
      if (input.ownedByOther(t, p)) unreleased = true;
      else put(toAssign, t, p);
    }
  }
  let result: MemberAssignmentState;
  if (revoke.size > 0 && ownsAnyOf(input.owned, revoke)) {
    // Revocation first: the epoch stays, the member only keeps what it keeps.
    result = { memberEpoch, previousMemberEpoch: member.previousMemberEpoch, state: MemberState.UnrevokedPartitions, assigned: kept, pendingRevocation: revoke };
  } else {
    for (const [t, s] of toAssign) for (const p of s) put(kept, t, p);
    result = {
      memberEpoch: targetEpoch,
      previousMemberEpoch: targetEpoch !== member.memberEpoch ? member.memberEpoch : member.previousMemberEpoch,
      state: unreleased ? MemberState.UnreleasedPartitions : MemberState.Stable,
      assigned: kept,
      pendingRevocation: new Map(),
    };
  }
  const unchanged =
    result.memberEpoch === member.memberEpoch &&
    result.state === member.state &&
    sameAssignment(result.assigned, member.assigned) &&
    sameAssignment(result.pendingRevocation, member.pendingRevocation);
  return unchanged ? member : result;
}
