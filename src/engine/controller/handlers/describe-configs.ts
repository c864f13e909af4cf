// DescribeConfigs (api 32): for topics, every known topic config with its value and source
// (DYNAMIC_TOPIC_CONFIG override > DYNAMIC_DEFAULT_BROKER_CONFIG > STATIC_BROKER_CONFIG cluster
// setting > DEFAULT_CONFIG)
// and synonyms highest precedence first, as kafka-configs prints them; for brokers (asked by
// the brokers themselves, which answer clients with every broker config they have), the
// dynamic configs stored for that broker (DYNAMIC_BROKER_CONFIG) or for the default ''
// (DYNAMIC_DEFAULT_BROKER_CONFIG).
import type { DescribeConfigsRequest, DescribeConfigsResponse, Encodable } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { ControllerContext } from '../controller-context.js';
import { CONFIG_TYPE, TOPIC_CONFIG_RULES, topicConfigKeys } from '../topic-config-rules.js';

export const RESOURCE_TYPE = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;
export const CONFIG_SOURCE = {
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

export interface ConfigEntry {
  name: string;
  value: string | null;
  configSource: number;
  configType: number;
  synonyms: { name: string; value: string | null; source: number }[];
}

/** Every topic config for a topic with `overrides`, sorted by name. */
export function describeTopicConfigs(ctx: ControllerContext, overrides: Record<string, string>): ConfigEntry[] {
  const dynamicDefault = ctx.store.getBrokerConfigs('');
  return topicConfigKeys().map((key) => {
    const rule = TOPIC_CONFIG_RULES[key]!;
    const synonyms: ConfigEntry['synonyms'] = [];
    if (Object.hasOwn(overrides, key)) synonyms.push({ name: key, value: overrides[key]!, source: CONFIG_SOURCE.DYNAMIC_TOPIC_CONFIG });
    const dynamicValue = dynamicDefault[rule.brokerSynonym];
    if (dynamicValue !== undefined) synonyms.push({ name: rule.brokerSynonym, value: dynamicValue, source: CONFIG_SOURCE.DYNAMIC_DEFAULT_BROKER_CONFIG });
    const staticValue = ctx.settings[rule.brokerSynonym];
    if (staticValue !== undefined) synonyms.push({ name: rule.brokerSynonym, value: staticValue, source: CONFIG_SOURCE.STATIC_BROKER_CONFIG });
    synonyms.push({ name: rule.brokerSynonym, value: rule.defaultValue, source: CONFIG_SOURCE.DEFAULT_CONFIG });
    const top = synonyms[0]!;
    return { name: key, value: top.value, configSource: top.source, configType: CONFIG_TYPE[rule.kind], synonyms };
  });
}

export function handleDescribeConfigs(ctx: ControllerContext, body: DescribeConfigsRequest, apiVersion: number): Encodable<DescribeConfigsResponse> {
  const includeSynonyms = body.includeSynonyms;
  const results = body.resources.map((resource) => {
    const { resourceType, resourceName } = resource;
    const keys = resource.configurationKeys;
    const base = { resourceType, resourceName };
    let entries: ConfigEntry[];
    if (resourceType === RESOURCE_TYPE.TOPIC) {
      const topic = ctx.store.getTopic(resourceName);
      if (!topic) {
        return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic '${resourceName}' does not exist.`, configs: [] };
      }
      entries = describeTopicConfigs(ctx, ctx.store.getTopicConfigs(resourceName));
    } else if (resourceType === RESOURCE_TYPE.BROKER) {
      if (resourceName !== '' && !/^\d+$/.test(resourceName)) {
        return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Unable to parse broker name as a base 10 number.', configs: [] };
      }
      const source = resourceName === '' ? CONFIG_SOURCE.DYNAMIC_DEFAULT_BROKER_CONFIG : CONFIG_SOURCE.DYNAMIC_BROKER_CONFIG;
      const dynamic = ctx.store.getBrokerConfigs(resourceName);
      entries = Object.keys(dynamic).map((name) => ({
        name,
        value: dynamic[name]!,
        configSource: source,
        configType: CONFIG_TYPE.string,
        synonyms: [{ name, value: dynamic[name]!, source }],
      }));
    } else {
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unsupported resource type ${resourceType}.`, configs: [] };
    }
    if (keys) entries = entries.filter((e) => keys.includes(e.name));
    return {
      ...base,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      configs: entries.map((e) => ({
        name: e.name,
        value: e.value,
        readOnly: resourceType !== RESOURCE_TYPE.TOPIC,
        isDefault: e.configSource === CONFIG_SOURCE.DEFAULT_CONFIG,
        configSource: e.configSource,
        isSensitive: false,
        synonyms: includeSynonyms && apiVersion >= 1 ? e.synonyms : [],
        configType: e.configType,
        documentation: null,
      })),
    };
  });
  return { throttleTimeMs: 0, results };
}
