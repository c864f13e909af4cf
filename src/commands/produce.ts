// `streamctl produce`: kafka-console-producer, reading records from stdin one per line
// (Kafka's LineMessageReader), or as JSON lines / CSV written by `consume --json|--format csv`.
import { Flags } from '@oclif/core';
import { type Compression, COMPRESSIONS, ConsoleProducer, parseAcks, type RecordReader } from '../engine/client/console-producer.js';
import { LineMessageReader } from '../engine/client/line-message-reader.js';
import type { Properties } from '../engine/client/properties.js';
import { CsvRecordReader, JsonRecordReader } from '../engine/client/record-codec.js';
import { StreamctlError } from '../engine/common/errors.js';
import { BaseCommand } from '../cli/base-command.js';
import { mergedProperties, producerPropertyFlags } from '../cli/client-property-flags.js';
import { connectOptions, interruptSignal, kafkaFlags } from '../cli/kafka-flags.js';
import { PRODUCER_TUNING_REASON, refusedFlags } from '../cli/refused-flags.js';

const LINE_READERS = ['kafka.tools.ConsoleProducer$LineMessageReader', 'org.apache.kafka.tools.LineMessageReader', 'LineMessageReader'];

export default class Produce extends BaseCommand<typeof Produce> {
  static override summary = 'Produce records from stdin, one per line (kafka-console-producer).';
  static override description = `Reader properties as in Kafka (--property or --reader-config): parse.key, key.separator (TAB), parse.headers, headers.delimiter (TAB), headers.separator (,), headers.key.separator (:), null.marker, ignore.error. A line that cannot be parsed stops the run with exit code 1 (after the lines before it were sent), unless ignore.error=true. Ctrl-C or SIGTERM stops reading; what was read is sent and the exit code is 0.

--format json reads one JSON object per line with key, value, headers, partition and timestamp (other fields such as topic and offset are ignored) — the lines \`consume --json\` prints. Key, value and header values are strings (UTF-8), {"base64": "..."} or null; headers is [{"key","value"}] or {"name": value}; timestamp is ms (number or decimal string). --format csv reads a header row naming the columns (key, value, headers, partition, timestamp, encoding; others ignored), then one record per row, as \`consume --format csv\` writes it. A record's partition overrides --partition.

Producer properties (--producer-property or --producer.config): acks, compression.type, client.id, linger.ms, request.timeout.ms, retries, bootstrap.servers; other keys are accepted and ignored, as Kafka ignores unknown configs.`;
  static override examples = [
    'echo hello | <%= config.bin %> produce --topic orders',
    "printf 'k1:v1\\nk2:v2\\n' | <%= config.bin %> produce --topic orders --property parse.key=true --property key.separator=:",
    "printf 'h1:a,h2:b\\tk1\\tv1\\n' | <%= config.bin %> produce --topic orders --property parse.headers=true --property parse.key=true",
    '<%= config.bin %> produce --bootstrap-server localhost:9092 --topic orders --producer-property acks=all --compression-codec zstd --sync < records.txt',
    '<%= config.bin %> consume --topic orders --from-beginning --timeout-ms 2000 --json | <%= config.bin %> produce --topic orders-copy --format json',
  ];
  static override flags = {
    ...kafkaFlags,
    'bootstrap-server': Flags.string({
      summary: 'Kafka brokers to connect to (host:port[,host:port]); --broker-list is the old name.',
      description: 'Defaults to the brokers of the local cluster in --dir.',
      helpValue: 'host:port',
      aliases: ['broker-list'],
    }),
    ...producerPropertyFlags,
    topic: Flags.string({ summary: 'Topic to produce to.', required: true }),
    property: Flags.string({ summary: 'Line reader property k=v (repeatable).', multiple: true }),
    'reader-config': Flags.string({ summary: 'Line reader properties file.', helpValue: 'file' }),
    'line-reader': Flags.string({ summary: "Reader class; only Kafka's LineMessageReader is available (see --format).", helpValue: 'class' }),
    format: Flags.string({ summary: 'Input: lines (Kafka\'s line reader), json or csv.', options: ['lines', 'json', 'csv'], default: 'lines' }),
    acks: Flags.string({ summary: 'Acknowledgements: 0, 1, -1 or all (default -1; alias --request-required-acks).', aliases: ['request-required-acks'] }),
    compression: Flags.string({ summary: 'Compression codec (default none; alias --compression-codec).', options: COMPRESSIONS, aliases: ['compression-codec'] }),
    partition: Flags.integer({ summary: 'Send every record to this partition (default: by key).' }),
    sync: Flags.boolean({ summary: 'Send each record on its own and wait for it.' }),
    'batch-size': Flags.integer({ summary: 'Records per produce request.', default: 500 }),
    timeout: Flags.integer({ summary: 'Send a partial batch after this many ms without input (linger).', helpValue: 'ms' }),
    'request-timeout-ms': Flags.integer({ summary: 'Produce request timeout (ms).' }),
    'message-send-max-retries': Flags.integer({ summary: 'Retries of a failed send.' }),
    ...refusedFlags({
      'retry-backoff-ms': { takesValue: true, reason: PRODUCER_TUNING_REASON },
      'max-block-ms': { takesValue: true, reason: PRODUCER_TUNING_REASON },
      'max-memory-bytes': { takesValue: true, reason: PRODUCER_TUNING_REASON },
      'max-partition-memory-bytes': { takesValue: true, reason: PRODUCER_TUNING_REASON },
      'metadata-expiry-ms': { takesValue: true, reason: PRODUCER_TUNING_REASON },
      'socket-buffer-size': { takesValue: true, reason: PRODUCER_TUNING_REASON },
    }),
  };
  static override enableJsonFlag = false;

