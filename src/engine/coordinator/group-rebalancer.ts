// The rebalance state machine of the classic group protocol, for the groups of one
// coordinator: it prepares and completes the join phase (with the initial delay of a new
// group), bounds the sync phase, expires member sessions and pending member ids
// (MEMBER_ID_REQUIRED), removes members, propagates the leader's assignment, and answers the
// JoinGroup/SyncGroup requests members wait on. group-coordinator.ts validates each request
// and calls in here; group-metadata-manager.ts holds the groups and stores their metadata.
//
// Concurrency: one event loop. Every transition runs synchronously, from a request or a
// timer, and awaits nothing (the metadata write of a group that became empty is not waited
// for). A timer that fires for a group no longer cached by the manager (unloaded, deleted),
// or for a replaced member or an older generation, does nothing. Every JoinGroup/SyncGroup
// promise is eventually resolved (by the rebalance, a timeout, or shutdownGroup on an
// unload, a delete or close()), because a connection's later responses queue behind it.
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { GroupState, type Group, type GroupMember, type JoinGroupOutcome, type SyncGroupOutcome, type Timer } from './group.js';
import type { GroupCoordinatorConfig } from './group-coordinator-config.js';
import type { GroupMetadataManager } from './group-metadata-manager.js';

const NO_MEMBERS: JoinGroupOutcome['members'] = [];
const EMPTY = Buffer.alloc(0);

// ---------------------------------------------------------------------------------------
// Answers to the JoinGroup/SyncGroup requests members wait on (the coordinator's too).

export function joinError(memberId: string, errorCode: number): JoinGroupOutcome {
  return {
    errorCode,
    memberId,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leaderId: '',
    skipAssignment: false,
    members: NO_MEMBERS,
  };
}

export function answerJoin(member: GroupMember, outcome: JoinGroupOutcome): void {
  const respond = member.awaitingJoin;
  if (!respond) return;
  member.awaitingJoin = null;
  respond(outcome);
}

export function answerSync(member: GroupMember, outcome: SyncGroupOutcome): void {
  const respond = member.awaitingSync;
  if (!respond) return;
  member.awaitingSync = null;
  respond(outcome);
}

function currentMemberMetadata(group: Group): JoinGroupOutcome['members'] {
  const protocol = group.protocolName;
  if (protocol === null) return NO_MEMBERS;
  return [...group.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(protocol) }));
}

export function currentJoinOutcome(group: Group, memberId: string, skipAssignment = false): JoinGroupOutcome {
  const isLeader = group.isLeader(memberId);
  return {
    errorCode: ErrorCode.NONE,
    memberId,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leaderId: group.leaderId ?? '',
    skipAssignment: isLeader && skipAssignment,
    members: isLeader ? currentMemberMetadata(group) : NO_MEMBERS,
  };
}

export interface GroupRebalancerOptions {
  /** The coordinator's logger (its records keep the coordinator's component name). */
  logger: Logger;
  config: GroupCoordinatorConfig;
  clock: Clock;
  /** Which group object is current (timers check it) and where a group's metadata is stored. */
  groupManager: GroupMetadataManager;
}

export class GroupRebalancer {
  readonly #logger: Logger;
  readonly #config: GroupCoordinatorConfig;
  readonly #clock: Clock;
  readonly #groupManager: GroupMetadataManager;
  /** `${groupId}\0${memberId}` → expiry timer of a member id handed out with MEMBER_ID_REQUIRED */
  readonly #pendingMemberTimers = new Map<string, Timer>();

  constructor(options: GroupRebalancerOptions) {
    this.#logger = options.logger;
    this.#config = options.config;
    this.#clock = options.clock;
    this.#groupManager = options.groupManager;
  }

