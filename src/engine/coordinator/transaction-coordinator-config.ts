// The transaction coordinator's settings, read from the broker's Kafka-style dotted keys
// (`transaction.state.log.*`, `transaction.max.timeout.ms`, ...) with Kafka's defaults.
// Pure; validated once at broker start as part of the broker's settings schema.
import { SettingsSchema, type SettingDef } from '../common/config-schema.js';

export interface TransactionCoordinatorConfig {
  /** transaction.state.log.num.partitions */
  stateLogPartitions: number;
  /** transaction.state.log.replication.factor (capped at the live broker count) */
  stateLogReplicationFactor: number;
  /** transaction.state.log.min.isr (capped at the replication factor) */
  stateLogMinIsr: number;
  /** transaction.state.log.segment.bytes */
  stateLogSegmentBytes: number;
  /** transaction.max.timeout.ms */
  maxTimeoutMs: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms */
  abortTimedOutIntervalMs: number;
  /** transactional.id.expiration.ms */
  idExpirationMs: number;
}

export const DEFAULT_TRANSACTION_COORDINATOR_CONFIG: Readonly<TransactionCoordinatorConfig> = {
  stateLogPartitions: 50,
  stateLogReplicationFactor: 3,
  stateLogMinIsr: 2,
  stateLogSegmentBytes: 104_857_600,
  maxTimeoutMs: 900_000,
  abortTimedOutIntervalMs: 10_000,
  idExpirationMs: 604_800_000,
};

const KEYS: ReadonlyArray<[string, keyof TransactionCoordinatorConfig, number, string]> = [
  ['transaction.state.log.num.partitions', 'stateLogPartitions', 1, 'Partitions of __transaction_state.'],
  ['transaction.state.log.replication.factor', 'stateLogReplicationFactor', 1, 'Replication factor of __transaction_state (capped at the live broker count).'],
  ['transaction.state.log.min.isr', 'stateLogMinIsr', 1, 'min.insync.replicas of __transaction_state (capped at its replication factor).'],
  ['transaction.state.log.segment.bytes', 'stateLogSegmentBytes', 1, 'Segment size of __transaction_state.'],
  ['transaction.max.timeout.ms', 'maxTimeoutMs', 1, 'Largest transaction.timeout.ms a producer may ask for.'],
  ['transaction.abort.timed.out.transaction.cleanup.interval.ms', 'abortTimedOutIntervalMs', 1, 'How often transactions open past their timeout are aborted.'],
  ['transactional.id.expiration.ms', 'idExpirationMs', 1, 'How long an idle transactional id is kept.'],
];

export const TRANSACTION_COORDINATOR_SETTINGS: readonly SettingDef[] = KEYS.map(([key, field, min, doc]) => ({
  key,
  type: 'INT',
  min,
  default: String(DEFAULT_TRANSACTION_COORDINATOR_CONFIG[field]),
  doc,
}));

const SCHEMA = new SettingsSchema('broker', TRANSACTION_COORDINATOR_SETTINGS);

/** Reads the coordinator's keys from broker settings; a bad value is INVALID_CONFIG. */
export function parseTransactionCoordinatorConfig(settings: Readonly<Record<string, string>> = {}): TransactionCoordinatorConfig {
  const config: TransactionCoordinatorConfig = { ...DEFAULT_TRANSACTION_COORDINATOR_CONFIG };
  for (const [key, field] of KEYS) config[field] = SCHEMA.number(settings, key);
  return config;
}
