// The health line shared by the live dashboard and the one-off frame: healthy or the reasons,
// the controller, the nodes down (by id), leaderless and under-replicated counts. Pure.
import type { ClusterHealth } from '../../engine/cluster/local-cluster.js';

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

/** The live header's health: the verdict and the nodes down first, so 80 columns show them. */
export function compactHealthLine(h: ClusterHealth): string {
  return [
    h.healthy ? 'Healthy: true' : 'Healthy: false',
    `nodes down: ${list(h.nodesDown)}`,
    `under-replicated: ${h.underReplicatedPartitions.length}`,
    `leaderless: ${h.leaderlessPartitions.length}`,
    ...(h.controllerId >= 0 ? [`controller ${h.controllerId}`] : []),
    ...(h.healthy ? [] : [`(${h.unhealthyReasons.join(', ')})`]),
  ].join(' · ');
}
