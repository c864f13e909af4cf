// The group coordinator's settings, read from the broker's Kafka-style dotted keys with
// Kafka's defaults, except `group.initial.rebalance.delay.ms` (Kafka: 3000), which a local
// dev cluster keeps short. Pure; validated once at broker start.
import { StreamctlError } from '../common/errors.js';

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
}

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
};

const KEYS: ReadonlyArray<[string, keyof GroupCoordinatorConfig, number, number]> = [
  // [dotted key, field, multiplier to ms/bytes, minimum]
  ['offsets.topic.num.partitions', 'offsetsTopicPartitions', 1, 1],
  ['offsets.topic.replication.factor', 'offsetsTopicReplicationFactor', 1, 1],
  ['offsets.topic.segment.bytes', 'offsetsTopicSegmentBytes', 1, 1],
  ['group.initial.rebalance.delay.ms', 'initialRebalanceDelayMs', 1, 0],
  ['group.min.session.timeout.ms', 'minSessionTimeoutMs', 1, 0],
  ['group.max.session.timeout.ms', 'maxSessionTimeoutMs', 1, 0],
  ['group.max.size', 'maxGroupSize', 1, 1],
  ['offset.metadata.max.bytes', 'offsetMetadataMaxBytes', 1, 0],
  ['offsets.retention.minutes', 'offsetsRetentionMs', 60_000, 1],
  ['offsets.retention.check.interval.ms', 'offsetsRetentionCheckIntervalMs', 1, 1],
  ['offsets.load.buffer.size', 'offsetsLoadBufferSize', 1, 1],
];

/** Reads the coordinator's keys from broker settings; unknown keys are ignored (not ours). */
export function parseGroupCoordinatorConfig(settings: Readonly<Record<string, string>> = {}): GroupCoordinatorConfig {
  const config: GroupCoordinatorConfig = { ...DEFAULT_GROUP_COORDINATOR_CONFIG };
  for (const [key, field, multiplier, min] of KEYS) {
    const raw = settings[key];
    if (raw === undefined) continue;
    const n = Number(raw.trim());
    if (!Number.isSafeInteger(n) || n < min) {
      throw new StreamctlError('INVALID_CONFIG', `${key}=${raw} is not allowed: expected an integer >= ${min}`);
    }
    config[field] = n * multiplier;
  }
  if (config.minSessionTimeoutMs > config.maxSessionTimeoutMs) {
    throw new StreamctlError(
      'INVALID_CONFIG',
      `group.min.session.timeout.ms (${config.minSessionTimeoutMs}) must not exceed group.max.session.timeout.ms (${config.maxSessionTimeoutMs})`,
    );
  }
  return config;
}
