// The broker's settings schema: every Kafka-style dotted key a broker process reads (server,
// replication, group coordinator, and the log.* defaults of topic configs), with Kafka's
// types, bounds and defaults. broker-main validates a broker's settings against it before
// anything starts; components read typed values through it. Pure data.
import { SettingsSchema, type SettingDef } from '../common/config-schema.js';
import { TOPIC_CONFIG_DEFS } from '../common/topic-config.js';
import { GROUP_COORDINATOR_SETTINGS } from '../coordinator/group-coordinator-config.js';
import { TRANSACTION_COORDINATOR_SETTINGS } from '../coordinator/transaction-coordinator-config.js';
import { DEFAULT_MAX_REQUEST_BYTES } from '../network/server.js';

const SERVER_SETTINGS: readonly SettingDef[] = [
  { key: 'log.level', type: 'STRING', default: 'info', oneOf: ['debug', 'info', 'warn', 'error'], doc: 'Lowest level written to the broker log.' },
  { key: 'num.partitions', type: 'INT', default: '1', min: 1, doc: 'Partitions of an auto-created topic or a CreateTopics asking for the default.' },
  { key: 'default.replication.factor', type: 'INT', default: '1', min: 1, doc: 'Replication factor of an auto-created topic.' },
  { key: 'auto.create.topics.enable', type: 'BOOLEAN', default: 'false', doc: 'Create a topic when Metadata asks for an unknown one.' },
  { key: 'fetch.max.bytes', type: 'INT', default: '57671680', min: 0, doc: 'Most bytes one consumer Fetch response may carry.' },
  { key: 'queued.max.response.bytes', type: 'LONG', default: String(128 * 1024 * 1024), min: 1, doc: 'Bytes of responses a connection may leave unsent before the broker stops reading it.' },
  { key: 'socket.request.max.bytes', type: 'INT', default: String(DEFAULT_MAX_REQUEST_BYTES), min: 1, doc: 'Largest request the broker accepts.' },
  { key: 'broker.heartbeat.interval.ms', type: 'INT', default: '500', min: 1, doc: 'Time between heartbeats to the controller.' },
  { key: 'replica.high.watermark.checkpoint.interval.ms', type: 'LONG', default: '5000', min: 1, doc: 'How often high watermarks are written to disk.' },
  { key: 'offsets.commit.timeout.ms', type: 'INT', default: '5000', min: 1, doc: 'How long an offset commit waits for the offsets topic replicas.' },
  { key: 'replica.lag.time.max.ms', type: 'LONG', default: '30000', min: 1, doc: 'A follower that has not caught up for this long leaves the ISR.' },
  { key: 'replica.fetch.wait.max.ms', type: 'INT', default: '500', min: 0, doc: 'Longest wait of a follower Fetch.' },
  { key: 'replica.fetch.max.bytes', type: 'INT', default: '1048576', min: 0, doc: 'Bytes per partition a follower Fetch asks for.' },
  { key: 'replica.fetch.response.max.bytes', type: 'INT', default: '10485760', min: 0, doc: 'Bytes a follower Fetch response may carry.' },
  { key: 'log.retention.check.interval.ms', type: 'LONG', default: '300000', min: 1, doc: 'How often segments are checked for deletion by retention.' },
  { key: 'log.flush.offset.checkpoint.interval.ms', type: 'INT', default: '60000', min: 1, doc: 'How often recovery points are checkpointed.' },
  { key: 'log.cleaner.backoff.ms', type: 'LONG', default: '15000', min: 1, doc: 'Pause of the log cleaner when there is nothing to clean.' },
];

/**
 * Broker-level defaults of topic configs: each broker synonym (`log.retention.hours`, ...)
 * and the topic key itself, checked with the topic config's type and bounds. Their defaults
 * stay with the topic configs (toLogConfig resolves them).
 */
function logDefaultSettings(): SettingDef[] {
  const out = new Map<string, SettingDef>();
  for (const d of TOPIC_CONFIG_DEFS) {
    const rule = { type: d.type, ...(d.oneOf ? { oneOf: d.oneOf } : {}), nonEmpty: d.name === 'cleanup.policy' };
    for (const syn of d.brokerSynonyms) {
      if (!out.has(syn.name)) out.set(syn.name, { key: syn.name, ...rule, ...(syn.factor ? {} : bounds(d)), doc: d.doc });
    }
    if (!out.has(d.name)) out.set(d.name, { key: d.name, ...rule, ...bounds(d), doc: d.doc });
  }
  return [...out.values()];
}

function bounds(d: { min?: number; max?: number }): { min?: number; max?: number } {
  return { ...(d.min !== undefined ? { min: d.min } : {}), ...(d.max !== undefined ? { max: d.max } : {}) };
}

export const BROKER_SETTINGS = new SettingsSchema('broker', [...SERVER_SETTINGS, ...GROUP_COORDINATOR_SETTINGS, ...TRANSACTION_COORDINATOR_SETTINGS, ...logDefaultSettings()]);
