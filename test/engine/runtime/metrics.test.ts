import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../src/engine/runtime/metrics/latency-histogram.js';
import { ExecutorMetrics } from '../../../src/engine/runtime/metrics/executor-metrics.js';

describe('metrics', () => {
  it('histogram reports mean, p50, p99 and max within a few percent', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i / 10); // 0.1 .. 100 ms
    const s = h.stats();
    expect(s.count).toBe(1000);
    expect(s.meanMs).toBeCloseTo(50.05, 1);
    expect(s.p50Ms).toBeGreaterThan(48.5);
    expect(s.p50Ms).toBeLessThan(51.5);
    expect(s.p99Ms).toBeGreaterThan(97);
    expect(s.p99Ms).toBeLessThanOrEqual(100);
    expect(s.maxMs).toBe(100);
  });

  it('capacity is executed × mean execute latency over the window', () => {
    let now = 0;
    const m = new ExecutorMetrics({ component: 'c', kind: 'bolt', startTask: 1, endTask: 1, sampleRate: 1, now: () => now });
    now = 10_000;
    m.tick(now);
    for (let i = 0; i < 1000; i++) m.recordExecuted(5); // 5 s busy in a 10 s window
    expect(m.capacity(now + 1)).toBeCloseTo(0.5, 2);
    expect(m.snapshot()).toMatchObject({ executed: 1000, kind: 'bolt' });
  });
});
