// `streamctl consume`: kafka-console-consumer, printing records with the DefaultMessageFormatter
// properties, a kcat-style --format template, CSV, or one JSON object per line (--json).
import { Flags } from '@oclif/core';
import { ConsoleConsumer, parseFromTimestamp, parseStartOffset, validateConsoleConsumerOptions } from '../engine/client/console-consumer.js';
import { MessageFormatter } from '../engine/client/message-formatter.js';
import { csvHeader, recordToCsvRow, recordToJsonObject } from '../engine/client/record-codec.js';
import { compileRecordFilters } from '../engine/client/record-filter.js';
import { compileRecordFormat } from '../engine/client/record-format.js';
import type { ConsumedRecord } from '../engine/client/message-formatter.js';
import { StreamctlError } from '../engine/common/errors.js';
import { BaseCommand } from '../cli/base-command.js';
import { consumerPropertyFlags, mergedProperties } from '../cli/client-property-flags.js';
import { connectOptions, interruptSignal, kafkaFlags, writeErr, writeStdout } from '../cli/kafka-flags.js';
import { refusedFlags } from '../cli/refused-flags.js';

const DEFAULT_FORMATTERS = ['kafka.tools.DefaultMessageFormatter', 'org.apache.kafka.tools.consumer.DefaultMessageFormatter', 'DefaultMessageFormatter'];
const STRING_DESERIALIZERS = /^(org\.apache\.kafka\.common\.serialization\.)?(StringDeserializer|ByteArrayDeserializer|BytesDeserializer)$/;

