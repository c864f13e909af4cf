import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { BrokersPanel, healthLine } from '../../src/ui/components/BrokersPanel.js';
import { Dashboard, unfocusedRowsFor } from '../../src/ui/components/Dashboard.js';
import { Footer } from '../../src/ui/components/Footer.js';
import { GroupsPanel } from '../../src/ui/components/GroupsPanel.js';
import { Header } from '../../src/ui/components/Header.js';
import { TopicsPanel } from '../../src/ui/components/TopicsPanel.js';
import { TopologiesPanel } from '../../src/ui/components/TopologiesPanel.js';
import { renderDashboardFrame } from '../../src/ui/run-dashboard.js';
import { fixedSnapshot, topic } from './fixtures.js';

afterEach(() => cleanup());

/** The frame's lines without the panel borders, with runs of blanks collapsed. */
function lines(frame: string | undefined): string[] {
  return (frame ?? '')
    .split('\n')
    .map((l) => l.replace(/[│╭╮╰╯─║╔╗╚╝═]/g, '').replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

/** All the frame's text as one line (for text the panel wraps at the terminal width). */
function flat(frame: string | undefined): string {
  return lines(frame).join(' ');
}

describe('BrokersPanel', () => {
  it('shows each broker with address, up/down, leader count and the controller role', () => {
    const s = fixedSnapshot();
    const { lastFrame } = render(<BrokersPanel source={s.brokers} focused={false} />);
    const out = lines(lastFrame());
    expect(out).toContain('ID ADDRESS STATUS LEADERS ROLE');
    expect(out).toContain('1 127.0.0.1:19092 up 4 controller');
    expect(out).toContain('2 127.0.0.1:19093 up 2');
    expect(out).toContain('3 127.0.0.1:19094 down (killed) 0');
    expect(out).toContain('Controller process: 127.0.0.1:19192 (running)');
  });

  it('prints a health line with the unhealthy reasons, nodes down and under-replicated count', () => {
    const s = fixedSnapshot();
    const { lastFrame } = render(<BrokersPanel source={s.brokers} focused={false} />);
    expect(flat(lastFrame())).toContain(
      'Healthy: false (nodes_down, under_replicated_partitions) · controller 1 · nodes down: 3 · leaderless: 0 · under-replicated: 2 · 2 topics, 6 partitions',
    );
    expect(healthLine({ ...s.brokers.data!.health!, healthy: true, unhealthyReasons: [], nodesDown: [], underReplicatedPartitions: [] })).toMatch(
      /^Healthy: true · controller 1 · nodes down: none · leaderless: 0 · under-replicated: 0/,
    );
  });

  it('shows the source error instead of the table when the cluster could not be read', () => {
    const { lastFrame } = render(<BrokersPanel source={{ data: null, error: 'No cluster in /tmp/x.' }} focused={false} />);
    const out = lines(lastFrame());
    expect(out).toContain('error: No cluster in /tmp/x.');
    expect(out.join('\n')).not.toContain('ADDRESS');
  });

  it('says loading before the first snapshot', () => {
    const { lastFrame } = render(<BrokersPanel source={null} focused={false} />);
    expect(lines(lastFrame())).toEqual(['[1] Brokers', 'loading…']);
  });
});

describe('TopicsPanel', () => {
  it('shows partitions, replication factor, under-replicated count, log-end total and rate', () => {
    const s = fixedSnapshot();
    const { lastFrame } = render(<TopicsPanel source={s.topics} focused={false} />);
    const out = lines(lastFrame());
    expect(out).toContain('TOPIC PARTITIONS RF URP LEADERLESS LOG-END MSG/S');
    expect(out).toContain('orders 3 3 2 0 1234567 250');
    expect(out).toContain('payments 1 1 0 0 0 -');
  });

  it('collapses rows beyond maxRows into a "more" line', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const { lastFrame } = render(<TopicsPanel source={{ data: names.map((n) => topic(n)), error: null }} focused={false} maxRows={5} />);
    const out = lines(lastFrame());
    expect(out).toContain('e 3 3 0 0 300 12');
    expect(out.some((l) => l.startsWith('f '))).toBe(false);
    expect(out).toContain('… 2 more (focus this panel to see all)');
  });

  it('says so when there are no topics', () => {
    const { lastFrame } = render(<TopicsPanel source={{ data: [], error: null }} focused={false} />);
    expect(lines(lastFrame())).toContain('No topics.');
  });
});

describe('GroupsPanel', () => {
  it('shows state, members and total lag per group', () => {
    const s = fixedSnapshot();
    const { lastFrame } = render(<GroupsPanel source={s.groups} focused={false} />);
    const out = lines(lastFrame());
    expect(out).toContain('GROUP STATE MEMBERS LAG TOPICS');
    expect(out).toContain('billing Stable 2 4711 orders');
    expect(out).toContain('audit Empty 0 0 orders,payments');
  });

  it('shows the error above the groups it could still read', () => {
    const source = { data: [{ group: 'billing', state: 'Stable' as const, members: 2, totalLag: null, topics: [] }], error: 'lag: Connection to 127.0.0.1:9093 failed.' };
    const out = lines(render(<GroupsPanel source={source} focused={false} />).lastFrame());
    expect(out).toEqual(['[3] Consumer groups', 'error: lag: Connection to 127.0.0.1:9093 failed.', 'GROUP STATE MEMBERS LAG TOPICS', 'billing Stable 2 - -']);
  });

  it('shows an unknown lag as a dash', () => {
    const { lastFrame } = render(<GroupsPanel source={{ data: [{ group: 'g', state: null, members: 0, totalLag: null, topics: [] }], error: null }} focused={false} />);
    expect(lines(lastFrame())).toContain('g Dead 0 - -');
  });
});

describe('TopologiesPanel', () => {
  it('shows status, workers, tasks, emitted/acked/failed and complete latency', () => {
    const s = fixedSnapshot();
    const { lastFrame } = render(<TopologiesPanel source={s.topologies} focused={false} />);
    const out = lines(lastFrame());
    expect(out).toContain('NAME STATUS WORKERS TASKS EMITTED ACKED FAILED LATENCY-MS UPTIME');
    expect(out).toContain('wc ACTIVE 2 8 98765 9000 17 4.250 3m 12s');
  });

  it('shows the nimbus error in the panel', () => {
    const { lastFrame } = render(<TopologiesPanel source={{ data: null, error: 'Cannot reach nimbus at http://127.0.0.1:9292.' }} focused={false} />);
    expect(lines(lastFrame())).toEqual(['[4] Topologies', 'error: Cannot reach nimbus at http://127.0.0.1:9292.']);
  });

  it("says `No topologies running.` like storm list when there are none", () => {
    const { lastFrame } = render(<TopologiesPanel source={{ data: [], error: null }} focused={false} />);
    expect(lines(lastFrame())).toContain('No topologies running.');
  });
});

describe('Header and Footer', () => {
  it('names the cluster, its dir, brokers and nimbus, the snapshot time and the interval', () => {
    const s = fixedSnapshot();
    const { lastFrame } = render(<Header target={s.target} clusterId="c-42" takenAtMs={s.takenAtMs} intervalSec={2} polling />);
    const out = lines(lastFrame());
    expect(out[0]).toBe('streamctl dashboard at 03:04:05 · every 2s · refreshing…');
    expect(out.slice(1).join(' ')).toBe('cluster c-42 · dir /tmp/c1 · kafka 127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094 · nimbus http://127.0.0.1:19292');
  });

  it('shows the keys only in live mode, and a failed refresh', () => {
    expect(lines(render(<Footer live error={null} />).lastFrame())).toEqual(['q quit · tab / 1-4 focus panel · r refresh now']);
    expect(lines(render(<Footer live={false} error="boom" />).lastFrame())).toEqual(['refresh failed: boom']);
  });
});

describe('Dashboard', () => {
  it('shows every panel, and a failed source only in its own panel', () => {
    const s = fixedSnapshot({ topologies: { data: null, error: 'Cannot reach nimbus at http://127.0.0.1:19292.' } });
    const { lastFrame } = render(<Dashboard snapshot={s} focused="brokers" intervalSec={2} live />);
    const out = lines(lastFrame());
    expect(out).toEqual(expect.arrayContaining(['[1] Brokers', '[2] Topics', '[3] Consumer groups', '[4] Topologies']));
    expect(out).toContain('billing Stable 2 4711 orders');
    expect(out).toContain('orders 3 3 2 0 1234567 250');
    expect(out).toContain('error: Cannot reach nimbus at http://127.0.0.1:19292.');
    expect(out.filter((l) => l.startsWith('error:'))).toHaveLength(1);
  });

  it('draws the focused panel with a double border', () => {
    const { lastFrame } = render(<Dashboard snapshot={fixedSnapshot()} focused="groups" intervalSec={2} live />);
    const frame = lastFrame() ?? '';
    const groupsTitle = frame.split('\n').findIndex((l) => l.includes('[3] Consumer groups'));
    expect(frame.split('\n')[groupsTitle - 1]).toMatch(/^╔═+╗$/);
    expect(frame.split('\n')[groupsTitle]).toMatch(/^║/);
    expect(frame.match(/╔/g)).toHaveLength(1);
  });

  it('shows fewer rows in unfocused panels on a short terminal', () => {
    expect([unfocusedRowsFor(undefined), unfocusedRowsFor(60), unfocusedRowsFor(45), unfocusedRowsFor(24)]).toEqual([5, 5, 3, 1]);
    const s = fixedSnapshot();
    const out = lines(render(<Dashboard snapshot={s} focused="topologies" intervalSec={2} live unfocusedRows={1} />).lastFrame());
    expect(out).toContain('billing Stable 2 4711 orders');
    expect(out).toContain('… 1 more (focus this panel to see all)');
    expect(out.some((l) => l.startsWith('audit '))).toBe(false);
  });

  it('renders a one-off frame as plain text without escape sequences', () => {
    const frame = renderDashboardFrame(fixedSnapshot(), 120);
    expect(frame).not.toContain('\x1b');
    const out = lines(frame);
    expect(out).toContain('3 127.0.0.1:19094 down (killed) 0');
    expect(out).toContain('wc ACTIVE 2 8 98765 9000 17 4.250 3m 12s');
    expect(out.join('\n')).not.toContain('q quit');
  });
});
