// Topic-level log configs: Kafka's dotted keys with their types, defaults, validators,
// broker synonyms and docs (LogConfig.java / ServerLogConfigs.java), validation with
// Kafka-like messages, resolution against broker defaults, and the typed LogConfig the
// storage layer uses. Pure data and functions; no shared mutable state.

import { configNumber, parseConfigList, validateConfigValue, type ConfigType } from './config-value.js';

export type { ConfigType } from './config-value.js';

export interface BrokerSynonym {
  /** Broker config name, e.g. `log.retention.hours`. */
  name: string;
  /** Multiply the broker value by this to get the topic unit (hours → ms = 3600000). */
  factor?: number;
}

export interface TopicConfigDef {
  name: string;
  type: ConfigType;
  /** Default as text, the way DescribeConfigs shows it. */
  default: string;
  /** Broker synonyms, highest precedence first; the first is the main one (none: a topic-only config). */
  brokerSynonyms: BrokerSynonym[];
  doc: string;
  /** Human-readable valid values, for docs. */
  valid?: string;
  /** Numeric bounds (inclusive) for LONG/INT/DOUBLE. */
  min?: number;
  max?: number;
  /** Allowed values for STRING (case-sensitive as Kafka) or LIST items. */
  oneOf?: readonly string[];
}

const LONG_MAX = '9223372036854775807';

function def(d: TopicConfigDef): TopicConfigDef {
  return d;
}

