// What the controller needs to know about topic configs: which keys exist, their main broker
// synonym and default (for DescribeConfigs), their type, and whether a value is valid. The
// one place the controller asks; the facts live in common/topic-config (TOPIC_CONFIG_DEFS,
// validateTopicConfig). Pure, stateless.
import { TOPIC_CONFIG_DEFS, validateTopicConfig, type ConfigType } from '../common/topic-config.js';

export type ConfigKind = 'long' | 'int' | 'double' | 'boolean' | 'string' | 'list';

export interface TopicConfigRule {
  /** Main broker-level key the topic key inherits from (`log.retention.ms` for `retention.ms`). */
  brokerSynonym: string;
  defaultValue: string;
  kind: ConfigKind;
}

const KIND: Record<ConfigType, ConfigKind> = { LONG: 'long', INT: 'int', DOUBLE: 'double', BOOLEAN: 'boolean', STRING: 'string', LIST: 'list' };

/** Kafka's topic configs: key → rule. */
export const TOPIC_CONFIG_RULES: Readonly<Record<string, TopicConfigRule>> = Object.fromEntries(
  TOPIC_CONFIG_DEFS.map((d) => [d.name, { brokerSynonym: d.brokerSynonyms[0]?.name ?? d.name, defaultValue: d.default, kind: KIND[d.type] }]),
);

export function isKnownTopicConfig(key: string): boolean {
  return Object.hasOwn(TOPIC_CONFIG_RULES, key);
}

/** Kafka's message for a bad topic config, or undefined when `key=value` is allowed. */
export function checkTopicConfig(key: string, value: string): string | undefined {
  return validateTopicConfig(key, value);
}

/** Sorted list of all topic config keys. */
export function topicConfigKeys(): string[] {
  return Object.keys(TOPIC_CONFIG_RULES).sort();
}

/** DescribeConfigs ConfigType numbers (DescribeConfigsResponse.ConfigType). */
export const CONFIG_TYPE: Record<ConfigKind, number> = { boolean: 1, string: 2, int: 3, long: 5, double: 6, list: 7 };
