// InitProducerId (api 22, v0–5) for idempotent producers: a new producer id (unique across
// brokers, see ProducerIdManager) with epoch 0, or — when a producer re-initialises with
// its current id and epoch (v3+) — the same id with the epoch bumped. Transactional ids are
// not supported (transactions are out of scope).
import { ApiKey } from '../../protocol/api-keys.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { defineHandler, type ApiHandler } from '../api-handler.js';
import type { BrokerContext } from './broker-context.js';

export function createInitProducerIdHandler(ctx: BrokerContext): ApiHandler {
  return defineHandler({
    apiKey: ApiKey.InitProducerId,
    versions: [0, 5],
    handle(request) {
      const body = request.body;
      if (body.transactionalId !== null) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, producerId: -1n, producerEpoch: -1 };
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
