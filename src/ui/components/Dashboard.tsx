// Props-only dashboard frame: header, the four panels (Brokers, Topics, Consumer groups,
// Topologies) and footer, for one DashboardSnapshot. In live mode unfocused panels show a
// few rows and the focused one shows all; a one-off frame (focused null) shows everything.
import { Box } from 'ink';
import type { DashboardSnapshot } from '../dashboard-snapshot.js';
import { BrokersPanel } from './BrokersPanel.js';
import { Footer } from './Footer.js';
import { GroupsPanel } from './GroupsPanel.js';
import { Header } from './Header.js';
import { TopicsPanel } from './TopicsPanel.js';
import { TopologiesPanel } from './TopologiesPanel.js';

export const PANELS = ['brokers', 'topics', 'groups', 'topologies'] as const;
export type PanelId = (typeof PANELS)[number];

/** Rows an unfocused panel shows in live mode, by terminal height (so the frame fits the screen). */
export function unfocusedRowsFor(terminalRows: number | undefined): number {
  if (terminalRows === undefined || terminalRows >= 50) return 5;
  return terminalRows >= 40 ? 3 : 1;
}

export interface DashboardProps {
  snapshot: DashboardSnapshot | null;
  /** The focused panel in live mode; null for a one-off frame (everything shown). */
  focused: PanelId | null;
  intervalSec: number | null;
  polling?: boolean;
  pollError?: string | null;
  /** Keys are active (shows the key help). */
  live?: boolean;
  /** Rows an unfocused panel shows (default 5). */
  unfocusedRows?: number;
}

export function Dashboard({ snapshot, focused, intervalSec, polling = false, pollError = null, live = false, unfocusedRows = 5 }: DashboardProps) {
  const rows = (id: PanelId) => (focused === null || focused === id ? undefined : unfocusedRows);
  return (
    <Box flexDirection="column">
      <Header
        target={snapshot?.target ?? null}
        clusterId={snapshot?.brokers.data?.clusterId ?? null}
        takenAtMs={snapshot?.takenAtMs ?? null}
        intervalSec={intervalSec}
        polling={polling}
      />
      <BrokersPanel source={snapshot?.brokers ?? null} focused={focused === 'brokers'} maxRows={rows('brokers')} />
      <TopicsPanel source={snapshot?.topics ?? null} focused={focused === 'topics'} maxRows={rows('topics')} />
      <GroupsPanel source={snapshot?.groups ?? null} focused={focused === 'groups'} maxRows={rows('groups')} />
      <TopologiesPanel source={snapshot?.topologies ?? null} focused={focused === 'topologies'} maxRows={rows('topologies')} />
      <Footer live={live} error={pollError} />
    </Box>
  );
}
