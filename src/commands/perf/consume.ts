// `streamctl perf consume`: kafka-consumer-perf-test.
import { Flags } from '@oclif/core';
import { PerfConsumer } from '../../engine/client/perf-consumer.js';
import { consumerPerfSummary, formatMetrics } from '../../engine/client/perf-stats.js';
import { StreamctlError } from '../../engine/common/errors.js';
import { BaseCommand } from '../../cli/base-command.js';
import { mergedProperties } from '../../cli/client-property-flags.js';
import { connectOptions, interruptSignal, kafkaFlags, writeErr, writeOut } from '../../cli/kafka-flags.js';
import { refusedFlags } from '../../cli/refused-flags.js';

const KAFKA_DATE_FORMAT = 'yyyy-MM-dd HH:mm:ss:SSS';

export default class PerfConsume extends BaseCommand<typeof PerfConsume> {
  static override summary = 'Measure consume throughput (kafka-consumer-perf-test).';
  static override description =
    "Joins a group (default perf-consumer-<random>, reading from the earliest offset), consumes --messages records and prints Kafka's CSV header and row: start/end time, MB and records consumed and their rates, rebalance time and fetch time. --show-detailed-stats prints a row every --reporting-interval ms instead (and no summary row), as Kafka does. --consumer.config understands group.id, client.id and auto.offset.reset. --print-metrics adds, in Kafka's layout, the consumer figures streamctl measures.";
  static override examples = [
    '<%= config.bin %> perf consume --topic perf --messages 100000',
    '<%= config.bin %> perf consume --bootstrap-server localhost:9092 --topic test --messages 100 --show-detailed-stats --reporting-interval 1000',
    '<%= config.bin %> perf consume --topic perf --messages 1000 --group bench --timeout 30000 --hide-header --print-metrics',
  ];
  static override flags = {
    ...kafkaFlags,
    'bootstrap-server': Flags.string({
      summary: 'Kafka brokers to connect to (host:port[,host:port]); --broker-list is the old name.',
      description: 'Defaults to the brokers of the local cluster in --dir.',
      helpValue: 'host:port',
      aliases: ['broker-list'],
    }),
    topic: Flags.string({ summary: 'Topic to consume.', required: true }),
    messages: Flags.integer({ summary: 'Number of records to consume.', required: true }),
    group: Flags.string({ summary: 'Consumer group id (default perf-consumer-<random>).' }),
    timeout: Flags.integer({ summary: 'Give up when no record arrived for this many ms.', default: 10_000 }),
    'from-latest': Flags.boolean({ summary: 'Start at the end when the group has no commits.' }),
    'hide-header': Flags.boolean({ summary: 'Do not print the CSV header.' }),
    'show-detailed-stats': Flags.boolean({ summary: 'Print a row per reporting interval instead of one summary row.' }),
    'reporting-interval': Flags.integer({ summary: 'Interval of the detailed rows (ms).', default: 5000 }),
    'print-metrics': Flags.boolean({ summary: 'Print consumer metrics at the end.' }),
    'consumer.config': Flags.string({ summary: 'Consumer properties file.', helpValue: 'file' }),
    'date-format': Flags.string({ summary: `Date format of the rows; only Kafka's default ${KAFKA_DATE_FORMAT} is available.` }),
    ...refusedFlags({
      'fetch-size': { takesValue: true, reason: 'fetch sizes are not tunable here' },
      'socket-buffer-size': { takesValue: true, reason: 'socket buffers are not tunable here' },
      threads: { takesValue: true, reason: 'the perf consumer has one thread (the option is gone in Kafka 4.0)' },
      'num-fetch-threads': { takesValue: true, reason: 'the perf consumer has one thread (the option is gone in Kafka 4.0)' },
      include: { takesValue: true, reason: 'the perf consumer reads one --topic here' },
    }),
  };

  async run(): Promise<unknown> {
    const f = this.flags;
    if (f['date-format'] !== undefined && f['date-format'] !== KAFKA_DATE_FORMAT) {
      throw new StreamctlError('USAGE', `--date-format '${f['date-format']}' is not available: rows use ${KAFKA_DATE_FORMAT}`);
    }
    if (f['reporting-interval'] <= 0) throw new StreamctlError('USAGE', 'The reporting-interval must be a positive integer (ms).');
    const props = mergedProperties(f['consumer.config'], '--consumer.config', [], '--consumer.config');
    const group = f.group ?? props['group.id'] ?? `perf-consumer-${Math.floor(Math.random() * 100_000)}`;
    const options = connectOptions({ ...f, 'bootstrap-server': f['bootstrap-server'] ?? props['bootstrap.servers'] });
    const consumer = PerfConsumer.open({ ...options, ...(props['client.id'] ? { clientId: props['client.id'] } : {}), group });
    const interrupt = interruptSignal();
    try {
      const result = await consumer.run({
        topic: f.topic,
        messages: f.messages,
        group,
        timeoutMs: f.timeout,
        fromLatest: f['from-latest'] || props['auto.offset.reset'] === 'latest',
        hideHeader: f['hide-header'],
        showDetailedStats: f['show-detailed-stats'],
        reportingIntervalMs: f['reporting-interval'],
        onLine: (line) => {
          if (!this.jsonEnabled()) writeOut(`${line}\n`);
        },
        signal: interrupt.signal,
      });
      if (!this.jsonEnabled()) {
        writeErr(result.stderr.map((l) => `${l}\n`).join(''));
        writeOut(result.stdout.map((l) => `${l}\n`).join(''));
        if (f['print-metrics']) writeOut(formatMetrics(result.metrics));
      }
      return { topic: this.flags.topic, group, ...consumerPerfSummary(result), timedOut: result.timedOut, metrics: Object.fromEntries(result.metrics) };
    } finally {
      interrupt.dispose();
      await consumer.close();
    }
  }
}
