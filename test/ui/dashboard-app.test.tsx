import { EventEmitter } from 'node:events';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DashboardApp } from '../../src/ui/components/DashboardApp.js';
import type { DashboardSnapshot } from '../../src/ui/dashboard-snapshot.js';
import { runDashboard } from '../../src/ui/run-dashboard.js';
import { waitFor } from '../helpers/wait-for.js';
import { fixedSnapshot, topic } from './fixtures.js';

// ink renders only the final frame under CI (CI=true, as .ci/run sets); the dashboard command
// clears those variables for a terminal before importing ink, and so does this file (hoisted
// above the imports).
vi.hoisted(() => {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
});

afterEach(() => cleanup());

const manyTopics = () => fixedSnapshot({ topics: { data: ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => topic(n)), error: null } });

/** A poll that counts its calls and returns `make()`. */
function countingPoll(make: () => DashboardSnapshot = manyTopics) {
  const poll = Object.assign(async () => {
    poll.calls++;
    return make();
  }, { calls: 0 });
  return poll;
}

/** The line that starts a panel's border above its title: ╔ when focused, ╭ otherwise. */
function borderAbove(frame: string | undefined, title: string): string | undefined {
  const rows = (frame ?? '').split('\n');
  const i = rows.findIndex((l) => l.includes(title));
  return rows[i - 1]?.[0];
}

describe('DashboardApp', () => {
  it('focuses the brokers panel first and shows only a few rows of the others', async () => {
    const { lastFrame } = render(<DashboardApp poll={countingPoll()} intervalMs={60_000} />);
    await waitFor('first snapshot', () => lastFrame()?.includes('… 2 more'));
    expect(borderAbove(lastFrame(), '[1] Brokers')).toBe('╔');
    expect(borderAbove(lastFrame(), '[2] Topics')).toBe('╭');
    expect(lastFrame()).toContain('q quit · tab / 1-4 focus panel · r refresh now');
  });

  it('focuses a panel by its number and shows all its rows', async () => {
    const { lastFrame, stdin } = render(<DashboardApp poll={countingPoll()} intervalMs={60_000} />);
    await waitFor('first snapshot', () => lastFrame()?.includes('… 2 more'));
    stdin.write('2');
    await waitFor('topics focused', () => borderAbove(lastFrame(), '[2] Topics') === '╔');
    expect(lastFrame()).not.toContain('… 2 more');
    expect(lastFrame()).toMatch(/║ g +3 +3 +0 +0 +300 +12/);
    expect(borderAbove(lastFrame(), '[1] Brokers')).toBe('╭');
  });

  it('moves the focus forward with tab and back with shift-tab', async () => {
    const { lastFrame, stdin } = render(<DashboardApp poll={countingPoll()} intervalMs={60_000} />);
    await waitFor('first snapshot', () => lastFrame()?.includes('[4] Topologies'));
    stdin.write('\t');
    await waitFor('topics focused', () => borderAbove(lastFrame(), '[2] Topics') === '╔');
    stdin.write('\t');
    await waitFor('groups focused', () => borderAbove(lastFrame(), '[3] Consumer groups') === '╔');
    stdin.write('\x1b[Z');
    await waitFor('topics focused again', () => borderAbove(lastFrame(), '[2] Topics') === '╔');
  });

  it('polls again at once on r', async () => {
    const poll = countingPoll();
    const { lastFrame, stdin } = render(<DashboardApp poll={poll} intervalMs={60_000} />);
    await waitFor('first snapshot', () => lastFrame()?.includes('[4] Topologies') && !lastFrame()?.includes('refreshing'));
    expect(poll.calls).toBe(1);
    stdin.write('r');
    await waitFor('second poll', () => poll.calls === 2);
  });

  it('polls every interval', async () => {
    const poll = countingPoll();
    render(<DashboardApp poll={poll} intervalMs={20} />);
    await waitFor('three polls', () => poll.calls >= 3, 5000);
  });

  it('keeps the last frame and shows the error when a poll fails', async () => {
    let fail = false;
    const poll = async () => {
      if (fail) throw new Error('socket hang up');
      return fixedSnapshot();
    };
    const { lastFrame, stdin } = render(<DashboardApp poll={poll} intervalMs={60_000} />);
    await waitFor('first snapshot', () => lastFrame()?.includes('billing'));
    fail = true;
    stdin.write('r');
    await waitFor('error shown', () => lastFrame()?.includes('refresh failed: socket hang up'));
    expect(lastFrame()).toContain('billing');
  });
});

/** A terminal-like stdout/stdin pair for ink's render. */
function fakeTerminal() {
  const stdout = Object.assign(new EventEmitter(), {
    isTTY: true,
    columns: 100,
    rows: 60,
    output: '',
    write(chunk: string) {
      stdout.output += chunk;
      return true;
    },
  });
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    data: null as string | null,
    setEncoding() {},
    setRawMode() {},
    resume() {},
    pause() {},
    ref() {},
    unref() {},
    read() {
      const d = stdin.data;
      stdin.data = null;
      return d;
    },
    type(data: string) {
      stdin.data = data;
      stdin.emit('readable');
    },
  });
  return { stdout, stdin };
}

function fakePoller() {
  const poller = {
    polls: 0,
    closed: 0,
    async poll() {
      poller.polls++;
      return fixedSnapshot();
    },
    async close() {
      poller.closed++;
    },
  };
  return poller;
}

describe('runDashboard', () => {
  it('quits on q and closes the poller', async () => {
    const { stdout, stdin } = fakeTerminal();
    const poller = fakePoller();
    const done = runDashboard({ poller, intervalMs: 60_000, once: false, stdout: stdout as never, stdin: stdin as never });
    await waitFor('a frame with data', () => stdout.output.includes('billing'));
    stdin.type('q');
    await done;
    expect(poller.closed).toBe(1);
  });

  it('quits on Ctrl-C and closes the poller', async () => {
    const { stdout, stdin } = fakeTerminal();
    const poller = fakePoller();
    const done = runDashboard({ poller, intervalMs: 60_000, once: false, stdout: stdout as never, stdin: stdin as never });
    await waitFor('a frame with data', () => stdout.output.includes('billing'));
    stdin.type('\x03');
    await done;
    expect(poller.closed).toBe(1);
  });

  it('ends when the signal aborts (SIGTERM) and closes the poller', async () => {
    const { stdout, stdin } = fakeTerminal();
    const poller = fakePoller();
    const abort = new AbortController();
    const done = runDashboard({ poller, intervalMs: 60_000, once: false, stdout: stdout as never, stdin: stdin as never, signal: abort.signal });
    await waitFor('a frame with data', () => stdout.output.includes('billing'));
    abort.abort();
    await done;
    expect(poller.closed).toBe(1);
  });

  it('prints one plain frame with --once, polls once and closes', async () => {
    const { stdout } = fakeTerminal();
    const poller = fakePoller();
    await runDashboard({ poller, intervalMs: 2000, once: true, stdout: stdout as never });
    expect(poller.polls).toBe(1);
    expect(poller.closed).toBe(1);
    expect(stdout.output).toContain('billing');
    expect(stdout.output).not.toContain('\x1b');
  });

  it('falls back to one plain frame when stdout is not a terminal', async () => {
    const { stdout } = fakeTerminal();
    stdout.isTTY = false;
    const poller = fakePoller();
    await runDashboard({ poller, intervalMs: 2000, once: false, stdout: stdout as never });
    expect(poller.polls).toBe(1);
    expect(poller.closed).toBe(1);
    expect(stdout.output).toContain('wc');
    expect(stdout.output).not.toContain('\x1b');
  });
});
