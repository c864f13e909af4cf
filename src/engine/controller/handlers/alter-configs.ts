// AlterConfigs (api 33, replace all overrides) and IncrementalAlterConfigs (api 44: SET,
// DELETE, APPEND, SUBTRACT per key) for topics and for brokers (one broker id, or '' for the
// cluster-wide default): dynamic broker configs are persisted here and applied by the
// brokers; a config Kafka cannot change at run time gets Kafka's INVALID_REQUEST "Cannot
// update these configs dynamically". Every change is validated before anything is written;
// validateOnly checks only.
import type { AlterConfigsRequest, AlterConfigsResponse, Encodable, IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { ControllerContext } from '../controller-context.js';
import { checkTopicConfig, TOPIC_CONFIG_RULES } from '../topic-config-rules.js';
import { checkBrokerConfigChange } from '../../common/broker-dynamic-configs.js';
import { RESOURCE_TYPE } from './describe-configs.js';

export const CONFIG_OPERATION = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

class ConfigError extends Error {
  constructor(readonly errorCode: number, message: string) {
    super(message);
  }
}

type Compute = (current: Record<string, string>) => Record<string, string>;

interface AlterRequest<R> {
  resources: Array<R & { resourceType: number; resourceName: string }>;
  validateOnly: boolean;
}

function alterResources<R>(ctx: ControllerContext, body: AlterRequest<R>, compute: (resource: R) => Compute) {
  const validateOnly = body.validateOnly;
  const responses = body.resources.map((resource) => {
    const { resourceType, resourceName } = resource;
    const base = { resourceType, resourceName };
    try {
      if (resourceType === RESOURCE_TYPE.BROKER) {
        if (resourceName !== '' && !/^\d+$/.test(resourceName)) throw new ConfigError(ErrorCode.INVALID_REQUEST, 'Unable to parse broker name as a base 10 number.');
        const next = compute(resource)(ctx.store.getBrokerConfigs(resourceName));
        const problem = checkBrokerConfigChange(next);
        if (problem) throw new ConfigError(ErrorCode.INVALID_REQUEST, problem);
        if (!validateOnly) {
          ctx.store.setBrokerConfigs(resourceName, next);
          ctx.logger.info('dynamic broker configs altered', { broker: resourceName === '' ? 'default' : resourceName, configs: next });
        }
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: null };
      }
      if (resourceType !== RESOURCE_TYPE.TOPIC) throw new ConfigError(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resourceType}.`);
      if (!ctx.store.getTopic(resourceName)) {
        throw new ConfigError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${resourceName}' does not exist.`);
      }
      const next = compute(resource)(ctx.store.getTopicConfigs(resourceName));
      for (const [key, value] of Object.entries(next)) {
        const problem = checkTopicConfig(key, value);
        if (problem) throw new ConfigError(ErrorCode.INVALID_CONFIG, problem);
      }
      if (!validateOnly) {
        ctx.store.setTopicConfigs(resourceName, next);
        ctx.logger.info('topic configs altered', { topic: resourceName, configs: next });
      }
      return { ...base, errorCode: ErrorCode.NONE, errorMessage: null };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return { ...base, errorCode: error.errorCode, errorMessage: error.message };
    }
  });
  return { throttleTimeMs: 0, responses };
}

export function handleAlterConfigs(ctx: ControllerContext, body: AlterConfigsRequest): Encodable<AlterConfigsResponse> {
  return alterResources(ctx, body, (resource) => () => {
    const next: Record<string, string> = {};
    for (const c of resource.configs) {
      if (c.value === null) throw new ConfigError(ErrorCode.INVALID_REQUEST, `Null value not supported for configs: ${c.name}`);
      next[c.name] = c.value;
    }
    return next;
  });
}

export function handleIncrementalAlterConfigs(ctx: ControllerContext, body: IncrementalAlterConfigsRequest): Encodable<IncrementalAlterConfigsResponse> {
  return alterResources(ctx, body, (resource) => (current) => {
    const ops = resource.configs;
    const seen = new Set<string>();
    const next = { ...current };
    for (const op of ops) {
      const key = op.name;
      if (seen.has(key)) throw new ConfigError(ErrorCode.INVALID_REQUEST, `Error due to duplicate config keys: ${key}`);
      seen.add(key);
      const value = op.value;
      const rule = TOPIC_CONFIG_RULES[key];
      switch (op.configOperation) {
        case CONFIG_OPERATION.SET:
          if (value === null) throw new ConfigError(ErrorCode.INVALID_REQUEST, `Null value not supported for topic configs: ${key}`);
          next[key] = value;
          break;
        case CONFIG_OPERATION.DELETE:
          delete next[key];
          break;
        case CONFIG_OPERATION.APPEND:
        case CONFIG_OPERATION.SUBTRACT: {
          if (!rule) throw new ConfigError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${key}`);
          if (rule.kind !== 'list') {
            const verb = op.configOperation === CONFIG_OPERATION.APPEND ? 'append' : 'subtract';
            throw new ConfigError(ErrorCode.INVALID_CONFIG, `Config value ${verb} is not allowed for config key: ${key}`);
          }
          const items = (next[key] ?? rule.defaultValue).split(',').map((s) => s.trim()).filter(Boolean);
          const given = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
          const result =
            op.configOperation === CONFIG_OPERATION.APPEND
              ? [...items, ...given.filter((g) => !items.includes(g))]
              : items.filter((i) => !given.includes(i));
          next[key] = result.join(',');
          break;
        }
        default:
          throw new ConfigError(ErrorCode.INVALID_REQUEST, `Unknown config operation ${op.configOperation} for ${key}.`);
      }
    }
    return next;
  });
}
