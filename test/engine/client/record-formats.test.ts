import { describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '../../../src/engine/client/message-formatter.js';
import { CsvRecordReader, csvHeader, JsonRecordReader, parseCsvRow, recordToCsvRow, recordToJsonObject } from '../../../src/engine/client/record-codec.js';
import { compileRecordFilter, compileRecordFilters } from '../../../src/engine/client/record-filter.js';
import { compileRecordFormat } from '../../../src/engine/client/record-format.js';
import { parseResetPlanCsv, resetPlanCsv } from '../../../src/engine/client/offset-reset-plan.js';
import { splitPayloads } from '../../../src/engine/client/perf-producer.js';
import { formatMetrics } from '../../../src/engine/client/perf-stats.js';

const record = (over: Partial<ConsumedRecord> = {}): ConsumedRecord => ({
  topic: 't',
  partition: 2,
  offset: 7n,
  timestamp: 1700000000000n,
  timestampType: 'CreateTime',
  key: Buffer.from('k1'),
  value: Buffer.from('{"user":{"id":42},"tags":["a"]}'),
  headers: [['src', Buffer.from('web')]],
  ...over,
});

describe('record formats', () => {
  it('renders kcat-style templates with lengths, headers, escapes and raw bytes', () => {
    const f = compileRecordFormat('%t|%p|%o|%k|%K|%S|%h|%T|%%|\\t|\\x41|é\\n');
    expect(f(record()).toString()).toBe(`t|2|7|k1|2|31|src=web|1700000000000|%|\t|A|é\n`);
    expect(compileRecordFormat('%k%v%K%S')(record({ key: null, value: null })).toString()).toBe('-1-1');
    expect(compileRecordFormat('%v')(record({ value: Buffer.from([0xff]) }))).toEqual(Buffer.from([0xff]));
    expect(() => compileRecordFormat('%q')).toThrow(/Unknown token '%q'/);
    expect(() => compileRecordFormat('\\z')).toThrow(/Unknown escape/);
  });

  it('filters on key, value, header and JSON paths', () => {
    expect(compileRecordFilter('$.user.id==42')(record())).toBe(true);
    expect(compileRecordFilter('$.user.id==41')(record())).toBe(false);
    expect(compileRecordFilter('$.tags[0]=="a"')(record())).toBe(true);
    expect(compileRecordFilter('$.missing!=1')(record())).toBe(true);
    expect(compileRecordFilter('$.user.id==42')(record({ value: Buffer.from('not json') }))).toBe(false);
    expect(compileRecordFilter('key~^k\\d$')(record())).toBe(true);
    expect(compileRecordFilter('key==k1')(record({ key: null }))).toBe(false);
    expect(compileRecordFilter('header.src==web')(record())).toBe(true);
    expect(compileRecordFilter('header.other~.')(record())).toBe(false);
    expect(compileRecordFilters(['key==k1', 'value~nope'])!(record())).toBe(false);
    expect(() => compileRecordFilter('nothing')).toThrow(/Invalid --filter 'nothing'/);
    expect(() => compileRecordFilter('size==3')).toThrow(/Invalid --filter target 'size'/);
  });

  it('writes JSON with decimal-string offsets and base64 for bytes that are not UTF-8, and reads it back', () => {
    const r = record({ key: Buffer.from([0xff, 0x00]), headers: [['h', null]] });
    const json = recordToJsonObject(r);
    expect(json).toMatchObject({ offset: '7', timestamp: '1700000000000', key: { base64: '/wA=' }, headers: [{ key: 'h', value: null }] });
    const back = new JsonRecordReader().read(JSON.stringify(json))!;
    expect(back).toEqual({ key: r.key, value: r.value, headers: [['h', null]], partition: 2, timestamp: 1700000000000n });
    expect(() => new JsonRecordReader().read('{"value": 5}')).toThrow(/line number 1: value must be a string/);
  });

  it('writes and reads CSV with quoting, multi-line fields, null versus empty, and base64 rows', () => {
    const rows = [record({ value: Buffer.from('a,"b"\nc') }), record({ key: null, value: Buffer.alloc(0), headers: [] }), record({ value: Buffer.from([0x80]) })];
    const text = csvHeader() + rows.map((r) => recordToCsvRow(r)).join('');
    const reader = new CsvRecordReader();
    const back = text
      .split('\n')
      .map((line) => reader.read(line))
      .filter((r) => r !== undefined);
    reader.end();
    expect(back.map((r) => [r.key, r.value, r.headers])).toEqual(rows.map((r) => [r.key, r.value, r.headers]));
    expect(parseCsvRow('a,,"",b')).toEqual(['a', null, '', 'b']);
    expect(parseCsvRow('"open')).toBeUndefined();
  });

  it("reads and writes kafka-consumer-groups' reset plan CSV", () => {
    expect(parseResetPlanCsv('t,0,5\nt,1,6\n', ['g'], true)).toEqual(new Map([['g', new Map([['t:0', 5n], ['t:1', 6n]])]]));
    expect(parseResetPlanCsv('g1,t,0,5\ng2,t,0,1\n', ['g1', 'g2'], false).get('g2')).toEqual(new Map([['t:0', 1n]]));
    expect(() => parseResetPlanCsv('t,zero,5\n', ['g'], true)).toThrow(/Invalid reset plan line 1/);
    expect(resetPlanCsv([{ group: 'g', topic: 't', partition: 0, offset: 3n }], true)).toBe('t,0,3\n');
    expect(resetPlanCsv([{ group: 'g', topic: 't', partition: 0, offset: 3n }], false)).toBe('g,t,0,3\n');
  });

  it('splits payload files and prints metrics in Kafka layout', () => {
    expect(splitPayloads('a\nb\n\n', '\n').map(String)).toEqual(['a', 'b']);
    expect(() => splitPayloads('', '\n')).toThrow('File does not contain any payloads');
    expect(formatMetrics([['b:x:{}', 1], ['a:longer-name:{}', 2.5]])).toBe('\nMetric Name        Value\na:longer-name:{} : 2.500\nb:x:{}           : 1.000\n');
  });
});
