// DescribeCluster (api 60): cluster id, the reachable "controller" (lowest live broker) and
// the live brokers.
import type { DescribeClusterRequest, DescribeClusterResponse, Encodable } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { ControllerContext } from '../controller-context.js';

export function handleDescribeCluster(ctx: ControllerContext, body: DescribeClusterRequest): Encodable<DescribeClusterResponse> {
  const live = ctx.liveBrokerIds();
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    endpointType: body.endpointType,
    clusterId: ctx.clusterId,
    controllerId: ctx.controllerNodeId(),
    brokers: ctx.store
      .listBrokers()
      .filter((b) => live.has(b.brokerId))
      .map((b) => ({ brokerId: b.brokerId, host: b.host, port: b.port, rack: b.rack })),
    clusterAuthorizedOperations: -2147483648,
  };
}
