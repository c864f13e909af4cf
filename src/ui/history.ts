// Session history of the dashboard: one bounded ring buffer per series (topic rates, group lag
// and consumption rate, broker CPU...), a bounded number of series (the least recently
// written one is dropped first), and the text sparkline that draws a series. Pure data and
// text; no React, no I/O. Concurrency: single-threaded use from the poll loop.

/** Fixed-capacity ring buffer of numbers; the oldest value is overwritten when full. */
export class RingBuffer {
  readonly #values: number[];
  #start = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
    this.#values = new Array<number>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(value: number): void {
    const end = (this.#start + this.#size) % this.capacity;
    this.#values[end] = value;
    if (this.#size < this.capacity) this.#size++;
    else this.#start = (this.#start + 1) % this.capacity;
  }

  /** Values oldest first. */
  toArray(): number[] {
    return Array.from({ length: this.#size }, (_, i) => this.#values[(this.#start + i) % this.capacity]!);
  }

  last(): number | undefined {
    return this.#size === 0 ? undefined : this.#values[(this.#start + this.#size - 1) % this.capacity];
  }
}

export interface HistoryOptions {
  /** Points kept per series (default 300: 10 minutes at the default 2 s refresh). */
  pointsPerSeries?: number;
  /** Series kept at most (default 2000). */
  maxSeries?: number;
}

/** Named series of samples; memory is bounded by pointsPerSeries × maxSeries numbers. */
export class SeriesHistory {
  readonly #series = new Map<string, RingBuffer>();
  readonly #points: number;
  readonly #maxSeries: number;

  constructor(options: HistoryOptions = {}) {
    this.#points = options.pointsPerSeries ?? 300;
    this.#maxSeries = options.maxSeries ?? 2000;
  }

  get seriesCount(): number {
    return this.#series.size;
  }

  /** Appends a sample; a null (unknown) value is skipped. */
  record(key: string, value: number | null | undefined): void {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    let ring = this.#series.get(key);
    if (ring) this.#series.delete(key); // re-inserted below: Map order = least recently written first
    else ring = new RingBuffer(this.#points);
    ring.push(value);
    this.#series.set(key, ring);
    if (this.#series.size > this.#maxSeries) this.#series.delete(this.#series.keys().next().value!);
  }

  values(key: string): number[] {
    return this.#series.get(key)?.toArray() ?? [];
  }

  last(key: string): number | undefined {
    return this.#series.get(key)?.last();
  }
}

const BARS = '▁▂▃▄▅▆▇█';

/**
 * A sparkline of the last `width` values, scaled from 0 (or the minimum, when negative) to the
 * maximum; blank for no data. A flat non-zero series is drawn at full height.
 */
export function sparkline(values: readonly number[], width: number): string {
  const shown = values.slice(-Math.max(0, width));
  if (shown.length === 0) return '';
  const min = Math.min(0, ...shown);
  const max = Math.max(...shown);
  const span = max - min;
  return shown
    .map((v) => {
      if (span === 0) return v === 0 ? BARS[0] : BARS[BARS.length - 1];
      return BARS[Math.min(BARS.length - 1, Math.floor(((v - min) / span) * (BARS.length - 1) + 0.5))];
    })
    .join('');
}

/** Per-second rate between two counter samples; null when unknown or the counter went back. */
export function ratePerSec(previous: number | bigint | null | undefined, current: number | bigint | null | undefined, elapsedMs: number): number | null {
  if (previous === null || previous === undefined || current === null || current === undefined || elapsedMs <= 0) return null;
  const delta = Number(current) - Number(previous);
  return delta < 0 ? null : delta / (elapsedMs / 1000);
}