  /** Stops the pending member-id timers (each group's own timers stop in shutdownGroup). */
  close(): void {
    for (const t of this.#pendingMemberTimers.values()) t.cancel();
    this.#pendingMemberTimers.clear();
  }

  /** Cancels a group's timers and answers its waiting requests (unload, close, delete). */
  shutdownGroup(group: Group, errorCode: number): void {
    group.joinTimer?.cancel();
    group.syncTimer?.cancel();
    group.joinTimer = group.syncTimer = null;
    for (const m of group.members.values()) {
      m.heartbeatTimer?.cancel();
      m.heartbeatTimer = null;
      answerJoin(m, joinError(m.memberId, errorCode));
      answerSync(m, { errorCode, protocolType: null, protocolName: null, assignment: EMPTY });
    }
    for (const id of group.pendingMembers) this.cancelPendingMemberTimer(group.groupId, id);
    if (!group.is(GroupState.Dead)) group.transitionTo(GroupState.Dead, this.#clock.now());
  }

  // -------------------------------------------------------------------------------------
  // Pending members (JoinGroup v4+: a member id handed out with MEMBER_ID_REQUIRED)

  schedulePendingMemberExpiry(group: Group, memberId: string, sessionTimeoutMs: number): void {
    const key = `${group.groupId}\0${memberId}`;
    this.#pendingMemberTimers.get(key)?.cancel();
    this.#pendingMemberTimers.set(
      key,
      this.#clock.setTimeout(() => {
        this.#pendingMemberTimers.delete(key);
        if (this.#groupManager.group(group.groupId) !== group || !group.pendingMembers.delete(memberId)) return;
        if (group.is(GroupState.PreparingRebalance)) this.tryCompleteJoin(group);
      }, sessionTimeoutMs),
    );
  }

  cancelPendingMemberTimer(groupId: string, memberId: string): void {
    const key = `${groupId}\0${memberId}`;
    this.#pendingMemberTimers.get(key)?.cancel();
    this.#pendingMemberTimers.delete(key);
  }

  // -------------------------------------------------------------------------------------
  // Rebalance machinery

  maybePrepareRebalance(group: Group, reason: string): void {
    if (group.canTransitionTo(GroupState.PreparingRebalance)) this.#prepareRebalance(group, reason);
  }

  #prepareRebalance(group: Group, reason: string): void {
    // Members waiting for an assignment must rejoin instead.
    if (group.is(GroupState.CompletingRebalance)) this.resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    group.syncTimer?.cancel();
    group.syncTimer = null;
    group.pendingSyncMembers.clear();
    group.joinTimer?.cancel();
    const initial = group.is(GroupState.Empty);
    group.transitionTo(GroupState.PreparingRebalance, this.#clock.now());
    this.#logger.info('preparing to rebalance group', { groupId: group.groupId, generationId: group.generationId, reason });
    if (initial) {
      const delay = this.#config.initialRebalanceDelayMs;
      group.initialDelayRemainingMs = Math.max(group.rebalanceTimeoutMs() - delay, 0);
      group.newMemberAdded = false;
      group.inInitialDelay = true;
      group.joinTimer = this.#clock.setTimeout(() => this.#onInitialDelayExpired(group), delay);
    } else {
      group.inInitialDelay = false;
      group.joinTimer = this.#clock.setTimeout(() => this.#completeJoin(group), group.rebalanceTimeoutMs());
      this.tryCompleteJoin(group);
    }
  }

