// InitProducerId (api 22, v0–5) for idempotent producers: a new producer id (unique across
// brokers, see ProducerIdManager) with epoch 0, or — when a producer re-initialises with
// its current id and epoch (v3+) — the same id with the epoch bumped. Transactional ids are
// not supported (transactions are out of scope).
import { ApiKey } from '../../protocol/api-keys.js';
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { KafkaRequest } from '../../network/server.js';
import type { ApiHandler } from '../api-handler.js';
import type { BrokerContext } from './broker-context.js';

export function createInitProducerIdHandler(ctx: BrokerContext): ApiHandler {
  return {
    apiKey: ApiKey.InitProducerId,
    versions: [0, 5],
    handle(request: KafkaRequest): Message {
      const body = request.body;
      if (body.transactionalId !== null && body.transactionalId !== undefined) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, producerId: -1n, producerEpoch: -1 };
      }
      const id = BigInt((body.producerId as bigint | undefined) ?? -1n);
      const epoch = (body.producerEpoch as number | undefined) ?? -1;
      if (id >= 0n && epoch >= 0 && epoch < 32767) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: id, producerEpoch: epoch + 1 };
      }
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: ctx.producerIds.nextProducerId(), producerEpoch: 0 };
    },
  };
}
