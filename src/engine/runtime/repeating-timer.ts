// A repeating timer on an injected Clock (setInterval for code that takes a Clock): the
// worker's housekeeping and the executors' tick tuples run on it, so their tests advance a
// ManualClock instead of sleeping. Single-threaded; cancel() stops it for good.
import type { Clock } from '../common/clock.js';

export interface RepeatingTimer {
  cancel(): void;
}

/** Call `fn` every `ms` milliseconds of `clock` time until cancelled (first call after `ms`). */
export function repeatEvery(clock: Clock, ms: number, fn: () => void): RepeatingTimer {
  let cancelled = false;
  let handle: { cancel(): void } | undefined;
  const arm = (): void => {
    handle = clock.setTimeout(() => {
      if (cancelled) return;
      arm();
      fn();
    }, ms);
  };
  arm();
  return {
    cancel() {
      cancelled = true;
      handle?.cancel();
    },
  };
}