  async run(): Promise<void> {
    const f = this.flags;
    const props = mergedProperties(f['producer.config'], '--producer.config', f['producer-property'], '--producer-property');
    if (f['line-reader'] !== undefined && !LINE_READERS.includes(f['line-reader'])) {
      throw new StreamctlError('USAGE', `--line-reader ${f['line-reader']} is not available: streamctl reads lines with Kafka's LineMessageReader (--property ...), JSON lines (--format json) or CSV (--format csv)`);
    }
    const readerProps = mergedProperties(f['reader-config'], '--reader-config', f.property, '--property');
    if (f.format !== 'lines' && Object.keys(readerProps).length > 0) {
      throw new StreamctlError('USAGE', `--property and --reader-config apply to the line reader, not to --format ${f.format}`);
    }
    const reader: RecordReader = f.format === 'json' ? new JsonRecordReader() : f.format === 'csv' ? new CsvRecordReader() : LineMessageReader.fromProperties(readerProps);
    const acks = parseAcks(f.acks ?? props['acks'] ?? '-1');
    const compression = (f.compression ?? props['compression.type'] ?? 'none') as Compression;
    if (!COMPRESSIONS.includes(compression)) throw new StreamctlError('USAGE', `Invalid compression.type '${compression}': expected one of ${COMPRESSIONS.join(', ')}`);
    const requestTimeoutMs = f['request-timeout-ms'] ?? numberProperty(props, 'request.timeout.ms');
    const options = connectOptions({
      ...f,
      'bootstrap-server': f['bootstrap-server'] ?? props['bootstrap.servers'],
      'command-timeout': requestTimeoutMs ?? f['command-timeout'],
    });
    const producer = ConsoleProducer.open({ ...options, clientId: props['client.id'], retries: f['message-send-max-retries'] ?? numberProperty(props, 'retries') });
    const interrupt = interruptSignal();
    try {
      if (process.stdin.isTTY && f.format === 'lines') process.stderr.write('>');
      await producer.run({
        topic: f.topic,
        input: process.stdin,
        reader,
        acks,
        compression,
        partition: f.partition,
        sync: f.sync,
        batchSize: f['batch-size'],
        lingerMs: f.timeout ?? numberProperty(props, 'linger.ms'),
        signal: interrupt.signal,
      });
    } finally {
      interrupt.dispose();
      await producer.close();
    }
  }
}

function numberProperty(props: Properties, key: string): number | undefined {
  const value = props[key];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new StreamctlError('USAGE', `Invalid ${key} '${value}': expected a non-negative integer`);
  return n;
}
