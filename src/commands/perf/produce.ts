// `streamctl perf produce`: kafka-producer-perf-test.
import { Flags } from '@oclif/core';
import { PerfProducer } from '../../engine/client/perf-producer.js';
import type { ProducerPerfSummary } from '../../engine/client/perf-stats.js';
import { parseProperties } from '../../engine/client/properties.js';
import { BaseCommand } from '../../cli/base-command.js';
import { connectOptions, interruptSignal, kafkaFlags, writeOut } from '../../cli/kafka-flags.js';

export default class PerfProduce extends BaseCommand<typeof PerfProduce> {
  static override summary = 'Measure produce throughput and latency (kafka-producer-perf-test).';
  static override description =
    'Sends --num-records records of --record-size random A-Z bytes at up to --throughput records/s (-1: unthrottled). Prints a progress line every 5 s and Kafka\'s final line with latency percentiles. --producer-props understands acks, compression.type, batch.size, linger.ms, max.in.flight.requests.per.connection and bootstrap.servers.';
  static override examples = [
    '<%= config.bin %> perf produce --topic perf --num-records 100000 --record-size 100 --throughput -1',
    '<%= config.bin %> perf produce --topic perf --num-records 1000 --record-size 1024 --throughput 100 --producer-props acks=all compression.type=lz4',
  ];
  static override flags = {
    ...kafkaFlags,
    topic: Flags.string({ summary: 'Topic to produce to.', required: true }),
    'num-records': Flags.integer({ summary: 'Number of records to send.', required: true }),
    'record-size': Flags.integer({ summary: 'Bytes per record.', required: true }),
    throughput: Flags.integer({ summary: 'Records per second at most (-1: no limit).', required: true }),
    'producer-props': Flags.string({ summary: 'Producer properties k=v (space separated, repeatable).', multiple: true }),
  };

  async run(): Promise<{ topic: string } & ProducerPerfSummary> {
    const props = parseProperties(this.flags['producer-props'], '--producer-props');
    const options = connectOptions({
      ...this.flags,
      'bootstrap-server': this.flags['bootstrap-server'] ?? props['bootstrap.servers'],
    });
    const producer = PerfProducer.open({ ...options, clientId: props['client.id'] });
    const interrupt = interruptSignal();
    try {
      const result = await producer.run({
        topic: this.flags.topic,
        numRecords: this.flags['num-records'],
        recordSize: this.flags['record-size'],
        throughput: this.flags.throughput,
        producerProps: props,
        signal: interrupt.signal,
        onLine: (line) => {
          if (!this.jsonEnabled()) writeOut(`${line}\n`);
        },
      });
      return { topic: this.flags.topic, ...result.summary };
    } finally {
      interrupt.dispose();
      await producer.close();
    }
  }
}
