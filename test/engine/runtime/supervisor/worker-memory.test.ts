import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ranOutOfHeap, residentMb, workerMemoryLimits } from '../../../../src/engine/runtime/supervisor/worker-memory.js';

describe('worker memory limits', () => {
  it('defaults to Storm’s 768 MB heap and a hard RSS limit of heap + 2024 MB', () => {
    expect(workerMemoryLimits({})).toEqual({ heapMb: 768, rssLimitMb: 768 + 2024 });
  });

  it('caps worker.heap.memory.mb at topology.worker.max.heap.size.mb', () => {
    expect(workerMemoryLimits({ 'worker.heap.memory.mb': 2048, 'topology.worker.max.heap.size.mb': 1024 }).heapMb).toBe(1024);
  });

  it('takes the larger of heap × multiplier and heap + overage as the hard limit', () => {
    expect(workerMemoryLimits({ 'worker.heap.memory.mb': 64, 'storm.supervisor.hard.memory.limit.overage.mb': 96 }).rssLimitMb).toBe(160);
    expect(workerMemoryLimits({ 'worker.heap.memory.mb': 1000, 'topology.worker.max.heap.size.mb': 1000, 'storm.supervisor.hard.memory.limit.overage.mb': 0, 'storm.supervisor.hard.memory.limit.multiplier': 1.5 }).rssLimitMb).toBe(1500);
  });

  it('refuses values that are not positive numbers, naming the key', () => {
    expect(() => workerMemoryLimits({ 'worker.heap.memory.mb': 'lots' })).toThrow(/worker.heap.memory.mb must be a positive number, got "lots"/);
    expect(() => workerMemoryLimits({ 'storm.supervisor.hard.memory.limit.overage.mb': -1 })).toThrow(/must be a non-negative number/);
    expect(() => workerMemoryLimits({ 'worker.heap.memory.mb': 8 })).toThrow(/at least 16/);
  });

  it('reads this process’s resident set size from /proc', () => {
    const rss = residentMb(process.pid)!;
    expect(rss).toBeGreaterThan(10);
    expect(Math.abs(rss - process.memoryUsage().rss / 2 ** 20)).toBeLessThan(50);
  });

  it('finds V8’s out-of-heap message only in output written after the given offset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'worker-memory-'));
    try {
      const out = join(dir, 'worker.out');
      const old = 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n';
      writeFileSync(out, old);
      expect(ranOutOfHeap(out, 0)).toBe(true);
      expect(ranOutOfHeap(out, old.length)).toBe(false);
      expect(ranOutOfHeap(join(dir, 'missing.out'), 0)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
