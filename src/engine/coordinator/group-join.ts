// JoinGroup of the classic protocol (Kafka's GroupCoordinator.handleJoinGroup): new members
// (member ids, KIP-394's MEMBER_ID_REQUIRED, the group size limit), known members rejoining
// in each group state, and static members (KIP-345) taking over their instance id, with the
// KIP-814 no-rebalance path. It changes the group and hands rebalancing to group-rebalancer;
// the coordinator checks ownership first. Concurrency: one event loop; the one await (storing
// a replaced static member) re-checks the member and generation before undoing.
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { JoinGroupParams } from './coordinator-types.js';
import { Group, GroupMember, GroupState, type JoinGroupOutcome } from './group.js';
import type { GroupCoordinatorConfig } from './group-coordinator-config.js';
import type { GroupMetadataManager } from './group-metadata-manager.js';
import { answerJoin, answerSync, currentJoinOutcome, joinError, type GroupRebalancer } from './group-rebalancer.js';

export interface GroupJoinDeps {
  logger: Logger;
  config: GroupCoordinatorConfig;
  clock: Clock;
  newUuid: () => string;
  groupManager: GroupMetadataManager;
  rebalancer: GroupRebalancer;
}

const EMPTY = Buffer.alloc(0);

export class GroupJoin {
  readonly #logger: Logger;
  readonly #config: GroupCoordinatorConfig;
  readonly #clock: Clock;
  readonly #newUuid: () => string;
  readonly #groupManager: GroupMetadataManager;
  readonly #rebalancer: GroupRebalancer;

  constructor(deps: GroupJoinDeps) {
    this.#logger = deps.logger;
    this.#config = deps.config;
    this.#clock = deps.clock;
    this.#newUuid = deps.newUuid;
    this.#groupManager = deps.groupManager;
    this.#rebalancer = deps.rebalancer;
  }

