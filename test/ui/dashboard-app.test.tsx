// The live dashboard (LiveDashboard) against fixed data, with ink-testing-library: lists per
// kind, sorting and filtering, drill-down into every detail view, actions behind a y/N
// confirmation (the reset dry-run table first), the help screen, and frames that fit 80x24.
// runDashboard: alternate screen in and out, clients closed however it ends.
import { EventEmitter } from 'node:events';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LiveDashboard } from '../../src/ui/components/LiveDashboard.js';
import type { DashboardAction, DashboardActions } from '../../src/ui/dashboard-actions.js';
import type { DashboardSnapshot } from '../../src/ui/dashboard-snapshot.js';
import type { DetailSources, GroupDetailData, TopicDetailData, TopologyDetailData } from '../../src/ui/detail-sources.js';
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

const NOW = Date.UTC(2024, 0, 2, 3, 4, 5);

export function topicDetail(): TopicDetailData {
  const rec = (partition: number, offset: bigint, key: string, value: string, headers: Array<[string, Buffer | null]> = []) => ({
    topic: 'orders', partition, offset, timestamp: BigInt(NOW - 1000), timestampType: 'CreateTime' as const, key: Buffer.from(key), value: Buffer.from(value), headers,
  });
  return {
    topic: 'orders',
    partitions: [
      { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2], logStartOffset: 0n, logEndOffset: 600000n, sizeBytes: 2048, },
      { partition: 1, leader: 2, replicas: [2, 3, 1], isr: [2, 1], logStartOffset: 5n, logEndOffset: 634567n, sizeBytes: null },
    ],
    tail: [rec(1, 634566n, 'user-7', '{"amount":12}', [['trace', Buffer.from('t-1')]]), rec(0, 599999n, 'user-3', '{"amount":99}')],
    tailError: null,
    takenAtMs: NOW,
  };
}

function groupDetail(): GroupDetailData {
  return {
    group: 'billing',
    state: 'Stable',
    members: [{ group: 'billing', consumerId: 'c-1', groupInstanceId: null, host: '/127.0.0.1', clientId: 'app', assignment: [{ topic: 'orders', partitions: [0, 1] }] }],
    partitions: [
      { group: 'billing', topic: 'orders', partition: 0, leaderEpoch: 0, currentOffset: 597000n, logEndOffset: 600000n, lag: 3000n, consumerId: 'c-1', host: '/127.0.0.1', clientId: 'app', timeLagMs: 30 * 60_000 },
      { group: 'billing', topic: 'orders', partition: 1, leaderEpoch: 0, currentOffset: 632856n, logEndOffset: 634567n, lag: 1711n, consumerId: 'c-1', host: '/127.0.0.1', clientId: 'app', timeLagMs: 4000 },
    ],
    takenAtMs: NOW,
  };
}

function topologyDetail(): TopologyDetailData {
  const base = { executors: 2, tasks: 2, transferred: 0, lastError: '', errorHost: '', errorPort: '' as const, errorTime: null, errorLapsedSecs: null };
  const lat = (n: string) => ({ [n]: '1.000', [`${n}P50`]: '1.000', [`${n}P99`]: '2.000', [`${n}Max`]: '3.000' });
  return {
    detail: {
      id: 'wc-1', name: 'wc', status: 'ACTIVE', owner: 'me', uptime: '3m 12s', uptimeSeconds: 192, tasksTotal: 8, workersTotal: 2, executorsTotal: 6, replicationCount: 1, assignmentVersion: 1, pendingAction: null,
      msgTimeout: 30, window: ':all-time', windowHint: 'All time', debug: false, samplingPct: 10,
      topologyStats: [{ windowPretty: 'All time', window: ':all-time', emitted: 98765, transferred: 0, completeLatency: '4.250', completeLatencyP99: '9.000', acked: 9000, failed: 17 }],
      spouts: [{ spoutId: 'sentences', ...base, emitted: 1000, acked: 990, failed: 10, ...lat('completeLatency') } as never],
      bolts: [
        { boltId: 'split', ...base, emitted: 5000, acked: 1000, failed: 0, executed: 1000, capacity: '0.120', ...lat('executeLatency'), ...lat('processLatency') } as never,
        { boltId: 'count', ...base, emitted: 0, acked: 5000, failed: 7, executed: 5000, capacity: '0.970', lastError: 'java.lang.RuntimeException: boom', errorHost: '127.0.0.1', errorPort: 6701, errorTime: NOW / 1000, ...lat('executeLatency'), ...lat('processLatency') } as never,
      ],
      workers: [], taskToComponent: {}, configuration: {},
    },
    graph: {
      count: { ':type': 'bolt', ':inputs': [{ ':component': 'split', ':stream': 'default', ':sani-stream': 'default', ':grouping': 'fields' }] },
      sentences: { ':type': 'spout', ':inputs': [] },
      split: { ':type': 'bolt', ':inputs': [{ ':component': 'sentences', ':stream': 'default', ':sani-stream': 'default', ':grouping': 'shuffle' }] },
    },
    logs: [{ worker: 'w-1:6701', lines: ['2024-01-02 INFO count ready'] }],
    takenAtMs: NOW,
  };
}

