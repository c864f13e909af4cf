// `streamctl perf produce`: kafka-producer-perf-test.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Flags } from '@oclif/core';
import { PerfProducer, splitPayloads } from '../../engine/client/perf-producer.js';
import { formatMetrics, type ProducerPerfSummary } from '../../engine/client/perf-stats.js';
import { unescapeSeparator } from '../../engine/client/properties.js';
import { StreamctlError } from '../../engine/common/errors.js';
import { BaseCommand } from '../../cli/base-command.js';
import { mergedProperties } from '../../cli/client-property-flags.js';
import { connectOptions, interruptSignal, kafkaFlags, writeOut } from '../../cli/kafka-flags.js';
import { refusedFlags } from '../../cli/refused-flags.js';

export default class PerfProduce extends BaseCommand<typeof PerfProduce> {
  static override summary = 'Measure produce throughput and latency (kafka-producer-perf-test).';
  static override description =
    "Sends --num-records records at up to --throughput records/s (-1: unthrottled). The payload is exactly one of: --record-size random A-Z bytes, a random payload of --payload-file (split on --payload-delimiter, default newline), or --payload-monotonic (the record number). Prints a progress line every 5 s and Kafka's final line with latency percentiles. --producer-props (or --producer.config) understands acks, compression.type, batch.size, linger.ms, max.in.flight.requests.per.connection, client.id and bootstrap.servers. --print-metrics adds, in Kafka's layout, the producer figures streamctl measures (records sent and their rate, average record size, request latency average and maximum).";
  static override examples = [
    '<%= config.bin %> perf produce --topic perf --num-records 100000 --record-size 100 --throughput -1',
    '<%= config.bin %> perf produce --topic test --num-records 100 --record-size 100 --throughput -1 --producer-props bootstrap.servers=localhost:9092 acks=all compression.type=lz4',
    '<%= config.bin %> perf produce --topic perf --num-records 1000 --payload-file payloads.txt --payload-delimiter , --throughput 100 --print-metrics',
  ];
  static override flags = {
    ...kafkaFlags,
    topic: Flags.string({ summary: 'Topic to produce to.', required: true }),
    'num-records': Flags.integer({ summary: 'Number of records to send.', required: true }),
    'record-size': Flags.integer({ summary: 'Bytes per record (random A-Z).' }),
    'payload-file': Flags.string({ summary: 'Send payloads picked at random from this UTF-8 file.', helpValue: 'file' }),
    'payload-delimiter': Flags.string({ summary: 'Separator of the payloads in --payload-file (default \\n).', default: '\\n' }),
    'payload-monotonic': Flags.boolean({ summary: 'Send the record number (0, 1, 2, ...) as the payload.' }),
    throughput: Flags.integer({ summary: 'Records per second at most (-1: no limit).', required: true }),
    'producer-props': Flags.string({ summary: 'Producer properties k=v (space separated, repeatable).', multiple: true }),
    'producer.config': Flags.string({ summary: 'Producer properties file (--producer-props win).', helpValue: 'file' }),
    'print-metrics': Flags.boolean({ summary: 'Print producer metrics at the end.' }),
    ...refusedFlags({
      'transactional-id': { takesValue: true, reason: 'the perf producer does not run transactions' },
      'transaction-duration-ms': { takesValue: true, reason: 'the perf producer does not run transactions' },
    }),
  };

  async run(): Promise<{ topic: string; metrics: Record<string, number> } & ProducerPerfSummary> {
    const f = this.flags;
    const props = mergedProperties(f['producer.config'], '--producer.config', f['producer-props'], '--producer-props');
    const sources = [f['record-size'] !== undefined, f['payload-file'] !== undefined, f['payload-monotonic']].filter(Boolean).length;
    if (sources !== 1) throw new StreamctlError('USAGE', 'Exactly one of --record-size, --payload-file or --payload-monotonic must be specified');
    let payloads: Buffer[] | undefined;
    if (f['payload-file'] !== undefined) {
      const path = resolve(f['payload-file']);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        throw new StreamctlError('USAGE', `Cannot read the --payload-file '${f['payload-file']}': ${(error as Error).message}`);
      }
      payloads = splitPayloads(text, unescapeSeparator(f['payload-delimiter']));
      if (!this.jsonEnabled()) writeOut(`Reading payloads from: ${path}\nNumber of messages read: ${payloads.length}\n`);
    }
    const options = connectOptions({ ...f, 'bootstrap-server': f['bootstrap-server'] ?? props['bootstrap.servers'] });
    const producer = PerfProducer.open({ ...options, clientId: props['client.id'] });
    const interrupt = interruptSignal();
    try {
      const result = await producer.run({
        topic: f.topic,
        numRecords: f['num-records'],
        recordSize: f['record-size'],
        payloads,
        payloadMonotonic: f['payload-monotonic'],
        throughput: f.throughput,
        producerProps: props,
        signal: interrupt.signal,
        onLine: (line) => {
          if (!this.jsonEnabled()) writeOut(`${line}\n`);
        },
      });
      if (f['print-metrics'] && !this.jsonEnabled()) writeOut(formatMetrics(result.metrics));
      return { topic: f.topic, ...result.summary, metrics: Object.fromEntries(result.metrics) };
    } finally {
      interrupt.dispose();
      await producer.close();
    }
  }
}
