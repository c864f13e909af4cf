// kafka-consumer-perf-test as an engine operation: joins a (fresh by default) group, reads
// --messages records from the earliest offset, and reports Kafka's CSV figures (MB and
// records consumed, rates, rebalance time and fetch time). Stops on the count, on
// --timeout without records (with Kafka's warning), or on abort.
// Concurrency: run() once per instance.
import { type Clock, systemClock } from '../common/clock.js';
import type { KafkaConnectOptions } from './client-options.js';
import { ConsoleConsumer } from './console-consumer.js';
import { CONSUMER_PERF_HEADER, consumerPerfRow, consumerPerfTimeoutWarning, type ConsumerPerfFigures } from './perf-stats.js';

export interface PerfConsumerRunOptions {
  topic: string;
  messages: number;
  group: string;
  timeoutMs?: number;
  fromLatest?: boolean;
  hideHeader?: boolean;
  signal?: AbortSignal;
}

export interface PerfConsumerResult extends ConsumerPerfFigures {
  timedOut: boolean;
  /** Lines for stdout (header and row) and stderr (timeout warning). */
  stdout: string[];
  stderr: string[];
}

export class PerfConsumer {
  readonly #consumer: ConsoleConsumer;
  readonly #clock: Clock;

  constructor(deps: { consumer: ConsoleConsumer; clock?: Clock }) {
    this.#consumer = deps.consumer;
    this.#clock = deps.clock ?? systemClock;
  }

  static open(options: KafkaConnectOptions & { group: string }): PerfConsumer {
    return new PerfConsumer({ consumer: ConsoleConsumer.open({ clientId: 'perf-consumer-client', ...options }) });
  }

  async close(): Promise<void> {
    await this.#consumer.close();
  }

  async run(o: PerfConsumerRunOptions): Promise<PerfConsumerResult> {
    const timeoutMs = o.timeoutMs ?? 10_000;
    const startMs = this.#clock.now();
    let joinedAt = startMs;
    let bytes = 0;
    let lastConsumedAt = startMs;
    const run = await this.#consumer.run({
      topic: o.topic,
      group: o.group,
      fromBeginning: !o.fromLatest,
      maxMessages: o.messages,
      timeoutMs,
      signal: o.signal,
      onReady: () => {
        joinedAt = this.#clock.now();
      },
      onRecord: (r) => {
        bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
        lastConsumedAt = this.#clock.now();
      },
    });
    const endMs = run.timedOut ? lastConsumedAt : this.#clock.now();
    const figures: ConsumerPerfFigures = { startMs, endMs: Math.max(endMs, joinedAt), bytes, messages: run.messages, joinGroupTimeMs: joinedAt - startMs };
    const stdout = o.hideHeader ? [] : [CONSUMER_PERF_HEADER];
    stdout.push(consumerPerfRow(figures));
    const stderr = run.timedOut && run.messages < o.messages ? [consumerPerfTimeoutWarning(timeoutMs)] : [];
    return { ...figures, timedOut: run.timedOut, stdout, stderr };
  }
}
