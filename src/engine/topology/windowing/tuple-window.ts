// The window handed to a windowed bolt's execute (Storm's Window / TupleWindow): the tuples
// in the window, those new since the last activation, those expired since then, and the
// window's start and end timestamps. Immutable snapshot.
import type { Tuple } from '../tuple.js';

export interface Window<T> {
  /** Every event in the current window. */
  get(): T[];
  /** Events that were not in the previous window. */
  getNew(): T[];
  /** Events that left the window since the last activation. */
  getExpired(): T[];
  /** Window end: the trigger's reference time (the watermark-aligned end in event time). */
  getEndTimestamp(): number | undefined;
  /** Window start: end minus the window length, for duration windows; undefined for count windows. */
  getStartTimestamp(): number | undefined;
}

export type TupleWindow = Window<Tuple>;

export class TupleWindowImpl implements TupleWindow {
  constructor(
    private readonly tuples: Tuple[],
    private readonly newTuples: Tuple[],
    private readonly expiredTuples: Tuple[],
    private readonly startTimestamp: number | undefined,
    private readonly endTimestamp: number | undefined,
  ) {}
  get(): Tuple[] {
    return this.tuples;
  }
  getNew(): Tuple[] {
    return this.newTuples;
  }
  getExpired(): Tuple[] {
    return this.expiredTuples;
  }
  getStartTimestamp(): number | undefined {
    return this.startTimestamp;
  }
  getEndTimestamp(): number | undefined {
    return this.endTimestamp;
  }
  toString(): string {
    return `TupleWindowImpl{tuples=${this.tuples.length}, newTuples=${this.newTuples.length}, expiredTuples=${this.expiredTuples.length}}`;
  }
}