function fakeDetails(): DetailSources {
  return {
    topic: async () => topicDetail(),
    group: async () => groupDetail(),
    topology: async () => topologyDetail(),
    brokerProcess: () => ({ cpuPercent: 3.5, rssBytes: 50 * 1024 * 1024 }),
    close: async () => undefined,
  };
}

function fakeActions() {
  const ran: DashboardAction[] = [];
  const actions: DashboardActions & { ran: DashboardAction[] } = {
    ran,
    async run(a) {
      ran.push(a);
      if (a.type === 'reset-offsets' && !a.execute) return { message: 'dry run', table: ['GROUP  TOPIC  PARTITION  NEW-OFFSET', 'billing  orders  0  0'] };
      return { message: `done ${a.type}` };
    },
  };
  return actions;
}

const manyTopics = () => fixedSnapshot({ topics: { data: Array.from({ length: 37 }, (_, i) => topic(`t${String(i).padStart(2, '0')}`, { logEndOffset: BigInt(i * 10) })), error: null } });

/** Renders the app in an 80x24 (or given) terminal. */
function app(make: () => DashboardSnapshot = fixedSnapshot, size = { columns: 80, rows: 24 }) {
  const actions = fakeActions();
  const r = render(<LiveDashboard poll={async () => make()} details={fakeDetails()} actions={actions} intervalMs={60_000} />);
  Object.defineProperty(r.stdout, 'columns', { value: size.columns, configurable: true });
  Object.defineProperty(r.stdout, 'rows', { value: size.rows, configurable: true });
  r.stdout.emit('resize');
  return { ...r, actions, frame: () => r.lastFrame() ?? '' };
}

const press = async (stdin: { write(s: string): void }, keys: string[]) => {
  for (const k of keys) {
    stdin.write(k);
    await new Promise((resolve) => setImmediate(resolve));
  }
};

function fits(frame: string, size = { columns: 80, rows: 24 }) {
  const lines = frame.split('\n');
  expect(lines.length).toBeLessThan(size.rows);
  for (const l of lines) expect([...l].length).toBeLessThan(size.columns);
}

