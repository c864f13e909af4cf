// Kafka's console-producer/consumer flags and streamctl's formats beyond Kafka's (kcat-style
// --format, --filter, --offset -N, --from-timestamp, JSON and CSV round trips), run as
// processes against a real one-broker cluster. Kafka's documented examples are kept here
// with `kafka-console-X.sh` replaced by `streamctl produce|consume`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { streamctl } from '../commands/kafka-cli-helpers.js';

// The machine is shared: a CLI run can take several seconds, so tests with many runs get time.
describe('console producer and consumer flags against a real cluster', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let tmp: string;
  const b = () => ['--bootstrap-server', cluster.bootstrap];
  const create = async (topic: string, partitions = 1) => {
    const r = await streamctl(['topics', 'create', '--topic', topic, '--partitions', String(partitions), ...b()]);
    expect(r.exitCode).toBe(0);
  };
  const json = (stdout: string) =>
    stdout
      .trimEnd()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
    tmp = mkdtempSync(join(tmpdir(), 'streamctl-console-flags-'));
  });
  afterAll(async () => {
    await cluster?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("runs Kafka's quickstart producer and consumer commands", async () => {
    // kafka-console-producer.sh --topic quickstart-events --bootstrap-server localhost:9092
    await create('quickstart-events');
    const p = await streamctl(['produce', '--topic', 'quickstart-events', ...b()], { input: 'This is my first event\nThis is my second event\n' });
    expect(p.exitCode).toBe(0);
    // kafka-console-consumer.sh --topic quickstart-events --from-beginning --bootstrap-server localhost:9092
    const c = await streamctl(['consume', '--topic', 'quickstart-events', '--from-beginning', '--max-messages', '2', ...b()]);
    expect(c.stdout).toBe('This is my first event\nThis is my second event\n');
    expect(c.stderr).toBe('Processed a total of 2 messages\n');
  });

  it("runs Kafka's keyed producer/consumer examples with --broker-list, --producer-property and the formatter flags", async () => {
    await create('keyed-docs');
    // kafka-console-producer.sh --broker-list localhost:9092 --topic test --property "parse.key=true" --property "key.separator=:"
    const p = await streamctl(
      ['produce', '--broker-list', cluster.bootstrap, '--topic', 'keyed-docs', '--property', 'parse.key=true', '--property', 'key.separator=:',
        '--producer-property', 'acks=all', '--request-required-acks', '1', '--compression-codec', 'gzip', '--sync'],
      { input: 'key1:value1\nkey2:value2\n' },
    );
    expect(p.exitCode).toBe(0);
    // kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic test --from-beginning
    //   --formatter kafka.tools.DefaultMessageFormatter --property print.key=true --property print.value=true
    const c = await streamctl([
      'consume', '--topic', 'keyed-docs', '--from-beginning', '--max-messages', '2', '--formatter', 'kafka.tools.DefaultMessageFormatter',
      '--property', 'print.key=true', '--property', 'print.value=true', '--property', 'print.partition=true', '--property', 'print.offset=true',
      '--property', 'print.headers=true', '--property', 'key.separator= | ', '--property', 'line.separator=;\\n', ...b(),
    ]);
    expect(c.exitCode).toBe(0);
    expect(c.stdout).toBe('Partition:0 | Offset:0 | NO_HEADERS | key1 | value1;\nPartition:0 | Offset:1 | NO_HEADERS | key2 | value2;\n');
    const ts = await streamctl(['consume', '--topic', 'keyed-docs', '--from-beginning', '--max-messages', '1', '--property', 'print.timestamp=true', ...b()]);
    expect(ts.stdout).toMatch(/^CreateTime:\d{13}\tvalue1\n$/);
  });

  it('reads producer, reader, consumer and formatter properties from files', async () => {
    await create('config-files');
    const producerConfig = join(tmp, 'producer.properties');
    const readerConfig = join(tmp, 'reader.properties');
    const consumerConfig = join(tmp, 'consumer.properties');
    const formatterConfig = join(tmp, 'formatter.properties');
    writeFileSync(producerConfig, '# producer\nacks=all\ncompression.type=lz4\nclient.id=from-file\n');
    writeFileSync(readerConfig, 'parse.key=true\nkey.separator=,\nnull.marker=NULL\n');
    writeFileSync(consumerConfig, 'group.id=file-group\nauto.offset.reset=earliest\n');
    writeFileSync(formatterConfig, 'print.key=true\nkey.separator==\nnull.literal=<null>\n');
    const p = await streamctl(['produce', '--topic', 'config-files', '--producer.config', producerConfig, '--reader-config', readerConfig, ...b()], {
      input: 'a,1\nNULL,2\n',
    });
    expect(p.exitCode).toBe(0);
    const c = await streamctl(['consume', '--topic', 'config-files', '--consumer.config', consumerConfig, '--formatter-config', formatterConfig, '--max-messages', '2', ...b()]);
    expect(c.exitCode).toBe(0);
    expect(c.stdout).toBe('a=1\n<null>=2\n');
    // group.id from the file committed the group's offsets.
    const g = await streamctl(['groups', 'describe', '--group', 'file-group', '--json', ...b()]);
    expect(JSON.parse(g.stdout).groups[0].rows[0].currentOffset).toBe('2');
  });

  it('reads committed records with --isolation-level and accepts --skip-message-on-error and String deserializers', async () => {
    await create('isolation');
    await streamctl(['produce', '--topic', 'isolation', ...b()], { input: 'x\ny\n' });
    const c = await streamctl([
      'consume', '--topic', 'isolation', '--from-beginning', '--max-messages', '2', '--isolation-level', 'read_committed', '--skip-message-on-error',
      '--key-deserializer', 'org.apache.kafka.common.serialization.StringDeserializer', '--consumer-property', 'client.id=iso', ...b(),
    ]);
    expect(c.exitCode).toBe(0);
    expect(c.stdout).toBe('x\ny\n');
  });

  it('refuses Kafka options without a meaning here with exit 2, naming the flag, before connecting', async () => {
    const cases: Array<[string[], string]> = [
      [['produce', '--topic', 't', '--line-reader', 'com.example.MyReader'], '--line-reader com.example.MyReader'],
      [['produce', '--topic', 't', '--max-memory-bytes', '1024'], '--max-memory-bytes'],
      [['produce', '--topic', 't', '--retry-backoff-ms', '5'], '--retry-backoff-ms'],
      [['consume', '--topic', 't', '--formatter', 'kafka.tools.LoggingMessageFormatter'], '--formatter kafka.tools.LoggingMessageFormatter'],
      [['consume', '--topic', 't', '--value-deserializer', 'io.confluent.kafka.serializers.KafkaAvroDeserializer'], '--value-deserializer'],
      [['consume', '--topic', 't', '--enable-systest-events'], '--enable-systest-events'],
      [['consume', '--topic', 't', '--include', 'a.*'], '--include'],
      [['consume', '--topic', 't', '--format', '%q'], '%q'],
      [['consume', '--topic', 't', '--filter', 'nonsense'], "--filter 'nonsense'"],
      [['consume', '--topic', 't', '--filter', 'key~('], 'Invalid regular expression'],
      [['consume', '--topic', 't', '--from-timestamp', 'yesterday'], '--from-timestamp'],
      [['consume', '--topic', 't', '--consumer.config', join(tmp, 'missing.properties')], '--consumer.config'],
    ];
    for (const [args, named] of cases) {
      // A closed port: a refusal must happen before any connection.
      const r = await streamctl([...args, '--bootstrap-server', '127.0.0.1:1']);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(named);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    }
  });

  it('prints kcat-style --format templates', async () => {
    await create('fmt');
    const p = await streamctl(['produce', '--topic', 'fmt', '--property', 'parse.key=true', '--property', 'parse.headers=true', ...b()], {
      input: 'h1:a,h2:b\tk1\tv1\n',
    });
    expect(p.exitCode).toBe(0);
    const c = await streamctl(['consume', '--topic', 'fmt', '--from-beginning', '--max-messages', '1', '--format', '%t %p %o %k %v %h %T %K %S 100%%\\n', ...b()]);
    expect(c.stdout).toMatch(/^fmt 0 0 k1 v1 h1=a,h2=b \d{13} 2 2 100%\n$/);
  });

  it('filters on key, value, header and a JSON path', async () => {
    await create('filtered');
    const lines = [
      'source:web\tu1\t{"user":{"id":42},"n":1}',
      'source:app\tu2\t{"user":{"id":7},"n":2}',
      'source:web\tu3\tnot json',
      'source:web\tu4\t{"user":{"id":42},"n":4}',
    ];
    await streamctl(['produce', '--topic', 'filtered', '--property', 'parse.key=true', '--property', 'parse.headers=true', ...b()], { input: `${lines.join('\n')}\n` });
    const run = async (count: number, ...filters: string[]) => {
      // --max-messages counts printed records; a wrong match earlier in the topic would show in the output.
      const r = await streamctl(['consume', '--topic', 'filtered', '--from-beginning', '--max-messages', String(count), '--timeout-ms', '20000', '--format', '%k\\n', ...filters.flatMap((f) => ['--filter', f]), ...b()]);
      return r.stdout.trimEnd().split('\n').filter((l) => l !== '');
    };
    expect(await run(2, '$.user.id==42')).toEqual(['u1', 'u4']);
    expect(await run(2, '$.user.id!=42')).toEqual(['u2', 'u3']);
    expect(await run(2, 'key~^u[12]$')).toEqual(['u1', 'u2']);
    expect(await run(1, 'header.source==web', 'value~json')).toEqual(['u3']);
    const limited = await streamctl(['consume', '--topic', 'filtered', '--from-beginning', '--max-messages', '1', '--filter', 'header.source==app', '--format', '%k\\n', ...b()]);
    expect(limited.stdout).toBe('u2\n');
    expect(limited.stderr).toContain('Processed a total of 1 messages');
  });

  it('starts at the last N records of each partition with --offset -N, and at a time with --from-timestamp', async () => {
    await create('tail', 2);
    const records = [0, 1].flatMap((partition) =>
      Array.from({ length: 5 }, (_, i) => JSON.stringify({ key: `p${partition}-${i}`, value: `v${i}`, partition, timestamp: 1_700_000_000_000 + i * 1000 })),
    );
    const p = await streamctl(['produce', '--topic', 'tail', '--format', 'json', ...b()], { input: `${records.join('\n')}\n` });
    expect(p.exitCode).toBe(0);
    const last = await streamctl(['consume', '--topic', 'tail', '--offset', '-2', '--max-messages', '4', '--format', '%k\\n', ...b()]);
    expect(last.stdout.trimEnd().split('\n').sort()).toEqual(['p0-3', 'p0-4', 'p1-3', 'p1-4']);
    const one = await streamctl(['consume', '--topic', 'tail', '--partition', '1', '--offset', '-1', '--max-messages', '1', '--format', '%k\\n', ...b()]);
    expect(one.stdout).toBe('p1-4\n');
    const more = await streamctl(['consume', '--topic', 'tail', '--partition', '0', '--offset', '-100', '--max-messages', '5', '--format', '%o\\n', ...b()]);
    expect(more.stdout).toBe('0\n1\n2\n3\n4\n');
    const at = await streamctl(['consume', '--topic', 'tail', '--from-timestamp', '1700000003000', '--max-messages', '4', '--format', '%k\\n', ...b()]);
    expect(at.stdout.trimEnd().split('\n').sort()).toEqual(['p0-3', 'p0-4', 'p1-3', 'p1-4']);
    const iso = await streamctl(['consume', '--topic', 'tail', '--from-timestamp', new Date(1_700_000_004_000).toISOString(), '--max-messages', '2', '--format', '%k\\n', ...b()]);
    expect(iso.stdout.trimEnd().split('\n').sort()).toEqual(['p0-4', 'p1-4']);
  });

  /** Records with every awkward case: binary and null keys/values, empty strings, duplicate and null headers, commas, quotes, newlines. */
  const awkward = () => {
    const binary = Buffer.from([0xff, 0x00, 0xfe, 0x0a, 0x22, 0x2c]);
    return [
      { key: 'plain', value: 'hello, "world"\nsecond line', headers: [{ key: 'h', value: '1' }, { key: 'h', value: '2' }], partition: 0, timestamp: '1600000000001' },
      { key: null, value: 'no key', headers: [], partition: 1, timestamp: '1600000000002' },
      { key: 'tombstone', value: null, headers: [{ key: 'nullable', value: null }], partition: 2, timestamp: '1600000000003' },
      { key: '', value: '', headers: [{ key: 'bin', value: { base64: binary.toString('base64') } }], partition: 0, timestamp: '1600000000004' },
      { key: { base64: binary.toString('base64') }, value: { base64: Buffer.from([0x80, 0x81]).toString('base64') }, headers: [], partition: 1, timestamp: '1600000000005' },
      { key: 'ünïcödé ✓', value: '日本語', headers: [{ key: 'émoji', value: '🙂' }], partition: 2, timestamp: '1600000000006' },
    ];
  };
  const comparable = (records: Array<Record<string, unknown>>) =>
    records
      .map(({ topic: _topic, ...rest }) => rest)
      .sort((a, b) => (a.partition === b.partition ? Number(a.offset) - Number(b.offset) : Number(a.partition) - Number(b.partition)));

  it('round-trips a topic through consume --json > f and produce --format json < f', async () => {
    await create('rt-json-src', 3);
    await create('rt-json-dst', 3);
    const seed = await streamctl(['produce', '--topic', 'rt-json-src', '--format', 'json', ...b()], { input: awkward().map((r) => JSON.stringify(r)).join('\n') + '\n' });
    expect(seed.exitCode).toBe(0);
    const src = await streamctl(['consume', '--topic', 'rt-json-src', '--from-beginning', '--max-messages', '6', '--json', ...b()]);
    expect(src.exitCode).toBe(0);
    const file = join(tmp, 'topic.jsonl');
    writeFileSync(file, src.stdout);
    const copy = await streamctl(['produce', '--topic', 'rt-json-dst', '--format', 'json', ...b()], { input: readFileSync(file) });
    expect(copy.exitCode).toBe(0);
    const dst = await streamctl(['consume', '--topic', 'rt-json-dst', '--from-beginning', '--max-messages', '6', '--json', ...b()]);
    const before = comparable(json(src.stdout));
    expect(comparable(json(dst.stdout))).toEqual(before);
    // The seed itself came back exactly (keys, values, headers, partitions, timestamps; offsets as strings).
    expect(before.map(({ offset: _o, timestampType: _t, ...r }) => r)).toEqual(
      awkward()
        .map((r) => ({ ...r }))
        .sort((a, b) => a.partition - b.partition || Number(a.timestamp) - Number(b.timestamp)),
    );
    expect(typeof before[0]!.offset).toBe('string');
  });

  it('round-trips a topic through consume --format csv and produce --format csv', async () => {
    await create('rt-csv-src', 3);
    await create('rt-csv-dst', 3);
    await streamctl(['produce', '--topic', 'rt-csv-src', '--format', 'json', ...b()], { input: awkward().map((r) => JSON.stringify(r)).join('\n') + '\n' });
    const csv = await streamctl(['consume', '--topic', 'rt-csv-src', '--from-beginning', '--max-messages', '6', '--format', 'csv', ...b()]);
    expect(csv.exitCode).toBe(0);
    expect(csv.stdout.split('\n')[0]).toBe('topic,partition,offset,timestamp,timestampType,key,value,headers,encoding');
    const copy = await streamctl(['produce', '--topic', 'rt-csv-dst', '--format', 'csv', ...b()], { input: csv.stdout });
    expect(copy.exitCode).toBe(0);
    const src = await streamctl(['consume', '--topic', 'rt-csv-src', '--from-beginning', '--max-messages', '6', '--json', ...b()]);
    const dst = await streamctl(['consume', '--topic', 'rt-csv-dst', '--from-beginning', '--max-messages', '6', '--json', ...b()]);
    expect(comparable(json(dst.stdout))).toEqual(comparable(json(src.stdout)));
    // A hand-written CSV with only some columns works too.
    await create('csv-simple');
    const simple = await streamctl(['produce', '--topic', 'csv-simple', '--format', 'csv', ...b()], { input: 'key,value\nk1,"a,b"\n,empty-key-is-null\n' });
    expect(simple.exitCode).toBe(0);
    const out = await streamctl(['consume', '--topic', 'csv-simple', '--from-beginning', '--max-messages', '2', '--property', 'print.key=true', ...b()]);
    expect(out.stdout).toBe('k1\ta,b\nnull\tempty-key-is-null\n');
  });

  it('stops at a malformed JSON or CSV record with exit 1 after sending the records before it', async () => {
    await create('bad-json');
    const r = await streamctl(['produce', '--topic', 'bad-json', '--format', 'json', ...b()], { input: '{"value":"ok"}\n{"value":\n' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Invalid JSON record on line number 2');
    const c = await streamctl(['consume', '--topic', 'bad-json', '--from-beginning', '--max-messages', '1', ...b()]);
    expect(c.stdout).toBe('ok\n');
    const csv = await streamctl(['produce', '--topic', 'bad-json', '--format', 'csv', ...b()], { input: 'value\n"unterminated\n' });
    expect(csv.exitCode).toBe(1);
    expect(csv.stderr).toContain('ended inside a quoted field');
  });
});
