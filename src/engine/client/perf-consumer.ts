// kafka-consumer-perf-test as an engine operation: joins a (fresh by default) group, reads
// --messages records from the earliest offset, and reports Kafka's CSV figures (MB and
// records consumed, rates, rebalance time and fetch time). Stops on the count, on
// --timeout without records (with Kafka's warning), or on abort.
// Concurrency: run() once per instance.
import { type Clock, systemClock } from '../common/clock.js';
import type { KafkaConnectOptions } from './client-options.js';
import { ConsoleConsumer } from './console-consumer.js';
import {
  CONSUMER_PERF_DETAILED_HEADER,
  CONSUMER_PERF_HEADER,
  consumerPerfRow,
  consumerPerfTimeoutWarning,
  type ConsumerPerfFigures,
  consumerProgressRow,
} from './perf-stats.js';

export interface PerfConsumerRunOptions {
  topic: string;
  messages: number;
  group: string;
  timeoutMs?: number;
  fromLatest?: boolean;
  hideHeader?: boolean;
  /** Print a progress row every `reportingIntervalMs` instead of the one summary row (Kafka's --show-detailed-stats). */
  showDetailedStats?: boolean;
  reportingIntervalMs?: number;
  /** Receives each progress row as it is made (detailed stats). */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

export interface PerfConsumerResult extends ConsumerPerfFigures {
  timedOut: boolean;
  /** Lines for stdout (header and row) and stderr (timeout warning). */
  stdout: string[];
  stderr: string[];
  /** `group:name:{tags}` → value, for --print-metrics (the figures streamctl measures). */
  metrics: Array<[string, number]>;
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
    const reportingIntervalMs = o.reportingIntervalMs ?? 5000;
    let lastReport = { at: startMs, bytes: 0, messages: 0 };
    let messages = 0;
    let joinTimeInRound = 0;
    if (o.showDetailedStats && !o.hideHeader) o.onLine?.(CONSUMER_PERF_DETAILED_HEADER);
    const run = await this.#consumer.run({
      topic: o.topic,
      group: o.group,
      fromBeginning: !o.fromLatest,
      maxMessages: o.messages,
      timeoutMs,
      signal: o.signal,
      onReady: () => {
        joinedAt = this.#clock.now();
        joinTimeInRound = joinedAt - startMs;
      },
      onRecord: (r) => {
        bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
        messages += 1;
        lastConsumedAt = this.#clock.now();
        // Kafka's consume loop: a progress row once the reporting interval has passed.
        if (lastConsumedAt - lastReport.at >= reportingIntervalMs) {
          if (o.showDetailedStats) {
            o.onLine?.(
              consumerProgressRow({ bytes, lastBytes: lastReport.bytes, messages, lastMessages: lastReport.messages, startMs: lastReport.at, endMs: lastConsumedAt, joinTimeMs: joinTimeInRound }),
            );
          }
          lastReport = { at: lastConsumedAt, bytes, messages };
          joinTimeInRound = 0;
        }
      },
    });
    const endMs = run.timedOut ? lastConsumedAt : this.#clock.now();
    const figures: ConsumerPerfFigures = { startMs, endMs: Math.max(endMs, joinedAt), bytes, messages: run.messages, joinGroupTimeMs: joinedAt - startMs };
    // With detailed stats Kafka prints only the progress rows, no summary.
    const stdout = o.showDetailedStats ? [] : o.hideHeader ? [consumerPerfRow(figures)] : [CONSUMER_PERF_HEADER, consumerPerfRow(figures)];
    const stderr = run.timedOut && run.messages < o.messages ? [consumerPerfTimeoutWarning(timeoutMs)] : [];
    const elapsed = Math.max(1, figures.endMs - figures.startMs);
    const tags = '{client-id=perf-consumer-client}';
    const metrics: Array<[string, number]> = [
      [`consumer-fetch-manager-metrics:records-consumed-total:${tags}`, run.messages],
      [`consumer-fetch-manager-metrics:records-consumed-rate:${tags}`, (1000 * run.messages) / elapsed],
      [`consumer-fetch-manager-metrics:bytes-consumed-total:${tags}`, bytes],
      [`consumer-fetch-manager-metrics:bytes-consumed-rate:${tags}`, (1000 * bytes) / elapsed],
      [`consumer-coordinator-metrics:join-time-max:${tags}`, figures.joinGroupTimeMs],
    ];
    return { ...figures, timedOut: run.timedOut, stdout, stderr, metrics };
  }
}
