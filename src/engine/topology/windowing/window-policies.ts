// Eviction and trigger policies of a window (Storm's CountEvictionPolicy, TimeEvictionPolicy,
// WatermarkCount/TimeEvictionPolicy and the Count/Time/WatermarkCount/WatermarkTime trigger
// policies), with Storm's decisions: which events of the queue expire, stay for a later
// window or belong to the current one, and when the window fires. Time comes from the
// injected Clock. Single-threaded (the worker's event loop).
import type { Clock } from '../../common/clock.js';

export type EvictionAction = 'EXPIRE' | 'PROCESS' | 'KEEP' | 'STOP';

/** An event in a window: a tuple (or a watermark) with its timestamp. */
export interface WindowEvent<T> {
  readonly event: T | null;
  readonly timestamp: number;
  readonly isWatermark: boolean;
}

export interface EvictionContext {
  referenceTime: number;
  currentCount?: number;
  slidingCount?: number;
  slidingInterval?: number;
}

export interface EvictionPolicy<T> {
  evict(event: WindowEvent<T>): EvictionAction;
  track(event: WindowEvent<T>): void;
  getContext(): EvictionContext | undefined;
  setContext(context: EvictionContext): void;
  reset(): void;
}

/** What a trigger policy drives: the window manager. */
export interface TriggerHandler {
  /** Evaluate the window; false when it had no events. */
  onTrigger(): boolean;
}

/** The queue views a watermark trigger needs. */
export interface WindowQueueView {
  getEarliestEventTs(startTs: number, endTs: number): number;
  getEventCount(referenceTime: number): number;
  getSlidingCountTimestamps(startTs: number, endTs: number, slidingCount: number): number[];
}

export interface TriggerPolicy<T> {
  track(event: WindowEvent<T>): void;
  reset(): void;
  start(): void;
  shutdown(): void;
}

export class CountEvictionPolicy<T> implements EvictionPolicy<T> {
  protected readonly threshold: number;
  protected currentCount = 0;
  #context: EvictionContext | undefined;
  constructor(count: number) {
    this.threshold = count;
  }
  evict(_event: WindowEvent<T>): EvictionAction {
    if (this.currentCount > this.threshold) {
      this.currentCount--;
      return 'EXPIRE';
    }
    return 'PROCESS';
  }
  track(event: WindowEvent<T>): void {
    if (!event.isWatermark) this.currentCount++;
  }
  getContext(): EvictionContext | undefined {
    return this.#context;
  }
  setContext(context: EvictionContext): void {
    this.#context = context;
  }
  reset(): void {}
}

