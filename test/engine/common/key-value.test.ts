import { describe, expect, it } from 'vitest';
import { parseProperties } from '../../../src/engine/client/properties.js';
import { isStreamctlError } from '../../../src/engine/common/errors.js';
import { parseKeyValues, splitKeyValue } from '../../../src/engine/common/key-value.js';
import { parseConfOverrides } from '../../../src/engine/runtime/topology-overrides.js';

describe('key=value parser', () => {
  it('splits at the first = and trims the key only, unless asked', () => {
    expect(splitKeyValue(' a.b =c=d ')).toEqual(['a.b', 'c=d ']);
    expect(splitKeyValue('key.separator= ')).toEqual(['key.separator', ' ']);
    expect(splitKeyValue(' k = v ', { trimValue: true })).toEqual(['k', 'v']);
    expect(splitKeyValue('k=')).toEqual(['k', '']);
  });

  it('refuses an entry without = or without a key', () => {
    expect(splitKeyValue('novalue')).toBeUndefined();
    expect(splitKeyValue('=v')).toBeUndefined();
    expect(splitKeyValue('  =v')).toBeUndefined();
  });

  it('collects entries, later ones winning, and names the flag and entry of a bad one', () => {
    expect(parseKeyValues(['a=1', 'b=2', 'a=3'], '--set')).toEqual({ a: '3', b: '2' });
    expect(parseKeyValues(undefined, '--set')).toEqual({});
    try {
      parseKeyValues(['a=1', 'oops'], '--set');
      expect.unreachable();
    } catch (error) {
      expect(isStreamctlError(error, 'USAGE')).toBe(true);
      expect((error as Error).message).toBe("Invalid --set 'oops': expected key=value");
    }
  });

  it('is the parser behind --property and topology -c', () => {
    expect(parseProperties(['parse.key=true', 'key.separator=:'])).toEqual({ 'parse.key': 'true', 'key.separator': ':' });
    expect(() => parseProperties(['bad'], '--config')).toThrow("Invalid --config 'bad': expected key=value");
    expect(parseConfOverrides(['topology.workers=2', 'name=a=b', 'flag=true'])).toEqual({ 'topology.workers': 2, name: 'a=b', flag: true });
    expect(() => parseConfOverrides(['x'])).toThrow("Invalid -c 'x': expected key=value");
  });
});
