import { describe, expect, it } from 'vitest';
import { type ConsumedRecord, MessageFormatter } from '../../../src/engine/client/message-formatter.js';
import { recordToJsonObject } from '../../../src/engine/client/record-codec.js';

const record = (over: Partial<ConsumedRecord> = {}): ConsumedRecord => ({
  topic: 't',
  partition: 0,
  offset: 42n,
  timestamp: 1700000000000n,
  timestampType: 'CreateTime',
  key: Buffer.from('k1'),
  value: Buffer.from('hello'),
  headers: [],
  ...over,
});

describe('MessageFormatter', () => {
  it('prints only the value and a newline by default', () => {
    expect(MessageFormatter.fromProperties({}).format(record()).toString()).toBe('hello\n');
  });

  it("prints Kafka's documented example for timestamp, partition, offset and key", () => {
    const f = MessageFormatter.fromProperties({ 'print.timestamp': 'true', 'print.partition': 'true', 'print.offset': 'true', 'print.key': 'true' });
    expect(f.format(record()).toString()).toBe('CreateTime:1700000000000\tPartition:0\tOffset:42\tk1\thello\n');
  });

  it('prints headers or NO_HEADERS before the key', () => {
    const f = MessageFormatter.fromProperties({ 'print.headers': 'true', 'print.key': 'true' });
    expect(f.format(record()).toString()).toBe('NO_HEADERS\tk1\thello\n');
    const withHeaders = record({ headers: [['a', Buffer.from('1')], ['b', null]] });
    expect(f.format(withHeaders).toString()).toBe('a:1,b:null\tk1\thello\n');
  });

  it('uses null.literal for a null key and custom separators', () => {
    const f = MessageFormatter.fromProperties({ 'print.key': 'true', 'key.separator': ' => ', 'line.separator': '|', 'null.literal': 'NULL' });
    expect(f.format(record({ key: null })).toString()).toBe('NULL => hello|');
  });

  it('writes the value bytes unchanged', () => {
    const bytes = Buffer.from([0xff, 0x00, 0x80]);
    const out = MessageFormatter.fromProperties({}).format(record({ value: bytes }));
    expect(out.subarray(0, 3).equals(bytes)).toBe(true);
  });

  it('prints no separator and no line separator when print.value is false, as Kafka does', () => {
    const f = MessageFormatter.fromProperties({ 'print.key': 'true', 'print.value': 'false' });
    expect(f.format(record()).toString()).toBe('k1');
    // Kafka 3.9's `--property print.value=false --property print.offset=false` prints nothing (oracle 08).
    expect(MessageFormatter.fromProperties({ 'print.value': 'false', 'print.offset': 'false' }).format(record()).length).toBe(0);
  });

  it('renders a record as one JSON object for --json', () => {
    const json = recordToJsonObject(record({ headers: [['h', Buffer.from('v')]] }));
    expect(json).toEqual({
      topic: 't',
      partition: 0,
      offset: '42',
      timestamp: '1700000000000',
      timestampType: 'CreateTime',
      key: 'k1',
      value: 'hello',
      headers: [{ key: 'h', value: 'v' }],
    });
  });
});
