// Admin APIs the controller owns, forwarded unchanged (CreateTopics, DeleteTopics,
// CreatePartitions, AlterConfigs, IncrementalAlterConfigs, DescribeConfigs, ElectLeaders): sent at the
// client's version, or the highest the controller serves, and its answer returned. After a
// change the broker polls metadata (and configs) before answering, so the client's next
// Metadata call sees it. Controller unreachable → NOT_CONTROLLER (retriable) per resource.
import { ApiKey } from '../../protocol/api-keys.js';
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { KafkaRequest } from '../../network/server.js';
import type { ApiHandler } from '../api-handler.js';
import { errorResponse } from '../request-router.js';
import type { BrokerContext } from './broker-context.js';

const FORWARDED: ReadonlyArray<{ apiKey: number; versions: readonly [number, number]; mutates: boolean; configs: boolean }> = [
  { apiKey: ApiKey.CreateTopics, versions: [0, 7], mutates: true, configs: false },
  { apiKey: ApiKey.DeleteTopics, versions: [0, 6], mutates: true, configs: false },
  { apiKey: ApiKey.CreatePartitions, versions: [0, 3], mutates: true, configs: false },
  { apiKey: ApiKey.AlterConfigs, versions: [0, 2], mutates: true, configs: true },
  { apiKey: ApiKey.IncrementalAlterConfigs, versions: [0, 1], mutates: true, configs: true },
  { apiKey: ApiKey.DescribeConfigs, versions: [0, 4], mutates: false, configs: false },
  { apiKey: ApiKey.ElectLeaders, versions: [0, 2], mutates: true, configs: false },
];

export function createAdminForwardHandlers(ctx: BrokerContext): ApiHandler[] {
  return FORWARDED.map(({ apiKey, versions, mutates, configs }) => ({
    apiKey,
    versions,
    async handle(request: KafkaRequest): Promise<Message> {
      const { apiVersion } = request.header;
      const res = await ctx.controller.forward(apiKey, apiVersion, request.body);
      if (!res) return errorResponse(apiKey, apiVersion, request.body, ErrorCode.NOT_CONTROLLER, 'The controller is not reachable right now; retry');
      if (mutates && !request.body.validateOnly) {
        await ctx.controller.refreshMetadata(3000);
        if (configs) await ctx.refreshTopicConfigs();
      }
      return res;
    },
  }));
}
