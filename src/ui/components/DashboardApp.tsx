// The live dashboard: polls with useSnapshot and handles keys — q or Ctrl-C quits (the
// caller then closes the clients), tab / shift-tab / 1-4 move the focus, r refreshes now.
// Keys are read only when stdin supports raw mode; otherwise the caller's signal ends it.
import { useApp, useInput, useStdin, useStdout } from 'ink';
import { useState } from 'react';
import type { DashboardSnapshot } from '../dashboard-snapshot.js';
import { useSnapshot } from '../use-snapshot.js';
import { Dashboard, PANELS, type PanelId, unfocusedRowsFor } from './Dashboard.js';

export interface DashboardAppProps {
  /** Must be stable across renders (a new function restarts polling). */
  poll: () => Promise<DashboardSnapshot>;
  intervalMs: number;
  initialFocus?: PanelId;
}

export function DashboardApp({ poll, intervalMs, initialFocus = 'brokers' }: DashboardAppProps) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { stdout } = useStdout();
  const { value, error, polling, refresh } = useSnapshot(poll, intervalMs);
  const [focused, setFocused] = useState<PanelId>(initialFocus);

  useInput(
    (input, key) => {
      if (input === 'q' || (key.ctrl && input === 'c') || key.escape) {
        exit();
        return;
      }
      if (key.tab) {
        setFocused((f) => PANELS[(PANELS.indexOf(f) + (key.shift ? PANELS.length - 1 : 1)) % PANELS.length]!);
        return;
      }
      const n = Number(input);
      if (Number.isInteger(n) && n >= 1 && n <= PANELS.length) {
        setFocused(PANELS[n - 1]!);
        return;
      }
      if (input === 'r') refresh();
    },
    { isActive: isRawModeSupported === true },
  );

  return (
    <Dashboard
      snapshot={value}
      focused={focused}
      intervalSec={intervalMs / 1000}
      polling={polling}
      pollError={error}
      live={isRawModeSupported === true}
      unfocusedRows={unfocusedRowsFor(stdout.rows)}
    />
  );
}
