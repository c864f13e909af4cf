// When the Kafka spout replays a failed tuple: storm-kafka-client's
// KafkaSpoutRetryExponentialBackoff. The n-th failure of a record schedules its replay at
// now + initialDelay (n = 1) or now + delayPeriod × 2^(n-1) (n > 1), never later than
// now + maxDelay; after maxRetries failures the record is not scheduled again (the spout
// then acks it and moves on). Storm's defaults: initial delay 0, delay period 2 ms, max
// retries unlimited, max delay 10 s. Topology conf keys (kafka.spout.retry.*) set them.
// Pure bookkeeping with the time passed in (a min-heap of due times, stale entries skipped);
// one instance per spout task.
import { StreamctlError } from '../common/errors.js';

export interface KafkaSpoutRetrySettings {
  initialDelayMs: number;
  delayPeriodMs: number;
  /** Failures after which a record is given up (Infinity: never). */
  maxRetries: number;
  maxDelayMs: number;
}

export const KAFKA_SPOUT_RETRY_DEFAULTS: Readonly<KafkaSpoutRetrySettings> = Object.freeze({
  initialDelayMs: 0,
  delayPeriodMs: 2,
  maxRetries: Number.POSITIVE_INFINITY,
  maxDelayMs: 10_000,
});

/** The conf key of each setting. */
export const KAFKA_SPOUT_RETRY_KEYS: Readonly<Record<keyof KafkaSpoutRetrySettings, string>> = Object.freeze({
  initialDelayMs: 'kafka.spout.retry.initial.delay.ms',
  delayPeriodMs: 'kafka.spout.retry.delay.period.ms',
  maxRetries: 'kafka.spout.retry.max.retries',
  maxDelayMs: 'kafka.spout.retry.max.delay.ms',
});

/** Settings from options (first), then the topology conf, then Storm's defaults; bad values throw INVALID_CONFIG. */
export function retrySettings(options: Partial<KafkaSpoutRetrySettings>, conf: Readonly<Record<string, unknown>>): KafkaSpoutRetrySettings {
  const out = { ...KAFKA_SPOUT_RETRY_DEFAULTS };
  for (const k of Object.keys(KAFKA_SPOUT_RETRY_KEYS) as Array<keyof KafkaSpoutRetrySettings>) {
    const raw = options[k] ?? conf[KAFKA_SPOUT_RETRY_KEYS[k]];
    if (raw === undefined || raw === null) continue;
    const n = Number(raw);
    if (typeof raw === 'boolean' || raw === '' || Number.isNaN(n) || n < 0) {
      throw new StreamctlError('INVALID_CONFIG', `${KAFKA_SPOUT_RETRY_KEYS[k]} must be a non-negative number, got ${JSON.stringify(raw)}`);
    }
    out[k] = n;
  }
  return out;
}

interface Scheduled<T> {
  item: T;
  failures: number;
  dueMs: number;
}

export class KafkaSpoutRetry<T> {
  readonly settings: KafkaSpoutRetrySettings;
  #scheduled = new Map<string, Scheduled<T>>();
  #failures = new Map<string, number>();
  /** [dueMs, key] by due time; an entry is stale when #scheduled no longer has that key at that time. */
  #heap: Array<[number, string]> = [];

  constructor(settings: KafkaSpoutRetrySettings) {
    this.settings = settings;
  }

  /** Delay before the replay after the `failures`-th failure. */
  delayMs(failures: number): number {
    const s = this.settings;
    const d = failures <= 1 ? s.initialDelayMs : s.delayPeriodMs * 2 ** (failures - 1);
    return Math.min(d, s.maxDelayMs);
  }

  /**
   * Records one more failure of `key` and schedules its replay; returns the failure count,
   * or false when it has failed more than maxRetries times (then it is forgotten).
   */
  schedule(key: string, item: T, nowMs: number): number | false {
    const failures = (this.#failures.get(key) ?? 0) + 1;
    if (failures > this.settings.maxRetries) {
      this.remove(key);
      return false;
    }
    const dueMs = nowMs + this.delayMs(failures);
    this.#failures.set(key, failures);
    this.#scheduled.set(key, { item, failures, dueMs });
    this.#push([dueMs, key]);
    return failures;
  }

  /** The item due soonest if it is due at `nowMs` (taken off the schedule; its failure count is kept). */
  takeReady(nowMs: number): T | undefined {
    const heap = this.#heap;
    while (heap.length > 0) {
      const [dueMs, key] = heap[0]!;
      const s = this.#scheduled.get(key);
      if (s !== undefined && s.dueMs === dueMs) {
        if (dueMs > nowMs) return undefined;
        this.#pop();
        this.#scheduled.delete(key);
        return s.item;
      }
      this.#pop(); // stale
    }
    return undefined;
  }

  /** Failures so far of `key` (0 when it never failed). */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Forget `key` (acked, given up, or its partition revoked). */
  remove(key: string): void {
    this.#scheduled.delete(key);
    this.#failures.delete(key);
    if (this.#scheduled.size === 0) this.#heap = [];
  }

  /** Number of replays scheduled (due or not). */
  get size(): number {
    return this.#scheduled.size;
  }

  #push(e: [number, string]): void {
    const h = this.#heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]![0] <= h[i]![0]) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]![0] < h[m]![0]) m = l;
      if (r < h.length && h[r]![0] < h[m]![0]) m = r;
      if (m === i) return;
      [h[m], h[i]] = [h[i]!, h[m]!];
      i = m;
    }
  }
}
