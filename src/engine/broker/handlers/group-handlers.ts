// The broker's consumer-group APIs: FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
// LeaveGroup, OffsetCommit, OffsetFetch, ListGroups, DescribeGroups, DeleteGroups and
// OffsetDelete. Each handler maps one API's versions onto the GroupCoordinator's plain
// methods and back; all group logic lives in src/engine/coordinator.
// Concurrency: called on the broker's event loop; the coordinator orders its own work.
import type { Clock } from '../../common/clock.js';
import { CoordinatorType, GroupCoordinator, type CoordinatorLookup } from '../../coordinator/group-coordinator.js';
import { parseGroupCoordinatorConfig } from '../../coordinator/group-coordinator-config.js';
import type { KafkaRequest } from '../../network/server.js';
import { ApiKey } from '../../protocol/api-keys.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { defineHandler, type ApiHandler } from '../api-handler.js';
import type { HandlerDeps } from '../broker-services.js';

export interface GroupHandlerDeps extends HandlerDeps {
  clock?: Clock;
  /** FindCoordinator key_type 1 (transactions); without it those lookups answer COORDINATOR_NOT_AVAILABLE. */
  findTransactionCoordinator?: (transactionalId: string) => Promise<CoordinatorLookup>;
  /** Member-id suffixes (tests); defaults to random UUIDs. */
  newUuid?: () => string;
}

/** READ | DELETE | DESCRIBE (AclOperation codes 3, 6, 8): what anyone may do to a group here. */
const GROUP_AUTHORIZED_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/** The coordinator the group handlers use; the broker keeps it to close() it at shutdown. */
export function createGroupCoordinator(deps: GroupHandlerDeps): GroupCoordinator {
  return new GroupCoordinator({
    services: deps.services,
    logger: deps.logger,
    config: parseGroupCoordinatorConfig(deps.settings),
    clock: deps.clock,
    newUuid: deps.newUuid,
  });
}

function clientHost(request: KafkaRequest): string {
  return `/${request.connection.remoteAddress}`;
}

