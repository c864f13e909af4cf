import { describe, expect, it } from 'vitest';
import { CONSUMER_PERF_HEADER, consumerPerfRow, javaFixed, ProducerPerfStats } from '../../../src/engine/client/perf-stats.js';

describe('perf test output', () => {
  it('prints the 5-second window line in Kafka format', () => {
    const stats = new ProducerPerfStats(100, 0);
    let line: string | undefined;
    for (let i = 0; i < 52; i++) line = stats.record(i === 0 ? 316 : 2, 100, i === 51 ? 5050 : 10 * i) ?? line;
    expect(line).toBe('52 records sent, 10.3 records/sec (0.00 MB/sec), 8.0 ms avg latency, 316.0 ms max latency.');
  });

  it('prints the final line with percentiles taken at index floor(p*n)', () => {
    const stats = new ProducerPerfStats(10, 0);
    for (let i = 1; i <= 10; i++) stats.record(i, 1024 * 1024, i * 100);
    expect(stats.finalLine(2000)).toBe(
      '10 records sent, 5.000000 records/sec (5.00 MB/sec), 5.50 ms avg latency, 10.00 ms max latency, 6 ms 50th, 10 ms 95th, 10 ms 99th, 10 ms 99.9th.',
    );
  });

  it('prints the consumer CSV header and the real output row', () => {
    expect(CONSUMER_PERF_HEADER).toBe(
      'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
    );
    const start = new Date(2025, 0, 15, 9, 26, 16, 817).getTime();
    const row = consumerPerfRow({ startMs: start, endMs: start + 3429, bytes: 10_026, messages: 105, joinGroupTimeMs: 3411 });
    expect(row).toBe('2025-01-15 09:26:16:817, 2025-01-15 09:26:20:246, 0.0096, 0.0028, 105, 30.6212, 3411, 18, 0.5312, 5833.3333');
  });

  it('rounds half up like Java', () => {
    expect(javaFixed(0.125, 2)).toBe('0.13');
    expect(javaFixed(2.5, 0)).toBe('3');
  });
});
