// Latency histogram: log-linear buckets over microseconds (HDR-like, 32 sub-buckets per
// power of two, so about 3 % relative error), fixed memory (896 counters), cumulative.
// Gives mean, p50, p99 and max. Single-threaded.
import type { LatencyStats } from '../contracts.js';

const BUCKETS = 896;
const MAX_US = 0x7fffffff;

function bucketOf(us: number): number {
  if (us < 64) return us;
  const e = 31 - Math.clz32(us);
  const shift = e - 5;
  return 64 + (shift - 1) * 32 + ((us >>> shift) - 32);
}

function valueOf(bucket: number): number {
  if (bucket < 64) return bucket;
  const shift = ((bucket - 64) >> 5) + 1;
  const sub = ((bucket - 64) & 31) + 32;
  return (sub + 0.5) * 2 ** shift;
}

export class LatencyHistogram {
  readonly #counts = new Float64Array(BUCKETS);
  #count = 0;
  #sumMs = 0;
  #maxMs = 0;

  record(ms: number): void {
    if (!(ms >= 0)) ms = 0;
    let us = Math.round(ms * 1000);
    if (us > MAX_US) us = MAX_US;
    this.#counts[bucketOf(us)]! += 1;
    this.#count++;
    this.#sumMs += ms;
    if (ms > this.#maxMs) this.#maxMs = ms;
  }

  get count(): number {
    return this.#count;
  }

  /** Latency (ms) under which a fraction `q` (0..1) of recorded values fall. */
  percentile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return Math.min(valueOf(i) / 1000, this.#maxMs);
    }
    return this.#maxMs;
  }

  stats(): LatencyStats {
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    return {
      count: this.#count,
      meanMs: r3(this.#count ? this.#sumMs / this.#count : 0),
      p50Ms: r3(this.percentile(0.5)),
      p99Ms: r3(this.percentile(0.99)),
      maxMs: r3(this.#maxMs),
    };
  }
}
