// InitProducerId (api 22, v0–5) for idempotent producers: a new producer id (unique across
// brokers, see ProducerIdManager) with epoch 0, or — when a producer re-initialises with
// its current id and epoch (v3+) — the same id with the epoch bumped. With a transactional
// id the transaction coordinator answers (epoch bumps, fencing, timeouts).
import { ApiKey } from '../../protocol/api-keys.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { defineHandler, type ApiHandler } from '../api-handler.js';
import type { TransactionCoordinator } from '../../coordinator/transaction-coordinator.js';
import type { BrokerContext } from './broker-context.js';

export function createInitProducerIdHandler(ctx: BrokerContext, txns?: TransactionCoordinator): ApiHandler {
  return defineHandler({
    apiKey: ApiKey.InitProducerId,
    versions: [0, 5],
    handle(request) {
      const body = request.body;
      if (body.transactionalId !== null) {
        if (!txns) return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, producerId: -1n, producerEpoch: -1 };
        const v = request.header.apiVersion;
        return txns.initProducerId(body.transactionalId, body.transactionTimeoutMs, v >= 3 ? body.producerId : -1n, v >= 3 ? body.producerEpoch : -1).then((r) => ({
          throttleTimeMs: 0,
          // Clients before v4 do not know PRODUCER_FENCED.
          errorCode: r.errorCode === ErrorCode.PRODUCER_FENCED && v < 4 ? ErrorCode.INVALID_PRODUCER_EPOCH : r.errorCode,
          producerId: r.producerId,
          producerEpoch: r.producerEpoch,
        }));
      }
      const id = body.producerId;
      const epoch = body.producerEpoch;
      if (id >= 0n && epoch >= 0 && epoch < 32767) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: id, producerEpoch: epoch + 1 };
      }
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: ctx.producerIds.nextProducerId(), producerEpoch: 0 };
    },
  });
}