describe('LiveDashboard', () => {
  it('shows the brokers list first with a health line that names the down broker', async () => {
    const { frame } = app();
    await waitFor('first snapshot', () => frame().includes('down (killed)'));
    expect(frame()).toContain('[1 Brokers]');
    expect(frame()).toContain('Healthy: false · nodes down: 3 · under-replicated: 2 · leaderless: 0');
    fits(frame());
  });

  it('scrolls a long list with the selection and fits 80x24', async () => {
    const { frame, stdin } = app(manyTopics);
    await press(stdin, ['2']);
    await waitFor('topics', () => frame().includes('t00'));
    expect(frame()).not.toContain('t36');
    await press(stdin, ['G']);
    await waitFor('last row', () => frame().includes('t36'));
    expect(frame()).not.toContain('t00 ');
    fits(frame());
  });

  it('filters with / and sorts with o / O', async () => {
    const { frame, stdin } = app(manyTopics);
    await press(stdin, ['2']);
    await waitFor('topics', () => frame().includes('t00'));
    await press(stdin, ['/', 't', '3', '\r']);
    await waitFor('filtered', () => !frame().includes('t00') && frame().includes('t31'));
    expect(frame()).toContain('filter: t3');
    await press(stdin, ['\x1b']);
    await waitFor('filter cleared', () => frame().includes('t00'));
    await press(stdin, ['o', 'O']);
    await waitFor('sorted by name, descending', () => frame().includes('TOPIC▼'));
    expect(frame().indexOf('t36')).toBeLessThan(frame().indexOf('t35'));
  });

  it('opens a topic: partitions, sizes and the tail under a filter; Esc goes back', async () => {
    const { frame, stdin } = app();
    await press(stdin, ['2']);
    await waitFor('topics', () => frame().includes('orders'));
    await press(stdin, ['\r']);
    await waitFor('topic detail', () => frame().includes('Topic orders · 2 partitions'));
    expect(frame()).toMatch(/0 +1 +1,2,3 +1,2 +0 +600000 +2\.0 KiB/);
    expect(frame()).toContain('p1@634566 user-7 [trace=t-1] {"amount":12}');
    await press(stdin, ['/', ...'user-3', '\r']);
    await waitFor('tail filtered', () => frame().includes('1/2 records') && !frame().includes('user-7'));
    await press(stdin, ['\x1b']);
    await waitFor('back to the list', () => frame().includes('TOPIC') && !frame().includes('Tail'));
  });

  it('opens a group: offsets, lag in time from now (30m, not seconds) and members', async () => {
    const { frame, stdin } = app();
    await press(stdin, ['3']);
    await waitFor('groups', () => frame().includes('billing'));
    await press(stdin, ['\r']);
    await waitFor('group detail', () => frame().includes('Group billing · Stable'));
    expect(frame()).toContain('time lag 30m00s');
    expect(frame()).toMatch(/orders +0 +597000 +600000 +3000 +30m00s/);
    expect(frame()).toContain('orders:0,1');
    fits(frame());
  });

  it('opens a topology: graph with groupings, saturated capacity, errors and worker logs', async () => {
    const { frame, stdin } = app(fixedSnapshot, { columns: 120, rows: 40 });
    await press(stdin, ['4']);
    await waitFor('topologies', () => frame().includes('wc'));
    await press(stdin, ['\r']);
    await waitFor('topology detail', () => frame().includes('Topology wc · ACTIVE'));
    expect(frame()).toContain('sentences [spout]');
    expect(frame()).toContain('└─ split ⇐ sentences (shuffle)');
    expect(frame()).toContain('└─ count ⇐ split (fields)');
    expect(frame()).toContain('0.970 SATURATED');
    expect(frame()).toContain('count on 127.0.0.1:6701');
    expect(frame()).toContain('2024-01-02 INFO count ready');
  });

  it('opens a broker: CPU, memory, partitions led', async () => {
    const { frame, stdin } = app();
    await waitFor('brokers', () => frame().includes('down (killed)'));
    await press(stdin, ['\r']);
    await waitFor('broker detail', () => frame().includes('Broker 1 ·'));
    expect(frame()).toContain('CPU 3.5 % of one core · memory 50.0 MiB');
  });

  it('asks y/N before an action and runs it only on y', async () => {
    const { frame, stdin, actions } = app();
    await waitFor('brokers', () => frame().includes('down (killed)'));
    await press(stdin, ['j', 'j', 'u']);
    await waitFor('confirmation', () => frame().includes('Start broker 3? y/N'));
    await press(stdin, ['n']);
    await waitFor('cancelled', () => frame().includes('cancelled'));
    expect(actions.ran).toEqual([]);
    await press(stdin, ['x', 'y']);
    await waitFor('done', () => frame().includes('done broker'));
    expect(actions.ran).toEqual([{ type: 'broker', op: 'kill', id: 3 }]);
  });

  it('shows the reset dry-run table before resetting offsets', async () => {
    const { frame, stdin, actions } = app();
    await press(stdin, ['3']);
    await waitFor('groups', () => frame().includes('billing'));
    await press(stdin, ['R']);
    await waitFor('prompt', () => frame().includes('Reset billing to'));
    await press(stdin, ['\r']);
    await waitFor('dry run table', () => frame().includes('Dry run (nothing changed yet)') && frame().includes('billing  orders  0  0'));
    expect(frame()).toContain('Reset the offsets of group billing to earliest as shown? y/N');
    await press(stdin, ['y']);
    await waitFor('executed', () => frame().includes('done reset-offsets'));
    expect(actions.ran).toEqual([
      { type: 'reset-offsets', group: 'billing', to: 'earliest', execute: false },
      { type: 'reset-offsets', group: 'billing', to: 'earliest', execute: true },
    ]);
  });

  it('produces one record after a key and a value prompt', async () => {
    const { frame, stdin, actions } = app();
    await press(stdin, ['2']);
    await waitFor('topics', () => frame().includes('orders'));
    await press(stdin, ['p', 'k', '\r', 'v', '1', '\r']);
    await waitFor('confirmation', () => frame().includes('Produce one record to orders (key k, value "v1")? y/N'));
    await press(stdin, ['y']);
    await waitFor('done', () => frame().includes('done produce'));
    expect(actions.ran).toEqual([{ type: 'produce', topic: 'orders', key: 'k', value: 'v1' }]);
  });

  it('deletes records below an offset after a prompt and a confirmation', async () => {
    const { frame, stdin, actions } = app();
    await press(stdin, ['2']);
    await waitFor('topics', () => frame().includes('orders'));
    await press(stdin, ['D']);
    await waitFor('prompt', () => frame().includes('Delete the records of every partition of orders below offset'));
    await press(stdin, ['\r']);
    await waitFor('confirmation', () => frame().includes('Delete every record of orders below the high watermark? y/N'));
    await press(stdin, ['y']);
    await waitFor('done', () => frame().includes('done delete-records'));
    expect(actions.ran).toEqual([{ type: 'delete-records', topic: 'orders', offset: '-1' }]);
  });

  it('lists every key on ?', async () => {
    const { frame, stdin } = app();
    await waitFor('brokers', () => frame().includes('down (killed)'));
    await press(stdin, ['?']);
    await waitFor('help', () => frame().includes('Keys (any key closes)'));
    expect(frame()).toContain('R  reset offsets');
    fits(frame());
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
    const done = runDashboard({ poller, intervalMs: 60_000, once: false, stdout: stdout as never, stdin: stdin as never, details: fakeDetails(), actions: fakeActions() });
    await waitFor('a frame with data', () => stdout.output.includes('down (killed)'));
    stdin.type('q');
    await done;
    expect(poller.closed).toBe(1);
    // The alternate screen was entered first and left last: the shell's screen is back.
    expect(stdout.output.startsWith('\x1b[?1049h')).toBe(true);
    expect(stdout.output.endsWith('\x1b[?1049l')).toBe(true);
    expect(stdout.output).not.toContain('\x1b[2J');
  });

  it('quits on Ctrl-C and closes the poller', async () => {
    const { stdout, stdin } = fakeTerminal();
    const poller = fakePoller();
    const done = runDashboard({ poller, intervalMs: 60_000, once: false, stdout: stdout as never, stdin: stdin as never, details: fakeDetails(), actions: fakeActions() });
    await waitFor('a frame with data', () => stdout.output.includes('down (killed)'));
    stdin.type('\x03');
    await done;
    expect(poller.closed).toBe(1);
  });

  it('ends when the signal aborts (SIGTERM) and closes the poller', async () => {
    const { stdout, stdin } = fakeTerminal();
    const poller = fakePoller();
    const abort = new AbortController();
    const done = runDashboard({ poller, intervalMs: 60_000, once: false, stdout: stdout as never, stdin: stdin as never, signal: abort.signal, details: fakeDetails(), actions: fakeActions() });
    await waitFor('a frame with data', () => stdout.output.includes('down (killed)'));
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

describe('holdStderr', () => {
  it('keeps stderr off the screen while the dashboard runs and hands it back afterwards', async () => {
    const { holdStderr } = await import('../../src/ui/run-dashboard.js');
    const stderr = Object.assign(new EventEmitter(), { written: '', write(c: string) { stderr.written += c; return true; } });
    const release = holdStderr(stderr as never);
    stderr.write('(node) Warning: something\n');
    expect(stderr.written).toBe('');
    expect(release()).toBe('(node) Warning: something\n');
    stderr.write('after\n');
    expect(stderr.written).toBe('after\n');
  });
});
