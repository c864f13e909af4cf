// Test helper: a real terminal for TUI tests — a detached tmux session on its own server
// socket (so it never touches a user's tmux), a shell in it, keys sent with send-keys, the
// screen read with capture-pane, resized with resize-window; kill() ends the server.
import { execa } from 'execa';

export interface TmuxTerminal {
  /** Types keys (tmux key names like Enter, Escape, or literal text with `literal`). */
  send(keys: string[], literal?: boolean): Promise<void>;
  /** The visible screen, one string per row (trailing blanks trimmed). */
  screen(): Promise<string[]>;
  resize(columns: number, rows: number): Promise<void>;
  kill(): Promise<void>;
}

export async function openTmux(options: { columns: number; rows: number; cwd?: string }): Promise<TmuxTerminal> {
  const socket = `streamctl-test-${process.pid}-${Date.now()}`;
  const tmux = (args: string[]) => execa('tmux', ['-L', socket, '-f', '/dev/null', ...args], { cwd: options.cwd, env: { NODE_NO_WARNINGS: '1', TERM: 'xterm-256color' } });
  await tmux(['new-session', '-d', '-s', 't', '-x', String(options.columns), '-y', String(options.rows), 'sh']);
  await tmux(['set-option', '-t', 't', 'window-size', 'manual']);
  return {
    async send(keys, literal = false) {
      await tmux(['send-keys', '-t', 't', ...(literal ? ['-l'] : []), ...keys]);
    },
    async screen() {
      const r = await tmux(['capture-pane', '-p', '-t', 't']);
      return r.stdout.split('\n').map((l) => l.trimEnd());
    },
    async resize(columns, rows) {
      await tmux(['resize-window', '-t', 't', '-x', String(columns), '-y', String(rows)]);
    },
    async kill() {
      await tmux(['kill-server']).catch(() => undefined);
    },
  };
}
