// The group coordinator's settings (classic and KIP-848 consumer groups), read from the
// broker's Kafka-style dotted keys with Kafka's defaults, except
// `group.initial.rebalance.delay.ms` (Kafka: 3000), which a local dev cluster keeps short.
// Pure; validated once at broker start.
import { SettingsSchema, type SettingDef } from '../common/config-schema.js';
import { StreamctlError } from '../common/errors.js';
import { assignorName } from './consumer-group-assignors.js';

export interface GroupCoordinatorConfig {
  /** offsets.topic.num.partitions */
  offsetsTopicPartitions: number;
  /** offsets.topic.replication.factor (the broker caps it at the live broker count) */
  offsetsTopicReplicationFactor: number;
  /** offsets.topic.segment.bytes */
  offsetsTopicSegmentBytes: number;
  /** group.initial.rebalance.delay.ms */
  initialRebalanceDelayMs: number;
  /** group.min.session.timeout.ms */
  minSessionTimeoutMs: number;
  /** group.max.session.timeout.ms */
  maxSessionTimeoutMs: number;
  /** group.max.size */
  maxGroupSize: number;
  /** offset.metadata.max.bytes */
  offsetMetadataMaxBytes: number;
  /** offsets.retention.minutes, in ms */
  offsetsRetentionMs: number;
  /** offsets.retention.check.interval.ms */
  offsetsRetentionCheckIntervalMs: number;
  /** offsets.load.buffer.size: bytes per read while loading a partition */
  offsetsLoadBufferSize: number;
  /** group.consumer.session.timeout.ms (KIP-848 consumer groups) */
  consumerSessionTimeoutMs: number;
  /** group.consumer.heartbeat.interval.ms */
  consumerHeartbeatIntervalMs: number;
  /** group.consumer.max.size */
  consumerMaxSize: number;
  /** group.consumer.assignors: server assignor names (the first is the default) */
  consumerAssignors: string[];
}

type NumericField = { [K in keyof GroupCoordinatorConfig]: GroupCoordinatorConfig[K] extends number ? K : never }[keyof GroupCoordinatorConfig];

export const DEFAULT_GROUP_COORDINATOR_CONFIG: Readonly<GroupCoordinatorConfig> = {
  offsetsTopicPartitions: 50,
  offsetsTopicReplicationFactor: 3,
  offsetsTopicSegmentBytes: 104_857_600,
  initialRebalanceDelayMs: 100,
  minSessionTimeoutMs: 6_000,
  maxSessionTimeoutMs: 1_800_000,
  maxGroupSize: 2_147_483_647,
  offsetMetadataMaxBytes: 4096,
  offsetsRetentionMs: 7 * 24 * 60 * 60 * 1000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetsLoadBufferSize: 5 * 1024 * 1024,
  consumerSessionTimeoutMs: 45_000,
  consumerHeartbeatIntervalMs: 5_000,
  consumerMaxSize: 2_147_483_647,
  consumerAssignors: ['uniform', 'range'],
};

const KEYS: ReadonlyArray<[string, NumericField, number, number, string]> = [
  // [dotted key, field, multiplier to ms/bytes, minimum, doc]
  ['offsets.topic.num.partitions', 'offsetsTopicPartitions', 1, 1, 'Partitions of __consumer_offsets.'],
  ['offsets.topic.replication.factor', 'offsetsTopicReplicationFactor', 1, 1, 'Replication factor of __consumer_offsets (capped at the live broker count).'],
  ['offsets.topic.segment.bytes', 'offsetsTopicSegmentBytes', 1, 1, 'Segment size of __consumer_offsets.'],
  ['group.initial.rebalance.delay.ms', 'initialRebalanceDelayMs', 1, 0, 'How long the first rebalance of a new group waits for more members.'],
  ['group.min.session.timeout.ms', 'minSessionTimeoutMs', 1, 0, 'Smallest session timeout a member may ask for.'],
  ['group.max.session.timeout.ms', 'maxSessionTimeoutMs', 1, 0, 'Largest session timeout a member may ask for.'],
  ['group.max.size', 'maxGroupSize', 1, 1, 'Most members one group may have.'],
  ['offset.metadata.max.bytes', 'offsetMetadataMaxBytes', 1, 0, 'Largest metadata string of a committed offset.'],
  ['offsets.retention.minutes', 'offsetsRetentionMs', 60_000, 1, 'How long committed offsets of an empty group are kept.'],
  ['offsets.retention.check.interval.ms', 'offsetsRetentionCheckIntervalMs', 1, 1, 'How often expired offsets are removed.'],
  ['offsets.load.buffer.size', 'offsetsLoadBufferSize', 1, 1, 'Bytes per read while loading an offsets partition.'],
  ['group.consumer.session.timeout.ms', 'consumerSessionTimeoutMs', 1, 1, 'Session timeout of members of consumer-protocol (KIP-848) groups.'],
  ['group.consumer.heartbeat.interval.ms', 'consumerHeartbeatIntervalMs', 1, 1, 'Heartbeat interval given to members of consumer-protocol groups.'],
  ['group.consumer.max.size', 'consumerMaxSize', 1, 1, 'Most members one consumer-protocol group may have.'],
];

const ASSIGNORS_KEY = 'group.consumer.assignors';

/** The coordinator's keys as broker setting definitions (part of the broker's settings schema). */
export const GROUP_COORDINATOR_SETTINGS: readonly SettingDef[] = [
  ...KEYS.map(([key, field, multiplier, min, doc]): SettingDef => ({
    key,
    type: 'INT',
    min,
    default: String(DEFAULT_GROUP_COORDINATOR_CONFIG[field] / multiplier),
    doc,
  })),
  {
    key: ASSIGNORS_KEY,
    type: 'LIST',
    default: DEFAULT_GROUP_COORDINATOR_CONFIG.consumerAssignors.join(','),
    doc: 'Server-side assignors of consumer-protocol groups (uniform, range, or Kafka\'s class names); the first is the default.',
  },
];

const SCHEMA = new SettingsSchema('broker', GROUP_COORDINATOR_SETTINGS);

/** Reads the coordinator's keys from broker settings (other keys are not ours); a bad value is INVALID_CONFIG. */
export function parseGroupCoordinatorConfig(settings: Readonly<Record<string, string>> = {}): GroupCoordinatorConfig {
  const config: GroupCoordinatorConfig = { ...DEFAULT_GROUP_COORDINATOR_CONFIG };
  for (const [key, field, multiplier] of KEYS) config[field] = SCHEMA.number(settings, key) * multiplier;
  const assignors = SCHEMA.string(settings, ASSIGNORS_KEY).split(',').filter((a) => a.trim() !== '');
  config.consumerAssignors = assignors.map((a) => {
    const name = assignorName(a);
    if (name === null) throw new StreamctlError('INVALID_CONFIG', `Invalid value ${a.trim()} for configuration ${ASSIGNORS_KEY}: unknown assignor (allowed: uniform, range)`);
    return name;
  });
  if (config.consumerAssignors.length === 0) throw new StreamctlError('INVALID_CONFIG', `${ASSIGNORS_KEY} must name at least one assignor`);
  if (config.minSessionTimeoutMs > config.maxSessionTimeoutMs) {
    throw new StreamctlError(
      'INVALID_CONFIG',
      `group.min.session.timeout.ms (${config.minSessionTimeoutMs}) must not exceed group.max.session.timeout.ms (${config.maxSessionTimeoutMs})`,
    );
  }
  return config;
}
