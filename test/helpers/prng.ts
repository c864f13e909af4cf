// Seeded pseudo-random numbers for fuzz tests (mulberry32): the same seed gives the same
// run, so a failure is reproduced by printing and reusing its seed.

export interface Prng {
  readonly seed: number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** `length` random bytes. */
  bytes(length: number): Buffer;
}

export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed,
    int: (n) => Math.floor(next() * n),
    bytes: (length) => {
      const out = Buffer.allocUnsafe(length);
      for (let i = 0; i < length; i++) out[i] = Math.floor(next() * 256);
      return out;
    },
  };
}
