// Props-only header: what the dashboard watches (cluster dir or bootstrap servers, nimbus),
// when the shown snapshot was taken, the refresh interval and whether a refresh is running.
import { Box, Text } from 'ink';
import type { DashboardTarget } from '../dashboard-snapshot.js';
import { clockTime } from '../format.js';

export interface HeaderProps {
  target: DashboardTarget | null;
  clusterId: string | null;
  takenAtMs: number | null;
  /** Seconds between refreshes; null for a one-off frame. */
  intervalSec: number | null;
  polling: boolean;
}

export function Header({ target, clusterId, takenAtMs, intervalSec, polling }: HeaderProps) {
  const where = [
    clusterId ? `cluster ${clusterId}` : null,
    target?.dir ? `dir ${target.dir}` : null,
    target?.bootstrapServers ? `kafka ${target.bootstrapServers}` : null,
    target ? `nimbus ${target.nimbusUrl}` : null,
  ].filter((x): x is string => x !== null);
  const when = [
    takenAtMs === null ? 'waiting for the first snapshot' : `at ${clockTime(takenAtMs)}`,
    intervalSec === null ? null : `every ${intervalSec}s`,
    polling ? 'refreshing…' : null,
  ].filter((x): x is string => x !== null);
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold color="cyan">
          streamctl dashboard
        </Text>
        {`  ${when.join(' · ')}`}
      </Text>
      {where.length > 0 ? <Text dimColor>{where.join(' · ')}</Text> : null}
    </Box>
  );
}
