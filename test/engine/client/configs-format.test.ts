import { describe, expect, it } from 'vitest';
import {
  type ConfigResourceDescription,
  formatAlterConfigDone,
  formatConfigDescription,
  parseAddConfig,
  parseDeleteConfig,
} from '../../../src/engine/client/configs-format.js';

const topic: ConfigResourceDescription = {
  entityType: 'topics',
  entityName: 'configured-topic',
  entries: [
    {
      name: 'segment.bytes',
      value: '1073741824',
      source: 'DEFAULT_CONFIG',
      sensitive: false,
      readOnly: false,
      synonyms: [{ name: 'log.segment.bytes', value: '1073741824', source: 'DEFAULT_CONFIG' }],
    },
    {
      name: 'max.message.bytes',
      value: '64000',
      source: 'DYNAMIC_TOPIC_CONFIG',
      sensitive: false,
      readOnly: false,
      synonyms: [
        { name: 'max.message.bytes', value: '64000', source: 'DYNAMIC_TOPIC_CONFIG' },
        { name: 'message.max.bytes', value: '1048588', source: 'DEFAULT_CONFIG' },
      ],
    },
  ],
};

describe('kafka-configs format', () => {
  it('prints the dynamic configs of a topic exactly like Kafka', () => {
    expect(formatConfigDescription(topic, false)).toEqual([
      'Dynamic configs for topic configured-topic are:',
      '  max.message.bytes=64000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:max.message.bytes=64000, DEFAULT_CONFIG:message.max.bytes=1048588}',
    ]);
  });

  it('prints every entry sorted by name with --all', () => {
    const lines = formatConfigDescription(topic, true);
    expect(lines[0]).toBe('All configs for topic configured-topic are:');
    expect(lines.slice(1).map((l) => l.split('=')[0]!.trim())).toEqual(['max.message.bytes', 'segment.bytes']);
  });

  it('names the broker default entity as Kafka does', () => {
    expect(formatConfigDescription({ entityType: 'brokers', entityName: '', entries: [] }, false)).toEqual([
      'Default configs for brokers in the cluster are:',
    ]);
    expect(formatAlterConfigDone('brokers', '')).toBe('Completed updating default config for brokers in the cluster.');
    expect(formatAlterConfigDone('topics', 'my-topic')).toBe('Completed updating config for topic my-topic.');
    expect(formatAlterConfigDone('brokers', '1')).toBe('Completed updating config for broker 1.');
  });

  it('parses --add-config with square brackets around values that contain commas', () => {
    expect(parseAddConfig('k1=v1,k2=[a,b],k3 = v3')).toEqual([
      ['k1', 'v1'],
      ['k2', 'a,b'],
      ['k3', 'v3'],
    ]);
  });

  it('rejects an --add-config entry without a value', () => {
    expect(() => parseAddConfig('k1')).toThrow('Invalid entity config: all configs to be added must be in the format "key=val".');
  });

  it('parses --delete-config keys', () => {
    expect(parseDeleteConfig('a, b,')).toEqual(['a', 'b']);
  });
});
