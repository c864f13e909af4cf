// Props-only Brokers panel: one row per broker (id, address, up/down, leader count, role),
// the controller process, and a one-line health summary in `cluster status`'s terms.
import { Text } from 'ink';
import type { BrokersView, SourceResult } from '../dashboard-snapshot.js';
import type { ClusterHealth } from '../../engine/cluster/local-cluster.js';
import { Panel } from './Panel.js';
import { Table } from './Table.js';

export interface BrokersPanelProps {
  source: SourceResult<BrokersView> | null;
  focused: boolean;
  maxRows?: number | undefined;
}

const list = (xs: Array<string | number>) => (xs.length === 0 ? 'none' : xs.join(' '));

/** `Healthy: true · controller 1 · nodes down: none · leaderless: 0 · under-replicated: 0 · 2 topics, 6 partitions`. */
export function healthLine(h: ClusterHealth): string {
  const parts = [
    h.healthy ? 'Healthy: true' : `Healthy: false (${h.unhealthyReasons.join(', ')})`,
    ...(h.controllerId >= 0 ? [`controller ${h.controllerId}`] : []),
    `nodes down: ${list(h.nodesDown)}`,
    `leaderless: ${h.leaderlessPartitions.length}`,
    `under-replicated: ${h.underReplicatedPartitions.length}`,
    `${h.topics} topics, ${h.partitions} partitions`,
  ];
  return parts.join(' · ');
}

export function BrokersPanel({ source, focused, maxRows }: BrokersPanelProps) {
  const view = source?.data;
  const rows = (view?.brokers ?? []).map((b) => [
    String(b.broker),
    b.host === null ? '-' : `${b.host}:${b.port}`,
    b.up ? 'up' : b.processStatus && b.processStatus !== 'running' ? `down (${b.processStatus})` : 'down',
    String(b.leaders),
    b.controller ? 'controller' : '',
  ]);
  return (
    <Panel index={1} title="Brokers" focused={focused} error={source?.error} loading={source === null}>
      {view ? (
        <>
          {view.health ? (
            <Text color={view.health.healthy ? 'green' : 'yellow'}>{healthLine(view.health)}</Text>
          ) : (
            <Text color="yellow">No broker answered a Metadata request.</Text>
          )}
          {view.controller ? <Text>{`Controller process: ${view.controller.host}:${view.controller.port} (${view.controller.status})`}</Text> : null}
          {rows.length === 0 ? (
            <Text dimColor>No brokers.</Text>
          ) : (
            <Table headers={['ID', 'ADDRESS', 'STATUS', 'LEADERS', 'ROLE']} rows={rows} maxRows={maxRows} rowColor={(i) => (view.brokers[i]?.up ? undefined : 'red')} />
          )}
        </>
      ) : null}
    </Panel>
  );
}