/** Every topic config streamctl knows, sorted by name. */
export const TOPIC_CONFIG_DEFS: readonly TopicConfigDef[] = [
  def({ name: 'cleanup.policy', type: 'LIST', default: 'delete', brokerSynonyms: [{ name: 'log.cleanup.policy' }], oneOf: ['compact', 'delete'], valid: '[compact, delete]', doc: 'Retention policy for old log segments: "delete" discards old segments when their retention time or size limit is reached; "compact" enables log compaction, keeping the latest value per key. Both may be given.' }),
  def({ name: 'compression.gzip.level', type: 'INT', default: '-1', min: -1, max: 9, brokerSynonyms: [{ name: 'compression.gzip.level' }], valid: '[1,...,9] or -1', doc: 'Compression level for gzip (accepted, not used: batches keep the producer\'s compression).' }),
  def({ name: 'compression.lz4.level', type: 'INT', default: '9', min: 1, max: 17, brokerSynonyms: [{ name: 'compression.lz4.level' }], valid: '[1,...,17]', doc: 'Compression level for lz4 (accepted, not used).' }),
  def({ name: 'compression.type', type: 'STRING', default: 'producer', brokerSynonyms: [{ name: 'compression.type' }], oneOf: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'], valid: '[uncompressed, zstd, lz4, snappy, gzip, producer]', doc: 'Final compression type for the topic; "producer" keeps the codec the producer used.' }),
  def({ name: 'compression.zstd.level', type: 'INT', default: '3', min: -131072, max: 22, brokerSynonyms: [{ name: 'compression.zstd.level' }], valid: '[-131072,...,22]', doc: 'Compression level for zstd (accepted, not used).' }),
  def({ name: 'delete.retention.ms', type: 'LONG', default: '86400000', min: 0, brokerSynonyms: [{ name: 'log.cleaner.delete.retention.ms' }], valid: '[0,...]', doc: 'How long tombstones are retained on compacted topics.' }),
  def({ name: 'file.delete.delay.ms', type: 'LONG', default: '60000', min: 0, brokerSynonyms: [{ name: 'log.segment.delete.delay.ms' }], valid: '[0,...]', doc: 'Time to wait before deleting a file from the filesystem.' }),
  def({ name: 'flush.messages', type: 'LONG', default: LONG_MAX, min: 1, brokerSynonyms: [{ name: 'log.flush.interval.messages' }], valid: '[1,...]', doc: 'Force an fsync of the log after this many messages; by default the OS page cache decides.' }),
  def({ name: 'flush.ms', type: 'LONG', default: LONG_MAX, min: 0, brokerSynonyms: [{ name: 'log.flush.interval.ms' }], valid: '[0,...]', doc: 'Force an fsync of the log after this much time; by default the OS page cache decides.' }),
  def({ name: 'follower.replication.throttled.replicas', type: 'LIST', default: '', brokerSynonyms: [], valid: '[partitionId]:[brokerId],[partitionId]:[brokerId],... or *', doc: 'Replicas throttled on the follower side (accepted, not used: replication is not throttled here).' }),
  def({ name: 'index.interval.bytes', type: 'INT', default: '4096', min: 0, brokerSynonyms: [{ name: 'log.index.interval.bytes' }], valid: '[0,...]', doc: 'How often (in bytes of log) an entry is added to the offset index.' }),
  def({ name: 'leader.replication.throttled.replicas', type: 'LIST', default: '', brokerSynonyms: [], valid: '[partitionId]:[brokerId],[partitionId]:[brokerId],... or *', doc: 'Replicas throttled on the leader side (accepted, not used: replication is not throttled here).' }),
  def({ name: 'local.retention.bytes', type: 'LONG', default: '-2', min: -2, brokerSynonyms: [{ name: 'log.local.retention.bytes' }], valid: '[-2,...]', doc: 'Local bytes kept when tiered storage is on (accepted, not used: no tiered storage).' }),
  def({ name: 'local.retention.ms', type: 'LONG', default: '-2', min: -2, brokerSynonyms: [{ name: 'log.local.retention.ms' }], valid: '[-2,...]', doc: 'Local time kept when tiered storage is on (accepted, not used: no tiered storage).' }),
  def({ name: 'max.compaction.lag.ms', type: 'LONG', default: LONG_MAX, min: 1, brokerSynonyms: [{ name: 'log.cleaner.max.compaction.lag.ms' }], valid: '[1,...]', doc: 'Maximum time a message remains ineligible for compaction.' }),
  def({ name: 'max.message.bytes', type: 'INT', default: '1048588', min: 0, brokerSynonyms: [{ name: 'message.max.bytes' }], valid: '[0,...]', doc: 'Largest record batch size allowed (after compression, if any).' }),
  def({ name: 'message.downconversion.enable', type: 'BOOLEAN', default: 'true', brokerSynonyms: [{ name: 'log.message.downconversion.enable' }], doc: 'Whether old fetch versions get down-converted batches (accepted, not used).' }),
  def({ name: 'message.format.version', type: 'STRING', default: '3.0-IV1', brokerSynonyms: [{ name: 'log.message.format.version' }], doc: 'Deprecated in Kafka 3.x and ignored there too: batches are always stored in format v2.' }),
  def({ name: 'message.timestamp.after.max.ms', type: 'LONG', default: LONG_MAX, min: 0, brokerSynonyms: [{ name: 'log.message.timestamp.after.max.ms' }], valid: '[0,...]', doc: 'Largest allowed amount a CreateTime timestamp may be ahead of the broker time.' }),
  def({ name: 'message.timestamp.before.max.ms', type: 'LONG', default: LONG_MAX, min: 0, brokerSynonyms: [{ name: 'log.message.timestamp.before.max.ms' }], valid: '[0,...]', doc: 'Largest allowed amount a CreateTime timestamp may be behind the broker time.' }),
  def({ name: 'message.timestamp.difference.max.ms', type: 'LONG', default: LONG_MAX, min: 0, brokerSynonyms: [{ name: 'log.message.timestamp.difference.max.ms' }], valid: '[0,...]', doc: 'Deprecated (use message.timestamp.before/after.max.ms); accepted, not used.' }),
  def({ name: 'message.timestamp.type', type: 'STRING', default: 'CreateTime', brokerSynonyms: [{ name: 'log.message.timestamp.type' }], oneOf: ['CreateTime', 'LogAppendTime'], valid: '[CreateTime, LogAppendTime]', doc: 'Whether record timestamps are the producer\'s CreateTime or the broker\'s LogAppendTime.' }),
  def({ name: 'min.cleanable.dirty.ratio', type: 'DOUBLE', default: '0.5', min: 0, max: 1, brokerSynonyms: [{ name: 'log.cleaner.min.cleanable.ratio' }], valid: '[0,...,1]', doc: 'Minimum ratio of dirty log to total log for the log to be eligible for cleaning.' }),
  def({ name: 'min.compaction.lag.ms', type: 'LONG', default: '0', min: 0, brokerSynonyms: [{ name: 'log.cleaner.min.compaction.lag.ms' }], valid: '[0,...]', doc: 'Minimum time a message remains uncompacted in the log.' }),
  def({ name: 'min.insync.replicas', type: 'INT', default: '1', min: 1, brokerSynonyms: [{ name: 'min.insync.replicas' }], valid: '[1,...]', doc: 'Minimum number of in-sync replicas that must acknowledge a write with acks=all.' }),
  def({ name: 'preallocate', type: 'BOOLEAN', default: 'false', brokerSynonyms: [{ name: 'log.preallocate' }], doc: 'Preallocate the file on disk when creating a new log segment (accepted, not used).' }),
  def({ name: 'retention.bytes', type: 'LONG', default: '-1', brokerSynonyms: [{ name: 'log.retention.bytes' }], doc: 'Maximum size a partition can grow to before old segments are discarded; -1 means no limit.' }),
  def({ name: 'retention.ms', type: 'LONG', default: '604800000', min: -1, brokerSynonyms: [{ name: 'log.retention.ms' }, { name: 'log.retention.minutes', factor: 60_000 }, { name: 'log.retention.hours', factor: 3_600_000 }], valid: '[-1,...]', doc: 'Maximum time a log segment is retained before it is discarded; -1 means no time limit.' }),
  def({ name: 'segment.bytes', type: 'INT', default: '1073741824', min: 14, brokerSynonyms: [{ name: 'log.segment.bytes' }], valid: '[14,...]', doc: 'Segment file size of the log.' }),
  def({ name: 'segment.index.bytes', type: 'INT', default: '10485760', min: 4, brokerSynonyms: [{ name: 'log.index.size.max.bytes' }], valid: '[4,...]', doc: 'Maximum size of the offset index of a segment; a full index rolls the segment.' }),
  def({ name: 'segment.jitter.ms', type: 'LONG', default: '0', min: 0, brokerSynonyms: [{ name: 'log.roll.jitter.ms' }, { name: 'log.roll.jitter.hours', factor: 3_600_000 }], valid: '[0,...]', doc: 'Maximum random jitter subtracted from segment.ms (accepted, not used).' }),
  def({ name: 'segment.ms', type: 'LONG', default: '604800000', min: 1, brokerSynonyms: [{ name: 'log.roll.ms' }, { name: 'log.roll.hours', factor: 3_600_000 }], valid: '[1,...]', doc: 'Time after which a segment is rolled even if not full.' }),
  def({ name: 'unclean.leader.election.enable', type: 'BOOLEAN', default: 'false', brokerSynonyms: [{ name: 'unclean.leader.election.enable' }], doc: 'Whether replicas outside the ISR may be elected leader as a last resort (may lose data).' }),
];

const DEFS_BY_NAME = new Map(TOPIC_CONFIG_DEFS.map((d) => [d.name, d]));

export function topicConfigDef(name: string): TopicConfigDef | undefined {
  return DEFS_BY_NAME.get(name);
}

function validateWith(d: TopicConfigDef, raw: string): string | undefined {
  return validateConfigValue(d.name, { ...d, nonEmpty: d.name === 'cleanup.policy' }, raw);
}

/**
 * Validates one topic config. Returns undefined when valid, else Kafka's error text
 * (`Invalid value abc for configuration retention.ms: Not a number of type LONG`,
 * `Unknown topic config name: foo`).
 */
export function validateTopicConfig(key: string, value: string): string | undefined {
  const d = DEFS_BY_NAME.get(key);
  if (!d) return `Unknown topic config name: ${key}`;
  if (value === null || value === undefined) return `Invalid value null for configuration ${key}: Value must be non-null`;
  return validateWith(d, value);
}

/** Validates a set of configs; returns the first error. */
export function validateTopicConfigs(configs: Record<string, string>): string | undefined {
  for (const [k, v] of Object.entries(configs)) {
    const error = validateTopicConfig(k, v);
    if (error) return error;
  }
  return undefined;
}

export interface CleanupPolicy {
  delete: boolean;
  compact: boolean;
}

export type TopicCompressionType = 'uncompressed' | 'zstd' | 'lz4' | 'snappy' | 'gzip' | 'producer';

/**
 * Typed log config of one partition. Int64 values above 2^53 (Kafka's Long.MAX_VALUE
 * "never" defaults) are clamped to Number.MAX_SAFE_INTEGER, which still means "never".
 */
export interface LogConfig {
  segmentBytes: number;
  segmentMs: number;
  segmentJitterMs: number;
  retentionMs: number;
  retentionBytes: number;
  maxMessageBytes: number;
  cleanupPolicy: CleanupPolicy;
  segmentIndexBytes: number;
  indexIntervalBytes: number;
  flushMessages: number;
  flushMs: number;
  messageTimestampType: 'CreateTime' | 'LogAppendTime';
  messageTimestampBeforeMaxMs: number;
  messageTimestampAfterMaxMs: number;
  minInsyncReplicas: number;
  deleteRetentionMs: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
  minCleanableDirtyRatio: number;
  uncleanLeaderElectionEnable: boolean;
  fileDeleteDelayMs: number;
  compressionType: TopicCompressionType;
  preallocate: boolean;
}

export type ConfigSource = 'DYNAMIC_TOPIC_CONFIG' | 'STATIC_BROKER_CONFIG' | 'DEFAULT_CONFIG';

export interface ResolvedTopicConfig {
  name: string;
  value: string;
  source: ConfigSource;
  isDefault: boolean;
  sensitive: false;
  readOnly: false;
  /** Highest precedence first, as DescribeConfigs reports them. */
  synonyms: Array<{ name: string; value: string; source: ConfigSource }>;
}

/** Resolves a key: topic override > broker setting (any synonym) > Kafka default. */
export function resolveTopicConfig(name: string, overrides: Record<string, string> = {}, brokerDefaults: Record<string, string> = {}): ResolvedTopicConfig {
  const d = DEFS_BY_NAME.get(name);
  if (!d) throw new Error(`Unknown topic config name: ${name}`);
  const synonyms: ResolvedTopicConfig['synonyms'] = [];
  if (overrides[name] !== undefined) synonyms.push({ name, value: overrides[name]!, source: 'DYNAMIC_TOPIC_CONFIG' });
  for (const syn of d.brokerSynonyms) {
    const v = brokerDefaults[syn.name];
    if (v === undefined) continue;
    const value = syn.factor && /^[+-]?\d+$/.test(v.trim()) ? (BigInt(v.trim()) * BigInt(syn.factor)).toString() : v;
    synonyms.push({ name: syn.name, value, source: 'STATIC_BROKER_CONFIG' });
  }
  synonyms.push({ name: d.brokerSynonyms[0]?.name ?? d.name, value: d.default, source: 'DEFAULT_CONFIG' });
  const top = synonyms[0]!;
  return { name, value: top.value, source: top.source, isDefault: top.source === 'DEFAULT_CONFIG', sensitive: false, readOnly: false, synonyms };
}

/** All topic configs resolved, sorted by name (for DescribeConfigs). */
export function describeTopicConfigs(overrides: Record<string, string> = {}, brokerDefaults: Record<string, string> = {}): ResolvedTopicConfig[] {
  return TOPIC_CONFIG_DEFS.map((d) => resolveTopicConfig(d.name, overrides, brokerDefaults));
}

/**
 * Typed config from topic overrides and optional broker settings (keyed by broker
 * synonym, e.g. `log.retention.hours`, or by the topic key). Invalid values are ignored in
 * favour of the next source (validate user input with validateTopicConfig first).
 */
export function toLogConfig(overrides: Record<string, string> = {}, brokerDefaults: Record<string, string> = {}): LogConfig {
  const get = (name: string): string => {
    const d = DEFS_BY_NAME.get(name)!;
    const candidates: string[] = [];
    if (overrides[name] !== undefined) candidates.push(overrides[name]!);
    for (const syn of d.brokerSynonyms) {
      const v = brokerDefaults[syn.name];
      if (v === undefined) continue;
      candidates.push(syn.factor && /^[+-]?\d+$/.test(v.trim()) ? (BigInt(v.trim()) * BigInt(syn.factor)).toString() : v);
    }
    if (brokerDefaults[name] !== undefined && !d.brokerSynonyms.some((s) => s.name === name)) candidates.push(brokerDefaults[name]!);
    for (const c of candidates) if (validateWith(d, c) === undefined) return c.trim();
    return d.default;
  };
  const num = (name: string) => configNumber(get(name));
  const policy = parseConfigList(get('cleanup.policy'));
  return {
    segmentBytes: num('segment.bytes'),
    segmentMs: num('segment.ms'),
    segmentJitterMs: num('segment.jitter.ms'),
    retentionMs: num('retention.ms'),
    retentionBytes: num('retention.bytes'),
    maxMessageBytes: num('max.message.bytes'),
    cleanupPolicy: { delete: policy.includes('delete'), compact: policy.includes('compact') },
    segmentIndexBytes: num('segment.index.bytes'),
    indexIntervalBytes: num('index.interval.bytes'),
    flushMessages: num('flush.messages'),
    flushMs: num('flush.ms'),
    messageTimestampType: get('message.timestamp.type') as LogConfig['messageTimestampType'],
    messageTimestampBeforeMaxMs: num('message.timestamp.before.max.ms'),
    messageTimestampAfterMaxMs: num('message.timestamp.after.max.ms'),
    minInsyncReplicas: num('min.insync.replicas'),
    deleteRetentionMs: num('delete.retention.ms'),
    minCompactionLagMs: num('min.compaction.lag.ms'),
    maxCompactionLagMs: num('max.compaction.lag.ms'),
    minCleanableDirtyRatio: Number(get('min.cleanable.dirty.ratio')),
    uncleanLeaderElectionEnable: get('unclean.leader.election.enable').toLowerCase() === 'true',
    fileDeleteDelayMs: num('file.delete.delay.ms'),
    compressionType: get('compression.type') as TopicCompressionType,
    preallocate: get('preallocate').toLowerCase() === 'true',
  };
}

/** Kafka's defaults as a LogConfig. */
export const DEFAULT_LOG_CONFIG: LogConfig = Object.freeze(toLogConfig()) as LogConfig;
