// `streamctl perf consume`: kafka-consumer-perf-test.
import { Flags } from '@oclif/core';
import { PerfConsumer } from '../../engine/client/perf-consumer.js';
import { consumerPerfSummary } from '../../engine/client/perf-stats.js';
import { BaseCommand } from '../../cli/base-command.js';
import { connectOptions, interruptSignal, kafkaFlags, writeErr, writeOut } from '../../cli/kafka-flags.js';

export default class PerfConsume extends BaseCommand<typeof PerfConsume> {
  static override summary = 'Measure consume throughput (kafka-consumer-perf-test).';
  static override description =
    'Joins a group (default perf-consumer-<random>, reading from the earliest offset), consumes --messages records and prints Kafka\'s CSV header and row: start/end time, MB and records consumed and their rates, rebalance time and fetch time.';
  static override examples = [
    '<%= config.bin %> perf consume --topic perf --messages 100000',
    '<%= config.bin %> perf consume --topic perf --messages 1000 --group bench --timeout 30000 --hide-header',
  ];
  static override flags = {
    ...kafkaFlags,
    topic: Flags.string({ summary: 'Topic to consume.', required: true }),
    messages: Flags.integer({ summary: 'Number of records to consume.', required: true }),
    group: Flags.string({ summary: 'Consumer group id (default perf-consumer-<random>).' }),
    timeout: Flags.integer({ summary: 'Give up when no record arrived for this many ms.', default: 10_000 }),
    'from-latest': Flags.boolean({ summary: 'Start at the end when the group has no commits.' }),
    'hide-header': Flags.boolean({ summary: 'Do not print the CSV header.' }),
  };

  async run(): Promise<unknown> {
    const group = this.flags.group ?? `perf-consumer-${Math.floor(Math.random() * 100_000)}`;
    const consumer = PerfConsumer.open({ ...connectOptions(this.flags), group });
    const interrupt = interruptSignal();
    try {
      const result = await consumer.run({
        topic: this.flags.topic,
        messages: this.flags.messages,
        group,
        timeoutMs: this.flags.timeout,
        fromLatest: this.flags['from-latest'],
        hideHeader: this.flags['hide-header'],
        signal: interrupt.signal,
      });
      if (!this.jsonEnabled()) {
        writeErr(result.stderr.map((l) => `${l}\n`).join(''));
        writeOut(result.stdout.map((l) => `${l}\n`).join(''));
      }
      return { topic: this.flags.topic, group, ...consumerPerfSummary(result), timedOut: result.timedOut };
    } finally {
      interrupt.dispose();
      await consumer.close();
    }
  }
}
