// The list view of each kind (brokers, topics, groups, topologies) as a table: headers, cells,
// the key each row opens, a colour, then `/` filtering and sorting by a column. Pure.
import { formatDurationMs } from '../engine/client/consumer-lag.js';
import type { DashboardSnapshot } from './dashboard-snapshot.js';
import { cell, rate } from './format.js';
import { type SeriesHistory, sparkline } from './history.js';
import { seriesKey } from './record-history.js';

export const KINDS = ['brokers', 'topics', 'groups', 'topologies'] as const;
export type Kind = (typeof KINDS)[number];
export const KIND_TITLES: Record<Kind, string> = { brokers: 'Brokers', topics: 'Topics', groups: 'Groups', topologies: 'Topologies' };

export interface ListTable {
  headers: string[];
  rows: string[][];
  /** What Enter opens for each row (broker id, topic, group, topology name). */
  keys: string[];
  colors: Array<string | undefined>;
  /** Why the source has no rows (its error), or null. */
  error: string | null;
}

export interface ListOptions {
  filter: string;
  /** Column to sort by; -1 keeps the source order. */
  sortColumn: number;
  sortDesc: boolean;
}

const TREND = 12;

function raw(kind: Kind, s: DashboardSnapshot, history: SeriesHistory | null): ListTable {
  const trend = (key: string) => (history ? sparkline(history.values(key), TREND) : '');
  switch (kind) {
    case 'brokers': {
      const v = s.brokers.data;
      const rows = v?.brokers ?? [];
      return {
        headers: ['ID', 'ADDRESS', 'STATUS', 'LEADERS', 'ROLE'],
        rows: rows.map((b) => [
          String(b.broker),
          b.host === null ? '-' : `${b.host}:${b.port}`,
          b.up ? 'up' : b.processStatus && b.processStatus !== 'running' ? `down (${b.processStatus})` : 'down',
          String(b.leaders),
          b.controller ? 'controller' : '',
        ]),
        keys: rows.map((b) => String(b.broker)),
        colors: rows.map((b) => (b.up ? undefined : 'red')),
        error: s.brokers.error,
      };
    }
    case 'topics': {
      const rows = s.topics.data ?? [];
      return {
        headers: ['TOPIC', 'PARTS', 'RF', 'URP', 'NO-LEADER', 'LOG-END', 'MSG/S', 'TREND'],
        rows: rows.map((t) => [t.topic, String(t.partitions), String(t.replicationFactor), String(t.underReplicated), String(t.leaderless), cell(t.logEndOffset), rate(t.messagesPerSec), trend(seriesKey.topicRate(t.topic))]),
        keys: rows.map((t) => t.topic),
        colors: rows.map((t) => (t.leaderless > 0 ? 'red' : t.underReplicated > 0 ? 'yellow' : undefined)),
        error: s.topics.error,
      };
    }
    case 'groups': {
      const rows = s.groups.data ?? [];
      return {
        headers: ['GROUP', 'STATE', 'MEMBERS', 'LAG', 'LAG-TREND', 'TOPICS'],
        rows: rows.map((g) => [g.group, g.state ?? 'Dead', String(g.members), cell(g.totalLag), trend(seriesKey.groupLag(g.group)), g.topics.join(',') || '-']),
        keys: rows.map((g) => g.group),
        colors: rows.map((g) => ((g.totalLag ?? 0n) > 0n ? 'yellow' : undefined)),
        error: s.groups.error,
      };
    }
    case 'topologies': {
      const rows = s.topologies.data ?? [];
      return {
        headers: ['NAME', 'STATUS', 'WORKERS', 'TASKS', 'EMITTED', 'ACKED', 'FAILED', 'LAT-MS', 'UPTIME'],
        rows: rows.map((t) => [t.name, t.status, String(t.workers), String(t.tasks), cell(t.emitted), cell(t.acked), cell(t.failed), cell(t.completeLatencyMs), t.uptime]),
        keys: rows.map((t) => t.name),
        colors: rows.map((t) => ((t.failed ?? 0) > 0 ? 'yellow' : t.status === 'ACTIVE' ? undefined : 'gray')),
        error: s.topologies.error,
      };
    }
  }
}

function compareCells(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The table of one kind, filtered (case-insensitive, any cell) and sorted. */
export function listTable(kind: Kind, s: DashboardSnapshot, o: ListOptions, history: SeriesHistory | null = null): ListTable {
  const t = raw(kind, s, history);
  let order = t.rows.map((_, i) => i);
  const needle = o.filter.toLowerCase();
  if (needle) order = order.filter((i) => t.rows[i]!.some((c) => c.toLowerCase().includes(needle)));
  if (o.sortColumn >= 0 && o.sortColumn < t.headers.length) {
    order.sort((i, j) => compareCells(t.rows[i]![o.sortColumn] ?? '', t.rows[j]![o.sortColumn] ?? '') * (o.sortDesc ? -1 : 1));
  }
  return { headers: t.headers, rows: order.map((i) => t.rows[i]!), keys: order.map((i) => t.keys[i]!), colors: order.map((i) => t.colors[i]), error: t.error };
}

/** "3m05s" for a time lag, "-" when unknown. */
export function timeLag(ms: number | null): string {
  return ms === null ? '-' : formatDurationMs(ms);
}
