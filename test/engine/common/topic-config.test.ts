import { describe, expect, it } from 'vitest';
import { DEFAULT_LOG_CONFIG, TOPIC_CONFIG_DEFS, describeTopicConfigs, resolveTopicConfig, toLogConfig, validateTopicConfig } from '../../../src/engine/common/topic-config.js';

describe('topic-config', () => {
  it('has Kafka defaults for the main configs', () => {
    expect(DEFAULT_LOG_CONFIG.retentionMs).toBe(604800000);
    expect(DEFAULT_LOG_CONFIG.retentionBytes).toBe(-1);
    expect(DEFAULT_LOG_CONFIG.segmentBytes).toBe(1073741824);
    expect(DEFAULT_LOG_CONFIG.maxMessageBytes).toBe(1048588);
    expect(DEFAULT_LOG_CONFIG.cleanupPolicy).toEqual({ delete: true, compact: false });
    expect(DEFAULT_LOG_CONFIG.indexIntervalBytes).toBe(4096);
    expect(DEFAULT_LOG_CONFIG.segmentIndexBytes).toBe(10485760);
    expect(DEFAULT_LOG_CONFIG.messageTimestampType).toBe('CreateTime');
    expect(DEFAULT_LOG_CONFIG.minCleanableDirtyRatio).toBe(0.5);
    expect(DEFAULT_LOG_CONFIG.compressionType).toBe('producer');
  });

  it('clamps Long.MAX_VALUE defaults to the largest safe integer', () => {
    expect(DEFAULT_LOG_CONFIG.maxCompactionLagMs).toBe(Number.MAX_SAFE_INTEGER);
    expect(DEFAULT_LOG_CONFIG.flushMessages).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('lists the definitions sorted by name', () => {
    const names = TOPIC_CONFIG_DEFS.map((d) => d.name);
    expect([...names].sort()).toEqual(names);
  });

  it('rejects a non-number with Kafka\'s message', () => {
    expect(validateTopicConfig('retention.ms', 'abc')).toBe('Invalid value abc for configuration retention.ms: Not a number of type LONG');
    expect(validateTopicConfig('segment.bytes', '1.5')).toBe('Invalid value 1.5 for configuration segment.bytes: Not a number of type INT');
  });

  it('rejects values out of range', () => {
    expect(validateTopicConfig('retention.ms', '-2')).toBe('Invalid value -2 for configuration retention.ms: Value must be at least -1');
    expect(validateTopicConfig('segment.bytes', '13')).toBe('Invalid value 13 for configuration segment.bytes: Value must be at least 14');
    expect(validateTopicConfig('min.cleanable.dirty.ratio', '1.5')).toBe('Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1');
    expect(validateTopicConfig('segment.bytes', '99999999999')).toMatch(/Not a number of type INT/);
  });

  it('rejects unknown keys and bad enumerations', () => {
    expect(validateTopicConfig('foo', '1')).toBe('Unknown topic config name: foo');
    expect(validateTopicConfig('cleanup.policy', 'compact,bogus')).toBe('Invalid value bogus for configuration cleanup.policy: String must be one of: compact, delete');
    expect(validateTopicConfig('compression.type', 'brotli')).toMatch(/String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer/);
    expect(validateTopicConfig('unclean.leader.election.enable', 'yes')).toMatch(/either true or false/);
  });

  it('accepts valid values', () => {
    expect(validateTopicConfig('cleanup.policy', 'compact,delete')).toBeUndefined();
    expect(validateTopicConfig('cleanup.policy', '[compact, delete]')).toBeUndefined();
    expect(validateTopicConfig('retention.ms', '-1')).toBeUndefined();
    expect(validateTopicConfig('message.timestamp.type', 'LogAppendTime')).toBeUndefined();
  });

  it('resolves overrides over broker settings over defaults', () => {
    const cfg = toLogConfig({ 'segment.bytes': '1024', 'cleanup.policy': 'compact,delete' }, { 'log.retention.hours': '1', 'log.segment.bytes': '2048' });
    expect(cfg.segmentBytes).toBe(1024);
    expect(cfg.retentionMs).toBe(3_600_000);
    expect(cfg.cleanupPolicy).toEqual({ delete: true, compact: true });
    expect(toLogConfig({}, { 'log.retention.ms': '5', 'log.retention.hours': '1' }).retentionMs).toBe(5);
  });

  it('describes a config with its synonyms, highest precedence first', () => {
    const r = resolveTopicConfig('max.message.bytes', { 'max.message.bytes': '64000' });
    expect(r.value).toBe('64000');
    expect(r.source).toBe('DYNAMIC_TOPIC_CONFIG');
    expect(r.synonyms).toEqual([
      { name: 'max.message.bytes', value: '64000', source: 'DYNAMIC_TOPIC_CONFIG' },
      { name: 'message.max.bytes', value: '1048588', source: 'DEFAULT_CONFIG' },
    ]);
    expect(describeTopicConfigs().every((c) => c.isDefault)).toBe(true);
  });

  it('accepts the topic configs Kafka 3.9 accepts but ignores, with Kafka\'s defaults and synonyms', () => {
    expect(validateTopicConfig('message.format.version', '2.8')).toBeUndefined();
    expect(validateTopicConfig('leader.replication.throttled.replicas', '0:1,0:2')).toBeUndefined();
    expect(validateTopicConfig('message.downconversion.enable', 'maybe')).toMatch(/^Invalid value maybe for configuration message.downconversion.enable/);
    expect(resolveTopicConfig('message.format.version').synonyms).toEqual([{ name: 'log.message.format.version', value: '3.0-IV1', source: 'DEFAULT_CONFIG' }]);
    expect(resolveTopicConfig('follower.replication.throttled.replicas').synonyms).toEqual([{ name: 'follower.replication.throttled.replicas', value: '', source: 'DEFAULT_CONFIG' }]);
    expect(toLogConfig({ 'message.format.version': '0.10.0' })).toEqual(DEFAULT_LOG_CONFIG);
  });
});
