import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROKER_SETTINGS } from '../../../src/engine/broker/broker-settings.js';
import { BROKER_PROCESS_CONFIG, CONTROLLER_PROCESS_CONFIG } from '../../../src/engine/cluster/process-configs.js';
import { loadProcessConfig, SettingsSchema, validateProcessConfig } from '../../../src/engine/common/config-schema.js';
import { validateConfigValue } from '../../../src/engine/common/config-value.js';
import { isStreamctlError } from '../../../src/engine/common/errors.js';
import { CONTROLLER_SETTINGS } from '../../../src/engine/controller/controller-settings.js';

const schema = new SettingsSchema('test', [
  { key: 'a.ms', type: 'LONG', default: '5', min: 1, doc: '' },
  { key: 'b.enable', type: 'BOOLEAN', default: 'false', doc: '' },
  { key: 'c.level', type: 'STRING', default: 'info', oneOf: ['info', 'debug'], doc: '' },
  { key: 'd.ratio', type: 'DOUBLE', default: '0.5', min: 0, max: 1, doc: '' },
  { key: 'e.bytes', type: 'INT', doc: '' },
]);

function errorOf(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

describe('settings schema', () => {
  it('reads defaults when a key is unset and typed values when set', () => {
    expect(schema.number({}, 'a.ms')).toBe(5);
    expect(schema.number({ 'a.ms': ' 70 ' }, 'a.ms')).toBe(70);
    expect(schema.bool({}, 'b.enable')).toBe(false);
    expect(schema.bool({ 'b.enable': 'TRUE' }, 'b.enable')).toBe(true);
    expect(schema.string({ 'c.level': 'debug' }, 'c.level')).toBe('debug');
    expect(schema.number({ 'd.ratio': '0.25' }, 'd.ratio')).toBe(0.25);
    expect(schema.optionalNumber({}, 'e.bytes')).toBeUndefined();
  });

  it('fails on a bad value instead of using the default, naming the key and the value', () => {
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ 'a.ms': 'abc' }, 'a.ms', /Invalid value abc for configuration a\.ms: Not a number of type LONG/],
      [{ 'a.ms': '0' }, 'a.ms', /Invalid value 0 for configuration a\.ms: Value must be at least 1/],
      [{ 'b.enable': 'yes' }, 'b.enable', /Invalid value yes for configuration b\.enable: Expected value to be either true or false/],
      [{ 'c.level': 'trace' }, 'c.level', /Invalid value trace for configuration c\.level: String must be one of: info, debug/],
      [{ 'd.ratio': '2' }, 'd.ratio', /Invalid value 2 for configuration d\.ratio: Value must be no more than 1/],
      [{ 'e.bytes': '1.5' }, 'e.bytes', /Invalid value 1\.5 for configuration e\.bytes: Not a number of type INT/],
    ];
    for (const [settings, key, message] of cases) {
      expect(schema.check(settings)).toMatch(message);
      const validateError = errorOf(() => schema.validate(settings));
      expect(isStreamctlError(validateError, 'INVALID_CONFIG')).toBe(true);
      expect(validateError.message).toMatch(message);
      expect(errorOf(() => schema.text(settings, key)).message).toMatch(message);
    }
  });

  it('lets keys it does not know through (settings are shared by the controller and the brokers)', () => {
    expect(schema.check({ 'someone.elses.key': 'anything', 'a.ms': '9' })).toBeUndefined();
    expect(() => schema.validate({ 'someone.elses.key': 'anything' })).not.toThrow();
  });

  it('refuses a definition whose default is not a valid value', () => {
    expect(() => new SettingsSchema('bad', [{ key: 'x', type: 'INT', default: 'ten', doc: '' }])).toThrow(/invalid default ten/);
  });
});

