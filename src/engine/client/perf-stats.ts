// The arithmetic and text of kafka-producer-perf-test (5 s windows, final line with latency
// percentiles from sampled latencies) and kafka-consumer-perf-test (CSV header and row).
// Pure: callers pass the clock readings.

/** Java's String.format("%.Nf") for finite numbers (HALF_UP on the decimal text). */
export function javaFixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  const factor = 10 ** digits;
  const rounded = Math.round((Math.abs(value) + Number.EPSILON) * factor) / factor;
  return (value < 0 && rounded !== 0 ? '-' : '') + rounded.toFixed(digits);
}

const MIB = 1024 * 1024;

export class ProducerPerfStats {
  readonly #start: number;
  readonly #sampling: number;
  readonly #latencies: number[] = [];
  #iteration = 0;
  #count = 0;
  #bytes = 0;
  #maxLatency = 0;
  #totalLatency = 0;
  #windowStart: number;
  #windowCount = 0;
  #windowMaxLatency = 0;
  #windowTotalLatency = 0;
  #windowBytes = 0;
  readonly #reportingIntervalMs: number;

  constructor(numRecords: number, startMs: number, reportingIntervalMs = 5000) {
    this.#start = startMs;
    this.#windowStart = startMs;
    this.#sampling = Math.floor(numRecords / Math.min(numRecords, 500_000)) || 1;
    this.#reportingIntervalMs = reportingIntervalMs;
  }

  get count(): number {
    return this.#count;
  }

  /** Records one acknowledged send; returns the window line when the window (5 s) is over. */
  record(latencyMs: number, bytes: number, nowMs: number): string | undefined {
    this.#count += 1;
    this.#bytes += bytes;
    this.#totalLatency += latencyMs;
    this.#maxLatency = Math.max(this.#maxLatency, latencyMs);
    this.#windowCount += 1;
    this.#windowBytes += bytes;
    this.#windowTotalLatency += latencyMs;
    this.#windowMaxLatency = Math.max(this.#windowMaxLatency, latencyMs);
    if (this.#iteration % this.#sampling === 0) this.#latencies.push(latencyMs);
    this.#iteration += 1;
    if (nowMs - this.#windowStart >= this.#reportingIntervalMs) {
      const line = this.windowLine(nowMs);
      this.#windowStart = nowMs;
      this.#windowCount = 0;
      this.#windowBytes = 0;
      this.#windowTotalLatency = 0;
      this.#windowMaxLatency = 0;
      return line;
    }
    return undefined;
  }

