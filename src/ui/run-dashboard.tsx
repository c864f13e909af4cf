// Render entry of `streamctl dashboard`: a live ink app on an interactive terminal, else
// (or with `once`) one plain frame rendered to a string — no cursor movement, so it can be
// piped and diffed. The live app runs on the terminal's alternate screen (the shell's screen
// and scrollback are back as they were after q, Ctrl-C, a signal or a crash) and ink redraws
// only the lines that changed (incremental rendering; the frame is kept one row shorter than
// the terminal so ink never falls back to clearing it). Always closes the clients.
// Concurrency: one dashboard per process; resolves when the user quits or `signal` aborts.
import { render, renderToString } from 'ink';
import { Dashboard } from './components/Dashboard.js';
import { LiveDashboard } from './components/LiveDashboard.js';
import type { DashboardActions } from './dashboard-actions.js';
import type { DashboardSnapshot } from './dashboard-snapshot.js';
import type { DetailSources } from './detail-sources.js';

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
  /** Detail views' data and the actions (live mode); closed with the poller. */
  details?: DetailSources;
  actions?: DashboardActions;
}

const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';

/** Most bytes of stderr kept while the dashboard owns the screen (the rest is dropped). */
const HELD_STDERR_BYTES = 64 * 1024;

/**
 * Holds what anything writes to stderr (a Node warning, a library's log line) while the
 * dashboard owns the terminal — a stray line would scroll the screen under ink's frame — and
 * returns a function that restores stderr and hands back the held text.
 */
export function holdStderr(stderr: NodeJS.WriteStream = process.stderr): () => string {
  const write = stderr.write;
  let held = '';
  stderr.write = ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((e?: Error | null) => void), done?: (e?: Error | null) => void) => {
    if (held.length < HELD_STDERR_BYTES) held += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    (typeof encoding === 'function' ? encoding : done)?.();
    return true;
  }) as typeof stderr.write;
  return () => {
    stderr.write = write;
    return held.slice(0, HELD_STDERR_BYTES);
  };
}

/** Switches to the alternate screen; the returned function (idempotent) switches back. */
export function enterAlternateScreen(stdout: NodeJS.WriteStream): () => void {
  stdout.write(ENTER_ALT_SCREEN);
  let left = false;
  const leave = () => {
    if (left) return;
    left = true;
    process.off('exit', leave);
    stdout.write(LEAVE_ALT_SCREEN);
  };
  // A crash (uncaught error, process.exit) still gives the shell its screen back.
  process.on('exit', leave);
  return leave;
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
    if (!options.details || !options.actions) throw new Error('the live dashboard needs detail sources and actions');
    const poll = () => poller.poll();
    const leave = enterAlternateScreen(stdout);
    const release = stdout === process.stdout ? holdStderr() : () => '';
    try {
      const app = render(<LiveDashboard poll={poll} details={options.details} actions={options.actions} intervalMs={options.intervalMs} />, {
        stdout,
        stdin: options.stdin ?? process.stdin,
        exitOnCtrlC: false,
        patchConsole: false,
        // Not ink's incrementalRendering: in ink 6.8 it moves the cursor up one line too few
        // after a frame with a trailing newline, so every redraw scrolled the screen by a line.
        // The standard renderer erases the frame's own lines and rewrites them (never the
        // whole terminal: the frame stays one row shorter than the screen).
        incrementalRendering: false,
      });
      const stop = () => app.unmount();
      options.signal?.addEventListener('abort', stop, { once: true });
      try {
        await app.waitUntilExit();
      } finally {
        options.signal?.removeEventListener('abort', stop);
      }
    } finally {
      leave();
      const held = release();
      if (held) process.stderr.write(held);
    }
  } finally {
    await Promise.all([poller.close(), options.details?.close()]);
  }
}
