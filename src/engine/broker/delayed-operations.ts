// Purgatory for requests that wait: Fetch long polls (until min.bytes are available or
// max.wait.ms passes) and acks=-1 produces (until the ISR has the data or the request
// timeout passes). An operation is watched under one or more keys (`topic-partition`); when
// something changes for a key (append, high watermark moved, leadership changed) the owner
// calls checkAndComplete(key) and every operation watching it retries. Each operation
// completes exactly once, either through tryComplete() returning true or through its timer.
// Concurrency: one event loop; no operation runs re-entrantly.
import type { Clock } from '../common/clock.js';
import { systemClock } from '../common/clock.js';

export abstract class DelayedOperation {
  #completed = false;
  #timer: { cancel(): void } | undefined;

  get isCompleted(): boolean {
    return this.#completed;
  }

  /** Checks whether the operation can complete now; if so, must call forceComplete() and return true. */
  abstract tryComplete(): boolean;
  /** Produces the result (called exactly once, from forceComplete). */
  protected abstract onComplete(expired: boolean): void;

  /** Completes the operation if it was not yet; returns whether this call completed it. */
  forceComplete(expired = false): boolean {
    if (this.#completed) return false;
    this.#completed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.onComplete(expired);
    return true;
  }

  /** @internal */
  setTimer(timer: { cancel(): void }): void {
    this.#timer = timer;
  }
}

export class DelayedOperationPurgatory {
  readonly #watchers = new Map<string, Set<DelayedOperation>>();
  readonly #clock: Clock;
  readonly name: string;

  constructor(options: { name: string; clock?: Clock }) {
    this.name = options.name;
    this.#clock = options.clock ?? systemClock;
  }

  /** Operations currently parked (for tests and metrics). */
  get size(): number {
    const all = new Set<DelayedOperation>();
    for (const set of this.#watchers.values()) for (const op of set) if (!op.isCompleted) all.add(op);
    return all.size;
  }

  /**
   * Completes `op` now if it can; otherwise parks it under `keys` until it completes or
   * `timeoutMs` passes (then forceComplete(true)). Returns true when completed at once.
   */
  tryCompleteElseWatch(op: DelayedOperation, keys: readonly string[], timeoutMs: number): boolean {
    if (op.tryComplete()) return true;
    if (op.isCompleted) return true;
    for (const key of keys) {
      let set = this.#watchers.get(key);
      if (!set) {
        set = new Set();
        this.#watchers.set(key, set);
      }
      set.add(op);
    }
    op.setTimer(
      this.#clock.setTimeout(
        () => {
          op.forceComplete(true);
          this.#unwatch(op, keys);
        },
        Math.max(0, timeoutMs),
      ),
    );
    return false;
  }

  /** Retries every operation watching `key`; returns how many completed. */
  checkAndComplete(key: string): number {
    const set = this.#watchers.get(key);
    if (!set) return 0;
    let completed = 0;
    for (const op of [...set]) {
      if (op.isCompleted) {
        set.delete(op);
        continue;
      }
      if (op.tryComplete() || op.isCompleted) {
        set.delete(op);
        completed++;
      }
    }
    if (set.size === 0) this.#watchers.delete(key);
    return completed;
  }

  /** Completes every parked operation (shutdown). */
  completeAll(): void {
    for (const set of this.#watchers.values()) for (const op of set) op.forceComplete(true);
    this.#watchers.clear();
  }

  #unwatch(op: DelayedOperation, keys: readonly string[]): void {
    for (const key of keys) {
      const set = this.#watchers.get(key);
      if (!set) continue;
      set.delete(op);
      if (set.size === 0) this.#watchers.delete(key);
    }
  }
}
