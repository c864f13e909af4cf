// BrokerRegistration (api 62): a starting broker announces its id, listener and incarnation.
// It gets a new broker epoch and starts fenced; its first heartbeat unfences it. A new
// incarnation replaces the old one at once (a local cluster's daemon owns the ids), and the
// broker's replicas leave the ISR until the leaders add them back.
import type { BrokerRegistrationRequest, BrokerRegistrationResponse, Encodable } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { ControllerContext } from '../controller-context.js';

export function handleBrokerRegistration(ctx: ControllerContext, body: BrokerRegistrationRequest): Encodable<BrokerRegistrationResponse> {
  const brokerId = body.brokerId;
  if (body.clusterId !== ctx.clusterId) {
    ctx.logger.warn('registration with wrong cluster id', { brokerId, clusterId: body.clusterId });
    return { throttleTimeMs: 0, errorCode: ErrorCode.INCONSISTENT_CLUSTER_ID, brokerEpoch: -1n };
  }
  const listeners = body.listeners;
  const listener = listeners.find((l) => l.name === 'PLAINTEXT') ?? listeners[0];
  if (!listener || brokerId < 0) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, brokerEpoch: -1n };
  }
  const existing = ctx.store.getBroker(brokerId);
  if (existing && existing.incarnationId === body.incarnationId && existing.host === listener.host && existing.port === listener.port) {
    // A retried registration of the same incarnation keeps its epoch.
    ctx.touchBroker(brokerId);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, brokerEpoch: existing.brokerEpoch };
  }
  const brokerEpoch = ctx.store.registerBroker({
    brokerId,
    host: listener.host,
    port: listener.port,
    rack: body.rack,
    incarnationId: body.incarnationId,
    nowMs: ctx.clock.now(),
  });
  ctx.logger.info('broker registered', { brokerId, brokerEpoch, host: listener.host, port: listener.port });
  ctx.touchBroker(brokerId);
  // Registered fenced: drop it from ISRs and move leadership away until it heartbeats.
  ctx.setBrokerFenced(brokerId, true, 'registration');
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, brokerEpoch };
}