  windowLine(nowMs: number): string {
    const elapsed = nowMs - this.#windowStart;
    const recsPerSec = (1000 * this.#windowCount) / elapsed;
    const mbPerSec = (1000 * this.#windowBytes) / elapsed / MIB;
    const avg = this.#windowTotalLatency / this.#windowCount;
    return `${this.#windowCount} records sent, ${javaFixed(recsPerSec, 1)} records/sec (${javaFixed(mbPerSec, 2)} MB/sec), ${javaFixed(avg, 1)} ms avg latency, ${javaFixed(this.#windowMaxLatency, 1)} ms max latency.`;
  }

  percentiles(ps: number[]): number[] {
    const sorted = [...this.#latencies].sort((a, b) => a - b);
    return ps.map((p) => Math.trunc(sorted[Math.floor(p * sorted.length)] ?? 0));
  }

  /** The figures behind the final line as Kafka producer metrics (for --print-metrics). */
  metrics(nowMs: number, clientId: string): Array<[string, number]> {
    const tags = `{client-id=${clientId}}`;
    const elapsed = Math.max(1, nowMs - this.#start);
    return [
      [`producer-metrics:record-send-total:${tags}`, this.#count],
      [`producer-metrics:record-send-rate:${tags}`, (1000 * this.#count) / elapsed],
      [`producer-metrics:record-size-avg:${tags}`, this.#count === 0 ? 0 : this.#bytes / this.#count],
      [`producer-metrics:request-latency-avg:${tags}`, this.#count === 0 ? 0 : this.#totalLatency / this.#count],
      [`producer-metrics:request-latency-max:${tags}`, this.#maxLatency],
    ];
  }

  /** The figures of the final line, as numbers (`perf produce --json`). */
  summary(nowMs: number): ProducerPerfSummary {
    const elapsed = nowMs - this.#start;
    const [p50, p95, p99, p999] = this.percentiles([0.5, 0.95, 0.99, 0.999]);
    return {
      records: this.#count,
      recordsPerSec: (1000 * this.#count) / elapsed,
      mbPerSec: (1000 * this.#bytes) / elapsed / MIB,
      avgLatencyMs: this.#count === 0 ? 0 : this.#totalLatency / this.#count,
      maxLatencyMs: this.#maxLatency,
      p50LatencyMs: p50 ?? 0,
      p95LatencyMs: p95 ?? 0,
      p99LatencyMs: p99 ?? 0,
      p999LatencyMs: p999 ?? 0,
    };
  }

  finalLine(nowMs: number): string {
    return producerPerfFinalLine(this.summary(nowMs));
  }
}

/** kafka-producer-perf-test's final figures (latencies in ms; MB is MiB, as Kafka's). */
export interface ProducerPerfSummary {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50LatencyMs: number;
  p95LatencyMs: number;
  p99LatencyMs: number;
  p999LatencyMs: number;
}

export function producerPerfFinalLine(s: ProducerPerfSummary): string {
  return (
    `${s.records} records sent, ${javaFixed(s.recordsPerSec, 6)} records/sec (${javaFixed(s.mbPerSec, 2)} MB/sec), ` +
    `${javaFixed(s.avgLatencyMs, 2)} ms avg latency, ${javaFixed(s.maxLatencyMs, 2)} ms max latency, ` +
    `${s.p50LatencyMs} ms 50th, ${s.p95LatencyMs} ms 95th, ${s.p99LatencyMs} ms 99th, ${s.p999LatencyMs} ms 99.9th.`
  );
}

export const CONSUMER_PERF_HEADER =
  'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

/** `yyyy-MM-dd HH:mm:ss:SSS` in local time. */
export function perfDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}:${p(d.getMilliseconds(), 3)}`;
}

export interface ConsumerPerfFigures {
  startMs: number;
  endMs: number;
  bytes: number;
  messages: number;
  joinGroupTimeMs: number;
}

/** The columns of kafka-consumer-perf-test's CSV row, as numbers (`perf consume --json`). */
export interface ConsumerPerfSummary {
  /** ISO-8601. */
  startTime: string;
  endTime: string;
  mbConsumed: number;
  mbPerSec: number;
  messages: number;
  messagesPerSec: number;
  rebalanceTimeMs: number;
  fetchTimeMs: number;
  fetchMbPerSec: number;
  fetchMessagesPerSec: number;
}

export function consumerPerfSummary(f: ConsumerPerfFigures): ConsumerPerfSummary {
  const elapsedSecs = (f.endMs - f.startMs) / 1000;
  const mb = f.bytes / MIB;
  const fetchTimeMs = f.endMs - f.startMs - f.joinGroupTimeMs;
  return {
    startTime: new Date(f.startMs).toISOString(),
    endTime: new Date(f.endMs).toISOString(),
    mbConsumed: mb,
    mbPerSec: mb / elapsedSecs,
    messages: f.messages,
    messagesPerSec: f.messages / elapsedSecs,
    rebalanceTimeMs: f.joinGroupTimeMs,
    fetchTimeMs,
    fetchMbPerSec: mb / (fetchTimeMs / 1000),
    fetchMessagesPerSec: f.messages / (fetchTimeMs / 1000),
  };
}

export function consumerPerfRow(f: ConsumerPerfFigures): string {
  const s = consumerPerfSummary(f);
  return [
    perfDate(f.startMs),
    perfDate(f.endMs),
    javaFixed(s.mbConsumed, 4),
    javaFixed(s.mbPerSec, 4),
    String(s.messages),
    javaFixed(s.messagesPerSec, 4),
    String(s.rebalanceTimeMs),
    String(s.fetchTimeMs),
    javaFixed(s.fetchMbPerSec, 4),
    javaFixed(s.fetchMessagesPerSec, 4),
  ].join(', ');
}

export function consumerPerfTimeoutWarning(timeoutMs: number): string {
  return `WARNING: Exiting before consuming the expected number of messages: timeout (${timeoutMs} ms) exceeded. You can use the --timeout option to increase the timeout.`;
}

/**
 * Kafka's ToolsUtils.printMetrics layout: a blank line, `Metric Name` padded to the longest
 * name and `   Value`, then `name : value` sorted by name, values as %.3f.
 */
export function formatMetrics(metrics: Array<[string, number]>): string {
  if (metrics.length === 0) return '';
  const sorted = [...metrics].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const width = Math.max(...sorted.map(([name]) => name.length));
  return `\n${'Metric Name'.padEnd(width)}   Value\n${sorted.map(([name, value]) => `${name.padEnd(width)} : ${javaFixed(value, 3)}\n`).join('')}`;
}

export const CONSUMER_PERF_DETAILED_HEADER =
  'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

/** One --show-detailed-stats line (Kafka's printConsumerProgress for thread 0) over [startMs, endMs]. */
export function consumerProgressRow(p: { bytes: number; lastBytes: number; messages: number; lastMessages: number; startMs: number; endMs: number; joinTimeMs: number }): string {
  const elapsedMs = p.endMs - p.startMs;
  const intervalMb = (p.bytes - p.lastBytes) / MIB;
  const intervalMessages = p.messages - p.lastMessages;
  const fetchTimeMs = elapsedMs - p.joinTimeMs;
  return [
    perfDate(p.endMs),
    '0',
    javaFixed(p.bytes / MIB, 4),
    javaFixed((1000 * intervalMb) / elapsedMs, 4),
    String(p.messages),
    javaFixed((intervalMessages / elapsedMs) * 1000, 4),
    String(p.joinTimeMs),
    String(fetchTimeMs),
    javaFixed(fetchTimeMs <= 0 ? 0 : (1000 * intervalMb) / fetchTimeMs, 4),
    javaFixed(fetchTimeMs <= 0 ? 0 : (1000 * intervalMessages) / fetchTimeMs, 4),
  ].join(', ');
}
