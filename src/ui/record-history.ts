// Feeds each dashboard snapshot into the session history: records/s per topic, lag and
// consumption rate (committed records/s) per group, per-topology emitted/acked/failed rates.
// The series names live here so views and the recorder agree. Pure over a SeriesHistory.
import type { DashboardSnapshot } from './dashboard-snapshot.js';
import { ratePerSec, type SeriesHistory } from './history.js';

export const seriesKey = {
  topicRate: (topic: string) => `topic:${topic}:rate`,
  groupLag: (group: string) => `group:${group}:lag`,
  groupRate: (group: string) => `group:${group}:rate`,
  groupCommitted: (group: string) => `group:${group}:committed`,
  componentCount: (topology: string, component: string, what: string) => `topology:${topology}:${component}:${what}`,
  componentRate: (topology: string, component: string, what: string) => `topology:${topology}:${component}:${what}:rate`,
  partitionEnd: (topic: string, partition: number) => `partition:${topic}:${partition}:end`,
  partitionRate: (topic: string, partition: number) => `partition:${topic}:${partition}:rate`,
};

/** Records one snapshot; `previous` (the snapshot before) gives the elapsed time for rates. */
export function recordSnapshot(history: SeriesHistory, s: DashboardSnapshot, previous: DashboardSnapshot | null): void {
  const elapsedMs = previous ? s.takenAtMs - previous.takenAtMs : 0;
  for (const t of s.topics.data ?? []) history.record(seriesKey.topicRate(t.topic), t.messagesPerSec);
  for (const g of s.groups.data ?? []) {
    history.record(seriesKey.groupLag(g.group), g.totalLag === null ? null : Number(g.totalLag));
    const committedKey = seriesKey.groupCommitted(g.group);
    const before = history.last(committedKey);
    const now = g.committedTotal === null || g.committedTotal === undefined ? null : Number(g.committedTotal);
    if (previous) history.record(seriesKey.groupRate(g.group), ratePerSec(before, now, elapsedMs));
    history.record(committedKey, now);
  }
  for (const p of s.partitions ?? []) {
    const key = seriesKey.partitionEnd(p.topic, p.partition);
    const before = history.last(key);
    const now = p.logEndOffset === null ? null : Number(p.logEndOffset);
    if (previous) history.record(seriesKey.partitionRate(p.topic, p.partition), ratePerSec(before, now, elapsedMs));
    history.record(key, now);
  }
}

/** Records a topology's all-time component counters and their rates since the last call. */
export function recordComponentCounters(history: SeriesHistory, topology: string, components: Array<{ id: string; emitted: number; acked: number; failed: number }>, elapsedMs: number): void {
  for (const c of components) {
    for (const what of ['emitted', 'acked', 'failed'] as const) {
      const key = seriesKey.componentCount(topology, c.id, what);
      const before = history.last(key);
      if (elapsedMs > 0) history.record(seriesKey.componentRate(topology, c.id, what), ratePerSec(before, c[what], elapsedMs));
      history.record(key, c[what]);
    }
  }
}