  /** Joins a group whose partition this coordinator owns and has loaded (checked by the caller). */
  join(params: JoinGroupParams): Promise<JoinGroupOutcome> {
    const { groupId, memberId } = params;
    if (params.sessionTimeoutMs < this.#config.minSessionTimeoutMs || params.sessionTimeoutMs > this.#config.maxSessionTimeoutMs) {
      return Promise.resolve(joinError(memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
    }
    const isUnknownMember = memberId === '';
    let group = this.#groupManager.group(groupId);
    if (!group) {
      if (!isUnknownMember) return Promise.resolve(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      group = new Group(groupId, GroupState.Empty, this.#clock.now());
      this.#groupManager.addGroup(group);
    }
    if (
      group.members.size >= this.#config.maxGroupSize &&
      (isUnknownMember || (!group.members.has(memberId) && !group.pendingMembers.has(memberId))) &&
      group.staticMemberId(params.groupInstanceId) === undefined
    ) {
      return Promise.resolve(joinError(memberId, ErrorCode.GROUP_MAX_SIZE_REACHED));
    }
    if (params.reason) this.#logger.debug('join group', { groupId, memberId, reason: params.reason });
    const g = group;
    return new Promise<JoinGroupOutcome>((respond) => {
      if (isUnknownMember) this.#joinNewMember(g, params, respond);
      else this.#joinExistingMember(g, params, respond);
    });
  }

  #joinNewMember(group: Group, params: JoinGroupParams, respond: (o: JoinGroupOutcome) => void): void {
    if (group.is(GroupState.Dead)) return respond(joinError('', ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(params.protocolType, params.protocols.map((p) => p.name))) {
      return respond(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const newMemberId = `${params.groupInstanceId ?? params.clientId}-${this.#newUuid()}`;
    if (params.groupInstanceId !== null) {
      const oldMemberId = group.staticMemberId(params.groupInstanceId);
      if (oldMemberId !== undefined) return this.#replaceStaticMember(group, oldMemberId, newMemberId, params, respond);
      return this.#addMemberAndRebalance(group, newMemberId, params, respond);
    }
    if (params.requireKnownMemberId) {
      group.pendingMembers.add(newMemberId);
      this.#rebalancer.schedulePendingMemberExpiry(group, newMemberId, params.sessionTimeoutMs);
      return respond(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
    }
    this.#addMemberAndRebalance(group, newMemberId, params, respond);
  }

  #joinExistingMember(group: Group, params: JoinGroupParams, respond: (o: JoinGroupOutcome) => void): void {
    const { memberId } = params;
    if (group.is(GroupState.Dead)) return respond(joinError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(params.protocolType, params.protocols.map((p) => p.name), memberId)) {
      return respond(joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    if (group.pendingMembers.has(memberId)) {
      group.pendingMembers.delete(memberId);
      this.#rebalancer.cancelPendingMemberTimer(group.groupId, memberId);
      return this.#addMemberAndRebalance(group, memberId, params, respond);
    }
    if (group.isFencedStaticMember(memberId, params.groupInstanceId)) return respond(joinError(memberId, ErrorCode.FENCED_INSTANCE_ID));
    const member = group.members.get(memberId);
    if (!member) return respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    switch (group.state) {
      case GroupState.PreparingRebalance:
        return this.#updateMemberAndRebalance(group, member, params, respond, 'member rejoined during a rebalance');
      case GroupState.CompletingRebalance:
        // The member missed its JoinGroup response: give it again unless its protocols changed.
        if (member.matches(params.protocols)) {
          this.#rebalancer.scheduleHeartbeatExpiry(group, member);
          return respond(currentJoinOutcome(group, memberId));
        }
        return this.#updateMemberAndRebalance(group, member, params, respond, 'member changed its protocols');
      case GroupState.Stable:
        if (group.isLeader(memberId) || !member.matches(params.protocols)) {
          return this.#updateMemberAndRebalance(
            group,
            member,
            params,
            respond,
            group.isLeader(memberId) ? 'leader rejoined' : 'member changed its protocols',
          );
        }
        this.#rebalancer.scheduleHeartbeatExpiry(group, member);
        return respond(currentJoinOutcome(group, memberId));
      default:
        return respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  #addMemberAndRebalance(group: Group, memberId: string, params: JoinGroupParams, respond: (o: JoinGroupOutcome) => void): void {
    const member = new GroupMember({
      memberId,
      groupInstanceId: params.groupInstanceId,
      clientId: params.clientId,
      clientHost: params.clientHost,
      rebalanceTimeoutMs: params.rebalanceTimeoutMs,
      sessionTimeoutMs: params.sessionTimeoutMs,
      protocolType: params.protocolType,
      protocols: params.protocols,
    });
    member.isNew = true;
    member.awaitingJoin = respond;
    group.add(member);
    // A member joining during the initial delay extends it (up to the rebalance timeout).
    if (group.is(GroupState.PreparingRebalance) && group.generationId === 0) group.newMemberAdded = true;
    this.#rebalancer.maybePrepareRebalance(group, `member ${memberId} joined`);
    if (group.is(GroupState.PreparingRebalance)) this.#rebalancer.tryCompleteJoin(group);
  }

  #updateMemberAndRebalance(
    group: Group,
    member: GroupMember,
    params: JoinGroupParams,
    respond: (o: JoinGroupOutcome) => void,
    reason: string,
  ): void {
    member.protocols = params.protocols;
    member.rebalanceTimeoutMs = params.rebalanceTimeoutMs;
    member.sessionTimeoutMs = params.sessionTimeoutMs;
    member.clientId = params.clientId;
    member.clientHost = params.clientHost;
    // A duplicate JoinGroup replaces the earlier one, which must still be answered.
    answerJoin(member, joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    member.awaitingJoin = respond;
    this.#rebalancer.maybePrepareRebalance(group, reason);
    if (group.is(GroupState.PreparingRebalance)) this.#rebalancer.tryCompleteJoin(group);
  }

  #replaceStaticMember(group: Group, oldMemberId: string, newMemberId: string, params: JoinGroupParams, respond: (o: JoinGroupOutcome) => void): void {
    const instanceId = params.groupInstanceId!;
    const old = group.members.get(oldMemberId)!;
    // The old incarnation is fenced: answer whatever it still waits for.
    answerJoin(old, joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
    answerSync(old, { errorCode: ErrorCode.FENCED_INSTANCE_ID, protocolType: null, protocolName: null, assignment: EMPTY });
    const previous = {
      protocols: old.protocols,
      rebalanceTimeoutMs: old.rebalanceTimeoutMs,
      sessionTimeoutMs: old.sessionTimeoutMs,
      clientId: old.clientId,
      clientHost: old.clientHost,
    };
    const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    this.#logger.info('static member rejoined with a new member id', { groupId: group.groupId, groupInstanceId: instanceId, oldMemberId, newMemberId });
    switch (group.state) {
      case GroupState.Stable: {
        const selected = group.protocolName;
        member.protocols = params.protocols;
        member.rebalanceTimeoutMs = params.rebalanceTimeoutMs;
        member.sessionTimeoutMs = params.sessionTimeoutMs;
        member.clientId = params.clientId;
        member.clientHost = params.clientHost;
        if (group.selectProtocol() !== selected) {
          member.awaitingJoin = respond;
          this.#rebalancer.maybePrepareRebalance(group, 'static member changed the group protocol');
          return;
        }
        // Same protocol: no rebalance. Persist the new member id, then answer with the
        // current generation (the leader is told to skip assignment, KIP-814).
        this.#rebalancer.scheduleHeartbeatExpiry(group, member);
        const generation = group.generationId;
        void this.#groupManager.storeGroup(group).then((code) => {
          if (code === ErrorCode.NONE) return respond(currentJoinOutcome(group, newMemberId, true));
          // Could not persist: put the old incarnation back, as Kafka does.
          if (group.members.get(newMemberId) === member && group.generationId === generation) {
            group.replaceStaticMember(instanceId, newMemberId, oldMemberId);
            Object.assign(member, previous);
          }
          respond(joinError('', code));
        });
        return;
      }
      case GroupState.CompletingRebalance:
      case GroupState.PreparingRebalance:
        this.#updateMemberAndRebalance(group, member, params, respond, 'static member rejoined during a rebalance');
        return;
      default:
        // Empty/Dead groups have no members, so a static member cannot be found there.
        respond(joinError('', ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }
}
