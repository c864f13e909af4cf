import { describe, expect, it } from 'vitest';
import { javaHashMapCapacity, javaHashMapOrder, javaStringHash, topicPartitionHash } from '../../../src/engine/client/java-hash-order.js';
import { formatLogDirs, intSetText, nonExistingBrokersMessage } from '../../../src/engine/client/log-dirs-format.js';
import { formatDeleteRecords, parseOffsetJson } from '../../../src/engine/client/records-format.js';

describe('Java HashMap order', () => {
  it('hashes strings and topic partitions as Java does', () => {
    expect(javaStringHash('version')).toBe(351608024);
    expect(javaStringHash('')).toBe(0);
    // 31 * (31 + partition) + topic.hashCode()
    expect(topicPartitionHash('a', 0)).toBe(31 * 31 + 97);
  });

  it('grows the table past three quarters full, from 16 or from tableSizeFor(n)', () => {
    expect(javaHashMapCapacity(12)).toBe(16);
    expect(javaHashMapCapacity(13)).toBe(32);
    expect(javaHashMapCapacity(1, 1)).toBe(2);
    expect(javaHashMapCapacity(3, 3)).toBe(4);
    expect(javaHashMapCapacity(4, 4)).toBe(8);
  });

  it('iterates by bucket, then insertion order', () => {
    // Jackson writes kafka-log-dirs' maps in this order.
    expect(javaHashMapOrder(['version', 'brokers'], javaStringHash)).toEqual(['brokers', 'version']);
    expect(javaHashMapOrder(['logDir', 'error', 'partitions'], javaStringHash)).toEqual(['partitions', 'error', 'logDir']);
    expect(javaHashMapOrder(['partition', 'size', 'offsetLag', 'isFuture'], javaStringHash)).toEqual(['partition', 'size', 'offsetLag', 'isFuture']);
    expect(javaHashMapOrder([17, 1, 16, 2], (n) => n)).toEqual([16, 17, 1, 2]);
  });
});

describe('kafka-delete-records input and output', () => {
  it('parses the offset JSON file, version 1 by default', () => {
    expect(parseOffsetJson('{"partitions": [{"topic": "foo", "partition": 1, "offset": 1}], "version": 1}')).toEqual([{ topic: 'foo', partition: 1, offset: 1n }]);
    expect(parseOffsetJson('{"partitions": [{"topic": "foo", "partition": 0, "offset": -1}]}')).toEqual([{ topic: 'foo', partition: 0, offset: -1n }]);
  });

  it('refuses what Kafka refuses, with its messages', () => {
    expect(() => parseOffsetJson('nope')).toThrow('The input string is not a valid JSON');
    expect(() => parseOffsetJson('{"version": 1}')).toThrow('Missing partitions field');
    expect(() => parseOffsetJson('{"partitions": [], "version": 2}')).toThrow('Not supported version field value 2');
    expect(() => parseOffsetJson('{"partitions": [{"topic": "a", "partition": 0}]}')).toThrow('No such field exists: `offset`');
    expect(() => parseOffsetJson('{"partitions": [{"topic": "a", "partition": 0, "offset": 1}, {"topic": "a", "partition": 0, "offset": 2}]}')).toThrow(
      'Offset json file contains duplicate topic partitions: a-0',
    );
  });

  it('prints each partition, in the order of the results HashMap', () => {
    expect(
      formatDeleteRecords([
        { topic: 'orders', partition: 1, lowWatermark: null, error: 'org.apache.kafka.common.errors.TimeoutException: The request timed out.' },
        { topic: 'orders', partition: 0, lowWatermark: 42n, error: null },
      ]),
    ).toBe(
      'Records delete operation completed:\n' +
        'partition: orders-0\tlow_watermark: 42\n' +
        'partition: orders-1\terror: org.apache.kafka.common.errors.TimeoutException: The request timed out.\n',
    );
  });
});

describe('kafka-log-dirs output', () => {
  it('prints the brokers that answered and one JSON line in Jackson\'s key order', () => {
    const out = formatLogDirs(
      [{ broker: 1, logDirs: [{ logDir: '/data/b1', error: null, partitions: [{ topic: 'test', partition: 0, size: 0n, offsetLag: 0n, isFuture: false }, { topic: 'other', partition: 0, size: 9n, offsetLag: 0n, isFuture: false }] }] }],
      [1],
      ['test'],
    );
    expect(out).toBe(
      'Received log directory information from brokers 1\n' +
        '{"brokers":[{"broker":1,"logDirs":[{"partitions":[{"partition":"test-0","size":0,"offsetLag":0,"isFuture":false}],"error":null,"logDir":"/data/b1"}]}],"version":1}\n',
    );
  });

  it('names brokers missing from --broker-list as Kafka does', () => {
    expect(nonExistingBrokersMessage([7, 5], [3, 1, 2])).toBe('ERROR: The given brokers do not exist from --broker-list: 5,7. Current existent brokers: 1,2,3');
    expect(intSetText([18, 2, 17])).toBe('17,2,18');
  });
});
