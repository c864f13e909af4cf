// Props-only Topologies panel: nimbus's topology summary with all-time emitted, acked,
// failed and complete latency per topology (Storm's meanings).
import { Text } from 'ink';
import type { SourceResult, TopologyRow } from '../dashboard-snapshot.js';
import { cell } from '../format.js';
import { Panel } from './Panel.js';
import { Table } from './Table.js';

export interface TopologiesPanelProps {
  source: SourceResult<TopologyRow[]> | null;
  focused: boolean;
  maxRows?: number | undefined;
}

export function TopologiesPanel({ source, focused, maxRows }: TopologiesPanelProps) {
  const topologies = source?.data ?? [];
  const rows = topologies.map((t) => [
    t.name,
    t.status,
    String(t.workers),
    String(t.tasks),
    cell(t.emitted),
    cell(t.acked),
    cell(t.failed),
    cell(t.completeLatencyMs),
    t.uptime,
  ]);
  return (
    <Panel index={4} title="Topologies" focused={focused} error={source?.error} loading={source === null}>
      {!source?.data ? null : rows.length === 0 ? (
        <Text dimColor>No topologies running.</Text>
      ) : (
        <Table
          headers={['NAME', 'STATUS', 'WORKERS', 'TASKS', 'EMITTED', 'ACKED', 'FAILED', 'LATENCY-MS', 'UPTIME']}
          rows={rows}
          maxRows={maxRows}
          rowColor={(i) => ((topologies[i]!.failed ?? 0) > 0 ? 'yellow' : topologies[i]!.status === 'ACTIVE' ? undefined : 'gray')}
        />
      )}
    </Panel>
  );
}
