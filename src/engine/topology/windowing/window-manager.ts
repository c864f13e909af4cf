// WindowManager (Storm's): the queue of events of one windowed task, fed to its eviction and
// trigger policies. On each trigger it scans the queue, expires events (onExpiry: the
// executor acks them) and hands the current window, its new events (not in the previous
// window) and the events expired since the last window to onActivation. Every 100 adds it
// expires what it can so the queue stays bounded. Single-threaded.
import type { EvictionPolicy, TriggerHandler, TriggerPolicy, WindowEvent, WindowQueueView } from './window-policies.js';

/** Storm's EXPIRE_EVENTS_THRESHOLD. */
export const EXPIRE_EVENTS_THRESHOLD = 100;

export interface WindowLifecycleListener<T> {
  onExpiry(events: T[]): void;
  onActivation(events: T[], newEvents: T[], expired: T[], referenceTime: number | undefined): void;
}

export class WindowManager<T> implements TriggerHandler, WindowQueueView {
  readonly #listener: WindowLifecycleListener<T>;
  #queue: WindowEvent<T>[] = [];
  #expired: T[] = [];
  #prevWindow = new Set<WindowEvent<T>>();
  #sinceLastExpiry = 0;
  evictionPolicy!: EvictionPolicy<T>;
  triggerPolicy!: TriggerPolicy<T>;

  constructor(listener: WindowLifecycleListener<T>) {
    this.#listener = listener;
  }

  /** Add a tuple with its timestamp (processing time: now). */
  add(event: T, timestamp: number): void {
    this.addEvent({ event, timestamp, isWatermark: false });
  }

  addWatermark(timestamp: number): void {
    this.addEvent({ event: null, timestamp, isWatermark: true });
  }

  addEvent(e: WindowEvent<T>): void {
    if (!e.isWatermark) this.#queue.push(e);
    this.evictionPolicy.track(e);
    this.triggerPolicy.track(e);
    if (++this.#sinceLastExpiry >= EXPIRE_EVENTS_THRESHOLD) this.#scan(false);
  }

  onTrigger(): boolean {
    const windowEvents = this.#scan(true);
    const expired = this.#expired;
    this.#expired = [];
    const events: T[] = [];
    const newEvents: T[] = [];
    for (const e of windowEvents) {
      events.push(e.event!);
      if (!this.#prevWindow.has(e)) newEvents.push(e.event!);
    }
    this.#prevWindow = new Set(events.length > 0 ? windowEvents : []);
    if (events.length > 0) this.#listener.onActivation(events, newEvents, expired, this.evictionPolicy.getContext()?.referenceTime);
    this.triggerPolicy.reset();
    return events.length > 0;
  }

  shutdown(): void {
    this.triggerPolicy?.shutdown();
  }

  /** Events in the queue (not yet expired). */
  get size(): number {
    return this.#queue.length;
  }

  #scan(fullScan: boolean): WindowEvent<T>[] {
    const toExpire: T[] = [];
    const toProcess: WindowEvent<T>[] = [];
    const kept: WindowEvent<T>[] = [];
    let i = 0;
    for (; i < this.#queue.length; i++) {
      const e = this.#queue[i]!;
      const action = this.evictionPolicy.evict(e);
      if (action === 'EXPIRE') {
        toExpire.push(e.event!);
        continue;
      }
      if (!fullScan || action === 'STOP') break;
      kept.push(e);
      if (action === 'PROCESS') toProcess.push(e);
    }
    if (toExpire.length > 0) this.#queue = kept.concat(this.#queue.slice(i));
    for (const e of toExpire) this.#expired.push(e);
    this.#sinceLastExpiry = 0;
    if (toExpire.length > 0) this.#listener.onExpiry(toExpire);
    return toProcess;
  }

  getEarliestEventTs(startTs: number, endTs: number): number {
    let min = Number.MAX_SAFE_INTEGER;
    for (const e of this.#queue) if (e.timestamp > startTs && e.timestamp <= endTs && e.timestamp < min) min = e.timestamp;
    return min;
  }

  getEventCount(referenceTime: number): number {
    let n = 0;
    for (const e of this.#queue) if (e.timestamp <= referenceTime) n++;
    return n;
  }

  getSlidingCountTimestamps(startTs: number, endTs: number, slidingCount: number): number[] {
    const out: number[] = [];
    if (endTs <= startTs) return out;
    let count = 0;
    let ts = Number.MIN_SAFE_INTEGER;
    for (const e of this.#queue) {
      if (e.timestamp > startTs && e.timestamp <= endTs) {
        ts = Math.max(ts, e.timestamp);
        if (++count % slidingCount === 0) out.push(ts);
      }
    }
    return out;
  }
}
