import { describe, expect, it } from 'vitest';
import { mapConcurrent } from '../../../src/engine/common/map-concurrent.js';

describe('mapConcurrent', () => {
  it('keeps the input order whatever order the calls finish in', async () => {
    const out = await mapConcurrent([30, 10, 20, 0], 4, async (ms) => {
      await new Promise((r) => setTimeout(r, ms));
      return ms * 2;
    });
    expect(out).toEqual([60, 20, 40, 0]);
  });

  it('never has more than the limit in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    await mapConcurrent(Array.from({ length: 20 }, (_, i) => i), 3, async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
    });
    expect(peak).toBe(3);
  });

  it('rejects with the first failure', async () => {
    await expect(mapConcurrent([1, 2, 3], 2, async (n) => {
      if (n === 2) throw new Error('boom');
      return n;
    })).rejects.toThrow('boom');
  });

  it('returns [] for no items', async () => {
    expect(await mapConcurrent([], 4, async () => 1)).toEqual([]);
  });
});
