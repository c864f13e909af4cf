// UpdateMetadata (api 6): the controller's push that metadata changed (Kafka's ZooKeeper-mode
// controller sends the same API). The broker answers only after it has polled and applied the
// controller's current metadata and topic configs, so the controller can answer an admin
// request once every live broker serves its result. The request's own contents are not
// trusted or used: whoever sends it can only make this broker refresh sooner.
import { ApiKey } from '../../protocol/api-keys.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { defineHandler, type ApiHandler } from '../api-handler.js';
import type { BrokerContext } from './broker-context.js';

const REFRESH_TIMEOUT_MS = 10_000;

export function createUpdateMetadataHandler(ctx: BrokerContext): ApiHandler {
  return defineHandler({
    apiKey: ApiKey.UpdateMetadata,
    versions: [0, 8],
    async handle() {
      const applied = await ctx.controller.refreshMetadata(REFRESH_TIMEOUT_MS);
      if (applied) await ctx.refreshTopicConfigs();
      return { errorCode: applied ? ErrorCode.NONE : ErrorCode.REQUEST_TIMED_OUT };
    },
  });
}
