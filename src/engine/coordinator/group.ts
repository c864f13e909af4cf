// One classic consumer group's in-memory state: its state machine (Kafka's five states and
// their allowed transitions), members and pending members, generation, leader, selected
// protocol, static-member index and committed offsets. The group knows nothing of time,
// the network or the log: the coordinator drives it and does the I/O.
// Concurrency: one event loop; the coordinator mutates a group only between awaits.
import { decodeMessage } from '../protocol/codec.js';
import type { ConsumerGroup } from './consumer-group.js';
import type { OffsetCommitRecordValue } from './offsets-topic-records.js';

export const GroupState = {
  Empty: 'Empty',
  PreparingRebalance: 'PreparingRebalance',
  CompletingRebalance: 'CompletingRebalance',
  Stable: 'Stable',
  Dead: 'Dead',
} as const;
export type GroupState = (typeof GroupState)[keyof typeof GroupState];

/** Allowed previous states of each state (Kafka's GroupMetadata.validPreviousStates). */
export const VALID_PREVIOUS_STATES: Readonly<Record<GroupState, readonly GroupState[]>> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

export interface JoinGroupOutcome {
  errorCode: number;
  memberId: string;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string;
  skipAssignment: boolean;
  members: Array<{ memberId: string; groupInstanceId: string | null; metadata: Buffer }>;
}

export interface SyncGroupOutcome {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface Timer {
  cancel(): void;
}

export class GroupMember {
  memberId: string;
  readonly groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  assignment: Buffer = Buffer.alloc(0);
  /** Set while a JoinGroup of this member waits for the rebalance to complete. */
  awaitingJoin: ((outcome: JoinGroupOutcome) => void) | null = null;
  /** Set while a SyncGroup of this member waits for the leader's assignment. */
  awaitingSync: ((outcome: SyncGroupOutcome) => void) | null = null;
  /** True between joining as a new member and the first completed join. */
  isNew = false;
  /** Session-expiry timer (owned by the coordinator). */
  heartbeatTimer: Timer | null = null;
  lastHeartbeatMs = 0;

  constructor(init: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    rebalanceTimeoutMs: number;
    sessionTimeoutMs: number;
    protocolType: string;
    protocols: GroupProtocol[];
  }) {
    this.memberId = init.memberId;
    this.groupInstanceId = init.groupInstanceId;
    this.clientId = init.clientId;
    this.clientHost = init.clientHost;
    this.rebalanceTimeoutMs = init.rebalanceTimeoutMs;
    this.sessionTimeoutMs = init.sessionTimeoutMs;
    this.protocolType = init.protocolType;
    this.protocols = init.protocols;
  }

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== null;
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSync !== null;
  }

  metadataFor(protocol: string): Buffer {
    const p = this.protocols.find((x) => x.name === protocol);
    return p ? p.metadata : Buffer.alloc(0);
  }

  /** Same protocols, in the same order, with the same metadata. */
  matches(protocols: GroupProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata))
    );
  }
}

export type CommittedOffset = OffsetCommitRecordValue;

export class Group {
  readonly groupId: string;
  #state: GroupState;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  currentStateTimestampMs: number;
  readonly members = new Map<string, GroupMember>();
  /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet. */
  readonly pendingMembers = new Set<string>();
  /** Members of the current generation that have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  /** group.instance.id → member id */
  readonly staticMembers = new Map<string, string>();
  /** topic → partition → committed offset */
  readonly offsets = new Map<string, Map<number, CommittedOffset>>();
  /** Set when a member joined during an initial (delayed) rebalance. */
  newMemberAdded = false;
  /** Pending join completion / sync timers (owned by the coordinator). */
  joinTimer: Timer | null = null;
  syncTimer: Timer | null = null;
  /** True while PreparingRebalance is the initial delayed join (it does not complete early). */
  inInitialDelay = false;
  /** What is left of the rebalance timeout for extending the initial delayed join. */
  initialDelayRemainingMs = 0;
  /**
   * Set when this is a KIP-848 consumer group: its members and epochs live there, and the
   * classic state above stays Empty with no members (classic requests find no member).
   */
  consumer: ConsumerGroup | null = null;

  constructor(groupId: string, state: GroupState, nowMs: number) {
    this.groupId = groupId;
    this.#state = state;
    this.currentStateTimestampMs = nowMs;
  }

  get state(): GroupState {
    return this.#state;
  }

  is(state: GroupState): boolean {
    return this.#state === state;
  }

