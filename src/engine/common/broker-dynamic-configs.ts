// Broker configs that can change at run time (Kafka's DynamicBrokerConfig, the part that means
// something here): the broker-level defaults of topic configs (log.retention.ms,
// log.segment.bytes, message.max.bytes, min.insync.replicas, ...: brokers apply them to every
// topic without its own override) and the replication throttle rates kafka-reassign-partitions
// sets and clears (stored and reported; replication is not throttled here). Also Kafka's
// synonym groups and defaults of those keys, for DescribeConfigs. Pure data and functions.
import { validateConfigValue, type ConfigValueRule } from './config-value.js';
import { TOPIC_CONFIG_DEFS } from './topic-config.js';

/** Replication throttle rates (bytes/s): dynamic broker configs in Kafka, stored without effect here. */
export const BROKER_THROTTLE_CONFIGS = ['leader.replication.throttled.rate', 'follower.replication.throttled.rate', 'replica.alter.log.dirs.io.max.bytes.per.second'] as const;

function dynamicRules(): Map<string, ConfigValueRule> {
  const rules = new Map<string, ConfigValueRule>();
  for (const d of TOPIC_CONFIG_DEFS) {
    for (const syn of d.brokerSynonyms) {
      if (rules.has(syn.name)) continue;
      const bounds = syn.factor ? {} : { ...(d.min !== undefined ? { min: d.min } : {}), ...(d.max !== undefined ? { max: d.max } : {}) };
      rules.set(syn.name, { type: d.type, ...bounds, ...(d.oneOf ? { oneOf: d.oneOf } : {}), nonEmpty: d.name === 'cleanup.policy' });
    }
  }
  for (const name of BROKER_THROTTLE_CONFIGS) rules.set(name, { type: 'LONG', min: 0 });
  return rules;
}

const DYNAMIC = dynamicRules();

export function isDynamicBrokerConfig(name: string): boolean {
  return DYNAMIC.has(name);
}

/** Sorted names of every dynamic broker config. */
export function dynamicBrokerConfigNames(): string[] {
  return [...DYNAMIC.keys()].sort();
}

/**
 * Kafka's answer to a dynamic broker config change (the whole resulting set of one broker or
 * of the default): undefined when allowed, else the message Kafka sends with INVALID_REQUEST.
 */
export function checkBrokerConfigChange(configs: Readonly<Record<string, string>>): string | undefined {
  const fixed = Object.keys(configs).filter((k) => !DYNAMIC.has(k));
  if (fixed.length > 0) return `Cannot update these configs dynamically: Set(${fixed.join(', ')})`;
  for (const [name, value] of Object.entries(configs)) {
    const problem = validateConfigValue(name, DYNAMIC.get(name)!, value);
    if (problem) return problem;
  }
  return undefined;
}

/** The names that stand for the same setting (`log.retention.ms/minutes/hours`), highest precedence first. */
export function brokerSynonymGroup(name: string): string[] {
  for (const d of TOPIC_CONFIG_DEFS) {
    if (d.brokerSynonyms.length > 1 && d.brokerSynonyms.some((s) => s.name === name)) return d.brokerSynonyms.map((s) => s.name);
  }
  return [name];
}

/**
 * Kafka's broker default of a topic config's broker synonym: in a group with units
 * (`log.retention.hours`) only the coarsest one has a default, the others none (null).
 * Undefined for keys that are not topic-config synonyms.
 */
export function topicSynonymDefault(name: string): { value: string | null; type: ConfigValueRule['type'] } | undefined {
  for (const d of TOPIC_CONFIG_DEFS) {
    const i = d.brokerSynonyms.findIndex((s) => s.name === name);
    if (i < 0) continue;
    const last = d.brokerSynonyms.length - 1;
    const syn = d.brokerSynonyms[i]!;
    if (last === 0) return { value: d.default, type: d.type };
    if (i !== last) return { value: null, type: d.type };
    return { value: syn.factor ? (BigInt(d.default) / BigInt(syn.factor)).toString() : d.default, type: syn.factor ? 'INT' : d.type };
  }
  return undefined;
}
