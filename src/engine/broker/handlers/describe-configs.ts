// DescribeConfigs (api 32) on a broker: broker resources are answered here, as Kafka's broker
// does (its own id with every config it has, or '' for the cluster-wide dynamic defaults; a
// different broker id is INVALID_REQUEST, clients send each broker's resource to that broker);
// every other resource (topics) is forwarded to the controller, which owns topic configs.
// Results keep the request's order.
import { ApiKey } from '../../protocol/api-keys.js';
import type { DescribeConfigsRequestDescribeConfigsResource, DescribeConfigsResponseDescribeConfigsResult, Encodable } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { defineHandler, type ApiHandler } from '../api-handler.js';
import { describeBrokerConfigs } from '../broker-configs.js';
import type { BrokerContext } from './broker-context.js';

const BROKER = 4;

type Result = Encodable<DescribeConfigsResponseDescribeConfigsResult>;

export function createDescribeConfigsHandler(ctx: BrokerContext): ApiHandler {
  const failed = (r: DescribeConfigsRequestDescribeConfigsResource, errorCode: number, errorMessage: string | null): Result => ({
    errorCode,
    errorMessage,
    resourceType: r.resourceType,
    resourceName: r.resourceName,
    configs: [],
  });
  return defineHandler({
    apiKey: ApiKey.DescribeConfigs,
    versions: [0, 4],
    async handle(request) {
      const { body } = request;
      const version = request.header.apiVersion;
      const others = body.resources.filter((r) => r.resourceType !== BROKER);
      const forwarded = others.length > 0 ? await ctx.controller.forward(ApiKey.DescribeConfigs, version, { ...body, resources: others }) : null;
      const results = body.resources.map((r): Result => {
        if (r.resourceType !== BROKER) {
          const found = forwarded?.results.find((x) => x.resourceType === r.resourceType && x.resourceName === r.resourceName);
          return found ?? failed(r, ErrorCode.NOT_CONTROLLER, 'The controller is not reachable right now; retry');
        }
        if (r.resourceName !== '' && r.resourceName !== String(ctx.brokerId)) {
          return failed(r, ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${ctx.brokerId} or empty string, but received ${r.resourceName}`);
        }
        const keys = r.configurationKeys;
        const entries = describeBrokerConfigs(r.resourceName, ctx.brokerConfigLayers()).filter((e) => !keys || keys.includes(e.name));
        return {
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          resourceType: r.resourceType,
          resourceName: r.resourceName,
          configs: entries.map((e) => ({
            name: e.name,
            value: e.value,
            readOnly: e.readOnly,
            isDefault: e.isDefault,
            configSource: e.configSource,
            isSensitive: e.isSensitive,
            synonyms: body.includeSynonyms && version >= 1 ? e.synonyms : [],
            configType: e.configType,
            documentation: null,
          })),
        };
      });
      return { throttleTimeMs: 0, results };
    },
    errorResponse: (request, errorCode, errorMessage) => ({ throttleTimeMs: 0, results: request.body.resources.map((r) => failed(r, errorCode, errorMessage)) }),
  });
}