export default class Consume extends BaseCommand<typeof Consume> {
  static override summary = 'Print records of a topic (kafka-console-consumer).';
  static override description = `Without --group, partitions are read directly (no group membership, nothing committed), from the end unless --from-beginning, --offset or --from-timestamp. With --group, joins the group, starts from its committed offsets (--from-beginning only matters when it has none), commits as it goes and, on Ctrl-C, SIGTERM or a closed stdout (\`| head -1\`), commits, leaves and exits 0. Prints \`Processed a total of N messages\` on stderr at the end.

Kafka's DefaultMessageFormatter properties (--property or --formatter-config): print.key, print.timestamp, print.partition, print.offset, print.headers, print.value, key.separator, line.separator, headers.separator, null.literal.

--format takes json (as --json), csv, or a kcat-style template: %t topic, %p partition, %o offset, %k key, %K key length, %v (or %s) value, %S value length, %h headers as k=v,k=v, %T timestamp in ms, %% a percent sign; escapes \\n \\r \\t \\\\ \\xHH. A null key or value prints as nothing.

JSON lines: {"topic","partition","offset" (decimal string),"timestamp" (ms, decimal string),"timestampType","key","value","headers":[{"key","value"}]}. Key, value and header values are text when the bytes are UTF-8, else {"base64": "..."}, or null. CSV: a header row, then topic,partition,offset,timestamp,timestampType,key,value,headers,encoding; an empty unquoted field is null, "" is empty; headers is the JSON array above; encoding base64 means key and value are base64. Both feed \`produce --format json|csv\` back.

--filter TARGET~REGEX, TARGET==VALUE or TARGET!=VALUE, TARGET being key, value, header.NAME or a JSON path into the value ($.user.id, $.items[0].sku; a value that is not JSON never matches). Repeat to require all. --max-messages counts printed records.

--offset -N starts N records before the end of each partition (all partitions unless --partition); --from-timestamp starts at the first record at or after a time (ms or ISO-8601).`;
  static override examples = [
    '<%= config.bin %> consume --topic orders --from-beginning --max-messages 10',
    '<%= config.bin %> consume --bootstrap-server localhost:9092 --topic orders --from-beginning --formatter kafka.tools.DefaultMessageFormatter --property print.timestamp=true --property print.key=true --property print.value=true',
    '<%= config.bin %> consume --topic orders --partition 0 --offset 42 --timeout-ms 5000',
    '<%= config.bin %> consume --topic orders --group billing --from-beginning',
    '<%= config.bin %> consume --topic orders --consumer-property group.id=billing --isolation-level read_committed',
    "<%= config.bin %> consume --topic orders --from-beginning --format '%t %p %o %k %v %h %T\\n'",
    "<%= config.bin %> consume --topic orders --from-beginning --filter '$.user.id==42' --filter 'header.source~^web'",
    '<%= config.bin %> consume --topic orders --offset -5 --timeout-ms 2000',
    '<%= config.bin %> consume --topic orders --from-timestamp 2024-01-31T12:00:00Z --timeout-ms 2000',
    '<%= config.bin %> consume --topic orders --from-beginning --timeout-ms 2000 --json > orders.jsonl',
    '<%= config.bin %> consume --topic orders --from-beginning | head -1',
  ];
  static override flags = {
    ...kafkaFlags,
    ...consumerPropertyFlags,
    topic: Flags.string({ summary: 'Topic to read.', required: true }),
    'from-beginning': Flags.boolean({ summary: 'Start at the earliest offset (when there is no committed offset).' }),
    partition: Flags.integer({ summary: 'Read only this partition.' }),
    offset: Flags.string({ summary: 'earliest, latest or an offset (with --partition), or -N: the last N records of each partition.', allowStdin: false }),
    'from-timestamp': Flags.string({ summary: 'Start at the first record at or after this time (ms since the epoch or ISO-8601).' }),
    group: Flags.string({ summary: 'Consume as a member of this group (commits offsets).' }),
    'max-messages': Flags.integer({ summary: 'Exit after this many records.' }),
    'timeout-ms': Flags.integer({ summary: 'Exit when no record arrived for this long.' }),
    property: Flags.string({ summary: 'Formatter property k=v (repeatable).', multiple: true }),
    formatter: Flags.string({ summary: 'Formatter class; only DefaultMessageFormatter is available.', helpValue: 'class' }),
    'formatter-config': Flags.string({ summary: 'Formatter properties file.', helpValue: 'file' }),
    'isolation-level': Flags.string({ summary: 'read_uncommitted (default) or read_committed.', options: ['read_uncommitted', 'read_committed'] }),
    'skip-message-on-error': Flags.boolean({ summary: 'Accepted for Kafka compatibility: records are printed as bytes, so none fails to format.' }),
    'key-deserializer': Flags.string({ summary: 'StringDeserializer or ByteArrayDeserializer (bytes are printed as they are).', helpValue: 'class' }),
    'value-deserializer': Flags.string({ summary: 'StringDeserializer or ByteArrayDeserializer (bytes are printed as they are).', helpValue: 'class' }),
    format: Flags.string({ summary: "Output: json, csv, or a template such as '%k %v\\n' (see description).", exclusive: ['formatter', 'property', 'formatter-config'] }),
    filter: Flags.string({ summary: 'Print only records matching TARGET~REGEX, TARGET==VALUE or TARGET!=VALUE (repeatable).', multiple: true }),
    ...refusedFlags({
      include: { takesValue: true, reason: 'a console consumer reads one topic here; use --topic (one run per topic)' },
      'enable-systest-events': { takesValue: false, reason: "Kafka's system-test events are not emitted" },
    }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    // The command line is checked before anything is contacted or printed (usage errors: exit 2).
    const consumerProps = mergedProperties(f['consumer.config'], '--consumer.config', f['consumer-property'], '--consumer-property');
    const formatterProps = mergedProperties(f['formatter-config'], '--formatter-config', f.property, '--property');
    if (f.formatter !== undefined && !DEFAULT_FORMATTERS.includes(f.formatter)) {
      throw new StreamctlError('USAGE', `--formatter ${f.formatter} is not available: streamctl prints with DefaultMessageFormatter (or use --format)`);
    }
    for (const [name, value] of [
      ['--key-deserializer', f['key-deserializer'] ?? formatterProps['key.deserializer']],
      ['--value-deserializer', f['value-deserializer'] ?? formatterProps['value.deserializer']],
    ] as const) {
      if (value !== undefined && !STRING_DESERIALIZERS.test(value)) {
        throw new StreamctlError('USAGE', `${name} ${value} is not available: records are printed as their bytes (StringDeserializer or ByteArrayDeserializer)`);
      }
    }
    const print = this.#printer(f.format, formatterProps);
    const group = f.group ?? consumerProps['group.id'];
    const isolation = f['isolation-level'] ?? consumerProps['isolation.level'];
    if (isolation !== undefined && isolation !== 'read_committed' && isolation !== 'read_uncommitted') {
      throw new StreamctlError('USAGE', `Invalid isolation.level '${isolation}': expected read_uncommitted or read_committed`);
    }
    if (f.offset !== undefined && f['from-timestamp'] !== undefined) throw new StreamctlError('USAGE', 'Options offset and from-timestamp cannot be specified together.');
    const runOptions = {
      topic: f.topic,
      partition: f.partition,
      offset: f['from-timestamp'] !== undefined ? parseFromTimestamp(f['from-timestamp']) : f.offset === undefined ? undefined : parseStartOffset(f.offset),
      fromBeginning: f['from-beginning'] || consumerProps['auto.offset.reset'] === 'earliest',
      group,
      maxMessages: f['max-messages'],
      timeoutMs: f['timeout-ms'],
      filter: compileRecordFilters(f.filter),
      isolationLevel: isolation as 'read_committed' | 'read_uncommitted' | undefined,
      sessionTimeoutMs: optionalNumber(consumerProps, 'session.timeout.ms'),
      autoCommitIntervalMs: optionalNumber(consumerProps, 'auto.commit.interval.ms'),
    };
    validateConsoleConsumerOptions(runOptions);
    const options = connectOptions({ ...f, 'bootstrap-server': f['bootstrap-server'] ?? consumerProps['bootstrap.servers'] });
    const consumer = ConsoleConsumer.open({ ...options, clientId: consumerProps['client.id'], group });
    const interrupt = interruptSignal();
    let messages = 0;
    try {
      const result = await consumer.run({
        ...runOptions,
        signal: interrupt.signal,
        onRecord: async (record) => {
          messages += 1;
          await print(record, messages === 1);
        },
      });
      if (result.timedOut) {
        writeErr('ERROR Error processing message, terminating consumer process:  (org.apache.kafka.tools.consumer.ConsoleConsumer)\norg.apache.kafka.common.errors.TimeoutException\n');
      }
    } finally {
      interrupt.dispose();
      writeErr(`Processed a total of ${messages} messages\n`);
      await consumer.close();
    }
  }

  /** How each record is written: JSON line, CSV row (header first), template, or Kafka's formatter. */
  #printer(format: string | undefined, formatterProps: Record<string, string>): (record: ConsumedRecord, first: boolean) => Promise<void> {
    if (this.jsonEnabled() || format === 'json') return (r) => writeStdout(`${JSON.stringify(recordToJsonObject(r))}\n`);
    if (format === 'csv') return (r, first) => writeStdout(first ? `${csvHeader()}${recordToCsvRow(r)}` : recordToCsvRow(r));
    if (format !== undefined) {
      const template = compileRecordFormat(format);
      return (r) => writeStdout(template(r));
    }
    const formatter = MessageFormatter.fromProperties(formatterProps);
    return (r) => writeStdout(formatter.format(r));
  }
}

function optionalNumber(props: Record<string, string>, key: string): number | undefined {
  const value = props[key];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new StreamctlError('USAGE', `Invalid ${key} '${value}': expected a positive integer (ms)`);
  return n;
}
