// DescribeCluster (api 60, v0–1) from the metadata cache: cluster id, controller id (the
// lowest live broker, as the controller reports it) and the live brokers.
import { ApiKey } from '../../protocol/api-keys.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { defineHandler, type ApiHandler } from '../api-handler.js';
import type { BrokerContext } from './broker-context.js';

export function createDescribeClusterHandler(ctx: BrokerContext): ApiHandler {
  return defineHandler({
    apiKey: ApiKey.DescribeCluster,
    versions: [0, 1],
    handle(request) {
      const endpointType = request.body.endpointType;
      if (endpointType !== 1) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'Only broker endpoints (1) are served', endpointType, clusterId: ctx.metadata.clusterId, controllerId: -1, brokers: [] };
      }
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        endpointType,
        clusterId: ctx.metadata.clusterId,
        controllerId: ctx.metadata.controllerId >= 0 ? ctx.metadata.controllerId : ctx.brokerId,
        brokers: ctx.metadata.brokers().map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: null })),
        clusterAuthorizedOperations: -2147483648,
      };
    },
  });
}
