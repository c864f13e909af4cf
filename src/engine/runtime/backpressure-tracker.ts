// BackPressureTracker (Storm's BackPressureTracker): decides when this worker's executors
// are under back pressure and which changes to publish to the other workers. An executor's
// tasks become blocked when its receive queue reaches capacity and stay blocked until it is
// half empty (hysteresis, so producers do not flap). Local producers see the same state
// through isBlocked(). Pure bookkeeping over the executors' queues; single-threaded.
import type { Executor } from './executor.js';

export interface BackPressureChanges {
  blocked: number[];
  unblocked: number[];
}

export class BackPressureTracker {
  readonly #executors: readonly Executor[];

  constructor(executors: readonly Executor[]) {
    this.#executors = executors;
  }

  /** True when a local executor cannot take more tuples now (published, or its queue is full). */
  isBlocked(ex: Executor): boolean {
    return ex.bpPublished || ex.queue.length >= ex.queueCapacity;
  }

  /**
   * Tasks whose state changed since the last call (blocked at capacity, unblocked at half
   * capacity), or null when nothing changed. Marks the new state as published.
   */
  changes(): BackPressureChanges | null {
    let blocked: number[] | null = null;
    let unblocked: number[] | null = null;
    const executors = this.#executors;
    for (let i = 0; i < executors.length; i++) {
      const ex = executors[i]!;
      const len = ex.queue.length;
      if (!ex.bpPublished && len >= ex.queueCapacity) {
        ex.bpPublished = true;
        blocked ??= [];
        for (let t = ex.startTask; t <= ex.endTask; t++) blocked.push(t);
      } else if (ex.bpPublished && len <= ex.queueCapacity >> 1) {
        ex.bpPublished = false;
        unblocked ??= [];
        for (let t = ex.startTask; t <= ex.endTask; t++) unblocked.push(t);
      }
    }
    return blocked || unblocked ? { blocked: blocked ?? [], unblocked: unblocked ?? [] } : null;
  }
}
