// BrokerHeartbeat (api 63): keeps a broker's session alive, unfences a registered broker
// (it is caught up as soon as it can poll Metadata) and handles controlled shutdown
// (wantShutDown: fence it now so leaders move before it exits).
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { ControllerContext } from '../controller-context.js';

export function handleBrokerHeartbeat(ctx: ControllerContext, body: Message): Message {
  const brokerId = body.brokerId as number;
  const broker = ctx.store.getBroker(brokerId);
  const reply = (errorCode: number, isFenced: boolean, shouldShutDown = false): Message => ({
    throttleTimeMs: 0,
    errorCode,
    isCaughtUp: errorCode === ErrorCode.NONE,
    isFenced,
    shouldShutDown,
  });
  if (!broker) return reply(ErrorCode.BROKER_ID_NOT_REGISTERED, true);
  if (BigInt(body.brokerEpoch as bigint) !== broker.brokerEpoch) return reply(ErrorCode.STALE_BROKER_EPOCH, true);
  ctx.touchBroker(brokerId);
  if (body.wantShutDown) {
    if (!broker.fenced) ctx.setBrokerFenced(brokerId, true, 'controlled shutdown');
    return reply(ErrorCode.NONE, true, true);
  }
  if (body.wantFence) {
    if (!broker.fenced) ctx.setBrokerFenced(brokerId, true, 'broker asked to be fenced');
    return reply(ErrorCode.NONE, true);
  }
  if (broker.fenced) ctx.setBrokerFenced(brokerId, false, 'heartbeat');
  return reply(ErrorCode.NONE, false);
}
