// Group detail as lines: state, sparklines of total lag and consumption rate over the session,
// members with their assignment, and per partition the committed offset, log end, lag and lag
// in time (now minus the timestamp of the next record to consume). Pure.
import { formatDurationMs } from '../../engine/client/consumer-lag.js';
import type { GroupDetailData } from '../detail-sources.js';
import { cell, rate } from '../format.js';
import { type SeriesHistory, sparkline } from '../history.js';
import { seriesKey } from '../record-history.js';
import { type Line, section, tableLines } from './lines.js';

export function groupDetailLines(d: GroupDetailData, history: SeriesHistory | null, width: number): Line[] {
  const spark = Math.max(8, Math.min(60, width - 30));
  const lag = history?.values(seriesKey.groupLag(d.group)) ?? [];
  const consumed = history?.values(seriesKey.groupRate(d.group)) ?? [];
  const totalLag = d.partitions.reduce((n, p) => n + (p.lag !== null && p.lag > 0n ? p.lag : 0n), 0n);
  const maxTime = d.partitions.reduce<number | null>((m, p) => (p.timeLagMs === null ? m : Math.max(m ?? 0, p.timeLagMs)), null);
  const members = d.members.map((m) => [m.consumerId, m.clientId, m.host, m.assignment.map((a) => `${a.topic}:${a.partitions.join(',')}`).join(' ') || '-']);
  const parts = d.partitions.map((p) => [p.topic ?? '-', cell(p.partition), cell(p.currentOffset), cell(p.logEndOffset), cell(p.lag), p.timeLagMs === null ? '-' : formatDurationMs(p.timeLagMs), p.consumerId ?? '-']);
  return [
    section(`Group ${d.group} · ${d.state ?? 'Dead'} · ${d.members.length} members · lag ${totalLag} · time lag ${maxTime === null ? '-' : formatDurationMs(maxTime)}`),
    { text: `lag      ${sparkline(lag, spark).padEnd(Math.min(spark, lag.length))} ${lag.length ? String(lag[lag.length - 1]) : '-'}` },
    { text: `consumed ${sparkline(consumed, spark).padEnd(Math.min(spark, consumed.length))} ${rate(consumed.length ? consumed[consumed.length - 1]! : null)}/s` },
    { text: '' },
    section('Members'),
    ...(members.length === 0 ? [{ text: 'No active members.', color: 'gray' }] : tableLines(['CONSUMER-ID', 'CLIENT-ID', 'HOST', 'ASSIGNMENT'], members)),
    { text: '' },
    section('Offsets'),
    ...tableLines(['TOPIC', 'PART', 'COMMITTED', 'LOG-END', 'LAG', 'TIME-LAG', 'CONSUMER-ID'], parts, d.partitions.map((p) => ((p.lag ?? 0n) > 0n ? 'yellow' : undefined))),
  ];
}
