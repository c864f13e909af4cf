// kafka-producer-perf-test as an engine operation: N records of B random A–Z bytes (one
// payload, as Kafka does), throttled to R records/s (-1 = unthrottled), sent in batches with
// several requests in flight; per-record latency from enqueue to acknowledgement; the
// 5-second window lines and the final line through ProducerPerfStats.
// Concurrency: run() once per instance.
import { Producer } from '@platformatic/kafka';
import { StreamctlError } from '../common/errors.js';
import { type Clock, systemClock } from '../common/clock.js';
import { baseClientOptions, type KafkaConnectOptions, toStreamctlError } from './client-options.js';
import { awaitTopicPartitions } from './producer-topic.js';
import { type Compression, COMPRESSIONS, parseAcks } from './console-producer.js';
import { ProducerPerfStats, producerPerfFinalLine, type ProducerPerfSummary } from './perf-stats.js';
import type { Properties } from './properties.js';
import { ensureZstdSupport } from './zstd-support.js';

export interface PerfProducerRunOptions {
  topic: string;
  numRecords: number;
  /** Random A–Z payload of this size; or `payloads` (one picked at random per record, --payload-file); or `payloadMonotonic` (the record number as text). */
  recordSize?: number;
  payloads?: Buffer[];
  payloadMonotonic?: boolean;
  /** Records per second; -1 for no limit. */
  throughput: number;
  /** --producer-props: acks, compression.type, batch.size, linger.ms, max.in.flight.requests.per.connection. */
  producerProps?: Properties;
  /** Receives each output line (window lines and the final line). */
  onLine: (line: string) => void;
  signal?: AbortSignal;
}

export interface PerfProducerResult {
  /** The final figures as numbers (what --json prints). */
  summary: ProducerPerfSummary;
  finalLine: string;
  /** `group:name:{tags}` → value, for --print-metrics (the figures streamctl measures). */
  metrics: Array<[string, number]>;
}

/**
 * Kafka's payload file reading: the file's text split on the delimiter (a regular expression
 * in Kafka, default newline), trailing empty payloads dropped. Throws when none is left.
 */
export function splitPayloads(text: string, delimiter: string): Buffer[] {
  const parts = text.split(delimiter);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0) throw new StreamctlError('USAGE', 'File does not contain any payloads');
  return parts.map((p) => Buffer.from(p, 'utf8'));
}

/** The payload Kafka's perf test sends: `size` random uppercase letters. */
export function randomPayload(size: number, random: () => number = Math.random): Buffer {
  const payload = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) payload[i] = 65 + Math.floor(random() * 26);
  return payload;
}

export class PerfProducer {
  readonly #producer: Producer;
  readonly #clock: Clock;
  readonly clientId: string;

  constructor(deps: { producer: Producer; clock?: Clock; clientId?: string }) {
    this.#producer = deps.producer;
    this.#clock = deps.clock ?? systemClock;
    this.clientId = deps.clientId ?? 'perf-producer-client';
  }

  static open(options: KafkaConnectOptions): PerfProducer {
    ensureZstdSupport();
    const clientId = options.clientId ?? 'perf-producer-client';
    return new PerfProducer({ producer: new Producer({ ...baseClientOptions({ ...options, clientId }, clientId) }), clientId });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#producer.close(true, () => resolve()));
  }

  async run(o: PerfProducerRunOptions): Promise<PerfProducerResult> {
    if (!Number.isInteger(o.numRecords) || o.numRecords <= 0) throw new StreamctlError('USAGE', '--num-records should be greater than zero');
    const sources = [o.recordSize !== undefined, o.payloads !== undefined, o.payloadMonotonic === true].filter(Boolean).length;
    if (sources !== 1) throw new StreamctlError('USAGE', 'Exactly one of --record-size, --payload-file or --payload-monotonic must be specified');
    if (o.recordSize !== undefined && (!Number.isInteger(o.recordSize) || o.recordSize < 0)) throw new StreamctlError('USAGE', '--record-size should be a non-negative integer');
    const props = o.producerProps ?? {};
    const acks = parseAcks(props['acks'] ?? 'all');
    const compression = (props['compression.type'] ?? 'none') as Compression;
    if (!COMPRESSIONS.includes(compression)) throw new StreamctlError('USAGE', `Invalid compression.type '${compression}'`);
    const batchBytes = Number(props['batch.size'] ?? 16384);
    const lingerMs = Number(props['linger.ms'] ?? 5);
    const maxInFlight = Math.max(1, Number(props['max.in.flight.requests.per.connection'] ?? 5));
    const typicalSize = o.recordSize ?? (o.payloads ? Math.max(...o.payloads.map((p) => p.length)) : String(o.numRecords).length);
    const recordsPerBatch = Math.max(1, Math.floor(batchBytes / Math.max(1, typicalSize + 20)));

    // As the Java producer: the topic's metadata before the first send (auto-creating it when the cluster allows).
    await awaitTopicPartitions(this.#producer, o.topic, 60_000);
    const fixed = o.recordSize === undefined ? undefined : randomPayload(o.recordSize);
    const payloadFor = (i: number): Buffer => fixed ?? (o.payloads ? o.payloads[Math.floor(Math.random() * o.payloads.length)]! : Buffer.from(String(i)));
    const now = () => this.#clock.monotonic();
    const wall = () => this.#clock.now();
    const startWall = wall();
    const startMono = now();
    const stats = new ProducerPerfStats(o.numRecords, startWall);
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;

    const sendBatch = (batch: Array<{ t: number; value: Buffer }>) => {
      const messages = batch.map(({ value }) => ({ topic: o.topic, value }));
      const p = this.#producer
        .send({ messages, acks, compression })
        .then(() => {
          const doneAt = now();
          for (const { t, value } of batch) {
            // Whole milliseconds, as Kafka measures with currentTimeMillis.
            const line = stats.record(Math.floor(doneAt) - Math.floor(t), value.length, startWall + Math.floor(doneAt - startMono));
            if (line) o.onLine(line);
          }
        })
        .catch((error) => {
          failure ??= error;
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    };

    let batch: Array<{ t: number; value: Buffer }> = [];
    let batchOpenedAt = 0;
    for (let i = 0; i < o.numRecords && !failure && !o.signal?.aborted; i++) {
      const t = now();
      if (batch.length === 0) batchOpenedAt = t;
      batch.push({ t, value: payloadFor(i) });
      if (batch.length >= recordsPerBatch || t - batchOpenedAt >= lingerMs || i === o.numRecords - 1) {
        sendBatch(batch);
        batch = [];
        while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
      }
      // ThroughputThrottler: sleep until the sent count is back under the target rate.
      if (o.throughput > 0) {
        const elapsedMs = now() - startMono;
        const aheadMs = ((i + 1) * 1000) / o.throughput - elapsedMs;
        if (aheadMs > 0) {
          if (batch.length > 0) {
            sendBatch(batch);
            batch = [];
          }
          await new Promise((resolve) => setTimeout(resolve, aheadMs));
        }
      }
    }
    if (batch.length > 0) sendBatch(batch);
    await Promise.all(inFlight);
    if (failure) throw toStreamctlError(failure, 'producing');
    const endWall = startWall + (now() - startMono);
    const summary = stats.summary(endWall);
    const finalLine = producerPerfFinalLine(summary);
    o.onLine(finalLine);
    return { summary, finalLine, metrics: stats.metrics(endWall, this.clientId) };
  }
}
