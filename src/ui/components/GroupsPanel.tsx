// Props-only Consumer groups panel: state, member count, total lag and the topics the group
// has committed offsets for (the same lag `streamctl lag` computes).
import { Text } from 'ink';
import type { GroupRow, SourceResult } from '../dashboard-snapshot.js';
import { cell } from '../format.js';
import { Panel } from './Panel.js';
import { Table } from './Table.js';

export interface GroupsPanelProps {
  source: SourceResult<GroupRow[]> | null;
  focused: boolean;
  maxRows?: number | undefined;
}

export function GroupsPanel({ source, focused, maxRows }: GroupsPanelProps) {
  const groups = source?.data ?? [];
  const rows = groups.map((g) => [g.group, g.state ?? 'Dead', String(g.members), cell(g.totalLag), g.topics.join(',') || '-']);
  return (
    <Panel index={3} title="Consumer groups" focused={focused} error={source?.error} loading={source === null}>
      {!source?.data ? null : rows.length === 0 ? (
        <Text dimColor>No consumer groups.</Text>
      ) : (
        <Table headers={['GROUP', 'STATE', 'MEMBERS', 'LAG', 'TOPICS']} rows={rows} maxRows={maxRows} rowColor={(i) => ((groups[i]!.totalLag ?? 0n) > 0n ? 'yellow' : undefined)} />
      )}
    </Panel>
  );
}