/** Event-time count windows: only events up to the watermark, at most the count. */
export class WatermarkCountEvictionPolicy<T> extends CountEvictionPolicy<T> {
  #processed = 0;
  #ctx: EvictionContext | undefined;
  override evict(event: WindowEvent<T>): EvictionAction {
    if (this.#ctx === undefined) return 'STOP';
    if (event.timestamp <= this.#ctx.referenceTime && this.#processed < this.currentCount) {
      const action = super.evict(event);
      if (action === 'PROCESS') this.#processed++;
      return action;
    }
    return 'KEEP';
  }
  override track(_event: WindowEvent<T>): void {}
  override getContext(): EvictionContext | undefined {
    return this.#ctx;
  }
  override setContext(context: EvictionContext): void {
    this.#ctx = context;
    if (context.currentCount !== undefined) this.currentCount = context.currentCount;
    else this.currentCount = this.#processed + (context.slidingCount ?? 0);
    this.#processed = 0;
  }
}

export class TimeEvictionPolicy<T> implements EvictionPolicy<T> {
  protected readonly windowLength: number;
  protected context: EvictionContext | undefined;
  #delta = 0;
  readonly #clock: Clock;
  constructor(windowLengthMs: number, clock: Clock) {
    this.windowLength = windowLengthMs;
    this.#clock = clock;
  }
  evict(event: WindowEvent<T>): EvictionAction {
    const now = this.context === undefined ? this.#clock.now() : this.context.referenceTime;
    const diff = now - event.timestamp;
    if (diff >= this.windowLength + this.#delta) return 'EXPIRE';
    if (diff < 0) return 'KEEP';
    return 'PROCESS';
  }
  track(_event: WindowEvent<T>): void {}
  getContext(): EvictionContext | undefined {
    return this.context;
  }
  setContext(context: EvictionContext): void {
    const prev = this.context;
    this.context = context;
    // Storm's drift adjustment: the first window considers every event.
    if (context.slidingInterval !== undefined) {
      this.#delta = prev === undefined ? Number.MAX_SAFE_INTEGER / 2 : context.referenceTime - prev.referenceTime - context.slidingInterval;
    }
  }
  reset(): void {}
}

export class WatermarkTimeEvictionPolicy<T> extends TimeEvictionPolicy<T> {
  readonly #lag: number;
  constructor(windowLengthMs: number, lagMs: number, clock: Clock) {
    super(windowLengthMs, clock);
    this.#lag = lagMs;
  }
  override evict(event: WindowEvent<T>): EvictionAction {
    // Before the first watermark every event is held.
    if (this.context === undefined) return 'STOP';
    const diff = this.context.referenceTime - event.timestamp;
    if (diff < -this.#lag) return 'STOP';
    if (diff < 0) return 'KEEP';
    return super.evict(event);
  }
}

export class CountTriggerPolicy<T> implements TriggerPolicy<T> {
  readonly #count: number;
  #current = 0;
  #started = false;
  constructor(
    count: number,
    private readonly handler: TriggerHandler,
    private readonly eviction: EvictionPolicy<T>,
    private readonly clock: Clock,
  ) {
    this.#count = count;
  }
  track(event: WindowEvent<T>): void {
    if (!this.#started || event.isWatermark) return;
    if (++this.#current >= this.#count) {
      this.eviction.setContext({ referenceTime: this.clock.now() });
      this.handler.onTrigger();
    }
  }
  reset(): void {
    this.#current = 0;
  }
  start(): void {
    this.#started = true;
  }
  shutdown(): void {}
}

/** Processing-time trigger every `durationMs` (Storm's scheduleAtFixedRate), on the injected clock. */
export class TimeTriggerPolicy<T> implements TriggerPolicy<T> {
  #timer: { cancel(): void } | undefined;
  #next = 0;
  constructor(
    private readonly durationMs: number,
    private readonly handler: TriggerHandler,
    private readonly eviction: EvictionPolicy<T>,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
  ) {}
  track(_event: WindowEvent<T>): void {}
  reset(): void {}
  start(): void {
    this.#next = this.clock.now() + this.durationMs;
    this.#schedule();
  }
  #schedule(): void {
    this.#timer = this.clock.setTimeout(() => {
      this.#next += this.durationMs;
      try {
        this.eviction.setContext({ referenceTime: this.clock.now(), slidingInterval: this.durationMs });
        this.handler.onTrigger();
      } catch (error) {
        this.onError(error);
      }
      if (this.#timer !== undefined) this.#schedule();
    }, Math.max(0, this.#next - this.clock.now()));
  }
  shutdown(): void {
    const t = this.#timer;
    this.#timer = undefined;
    t?.cancel();
  }
}

/** Event-time sliding by count: a window every `count` events up to each watermark. */
export class WatermarkCountTriggerPolicy<T> implements TriggerPolicy<T> {
  #lastProcessedTs = 0;
  #started = false;
  constructor(
    private readonly count: number,
    private readonly handler: TriggerHandler,
    private readonly eviction: EvictionPolicy<T>,
    private readonly queue: WindowQueueView,
  ) {}
  track(event: WindowEvent<T>): void {
    if (!this.#started || !event.isWatermark) return;
    for (const ts of this.queue.getSlidingCountTimestamps(this.#lastProcessedTs, event.timestamp, this.count)) {
      this.eviction.setContext({ referenceTime: ts, slidingCount: this.count });
      this.handler.onTrigger();
      this.#lastProcessedTs = ts;
    }
  }
  reset(): void {}
  start(): void {
    this.#started = true;
  }
  shutdown(): void {}
}

/** Event-time sliding by duration: every window end (aligned to the interval) up to each watermark. */
export class WatermarkTimeTriggerPolicy<T> implements TriggerPolicy<T> {
  #nextWindowEndTs = 0;
  #started = false;
  constructor(
    private readonly slidingIntervalMs: number,
    private readonly handler: TriggerHandler,
    private readonly eviction: EvictionPolicy<T>,
    private readonly queue: WindowQueueView,
  ) {}
  track(event: WindowEvent<T>): void {
    if (!this.#started || !event.isWatermark) return;
    const watermarkTs = event.timestamp;
    let windowEndTs = this.#nextWindowEndTs;
    while (windowEndTs <= watermarkTs) {
      this.eviction.setContext({ referenceTime: windowEndTs, currentCount: this.queue.getEventCount(windowEndTs) });
      if (this.handler.onTrigger()) {
        windowEndTs += this.slidingIntervalMs;
      } else {
        // No events in that window: jump to the window of the next event up to the watermark.
        const ts = this.#nextAlignedWindowTs(windowEndTs, watermarkTs);
        if (ts === Number.MAX_SAFE_INTEGER) break;
        windowEndTs = ts;
      }
    }
    this.#nextWindowEndTs = windowEndTs;
  }
  #nextAlignedWindowTs(startTs: number, endTs: number): number {
    const next = this.queue.getEarliestEventTs(startTs, endTs);
    if (next === Number.MAX_SAFE_INTEGER || next % this.slidingIntervalMs === 0) return next;
    return next + (this.slidingIntervalMs - (next % this.slidingIntervalMs));
  }
  reset(): void {}
  start(): void {
    this.#started = true;
  }
  shutdown(): void {}
}
