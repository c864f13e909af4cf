// A broker's DescribeConfigs entries as Kafka's ConfigHelper builds them, and the dynamic
// broker config rules the controller applies.
import { describe, expect, it } from 'vitest';
import { describeBrokerConfigs, effectiveSettings } from '../../../src/engine/broker/broker-configs.js';
import { checkBrokerConfigChange } from '../../../src/engine/common/broker-dynamic-configs.js';

const layers = {
  brokerId: 2,
  staticSettings: { 'num.partitions': '3' },
  dynamicDefault: { 'log.retention.ms': '1000' },
  dynamicBroker: { 'log.segment.bytes': '2048' },
};

describe('broker configs', () => {
  it('reports value, source, synonyms and read-only flag per config', () => {
    const byName = new Map(describeBrokerConfigs('2', layers).map((e) => [e.name, e]));
    expect(byName.get('log.retention.ms')).toMatchObject({
      value: '1000',
      configSource: 3,
      readOnly: false,
      synonyms: [
        { name: 'log.retention.ms', value: '1000', source: 3 },
        { name: 'log.retention.hours', value: '168', source: 5 },
      ],
    });
    // A synonym group's leading names other than the entry's own are dropped.
    expect(byName.get('log.retention.hours')).toMatchObject({ value: '168', configSource: 5, isDefault: true, synonyms: [{ name: 'log.retention.hours', value: '168', source: 5 }] });
    expect(byName.get('log.retention.minutes')).toMatchObject({ value: null, configSource: 5, synonyms: [] });
    expect(byName.get('log.segment.bytes')).toMatchObject({ value: '2048', configSource: 2 });
    expect(byName.get('num.partitions')).toMatchObject({ value: '3', configSource: 4, readOnly: true, synonyms: [{ name: 'num.partitions', value: '3', source: 4 }, { name: 'num.partitions', value: '1', source: 5 }] });
    expect(byName.get('broker.id')).toMatchObject({ value: '2', configSource: 4, readOnly: true });
    expect(byName.has('retention.ms')).toBe(false);
  });

  it('lists only the dynamic defaults for the cluster default resource', () => {
    expect(describeBrokerConfigs('', layers)).toEqual([
      { name: 'log.retention.ms', value: '1000', configSource: 3, readOnly: false, isDefault: false, isSensitive: false, configType: 5, synonyms: [{ name: 'log.retention.ms', value: '1000', source: 3 }] },
    ]);
  });

  it('layers static < dynamic default < dynamic per broker', () => {
    expect(effectiveSettings({ staticSettings: { a: '1', b: '1', c: '1' }, dynamicDefault: { b: '2', c: '2' }, dynamicBroker: { c: '3' } })).toEqual({ a: '1', b: '2', c: '3' });
  });

  it('refuses read-only and invalid values as Kafka does', () => {
    expect(checkBrokerConfigChange({ 'log.retention.ms': '5' })).toBeUndefined();
    expect(checkBrokerConfigChange({ 'num.partitions': '3', 'broker.id': '1' })).toBe('Cannot update these configs dynamically: Set(num.partitions, broker.id)');
    expect(checkBrokerConfigChange({ 'log.segment.bytes': 'abc' })).toBe('Invalid value abc for configuration log.segment.bytes: Not a number of type INT');
    expect(checkBrokerConfigChange({ 'leader.replication.throttled.rate': '1000' })).toBeUndefined();
  });
});
