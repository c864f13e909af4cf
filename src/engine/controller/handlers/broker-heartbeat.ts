// BrokerHeartbeat (api 63): keeps a broker's session alive, unfences a registered broker
// once it has caught up with the metadata and handles controlled shutdown (wantShutDown:
// fence it now so leaders move before it exits). Our controller serves metadata snapshots,
// not a log, so a broker's currentMetadataOffset counts the controller Metadata snapshots it
// has applied since this registration; 1 or more means it has seen the cluster as of its
// registration at least (Kafka: caught up to its registration record) and may lead.
import type { BrokerHeartbeatRequest, BrokerHeartbeatResponse, Encodable } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { ControllerContext } from '../controller-context.js';

export function handleBrokerHeartbeat(ctx: ControllerContext, body: BrokerHeartbeatRequest): Encodable<BrokerHeartbeatResponse> {
  const brokerId = body.brokerId;
  const broker = ctx.store.getBroker(brokerId);
  const caughtUp = body.currentMetadataOffset > 0n;
  const reply = (errorCode: number, isFenced: boolean, shouldShutDown = false): Encodable<BrokerHeartbeatResponse> => ({
    throttleTimeMs: 0,
    errorCode,
    isCaughtUp: errorCode === ErrorCode.NONE && caughtUp,
    isFenced,
    shouldShutDown,
  });
  if (!broker) return reply(ErrorCode.BROKER_ID_NOT_REGISTERED, true);
  if (body.brokerEpoch !== broker.brokerEpoch) return reply(ErrorCode.STALE_BROKER_EPOCH, true);
  ctx.touchBroker(brokerId);
  if (body.wantShutDown) {
    if (!broker.fenced) ctx.setBrokerFenced(brokerId, true, 'controlled shutdown');
    return reply(ErrorCode.NONE, true, true);
  }
  if (body.wantFence) {
    if (!broker.fenced) ctx.setBrokerFenced(brokerId, true, 'broker asked to be fenced');
    return reply(ErrorCode.NONE, true);
  }
  if (!broker.fenced) return reply(ErrorCode.NONE, false);
  if (!caughtUp) return reply(ErrorCode.NONE, true);
  ctx.setBrokerFenced(brokerId, false, 'caught up with the metadata');
  return reply(ErrorCode.NONE, false);
}
