// Props-only Brokers panel: one row per broker (id, address, up/down, leader count, role),
// the controller process, and a one-line health summary in `cluster status`'s terms.
import { Text } from 'ink';
import type { BrokersView, SourceResult } from '../dashboard-snapshot.js';
import { healthLine } from '../views/health-line.js';
import { Panel } from './Panel.js';
import { Table } from './Table.js';

export interface BrokersPanelProps {
  source: SourceResult<BrokersView> | null;
  focused: boolean;
  maxRows?: number | undefined;
}

export { healthLine };

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