export function createGroupHandlers(deps: GroupHandlerDeps, coordinator: GroupCoordinator = createGroupCoordinator(deps)): ApiHandler[] {
  const c = coordinator;
  const findTxn = deps.findTransactionCoordinator;
  const lookup = (keyType: number, key: string): Promise<CoordinatorLookup> => (keyType === CoordinatorType.Transaction && findTxn ? findTxn(key) : c.findCoordinator(keyType, key));
  return [
    defineHandler({
      apiKey: ApiKey.FindCoordinator,
      versions: [0, 6],
      async handle(request) {
        const v = request.header.apiVersion;
        const body = request.body;
        const keyType = v >= 1 ? body.keyType : 0;
        if (v >= 4) {
          const keys = body.coordinatorKeys;
          const coordinators = await Promise.all(
            keys.map(async (key) => {
              const r = await lookup(keyType, key);
              return { key, nodeId: r.nodeId, host: r.host, port: r.port, errorCode: r.errorCode, errorMessage: r.errorMessage };
            }),
          );
          return { throttleTimeMs: 0, coordinators };
        }
        const r = await lookup(keyType, body.key);
        return { throttleTimeMs: 0, errorCode: r.errorCode, errorMessage: r.errorMessage, nodeId: r.nodeId, host: r.host, port: r.port };
      },
    }),
    defineHandler({
      apiKey: ApiKey.JoinGroup,
      versions: [0, 9],
      async handle(request) {
        const v = request.header.apiVersion;
        const body = request.body;
        const sessionTimeoutMs = body.sessionTimeoutMs;
        const r = await c.joinGroup({
          groupId: body.groupId,
          memberId: body.memberId ?? '',
          groupInstanceId: v >= 5 ? (body.groupInstanceId ?? null) : null,
          requireKnownMemberId: v >= 4,
          clientId: request.header.clientId ?? '',
          clientHost: clientHost(request),
          sessionTimeoutMs,
          rebalanceTimeoutMs: v >= 1 && body.rebalanceTimeoutMs >= 0 ? body.rebalanceTimeoutMs : sessionTimeoutMs,
          protocolType: body.protocolType,
          protocols: body.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
          reason: v >= 8 ? (body.reason ?? null) : null,
        });
        return {
          throttleTimeMs: 0,
          errorCode: r.errorCode,
          generationId: r.generationId,
          protocolType: r.protocolType,
          // Non-nullable before v7.
          protocolName: r.protocolName ?? (v >= 7 ? null : ''),
          leader: r.leaderId,
          skipAssignment: r.skipAssignment,
          memberId: r.memberId,
          members: r.members,
        };
      },
    }),
    defineHandler({
      apiKey: ApiKey.SyncGroup,
      versions: [0, 5],
      async handle(request) {
        const v = request.header.apiVersion;
        const body = request.body;
        const r = await c.syncGroup({
          groupId: body.groupId,
          generationId: body.generationId,
          memberId: body.memberId,
          groupInstanceId: v >= 3 ? (body.groupInstanceId ?? null) : null,
          protocolType: v >= 5 ? (body.protocolType ?? null) : null,
          protocolName: v >= 5 ? (body.protocolName ?? null) : null,
          assignments: body.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
        });
        return { throttleTimeMs: 0, errorCode: r.errorCode, protocolType: r.protocolType, protocolName: r.protocolName, assignment: r.assignment };
      },
    }),
    defineHandler({
      apiKey: ApiKey.Heartbeat,
      versions: [0, 4],
      async handle(request) {
        const body = request.body;
        const errorCode = await c.heartbeat({
          groupId: body.groupId,
          generationId: body.generationId,
          memberId: body.memberId,
          groupInstanceId: request.header.apiVersion >= 3 ? (body.groupInstanceId ?? null) : null,
        });
        return { throttleTimeMs: 0, errorCode };
      },
    }),
    defineHandler({
      apiKey: ApiKey.LeaveGroup,
      versions: [0, 5],
      async handle(request) {
        const v = request.header.apiVersion;
        const body = request.body;
        const leaving =
          v >= 3
            ? body.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: m.reason }))
            : [{ memberId: body.memberId, groupInstanceId: null, reason: null }];
        const r = await c.leaveGroup(body.groupId, leaving);
        if (v >= 3) return { throttleTimeMs: 0, errorCode: r.errorCode, members: r.members };
        return { throttleTimeMs: 0, errorCode: r.errorCode !== ErrorCode.NONE ? r.errorCode : (r.members[0]?.errorCode ?? ErrorCode.NONE) };
      },
    }),
    defineHandler({
      apiKey: ApiKey.OffsetCommit,
      versions: [0, 9],
      async handle(request) {
        const v = request.header.apiVersion;
        const body = request.body;
        const topics = await c.commitOffsets({
          groupId: body.groupId,
          generationId: v >= 1 ? body.generationIdOrMemberEpoch : -1,
          memberId: v >= 1 ? (body.memberId ?? '') : '',
          groupInstanceId: v >= 7 ? (body.groupInstanceId ?? null) : null,
          retentionTimeMs: v >= 2 && v <= 4 ? body.retentionTimeMs : -1n,
          apiVersion: v,
          topics: body.topics.map((t) => ({
            name: t.name,
            partitions: t.partitions.map((p) => ({
              partitionIndex: p.partitionIndex,
              committedOffset: p.committedOffset,
              committedLeaderEpoch: v >= 6 ? p.committedLeaderEpoch : -1,
              commitTimestamp: v === 1 ? p.commitTimestamp : -1n,
              committedMetadata: p.committedMetadata,
            })),
          })),
        });
        return { throttleTimeMs: 0, topics };
      },
      // OffsetCommit has no top-level error code: every partition carries it.
      errorResponse(request, errorCode) {
        return {
          throttleTimeMs: 0,
          topics: request.body.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
        };
      },
    }),
    defineHandler({
      apiKey: ApiKey.OffsetFetch,
      versions: [0, 9],
      handle(request) {
        const v = request.header.apiVersion;
        const body = request.body;
        const wanted = (topics: ReadonlyArray<{ name: string; partitionIndexes: number[] }> | null) =>
          topics === null ? null : topics.map((t) => ({ name: t.name, partitionIndexes: t.partitionIndexes }));
        if (v >= 8) {
          const groups = body.groups.map((g) => {
            const member = v >= 9 ? { memberId: g.memberId ?? null, memberEpoch: g.memberEpoch } : undefined;
            const r = c.fetchOffsets(g.groupId, wanted(g.topics), member);
            return { groupId: g.groupId, topics: r.errorCode === ErrorCode.NONE ? r.topics : [], errorCode: r.errorCode };
          });
          return { throttleTimeMs: 0, groups };
        }
        // v0-1 always name the topics; v2+ may send null for "all".
        const r = c.fetchOffsets(body.groupId, wanted(v >= 2 ? body.topics : (body.topics ?? [])));
        if (v < 2) return { throttleTimeMs: 0, topics: r.topics };
        return { throttleTimeMs: 0, topics: r.errorCode === ErrorCode.NONE ? r.topics : [], errorCode: r.errorCode };
      },
      // v8+ batches groups, each with its own error code; v0-1 have only per-partition ones.
      errorResponse(request, errorCode) {
        const body = request.body;
        const perPartition = (topics: ReadonlyArray<{ name: string; partitionIndexes: number[] }> | null) =>
          (topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1n, errorCode })) }));
        if (request.header.apiVersion >= 8) return { throttleTimeMs: 0, groups: body.groups.map((g) => ({ groupId: g.groupId, topics: [], errorCode })) };
        return { throttleTimeMs: 0, topics: perPartition(body.topics), errorCode };
      },
    }),
    defineHandler({
      apiKey: ApiKey.ListGroups,
      versions: [0, 5],
      handle(request) {
        const v = request.header.apiVersion;
        const body = request.body;
        const r = c.listGroups(v >= 4 ? body.statesFilter : [], v >= 5 ? body.typesFilter : []);
        return { throttleTimeMs: 0, errorCode: r.errorCode, groups: r.groups };
      },
    }),
    defineHandler({
      apiKey: ApiKey.DescribeGroups,
      versions: [0, 5],
      handle(request) {
        const v = request.header.apiVersion;
        const body = request.body;
        const withOps = v >= 3 && body.includeAuthorizedOperations;
        const groups = body.groups.map((groupId) => ({
          ...c.describeGroup(groupId),
          authorizedOperations: withOps ? GROUP_AUTHORIZED_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
        }));
        return { throttleTimeMs: 0, groups };
      },
      errorResponse(request, errorCode) {
        return { throttleTimeMs: 0, groups: request.body.groups.map((groupId) => ({ groupId, errorCode, groupState: '', protocolType: '', protocolData: '', members: [] })) };
      },
    }),
    defineHandler({
      apiKey: ApiKey.DeleteGroups,
      versions: [0, 2],
      async handle(request) {
        const results = await c.deleteGroups(request.body.groupsNames);
        return { throttleTimeMs: 0, results };
      },
      errorResponse(request, errorCode) {
        return { throttleTimeMs: 0, results: request.body.groupsNames.map((groupId) => ({ groupId, errorCode })) };
      },
    }),
    defineHandler({
      apiKey: ApiKey.OffsetDelete,
      versions: [0, 0],
      async handle(request) {
        const body = request.body;
        const topics = body.topics.map((t) => ({ name: t.name, partitionIndexes: t.partitions.map((p) => p.partitionIndex) }));
        const r = await c.deleteOffsets(body.groupId, topics);
        return { throttleTimeMs: 0, errorCode: r.errorCode, topics: r.topics };
      },
    }),
  ];
}
