// The broker's KIP-848 consumer-group APIs: ConsumerGroupHeartbeat (v0-1) and
// ConsumerGroupDescribe (v0). Each maps its request onto the GroupCoordinator's plain
// methods and back; the group logic is src/engine/coordinator/consumer-group-coordinator.ts.
// Concurrency: called on the broker's event loop; the coordinator orders its own work.
import type { GroupCoordinator } from '../../coordinator/group-coordinator.js';
import { ApiKey } from '../../protocol/api-keys.js';
import { defineHandler, type ApiHandler } from '../api-handler.js';

/** READ | DELETE | DESCRIBE (AclOperation codes 3, 6, 8): what anyone may do to a group here. */
const GROUP_AUTHORIZED_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export function createConsumerGroupHandlers(coordinator: GroupCoordinator): ApiHandler[] {
  return [
    defineHandler({
      apiKey: ApiKey.ConsumerGroupHeartbeat,
      versions: [0, 1],
      async handle(request) {
        const v = request.header.apiVersion;
        const body = request.body;
        const r = await coordinator.consumerGroupHeartbeat({
          apiVersion: v,
          groupId: body.groupId,
          memberId: body.memberId,
          memberEpoch: body.memberEpoch,
          instanceId: body.instanceId,
          rackId: body.rackId,
          rebalanceTimeoutMs: body.rebalanceTimeoutMs,
          subscribedTopicNames: body.subscribedTopicNames,
          subscribedTopicRegex: v >= 1 ? body.subscribedTopicRegex : null,
          serverAssignor: body.serverAssignor,
          topicPartitions: body.topicPartitions,
          clientId: request.header.clientId ?? '',
          clientHost: `/${request.connection.remoteAddress}`,
        });
        return { throttleTimeMs: 0, ...r };
      },
    }),
    defineHandler({
      apiKey: ApiKey.ConsumerGroupDescribe,
      versions: [0, 0],
      handle(request) {
        const withOps = request.body.includeAuthorizedOperations;
        const groups = request.body.groupIds.map((groupId) => ({
          ...coordinator.consumerGroupDescribe(groupId),
          authorizedOperations: withOps ? GROUP_AUTHORIZED_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
        }));
        return { throttleTimeMs: 0, groups };
      },
      errorResponse(request, errorCode, errorMessage) {
        const groups = request.body.groupIds.map((groupId) => ({ groupId, errorCode, errorMessage, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [] }));
        return { throttleTimeMs: 0, groups };
      },
    }),
  ];
}
