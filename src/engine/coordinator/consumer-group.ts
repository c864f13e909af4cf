// One KIP-848 consumer group's in-memory state (Kafka's ConsumerGroup): the group epoch
// (bumped on every membership or subscription change), the target assignment and its epoch,
// the members with their epochs, subscriptions and current assignment, the static-member
// index, the subscribed topics' metadata, and who owns each partition now (so reconciliation
// can hold a partition back until its previous owner has revoked it). Its state is derived:
// Empty (no members), Assigning (target behind the group epoch), Reconciling (a member
// behind the target), Stable. It knows nothing of time, the network or the log.
// Concurrency: one event loop; the consumer-group coordinator mutates it between awaits.
import type { Assignment } from './consumer-group-assignors.js';
import { MemberState, copyAssignment, type MemberAssignmentState } from './consumer-group-reconciler.js';

interface Timer {
  cancel(): void;
}

export const ConsumerGroupState = { Empty: 'Empty', Assigning: 'Assigning', Reconciling: 'Reconciling', Stable: 'Stable' } as const;
export type ConsumerGroupState = (typeof ConsumerGroupState)[keyof typeof ConsumerGroupState];

/** Member epoch a static member sends when it leaves temporarily (and keeps its assignment). */
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;
export const LEAVE_GROUP_MEMBER_EPOCH = -1;

export interface TopicInfo {
  topicId: string;
  numPartitions: number;
}

export class ConsumerGroupMember implements MemberAssignmentState {
  readonly memberId: string;
  instanceId: string | null = null;
  rackId: string | null = null;
  clientId = '';
  clientHost = '';
  subscribedTopicNames: string[] = [];
  subscribedTopicRegex: string | null = null;
  serverAssignor: string | null = null;
  rebalanceTimeoutMs = -1;
  memberEpoch = 0;
  previousMemberEpoch = -1;
  state: MemberState = MemberState.Stable;
  assigned: Assignment = new Map();
  pendingRevocation: Assignment = new Map();
  /** Session and revocation timers (owned by the coordinator). */
  sessionTimer: Timer | null = null;
  rebalanceTimer: Timer | null = null;

  constructor(memberId: string) {
    this.memberId = memberId;
  }

  setAssignmentState(s: MemberAssignmentState): void {
    this.memberEpoch = s.memberEpoch;
    this.previousMemberEpoch = s.previousMemberEpoch;
    this.state = s.state;
    this.assigned = copyAssignment(s.assigned);
    this.pendingRevocation = copyAssignment(s.pendingRevocation);
  }

  cancelTimers(): void {
    this.sessionTimer?.cancel();
    this.sessionTimer = null;
    this.rebalanceTimer?.cancel();
    this.rebalanceTimer = null;
  }
}

export class ConsumerGroup {
  readonly groupId: string;
  groupEpoch = 0;
  assignmentEpoch = 0;
  readonly members = new Map<string, ConsumerGroupMember>();
  /** instance id → member id */
  readonly staticMembers = new Map<string, string>();
  /** member id → target partitions */
  readonly targetAssignment = new Map<string, Assignment>();
  /** Subscribed topics as last recorded: name → id and partition count. */
  subscriptionMetadata = new Map<string, TopicInfo>();
  /** topic id → partition → member owning it (assigned or pending revocation). */
  readonly #owners = new Map<string, Map<number, string>>();

  constructor(groupId: string) {
    this.groupId = groupId;
  }

  get state(): ConsumerGroupState {
    if (this.members.size === 0) return ConsumerGroupState.Empty;
    if (this.assignmentEpoch < this.groupEpoch) return ConsumerGroupState.Assigning;
    for (const m of this.members.values()) {
      if (m.memberEpoch !== this.assignmentEpoch || m.state !== MemberState.Stable) return ConsumerGroupState.Reconciling;
    }
    return ConsumerGroupState.Stable;
  }

  memberByInstance(instanceId: string | null): ConsumerGroupMember | undefined {
    if (instanceId === null) return undefined;
    const id = this.staticMembers.get(instanceId);
    return id === undefined ? undefined : this.members.get(id);
  }

  /** Adds or replaces a member (its ownership is recorded). */
  putMember(member: ConsumerGroupMember): void {
    const old = this.members.get(member.memberId);
    if (old && old !== member) this.#release(old);
    this.members.set(member.memberId, member);
    if (member.instanceId !== null) this.staticMembers.set(member.instanceId, member.memberId);
    this.#claim(member);
  }

  /** Changes a member's assignment state and the ownership index with it. */
  updateAssignment(member: ConsumerGroupMember, next: MemberAssignmentState): void {
    this.#release(member);
    member.setAssignmentState(next);
    this.#claim(member);
  }

  removeMember(memberId: string): ConsumerGroupMember | undefined {
    const member = this.members.get(memberId);
    if (!member) return undefined;
    this.#release(member);
    this.members.delete(memberId);
    this.targetAssignment.delete(memberId);
    if (member.instanceId !== null && this.staticMembers.get(member.instanceId) === memberId) this.staticMembers.delete(member.instanceId);
    return member;
  }

  /** True when a member other than `memberId` owns the partition. */
  ownedByOther(memberId: string, topicId: string, partition: number): boolean {
    const owner = this.#owners.get(topicId)?.get(partition);
    return owner !== undefined && owner !== memberId;
  }

  ownerOf(topicId: string, partition: number): string | undefined {
    return this.#owners.get(topicId)?.get(partition);
  }

  /** Every topic name some member subscribes to. */
  subscribedTopicNames(): Set<string> {
    const names = new Set<string>();
    for (const m of this.members.values()) for (const t of m.subscribedTopicNames) names.add(t);
    return names;
  }

  /** The assignor most members ask for (ties: the name first in order), else `fallback`. */
  preferredAssignor(fallback: string): string {
    const votes = new Map<string, number>();
    for (const m of this.members.values()) if (m.serverAssignor !== null) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
    let best = fallback;
    let bestVotes = 0;
    for (const [name, n] of [...votes].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    return best;
  }

  #claim(member: ConsumerGroupMember): void {
    for (const a of [member.assigned, member.pendingRevocation]) {
      for (const [t, s] of a) {
        let byPartition = this.#owners.get(t);
        if (!byPartition) this.#owners.set(t, (byPartition = new Map()));
        for (const p of s) byPartition.set(p, member.memberId);
      }
    }
  }

  #release(member: ConsumerGroupMember): void {
    for (const a of [member.assigned, member.pendingRevocation]) {
      for (const [t, s] of a) {
        const byPartition = this.#owners.get(t);
        if (!byPartition) continue;
        for (const p of s) if (byPartition.get(p) === member.memberId) byPartition.delete(p);
        if (byPartition.size === 0) this.#owners.delete(t);
      }
    }
  }
}