describe('broker and controller settings', () => {
  it('reject a bad log default, server setting or coordinator setting, naming it', () => {
    expect(BROKER_SETTINGS.check({ 'log.retention.ms': 'abc' })).toBe('Invalid value abc for configuration log.retention.ms: Not a number of type LONG');
    expect(BROKER_SETTINGS.check({ 'log.retention.hours': 'x' })).toMatch(/log\.retention\.hours/);
    expect(BROKER_SETTINGS.check({ 'log.cleanup.policy': 'shred' })).toMatch(/Invalid value shred for configuration log\.cleanup\.policy/);
    expect(BROKER_SETTINGS.check({ 'segment.bytes': '10' })).toMatch(/segment\.bytes: Value must be at least 14/);
    expect(BROKER_SETTINGS.check({ 'socket.request.max.bytes': '-1' })).toMatch(/socket\.request\.max\.bytes/);
    expect(BROKER_SETTINGS.check({ 'auto.create.topics.enable': 'on' })).toMatch(/auto\.create\.topics\.enable/);
    expect(BROKER_SETTINGS.check({ 'group.max.size': 'lots' })).toMatch(/group\.max\.size/);
    expect(BROKER_SETTINGS.check({ 'log.level': 'loud' })).toMatch(/log\.level/);
    expect(CONTROLLER_SETTINGS.check({ 'broker.session.timeout.ms': 'soon' })).toMatch(/broker\.session\.timeout\.ms/);
    expect(CONTROLLER_SETTINGS.check({ 'auto.leader.rebalance.enable': 'maybe' })).toMatch(/auto\.leader\.rebalance\.enable/);
  });

  it('keep the defaults the components used before', () => {
    expect(BROKER_SETTINGS.number({}, 'fetch.max.bytes')).toBe(57_671_680);
    expect(BROKER_SETTINGS.number({}, 'socket.request.max.bytes')).toBe(104_857_600);
    expect(BROKER_SETTINGS.number({}, 'queued.max.response.bytes')).toBe(128 * 1024 * 1024);
    expect(BROKER_SETTINGS.number({}, 'offsets.retention.minutes')).toBe(7 * 24 * 60);
    expect(BROKER_SETTINGS.bool({}, 'auto.create.topics.enable')).toBe(false);
    expect(CONTROLLER_SETTINGS.number({}, 'broker.session.timeout.ms')).toBe(9000);
    expect(CONTROLLER_SETTINGS.bool({}, 'auto.leader.rebalance.enable')).toBe(true);
  });

  it('accept the settings the tests and docs use', () => {
    const settings = { 'broker.heartbeat.interval.ms': '200', 'log.retention.hours': '1', 'num.partitions': '3', 'cleanup.policy': 'compact,delete', 'min.cleanable.dirty.ratio': '0.5' };
    expect(BROKER_SETTINGS.check(settings)).toBeUndefined();
    expect(CONTROLLER_SETTINGS.check(settings)).toBeUndefined();
  });
});

describe('config values', () => {
  it('validate LIST items and empty lists', () => {
    expect(validateConfigValue('p', { type: 'LIST', oneOf: ['a', 'b'] }, '[a, b]')).toBeUndefined();
    expect(validateConfigValue('p', { type: 'LIST', oneOf: ['a', 'b'] }, 'a,c')).toMatch(/Invalid value c for configuration p/);
    expect(validateConfigValue('p', { type: 'LIST', nonEmpty: true }, '')).toMatch(/Empty list/);
  });
});

describe('process config files', () => {
  const broker = {
    brokerId: 1,
    clusterId: 'c',
    host: '127.0.0.1',
    port: 9092,
    dataDir: '/tmp/d',
    logFile: '/tmp/l',
    controller: { host: '127.0.0.1', port: 9192 },
    settings: {},
  };

  it('accept a complete config', () => {
    expect(validateProcessConfig('broker', BROKER_PROCESS_CONFIG, broker)).toEqual(broker);
  });

  it('name the field and the value that is wrong', () => {
    expect(() => validateProcessConfig('broker', BROKER_PROCESS_CONFIG, { ...broker, port: 70000 })).toThrow('broker config: port must be a port number (0-65535), got 70000');
    expect(() => validateProcessConfig('broker', BROKER_PROCESS_CONFIG, { ...broker, controller: { host: 'h', port: 'x' } })).toThrow(
      'broker config: controller.port must be a port number (0-65535), got "x"',
    );
    expect(() => validateProcessConfig('broker', BROKER_PROCESS_CONFIG, { ...broker, settings: { 'num.partitions': 3 } })).toThrow(/settings must be an object of string values/);
    const { dataDir: _dataDir, ...missing } = broker;
    expect(() => validateProcessConfig('broker', BROKER_PROCESS_CONFIG, missing)).toThrow('broker config: dataDir is missing');
    expect(() => validateProcessConfig('controller', CONTROLLER_PROCESS_CONFIG, { ...broker, force: 'yes' })).toThrow('controller config: force must be true or false, got "yes"');
    expect(() => validateProcessConfig('broker', BROKER_PROCESS_CONFIG, [])).toThrow('broker config must be a JSON object');
  });

  it('report an unreadable or non-JSON file as INVALID_CONFIG naming the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-schema-'));
    try {
      const path = join(dir, 'broker.json');
      writeFileSync(path, '{ not json');
      const error = errorOf(() => loadProcessConfig('broker', BROKER_PROCESS_CONFIG, path));
      expect(isStreamctlError(error, 'INVALID_CONFIG')).toBe(true);
      expect(error.message).toContain(`broker config ${path} is not valid JSON`);
      expect(() => loadProcessConfig('broker', BROKER_PROCESS_CONFIG, join(dir, 'missing.json'))).toThrow(/cannot be read/);
      writeFileSync(path, JSON.stringify(broker));
      expect(loadProcessConfig('broker', BROKER_PROCESS_CONFIG, path)).toEqual(broker);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
