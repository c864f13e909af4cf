// Latency histograms for metrics: log-linear buckets over microseconds (HDR-like, 32
// sub-buckets per power of two, about 3 % relative error, fixed memory), and a sliding
// window of such histograms for Prometheus quantiles that forget old samples (the window is
// split in slices; a slice older than the window is cleared on the next record or read).
// Quantiles are clamped to the window's [min, max], so one sample reads back exactly and
// p50 <= p99 <= max always holds. Single-threaded; record() is O(1) and allocation-free.

export const LATENCY_BUCKETS = 896;
const MAX_US = 0x7fffffff;

/** Bucket of a latency in microseconds (exact below 64 µs). */
export function bucketOf(us: number): number {
  if (us < 64) return us;
  const e = 31 - Math.clz32(us);
  const shift = e - 5;
  return 64 + (shift - 1) * 32 + ((us >>> shift) - 32);
}

/** Representative value (µs) of a bucket: its midpoint. */
export function bucketValue(bucket: number): number {
  if (bucket < 64) return bucket;
  const shift = ((bucket - 64) >> 5) + 1;
  const sub = ((bucket - 64) & 31) + 32;
  return (sub + 0.5) * 2 ** shift;
}

/** Microseconds of a latency in ms, clamped to the histogram's range. */
export function toMicros(ms: number): number {
  if (!(ms >= 0)) return 0;
  const us = Math.round(ms * 1000);
  return us > MAX_US ? MAX_US : us;
}

/**
 * Value (ms) under which a fraction q (0..1) of `count` samples in `counts` fall, clamped to
 * [minMs, maxMs]. 0 when there are no samples.
 */
export function quantileOf(counts: ArrayLike<number>, count: number, q: number, minMs: number, maxMs: number): number {
  if (count === 0) return 0;
  const rank = Math.max(1, Math.ceil(Math.min(1, Math.max(0, q)) * count));
  // The extreme ranks are known exactly.
  if (rank >= count) return maxMs;
  if (rank === 1) return minMs;
  let seen = 0;
  for (let i = 0; i < LATENCY_BUCKETS; i++) {
    seen += counts[i]!;
    if (seen >= rank) return Math.min(maxMs, Math.max(minMs, bucketValue(i) / 1000));
  }
  return maxMs;
}

export interface WindowSnapshot {
  /** Samples in the window. */
  count: number;
  sumMs: number;
  minMs: number;
  maxMs: number;
  quantile(q: number): number;
}

export interface WindowedHistogramOptions {
  /** Length of the window (default 60 s). */
  windowMs?: number;
  /** Slices the window is cut into (default 4): samples leave the window one slice at a time. */
  slices?: number;
}

export class WindowedHistogram {
  readonly #sliceMs: number;
  readonly #counts: Float64Array[];
  readonly #n: Float64Array;
  readonly #sum: Float64Array;
  readonly #min: Float64Array;
  readonly #max: Float64Array;
  #current = 0;
  #currentStart = Number.NEGATIVE_INFINITY;
  /** Every sample ever recorded (Prometheus's _count). */
  #total = 0;
  #totalSumMs = 0;

  constructor(options: WindowedHistogramOptions = {}) {
    const slices = Math.max(1, Math.floor(options.slices ?? 4));
    this.#sliceMs = Math.max(1, (options.windowMs ?? 60_000) / slices);
    this.#counts = Array.from({ length: slices }, () => new Float64Array(LATENCY_BUCKETS));
    this.#n = new Float64Array(slices);
    this.#sum = new Float64Array(slices);
    this.#min = new Float64Array(slices).fill(Number.POSITIVE_INFINITY);
    this.#max = new Float64Array(slices);
  }

  get totalCount(): number {
    return this.#total;
  }

  get totalSumMs(): number {
    return this.#totalSumMs;
  }

  record(ms: number, nowMs: number): void {
    if (!(ms >= 0)) ms = 0;
    this.#advance(nowMs);
    const s = this.#current;
    this.#counts[s]![bucketOf(toMicros(ms))]! += 1;
    this.#n[s]! += 1;
    this.#sum[s]! += ms;
    if (ms < this.#min[s]!) this.#min[s] = ms;
    if (ms > this.#max[s]!) this.#max[s] = ms;
    this.#total++;
    this.#totalSumMs += ms;
  }

  /** The samples of the last window (merged slices). */
  snapshot(nowMs: number): WindowSnapshot {
    this.#advance(nowMs);
    const merged = new Float64Array(LATENCY_BUCKETS);
    let count = 0;
    let sumMs = 0;
    let minMs = Number.POSITIVE_INFINITY;
    let maxMs = 0;
    for (let s = 0; s < this.#counts.length; s++) {
      if (this.#n[s] === 0) continue;
      const c = this.#counts[s]!;
      for (let i = 0; i < LATENCY_BUCKETS; i++) merged[i]! += c[i]!;
      count += this.#n[s]!;
      sumMs += this.#sum[s]!;
      minMs = Math.min(minMs, this.#min[s]!);
      maxMs = Math.max(maxMs, this.#max[s]!);
    }
    if (count === 0) minMs = 0;
    return { count, sumMs, minMs, maxMs, quantile: (q) => quantileOf(merged, count, q, minMs, maxMs) };
  }

  /** Moves to the slice of `nowMs`, clearing the slices that fell out of the window. */
  #advance(nowMs: number): void {
    if (nowMs - this.#currentStart < this.#sliceMs) return;
    const slices = this.#counts.length;
    const steps = Number.isFinite(this.#currentStart) ? Math.floor((nowMs - this.#currentStart) / this.#sliceMs) : slices;
    for (let i = 0; i < Math.min(steps, slices); i++) {
      this.#current = (this.#current + 1) % slices;
      this.#clear(this.#current);
    }
    this.#currentStart = Number.isFinite(this.#currentStart) && steps < slices ? this.#currentStart + steps * this.#sliceMs : nowMs;
  }

  #clear(s: number): void {
    if (this.#n[s] === 0) return;
    this.#counts[s]!.fill(0);
    this.#n[s] = 0;
    this.#sum[s] = 0;
    this.#min[s] = Number.POSITIVE_INFINITY;
    this.#max[s] = 0;
  }
}
