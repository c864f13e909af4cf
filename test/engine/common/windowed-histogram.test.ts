import { describe, expect, it } from 'vitest';
import { WindowedHistogram } from '../../../src/engine/common/windowed-histogram.js';
import { LatencyHistogram } from '../../../src/engine/runtime/metrics/latency-histogram.js';

describe('WindowedHistogram', () => {
  it('reads a single sample back exactly at every quantile', () => {
    for (const ms of [0.003, 0.251, 7.777, 123.4, 98765.4]) {
      const h = new WindowedHistogram();
      h.record(ms, 0);
      const s = h.snapshot(1);
      for (const q of [0.5, 0.75, 0.99, 0.999]) expect(s.quantile(q)).toBe(ms);
      expect(s.count).toBe(1);
    }
  });

  it('keeps p50 <= p99 <= max and within 4 % of the exact quantile', () => {
    const h = new WindowedHistogram();
    const values = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) / 10 + 0.5);
    values.forEach((v) => h.record(v, 10));
    const s = h.snapshot(10);
    const sorted = [...values].sort((a, b) => a - b);
    const exact = (q: number) => sorted[Math.ceil(q * sorted.length) - 1]!;
    expect(s.quantile(0.5)).toBeLessThanOrEqual(s.quantile(0.99));
    expect(s.quantile(0.99)).toBeLessThanOrEqual(s.maxMs);
    for (const q of [0.5, 0.75, 0.99]) expect(Math.abs(s.quantile(q) - exact(q)) / exact(q)).toBeLessThan(0.04);
  });

  it('forgets samples once they leave the window, one slice at a time', () => {
    const h = new WindowedHistogram({ windowMs: 4000, slices: 4 });
    h.record(100, 0);
    h.record(1, 2500);
    expect(h.snapshot(3000).count).toBe(2);
    expect(h.snapshot(3000).quantile(0.99)).toBe(100);
    // The slice holding 100 ms ends at 1000; at 4000 it is out of the window.
    const later = h.snapshot(4500);
    expect(later.count).toBe(1);
    expect(later.quantile(0.99)).toBe(1);
    const empty = h.snapshot(60_000);
    expect(empty.count).toBe(0);
    expect(empty.quantile(0.5)).toBe(0);
    expect(h.totalCount).toBe(2);
  });

  it('resets after a long pause even when time jumped many windows', () => {
    const h = new WindowedHistogram({ windowMs: 1000, slices: 2 });
    h.record(5, 0);
    h.record(9, 1_000_000);
    const s = h.snapshot(1_000_001);
    expect(s.count).toBe(1);
    expect(s.quantile(0.5)).toBe(9);
  });
});

describe('LatencyHistogram (Storm executor latencies)', () => {
  it('never reports a percentile below a single sample', () => {
    const h = new LatencyHistogram();
    h.record(1.003);
    expect(h.stats()).toMatchObject({ count: 1, meanMs: 1.003, p50Ms: 1.003, p99Ms: 1.003, maxMs: 1.003 });
  });

  it('orders p50 <= p99 <= max', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 200; i++) h.record(i / 3);
    const s = h.stats();
    expect(s.p50Ms).toBeLessThanOrEqual(s.p99Ms);
    expect(s.p99Ms).toBeLessThanOrEqual(s.maxMs);
  });
});