  canTransitionTo(target: GroupState): boolean {
    return VALID_PREVIOUS_STATES[target].includes(this.#state);
  }

  transitionTo(target: GroupState, nowMs: number): void {
    if (!this.canTransitionTo(target)) {
      throw new Error(`group ${this.groupId}: illegal state transition ${this.#state} -> ${target}`);
    }
    this.#state = target;
    this.currentStateTimestampMs = nowMs;
  }

  get isEmpty(): boolean {
    return this.members.size === 0;
  }

  /** Empty in the sense of either protocol: no classic members and no consumer-protocol members. */
  hasNoMembers(): boolean {
    return this.is(GroupState.Empty) && (this.consumer === null || this.consumer.members.size === 0);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  add(member: GroupMember): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    if (this.leaderId === null) this.leaderId = member.memberId;
  }

  remove(memberId: string): GroupMember | undefined {
    const member = this.members.get(memberId);
    if (!member) return undefined;
    this.members.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) {
      // Prefer a member that has already rejoined, so the leader gets a JoinGroup response.
      const next = [...this.members.values()].find((m) => m.isAwaitingJoin) ?? this.members.values().next().value;
      this.leaderId = next ? next.memberId : null;
    }
    return member;
  }

  /** Static membership: move a member to a new member id (the old one is fenced). */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): GroupMember {
    const member = this.members.get(oldMemberId);
    if (!member) throw new Error(`group ${this.groupId}: static member ${groupInstanceId} not found`);
    this.members.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    this.staticMembers.set(groupInstanceId, newMemberId);
    return member;
  }

  staticMemberId(groupInstanceId: string | null): string | undefined {
    return groupInstanceId === null ? undefined : this.staticMembers.get(groupInstanceId);
  }

  /** A static member whose instance id now belongs to another member id. */
  isFencedStaticMember(memberId: string, groupInstanceId: string | null): boolean {
    if (groupInstanceId === null) return false;
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  get numAwaitingJoin(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.isAwaitingJoin) n++;
    return n;
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.numAwaitingJoin && this.pendingMembers.size === 0;
  }

  notYetRejoinedMembers(): GroupMember[] {
    return [...this.members.values()].filter((m) => !m.isAwaitingJoin);
  }

  /** Max rebalance timeout over the members (the join deadline). */
  rebalanceTimeoutMs(): number {
    let t = 0;
    for (const m of this.members.values()) t = Math.max(t, m.rebalanceTimeoutMs);
    return t;
  }

  /** Protocols every current member supports (in no particular order). */
  candidateProtocols(): Set<string> {
    const members = [...this.members.values()];
    if (members.length === 0) return new Set();
    const candidates = new Set(members[0]!.protocols.map((p) => p.name));
    for (const m of members.slice(1)) {
      const names = new Set(m.protocols.map((p) => p.name));
      for (const c of candidates) if (!names.has(c)) candidates.delete(c);
    }
    return candidates;
  }

  /** Whether a (new or rejoining) member with these protocols may join. */
  supportsProtocols(memberProtocolType: string, protocolNames: string[], excludingMemberId?: string): boolean {
    const others = [...this.members.values()].filter((m) => m.memberId !== excludingMemberId);
    if (others.length === 0) return memberProtocolType.length > 0 && protocolNames.length > 0;
    if (this.protocolType !== memberProtocolType) return false;
    return protocolNames.some((name) => others.every((m) => m.protocols.some((p) => p.name === name)));
  }

  /**
   * Kafka's protocol selection: among the protocols all members support, each member votes
   * for the first one in its own preference order; the most votes wins (ties go to the
   * protocol the leader prefers first).
   */
  selectProtocol(): string | null {
    const candidates = this.candidateProtocols();
    if (candidates.size === 0) return null;
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => candidates.has(p.name));
      if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    const leader = (this.leaderId && this.members.get(this.leaderId)) || this.members.values().next().value!;
    let best: string | null = null;
    let bestVotes = -1;
    for (const p of leader.protocols) {
      const v = votes.get(p.name);
      if (v !== undefined && v > bestVotes) {
        best = p.name;
        bestVotes = v;
      }
    }
    return best;
  }

  /** Topics the members subscribe to, or null when that cannot be known (not a consumer group). */
  subscribedTopics(): Set<string> | null {
    if (this.consumer) return this.consumer.subscribedTopicNames();
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE || this.protocolName === null) {
      return this.members.size === 0 ? new Set() : null;
    }
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      const metadata = m.metadataFor(this.protocolName);
      try {
        if (metadata.length < 2) return null;
        const version = Math.min(metadata.readInt16BE(0), 3);
        const subscription = decodeMessage('ConsumerProtocolSubscription', version, metadata, 2);
        for (const t of subscription.topics) topics.add(t);
      } catch {
        return null;
      }
    }
    return topics;
  }

  isSubscribedToTopic(topic: string): boolean {
    const topics = this.subscribedTopics();
    return topics === null ? true : topics.has(topic);
  }

  get hasOffsets(): boolean {
    return this.offsets.size > 0;
  }

  offset(topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(topic)?.get(partition);
  }

  putOffset(topic: string, partition: number, value: CommittedOffset): void {
    let byPartition = this.offsets.get(topic);
    if (!byPartition) this.offsets.set(topic, (byPartition = new Map()));
    byPartition.set(partition, value);
  }

  removeOffset(topic: string, partition: number): boolean {
    const byPartition = this.offsets.get(topic);
    if (!byPartition) return false;
    const removed = byPartition.delete(partition);
    if (byPartition.size === 0) this.offsets.delete(topic);
    return removed;
  }
}
