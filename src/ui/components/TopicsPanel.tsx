// Props-only Topics panel: partitions, replication factor, under-replicated and leaderless
// partition counts, the sum of log-end offsets and records/s since the previous refresh.
import { Text } from 'ink';
import type { SourceResult, TopicRow } from '../dashboard-snapshot.js';
import { cell, rate } from '../format.js';
import { Panel } from './Panel.js';
import { Table } from './Table.js';

export interface TopicsPanelProps {
  source: SourceResult<TopicRow[]> | null;
  focused: boolean;
  maxRows?: number | undefined;
}

export function TopicsPanel({ source, focused, maxRows }: TopicsPanelProps) {
  const topics = source?.data ?? [];
  const rows = topics.map((t) => [t.topic, String(t.partitions), String(t.replicationFactor), String(t.underReplicated), String(t.leaderless), cell(t.logEndOffset), rate(t.messagesPerSec)]);
  return (
    <Panel index={2} title="Topics" focused={focused} error={source?.error} loading={source === null}>
      {!source?.data ? null : rows.length === 0 ? (
        <Text dimColor>No topics.</Text>
      ) : (
        <Table
          headers={['TOPIC', 'PARTITIONS', 'RF', 'URP', 'LEADERLESS', 'LOG-END', 'MSG/S']}
          rows={rows}
          maxRows={maxRows}
          rowColor={(i) => (topics[i]!.leaderless > 0 ? 'red' : topics[i]!.underReplicated > 0 ? 'yellow' : undefined)}
        />
      )}
    </Panel>
  );
}
