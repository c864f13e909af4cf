// Admin APIs the controller owns, forwarded unchanged (CreateTopics, DeleteTopics,
// CreatePartitions, AlterConfigs, IncrementalAlterConfigs, ElectLeaders,
// Alter/ListPartitionReassignments): sent at the
// client's version, or the highest the controller serves, and its answer returned. After a
// change the broker polls metadata (and configs) before answering, so the client's next
// Metadata call sees it. Controller unreachable → NOT_CONTROLLER (retriable) per resource;
// each API's error answer (per topic, resource or partition) is written here, by its handler.
import { ApiKey } from '../../protocol/api-keys.js';
import type { ApiKeyNumber, RequestOf } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { defineHandler, type ApiHandler, type ApiResponse } from '../api-handler.js';
import type { BrokerContext } from './broker-context.js';

/** One forwarded API: what it changes and its answer when the whole request failed. */
interface Forwarded<K extends ApiKeyNumber> {
  readonly apiKey: K;
  readonly versions: readonly [number, number];
  /** Whether this request changes metadata (then the broker polls before answering). */
  mutates(body: RequestOf<K>): boolean;
  /** Whether the change touches topic configs (then the broker refreshes them too). */
  readonly configs: boolean;
  errorResponse(body: RequestOf<K>, errorCode: number, errorMessage: string | null): ApiResponse<K>;
}

const NOT_CONTROLLER_MESSAGE = 'The controller is not reachable right now; retry';

export function createAdminForwardHandlers(ctx: BrokerContext): ApiHandler[] {
  return [
    forwardHandler(ctx, {
      apiKey: ApiKey.CreateTopics,
      versions: [0, 7],
      mutates: (body) => !body.validateOnly,
      configs: false,
      errorResponse: (body, errorCode, errorMessage) => ({
        throttleTimeMs: 0,
        topics: body.topics.map((t) => ({ name: t.name, errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: null })),
      }),
    }),
    forwardHandler(ctx, {
      apiKey: ApiKey.DeleteTopics,
      versions: [0, 6],
      mutates: () => true,
      configs: false,
      // Up to v5 topics are named in topicNames, from v6 in topics (by name or id).
      errorResponse: (body, errorCode, errorMessage) => ({
        throttleTimeMs: 0,
        responses: [
          ...body.topicNames.map((name) => ({ name, errorCode, errorMessage })),
          ...body.topics.map((t) => ({ name: t.name, topicId: t.topicId, errorCode, errorMessage })),
        ],
      }),
    }),
    forwardHandler(ctx, {
      apiKey: ApiKey.CreatePartitions,
      versions: [0, 3],
      mutates: (body) => !body.validateOnly,
      configs: false,
      errorResponse: (body, errorCode, errorMessage) => ({
        throttleTimeMs: 0,
        results: body.topics.map((t) => ({ name: t.name, errorCode, errorMessage })),
      }),
    }),
    forwardHandler(ctx, {
      apiKey: ApiKey.AlterConfigs,
      versions: [0, 2],
      mutates: (body) => !body.validateOnly,
      configs: true,
      errorResponse: (body, errorCode, errorMessage) => ({
        throttleTimeMs: 0,
        responses: body.resources.map((r) => ({ errorCode, errorMessage, resourceType: r.resourceType, resourceName: r.resourceName })),
      }),
    }),
    forwardHandler(ctx, {
      apiKey: ApiKey.IncrementalAlterConfigs,
      versions: [0, 1],
      mutates: (body) => !body.validateOnly,
      configs: true,
      errorResponse: (body, errorCode, errorMessage) => ({
        throttleTimeMs: 0,
        responses: body.resources.map((r) => ({ errorCode, errorMessage, resourceType: r.resourceType, resourceName: r.resourceName })),
      }),
    }),
    forwardHandler(ctx, {
      apiKey: ApiKey.ElectLeaders,
      versions: [0, 2],
      mutates: () => true,
      configs: false,
      // v1+ has a top-level error code; every version answers per partition.
      errorResponse: (body, errorCode, errorMessage) => ({
        throttleTimeMs: 0,
        errorCode,
        replicaElectionResults: (body.topicPartitions ?? []).map((t) => ({
          topic: t.topic,
          partitionResult: t.partitions.map((partitionId) => ({ partitionId, errorCode, errorMessage })),
        })),
      }),
    }),
    forwardHandler(ctx, {
      apiKey: ApiKey.AlterPartitionReassignments,
      versions: [0, 0],
      mutates: () => true,
      configs: false,
      errorResponse: (body, errorCode, errorMessage) => ({
        throttleTimeMs: 0,
        errorCode,
        errorMessage,
        responses: body.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode, errorMessage })) })),
      }),
    }),
    forwardHandler(ctx, {
      apiKey: ApiKey.ListPartitionReassignments,
      versions: [0, 0],
      mutates: () => false,
      configs: false,
      errorResponse: (_body, errorCode, errorMessage) => ({ throttleTimeMs: 0, errorCode, errorMessage, topics: [] }),
    }),
  ];
}

function forwardHandler<K extends ApiKeyNumber>(ctx: BrokerContext, api: Forwarded<K>): ApiHandler {
  return defineHandler<K>({
    apiKey: api.apiKey,
    versions: api.versions,
    async handle(request) {
      const res = await ctx.controller.forward(api.apiKey, request.header.apiVersion, request.body);
      if (!res) return api.errorResponse(request.body, ErrorCode.NOT_CONTROLLER, NOT_CONTROLLER_MESSAGE);
      if (api.mutates(request.body)) {
        await ctx.controller.refreshMetadata(3000);
        if (api.configs) await ctx.refreshTopicConfigs();
      }
      return res;
    },
    errorResponse: (request, errorCode, errorMessage) => api.errorResponse(request.body, errorCode, errorMessage),
  });
}
