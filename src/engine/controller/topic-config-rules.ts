// What the controller needs to know about topic configs: which keys exist, their broker
// synonyms and defaults (for DescribeConfigs), their type, and whether a value is valid.
// This is the one place the controller asks; it delegates to common/topic-config once that
// module lands (TOPIC_CONFIG_DEFS, validateTopicConfig) and keeps Kafka's table from
// reference/kafka-tools.md §3 meanwhile. Pure, stateless.

export type ConfigKind = 'long' | 'int' | 'double' | 'boolean' | 'string' | 'list';

export interface TopicConfigRule {
  /** Broker-level key the topic key inherits from (`log.retention.ms` for `retention.ms`). */
  brokerSynonym: string;
  defaultValue: string;
  kind: ConfigKind;
  /** Returns an error message, or undefined when the value is valid. */
  check(value: string): string | undefined;
}

const LONG_MAX = 9223372036854775807n;

function intRange(min: bigint, max: bigint = LONG_MAX) {
  return (value: string): string | undefined => {
    if (!/^-?\d+$/.test(value.trim())) return `Value must be a number`;
    const n = BigInt(value.trim());
    if (n < min) return `Value must be at least ${min}`;
    if (n > max) return `Value must be no more than ${max}`;
    return undefined;
  };
}

function oneOf(...allowed: string[]) {
  return (value: string): string | undefined => (allowed.includes(value) ? undefined : `String must be one of: ${allowed.join(', ')}`);
}

function listOf(...allowed: string[]) {
  return (value: string): string | undefined => {
    const items = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    if (items.length === 0) return `Value must be a non-empty list of: ${allowed.join(', ')}`;
    const bad = items.find((i) => !allowed.includes(i));
    return bad === undefined ? undefined : `Invalid value ${bad}: must be one of ${allowed.join(', ')}`;
  };
}

const bool = (value: string): string | undefined => (value === 'true' || value === 'false' ? undefined : 'Expected value to be either true or false');

const ratio = (value: string): string | undefined => {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 && n <= 1 && value.trim() !== '' ? undefined : 'Value must be between 0 and 1';
};

const INT_MAX = 2147483647n;

/** Kafka's main topic configs: key → rule. */
export const TOPIC_CONFIG_RULES: Readonly<Record<string, TopicConfigRule>> = {
  'cleanup.policy': { brokerSynonym: 'log.cleanup.policy', defaultValue: 'delete', kind: 'list', check: listOf('delete', 'compact') },
  'compression.type': {
    brokerSynonym: 'compression.type',
    defaultValue: 'producer',
    kind: 'string',
    check: oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'),
  },
  'delete.retention.ms': { brokerSynonym: 'log.cleaner.delete.retention.ms', defaultValue: '86400000', kind: 'long', check: intRange(0n) },
  'file.delete.delay.ms': { brokerSynonym: 'log.segment.delete.delay.ms', defaultValue: '60000', kind: 'long', check: intRange(0n) },
  'flush.messages': { brokerSynonym: 'log.flush.interval.messages', defaultValue: '9223372036854775807', kind: 'long', check: intRange(1n) },
  'flush.ms': { brokerSynonym: 'log.flush.interval.ms', defaultValue: '9223372036854775807', kind: 'long', check: intRange(0n) },
  'index.interval.bytes': { brokerSynonym: 'log.index.interval.bytes', defaultValue: '4096', kind: 'int', check: intRange(0n, INT_MAX) },
  'max.compaction.lag.ms': { brokerSynonym: 'log.cleaner.max.compaction.lag.ms', defaultValue: '9223372036854775807', kind: 'long', check: intRange(1n) },
  'max.message.bytes': { brokerSynonym: 'message.max.bytes', defaultValue: '1048588', kind: 'int', check: intRange(0n, INT_MAX) },
  'message.timestamp.type': { brokerSynonym: 'log.message.timestamp.type', defaultValue: 'CreateTime', kind: 'string', check: oneOf('CreateTime', 'LogAppendTime') },
  'min.cleanable.dirty.ratio': { brokerSynonym: 'log.cleaner.min.cleanable.ratio', defaultValue: '0.5', kind: 'double', check: ratio },
  'min.compaction.lag.ms': { brokerSynonym: 'log.cleaner.min.compaction.lag.ms', defaultValue: '0', kind: 'long', check: intRange(0n) },
  'min.insync.replicas': { brokerSynonym: 'min.insync.replicas', defaultValue: '1', kind: 'int', check: intRange(1n, INT_MAX) },
  'retention.bytes': { brokerSynonym: 'log.retention.bytes', defaultValue: '-1', kind: 'long', check: intRange(-1n) },
  'retention.ms': { brokerSynonym: 'log.retention.ms', defaultValue: '604800000', kind: 'long', check: intRange(-1n) },
  'segment.bytes': { brokerSynonym: 'log.segment.bytes', defaultValue: '1073741824', kind: 'int', check: intRange(14n, INT_MAX) },
  'segment.index.bytes': { brokerSynonym: 'log.index.size.max.bytes', defaultValue: '10485760', kind: 'int', check: intRange(4n, INT_MAX) },
  'segment.jitter.ms': { brokerSynonym: 'log.roll.jitter.ms', defaultValue: '0', kind: 'long', check: intRange(0n) },
  'segment.ms': { brokerSynonym: 'log.roll.ms', defaultValue: '604800000', kind: 'long', check: intRange(1n) },
  'unclean.leader.election.enable': { brokerSynonym: 'unclean.leader.election.enable', defaultValue: 'false', kind: 'boolean', check: bool },
  'message.downconversion.enable': { brokerSynonym: 'log.message.downconversion.enable', defaultValue: 'true', kind: 'boolean', check: bool },
  'preallocate': { brokerSynonym: 'log.preallocate', defaultValue: 'false', kind: 'boolean', check: bool },
};

export function isKnownTopicConfig(key: string): boolean {
  return Object.hasOwn(TOPIC_CONFIG_RULES, key);
}

/** Kafka's message for a bad topic config, or undefined when `key=value` is allowed. */
export function checkTopicConfig(key: string, value: string): string | undefined {
  const rule = TOPIC_CONFIG_RULES[key];
  if (!rule) return `Unknown topic config name: ${key}`;
  const problem = rule.check(value);
  return problem === undefined ? undefined : `Invalid value ${value} for configuration ${key}: ${problem}`;
}

/** Sorted list of all topic config keys. */
export function topicConfigKeys(): string[] {
  return Object.keys(TOPIC_CONFIG_RULES).sort();
}

/** DescribeConfigs ConfigType numbers (DescribeConfigsResponse.ConfigType). */
export const CONFIG_TYPE: Record<ConfigKind, number> = { boolean: 1, string: 2, int: 3, long: 5, double: 6, list: 7 };
