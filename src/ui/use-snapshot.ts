// React hook that polls: calls `poll()` at once, then `intervalMs` after each poll settles
// (so polls never overlap and a slow source stretches the period instead of piling up), and
// on `refresh()`. A rejected poll keeps the last good value and reports the error.
// Concurrency: one poll in flight at a time; stops polling when the component unmounts.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface SnapshotState<T> {
  /** The latest value; null until the first poll settles. */
  value: T | null;
  /** Why the latest poll failed, or null. */
  error: string | null;
  /** A poll is in flight. */
  polling: boolean;
  /** Polls now (or right after the one in flight). */
  refresh: () => void;
}

export function useSnapshot<T>(poll: () => Promise<T>, intervalMs: number): SnapshotState<T> {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [polling, setPolling] = useState(false);
  const run = useRef<() => void>(() => undefined);

  useEffect(() => {
    let stopped = false;
    let inFlight = false;
    let again = false;
    let timer: NodeJS.Timeout | undefined;
    const tick = () => {
      clearTimeout(timer);
      timer = undefined;
      if (stopped) return;
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      setPolling(true);
      poll().then(
        (next) => {
          if (stopped) return;
          setValue(next);
          setError(null);
        },
        (e: unknown) => {
          if (!stopped) setError(e instanceof Error ? e.message : String(e));
        },
      ).finally(() => {
        inFlight = false;
        if (stopped) return;
        setPolling(false);
        if (again) {
          again = false;
          tick();
        } else {
          timer = setTimeout(tick, intervalMs);
        }
      });
    };
    run.current = tick;
    tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
      run.current = () => undefined;
    };
  }, [poll, intervalMs]);

  const refresh = useCallback(() => run.current(), []);
  return { value, error, polling, refresh };
}
