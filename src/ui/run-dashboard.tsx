// Render entry of `streamctl dashboard`: a live ink app on an interactive terminal, else
// (or with `once`) one plain frame rendered to a string — no cursor movement, so it can be
// piped and diffed. Always closes the poller's clients, however the dashboard ends.
// Concurrency: one dashboard per process; resolves when the user quits or `signal` aborts.
import { render, renderToString } from 'ink';
import { Dashboard } from './components/Dashboard.js';
import { DashboardApp } from './components/DashboardApp.js';
import type { DashboardSnapshot } from './dashboard-snapshot.js';

export interface DashboardRunner {
  poll(): Promise<DashboardSnapshot>;
  close(): Promise<void>;
}

export interface RunDashboardOptions {
  poller: DashboardRunner;
  intervalMs: number;
  /** One frame and return (also used whenever stdout is not a terminal). */
  once: boolean;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Ends the live dashboard (SIGINT/SIGTERM from the caller). */
  signal?: AbortSignal;
}

/** One plain frame of a snapshot, as `--once` prints it. */
export function renderDashboardFrame(snapshot: DashboardSnapshot, columns = 120): string {
  return renderToString(<Dashboard snapshot={snapshot} focused={null} intervalSec={null} />, { columns });
}

/** True when the live (interactive) dashboard can run on these streams. */
export function canRunLive(stdout: NodeJS.WriteStream): boolean {
  return stdout.isTTY === true;
}

export async function runDashboard(options: RunDashboardOptions): Promise<void> {
  const stdout = options.stdout ?? process.stdout;
  const { poller } = options;
  try {
    if (options.once || !canRunLive(stdout)) {
      const snapshot = await poller.poll();
      stdout.write(`${renderDashboardFrame(snapshot, stdout.columns || 120)}\n`);
      return;
    }
    if (options.signal?.aborted) return;
    const poll = () => poller.poll();
    const app = render(<DashboardApp poll={poll} intervalMs={options.intervalMs} />, {
      stdout,
      stdin: options.stdin ?? process.stdin,
      exitOnCtrlC: false,
      patchConsole: false,
    });
    const stop = () => app.unmount();
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      await app.waitUntilExit();
    } finally {
      options.signal?.removeEventListener('abort', stop);
    }
  } finally {
    await poller.close();
  }
}
