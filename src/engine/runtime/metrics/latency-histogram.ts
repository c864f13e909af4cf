// Latency histogram: log-linear buckets over microseconds (common/windowed-histogram's
// buckets: about 3 % relative error, fixed memory), cumulative. Gives mean, p50, p99 and
// max; percentiles are clamped to [min, max] so a single sample reads back exactly and
// p50 <= p99 <= max. Single-threaded.
import { bucketOf, LATENCY_BUCKETS, quantileOf, toMicros } from '../../common/windowed-histogram.js';
import type { LatencyStats } from '../contracts.js';

export class LatencyHistogram {
  readonly #counts = new Float64Array(LATENCY_BUCKETS);
  #count = 0;
  #sumMs = 0;
  #minMs = Number.POSITIVE_INFINITY;
  #maxMs = 0;

  record(ms: number): void {
    if (!(ms >= 0)) ms = 0;
    this.#counts[bucketOf(toMicros(ms))]! += 1;
    this.#count++;
    this.#sumMs += ms;
    if (ms < this.#minMs) this.#minMs = ms;
    if (ms > this.#maxMs) this.#maxMs = ms;
  }

  get count(): number {
    return this.#count;
  }

  /** Latency (ms) under which a fraction `q` (0..1) of recorded values fall. */
  percentile(q: number): number {
    return quantileOf(this.#counts, this.#count, q, this.#minMs, this.#maxMs);
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
