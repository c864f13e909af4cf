import { describe, expect, it } from 'vitest';
import { LineMessageReader } from '../../../src/engine/client/line-message-reader.js';

const text = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));

describe('LineMessageReader', () => {
  it('reads the whole line as the value by default', () => {
    const r = LineMessageReader.fromProperties({}).read('hello\tworld');
    expect(text(r.key)).toBeNull();
    expect(text(r.value)).toBe('hello\tworld');
    expect(r.headers).toEqual([]);
  });

  it('splits key and value on the first key separator', () => {
    const r = LineMessageReader.fromProperties({ 'parse.key': 'true', 'key.separator': ':' }).read('k1:v:1');
    expect(text(r.key)).toBe('k1');
    expect(text(r.value)).toBe('v:1');
  });

  it('uses TAB as the default key separator', () => {
    const r = LineMessageReader.fromProperties({ 'parse.key': 'true' }).read('k\tv');
    expect([text(r.key), text(r.value)]).toEqual(['k', 'v']);
  });

  it("fails with Kafka's message and line number when the key separator is missing", () => {
    const reader = LineMessageReader.fromProperties({ 'parse.key': 'true', 'key.separator': ':' });
    reader.read('a:1');
    reader.read('b:2');
    expect(() => reader.read('foo')).toThrow("No key separator found on line number 3: 'foo'");
  });

  it('keeps a line without separator as a keyless value when ignore.error is true', () => {
    const r = LineMessageReader.fromProperties({ 'parse.key': 'true', 'ignore.error': 'true' }).read('foo');
    expect(text(r.key)).toBeNull();
    expect(text(r.value)).toBe('foo');
  });

  it('parses headers, key and value in that order with duplicates kept', () => {
    const reader = LineMessageReader.fromProperties({ 'parse.headers': 'true', 'parse.key': 'true' });
    const r = reader.read('h1:v1,h2:v2,h1:again\tkey\tvalue');
    expect(r.headers.map(([k, v]) => [k, text(v)])).toEqual([
      ['h1', 'v1'],
      ['h2', 'v2'],
      ['h1', 'again'],
    ]);
    expect([text(r.key), text(r.value)]).toEqual(['key', 'value']);
  });

  it('maps the null marker to null key, value and header values', () => {
    const reader = LineMessageReader.fromProperties({ 'parse.headers': 'true', 'parse.key': 'true', 'null.marker': '<null>' });
    const r = reader.read('h:<null>\t<null>\t<null>');
    expect(r.key).toBeNull();
    expect(r.value).toBeNull();
    expect(r.headers).toEqual([['h', null]]);
  });

  it('reports a header pair without key separator', () => {
    const reader = LineMessageReader.fromProperties({ 'parse.headers': 'true' });
    expect(() => reader.read('oops\tvalue')).toThrow("No header key separator found in pair 'oops' on line number 1");
  });

  it('rejects equal header delimiters as Kafka does', () => {
    expect(() => LineMessageReader.fromProperties({ 'parse.headers': 'true', 'headers.separator': '\t' })).toThrow(
      'headers.delimiter and headers.separator may not be equal',
    );
  });

  it('understands \\t typed literally on the command line', () => {
    const r = LineMessageReader.fromProperties({ 'parse.key': 'true', 'key.separator': '\\t' }).read('a\tb');
    expect([text(r.key), text(r.value)]).toEqual(['a', 'b']);
  });
});
