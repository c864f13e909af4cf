// How a streamctl command stops: on the first SIGINT/SIGTERM or when its stdout is closed
// (EPIPE: `streamctl consume ... | head -1`), the command's abort signal fires and it winds
// down cleanly (a group consumer commits and leaves); if it has not finished within a bound,
// or a second signal arrives, the process exits at once. As Kafka's console tools do, a
// clean stop after a signal or a closed stdout exits 0.
// The reader of a stdout pipe going away is noticed without a write, too (stdout-reader-watch).
// Concurrency: one process, one command; the state below is process-wide on purpose.

import { watchStdoutReader } from './stdout-reader-watch.js';

/** How long a command may take to wind down after the first signal or EPIPE. */
export const SHUTDOWN_GRACE_MS = 5_000;

let stdoutClosed = false;
let watching = false;
const onClosed = new Set<() => void>();

/** True once a write to stdout failed with EPIPE (the reader went away). */
export function isStdoutClosed(): boolean {
  return stdoutClosed;
}

/**
 * Installs the one stdout error listener: EPIPE marks stdout closed (later writes are
 * dropped) and tells every live interrupt; any other stdout error does the same, since
 * nothing more can be printed.
 */
export function watchStdoutClosed(): void {
  if (watching) return;
  watching = true;
  process.stdout.on('error', () => {
    // A command that is not streaming just finishes; keep the process from lingering on it.
    if (!stdoutClosed && onClosed.size === 0) setTimeout(() => process.exit(process.exitCode ?? 0), SHUTDOWN_GRACE_MS).unref();
    markStdoutClosed();
  });
}

function markStdoutClosed(): void {
  if (stdoutClosed) return;
  stdoutClosed = true;
  for (const fn of [...onClosed]) fn();
}

export interface Interrupt {
  signal: AbortSignal;
  dispose: () => void;
}

/**
 * An AbortSignal that fires on the first Ctrl-C or SIGTERM, or when stdout is closed.
 * After it fires the command has `graceMs` to finish before the process exits (code 1,
 * with a message); a second signal exits at once (130 for SIGINT, 143 for SIGTERM).
 */
export function interruptSignal(options: { graceMs?: number } = {}): Interrupt {
  watchStdoutClosed();
  const controller = new AbortController();
  const graceMs = options.graceMs ?? SHUTDOWN_GRACE_MS;
  let forceTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (controller.signal.aborted) return;
    controller.abort();
    forceTimer = setTimeout(() => {
      process.stderr.write(`Did not stop within ${Math.round(graceMs / 1000)} s; exiting.\n`);
      process.exit(1);
    }, graceMs);
    forceTimer.unref();
  };
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(name === 'SIGINT' ? 130 : 143);
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  onClosed.add(stop);
  if (stdoutClosed) stop();
  // The reader of a stdout pipe can go away while nothing is being written (`| head -1` on
  // an idle topic): watch for that too.
  const stopWatch = watchStdoutReader(markStdoutClosed);
  return {
    signal: controller.signal,
    dispose: () => {
      onClosed.delete(stop);
      stopWatch();
      // Keep a handler until exit so that a late signal still exits rather than being lost.
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      if (controller.signal.aborted) {
        const exitNow = (name: NodeJS.Signals) => process.exit(name === 'SIGINT' ? 130 : 143);
        process.once('SIGINT', exitNow);
        process.once('SIGTERM', exitNow);
      }
      void forceTimer;
    },
  };
}

/**
 * Writes to stdout honouring backpressure; resolves once the chunk is accepted, or at once
 * when stdout is closed (the chunk is dropped: nobody reads it).
 */
export async function writeStdout(chunk: Buffer | string): Promise<void> {
  if (stdoutClosed) return;
  if (process.stdout.write(chunk)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      process.stdout.removeListener('drain', done);
      onClosed.delete(done);
      resolve();
    };
    process.stdout.once('drain', done);
    onClosed.add(done);
  });
}