  #onInitialDelayExpired(group: Group): void {
    if (group.newMemberAdded && group.initialDelayRemainingMs > 0) {
      group.newMemberAdded = false;
      const delay = Math.min(this.#config.initialRebalanceDelayMs, group.initialDelayRemainingMs);
      group.initialDelayRemainingMs = Math.max(group.initialDelayRemainingMs - this.#config.initialRebalanceDelayMs, 0);
      group.joinTimer = this.#clock.setTimeout(() => this.#onInitialDelayExpired(group), delay);
      return;
    }
    this.#completeJoin(group);
  }

  /** Completes the join phase early once every known member has rejoined. */
  tryCompleteJoin(group: Group): void {
    if (!group.is(GroupState.PreparingRebalance) || group.inInitialDelay) return;
    if (group.hasAllMembersJoined()) this.#completeJoin(group);
  }

  #completeJoin(group: Group): void {
    group.joinTimer?.cancel();
    group.joinTimer = null;
    group.inInitialDelay = false;
    if (!group.is(GroupState.PreparingRebalance) || this.#groupManager.group(group.groupId) !== group) return;
    const now = this.#clock.now();
    // Dynamic members that did not rejoin in time are removed; static members stay (their
    // session timeout removes them if they are gone), as in Kafka.
    for (const m of group.notYetRejoinedMembers()) {
      if (m.groupInstanceId !== null) continue;
      this.#logger.info('removing member that did not rejoin in time', { groupId: group.groupId, memberId: m.memberId });
      m.heartbeatTimer?.cancel();
      m.heartbeatTimer = null;
      answerSync(m, { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, protocolType: null, protocolName: null, assignment: EMPTY });
      group.remove(m.memberId);
    }
    if (group.isEmpty) {
      group.generationId++;
      group.protocolName = null;
      group.leaderId = null;
      group.transitionTo(GroupState.Empty, now);
      this.#logger.info('group is empty', { groupId: group.groupId, generationId: group.generationId });
      void this.#groupManager.storeGroup(group);
      return;
    }
    if (group.leaderId === null || !group.members.get(group.leaderId)?.isAwaitingJoin) {
      const joined = [...group.members.values()].find((m) => m.isAwaitingJoin);
      if (!joined) {
        // Only static members that have not rejoined are left: wait another rebalance
        // timeout; their sessions expire meanwhile if they are gone.
        this.#logger.warn('no member rejoined; postponing the rebalance', { groupId: group.groupId });
        group.joinTimer = this.#clock.setTimeout(() => this.#completeJoin(group), group.rebalanceTimeoutMs());
        return;
      }
      group.leaderId = joined.memberId;
    }
    group.generationId++;
    group.protocolName = group.selectProtocol();
    group.transitionTo(GroupState.CompletingRebalance, now);
    this.#logger.info('stabilizing group', {
      groupId: group.groupId,
      generationId: group.generationId,
      protocol: group.protocolName,
      members: group.members.size,
    });
    for (const m of group.members.values()) {
      group.pendingSyncMembers.add(m.memberId);
      m.isNew = false;
      answerJoin(m, currentJoinOutcome(group, m.memberId));
      this.scheduleHeartbeatExpiry(group, m);
    }
    const generation = group.generationId;
    group.syncTimer = this.#clock.setTimeout(() => this.#onSyncExpired(group, generation), group.rebalanceTimeoutMs());
  }

  #onSyncExpired(group: Group, generation: number): void {
    group.syncTimer = null;
    if (this.#groupManager.group(group.groupId) !== group || group.generationId !== generation) return;
    if (!group.is(GroupState.CompletingRebalance) && !group.is(GroupState.Stable)) return;
    if (group.pendingSyncMembers.size === 0) return;
    for (const id of [...group.pendingSyncMembers]) {
      const m = group.members.get(id);
      if (!m) continue;
      this.#logger.info('removing member that did not sync in time', { groupId: group.groupId, memberId: id });
      m.heartbeatTimer?.cancel();
      m.heartbeatTimer = null;
      group.remove(id);
    }
    group.pendingSyncMembers.clear();
    this.maybePrepareRebalance(group, 'members did not sync in time');
  }

  scheduleHeartbeatExpiry(group: Group, member: GroupMember): void {
    member.heartbeatTimer?.cancel();
    member.lastHeartbeatMs = this.#clock.now();
    member.heartbeatTimer = this.#clock.setTimeout(() => this.#onMemberExpired(group, member), member.sessionTimeoutMs);
  }

  #onMemberExpired(group: Group, member: GroupMember): void {
    member.heartbeatTimer = null;
    if (this.#groupManager.group(group.groupId) !== group || group.members.get(member.memberId) !== member) return;
    // Members waiting in a rebalance are bounded by the rebalance timeout instead.
    if (member.isAwaitingJoin || member.isAwaitingSync) return;
    this.#logger.info('member session expired', { groupId: group.groupId, memberId: member.memberId, sessionTimeoutMs: member.sessionTimeoutMs });
    this.removeMemberAndUpdateGroup(group, member, `member ${member.memberId} session expired`);
  }

  removeMemberAndUpdateGroup(group: Group, member: GroupMember, reason: string): void {
    answerJoin(member, joinError(member.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    answerSync(member, { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, protocolType: null, protocolName: null, assignment: EMPTY });
    member.heartbeatTimer?.cancel();
    member.heartbeatTimer = null;
    group.remove(member.memberId);
    switch (group.state) {
      case GroupState.Stable:
      case GroupState.CompletingRebalance:
        this.maybePrepareRebalance(group, reason);
        break;
      case GroupState.PreparingRebalance:
        this.tryCompleteJoin(group);
        break;
      default:
        break;
    }
  }

  resetAndPropagateAssignmentError(group: Group, errorCode: number): void {
    for (const m of group.members.values()) {
      m.assignment = EMPTY;
      answerSync(m, { errorCode, protocolType: null, protocolName: null, assignment: EMPTY });
    }
  }

  setAndPropagateAssignment(group: Group, assignments: Map<string, Buffer>): void {
    for (const m of group.members.values()) {
      m.assignment = assignments.get(m.memberId) ?? EMPTY;
      if (m.isAwaitingSync) {
        answerSync(m, { errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment });
        this.scheduleHeartbeatExpiry(group, m);
      }
    }
  }
}
