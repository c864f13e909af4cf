// `streamctl produce`: kafka-console-producer, reading records from stdin one per line.
import { Flags } from '@oclif/core';
import { type Compression, COMPRESSIONS, ConsoleProducer, parseAcks } from '../engine/client/console-producer.js';
import { LineMessageReader } from '../engine/client/line-message-reader.js';
import { parseProperties } from '../engine/client/properties.js';
import { BaseCommand } from '../cli/base-command.js';
import { connectOptions, interruptSignal, kafkaFlags } from '../cli/kafka-flags.js';

export default class Produce extends BaseCommand<typeof Produce> {
  static override summary = 'Produce records from stdin, one per line (kafka-console-producer).';
  static override description =
    'Reader properties as in Kafka: parse.key, key.separator (TAB), parse.headers, headers.delimiter (TAB), headers.separator (,), headers.key.separator (:), null.marker, ignore.error. A line that cannot be parsed stops the run with exit code 1 (after the lines before it were sent), unless ignore.error=true. Ctrl-C or SIGTERM stops reading; what was read is sent and the exit code is 0.';
  static override examples = [
    'echo hello | <%= config.bin %> produce --topic orders',
    "printf 'k1:v1\\nk2:v2\\n' | <%= config.bin %> produce --topic orders --property parse.key=true --property key.separator=:",
    "printf 'h1:a,h2:b\\tk1\\tv1\\n' | <%= config.bin %> produce --topic orders --property parse.headers=true --property parse.key=true",
    '<%= config.bin %> produce --topic orders --acks 1 --compression zstd < records.txt',
  ];
  static override flags = {
    ...kafkaFlags,
    topic: Flags.string({ summary: 'Topic to produce to.', required: true }),
    property: Flags.string({ summary: 'Line reader property k=v (repeatable).', multiple: true }),
    acks: Flags.string({ summary: 'Acknowledgements: 0, 1, -1 or all.', default: '-1' }),
    compression: Flags.string({ summary: 'Compression codec.', options: COMPRESSIONS, default: 'none', aliases: ['compression-codec'] }),
    partition: Flags.integer({ summary: 'Send every record to this partition (default: by key).' }),
    sync: Flags.boolean({ summary: 'Send each record on its own and wait for it.' }),
    'batch-size': Flags.integer({ summary: 'Records per produce request.', default: 500 }),
  };
  static override enableJsonFlag = false;

  async run(): Promise<void> {
    const f = this.flags;
    const reader = LineMessageReader.fromProperties(parseProperties(f.property));
    const acks = parseAcks(f.acks);
    const producer = ConsoleProducer.open(connectOptions(f));
    const interrupt = interruptSignal();
    try {
      if (process.stdin.isTTY) process.stderr.write('>');
      await producer.run({
        topic: f.topic,
        input: process.stdin,
        reader,
        acks,
        compression: f.compression as Compression,
        partition: f.partition,
        sync: f.sync,
        batchSize: f['batch-size'],
        signal: interrupt.signal,
      });
    } finally {
      interrupt.dispose();
      await producer.close();
    }
  }
}
