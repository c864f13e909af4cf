// Topic detail as lines: partitions (leader, replicas, ISR, log start/end, size, records/s with
// a sparkline) and the live tail of records (newest first: time, partition, offset, key,
// headers, value) under the `/` filter. Pure.
import { compileRecordFilter, type RecordFilter } from '../../engine/client/record-filter.js';
import type { ConsumedRecord } from '../../engine/client/message-formatter.js';
import type { TopicDetailData } from '../detail-sources.js';
import { cell, rate } from '../format.js';
import { type SeriesHistory, sparkline } from '../history.js';
import { seriesKey } from '../record-history.js';
import { bytes, type Line, printable, section, tableLines } from './lines.js';

/**
 * The tail filter: an expression `consume --filter` understands (key~RE, header.N==V, $.a==1),
 * else plain text found in the key, the value or a header value. Null: everything.
 */
export function tailFilter(text: string): { filter: RecordFilter | null; error: string | null } {
  const t = text.trim();
  if (t === '') return { filter: null, error: null };
  if (/^(key|value|header\.[^~=!]+|\$[.[][^~=!]*)\s*(~|==|!=)/.test(t)) {
    try {
      return { filter: compileRecordFilter(t), error: null };
    } catch (e) {
      return { filter: () => false, error: e instanceof Error ? e.message : String(e) };
    }
  }
  const has = (b: Buffer | null) => b !== null && b.toString('utf8').includes(t);
  return { filter: (r) => has(r.key) || has(r.value) || r.headers.some(([k, v]) => k.includes(t) || has(v)), error: null };
}

function time(ts: bigint): string {
  const d = new Date(Number(ts));
  return Number.isNaN(d.getTime()) ? String(ts) : d.toISOString().slice(11, 23);
}

function recordLine(r: ConsumedRecord): string {
  const headers = r.headers.length === 0 ? '' : ` [${r.headers.map(([k, v]) => `${k}=${printable(v, 40)}`).join(',')}]`;
  return `${time(r.timestamp)} p${r.partition}@${r.offset} ${printable(r.key, 40)}${headers} ${printable(r.value)}`;
}

export function topicDetailLines(d: TopicDetailData, filterText: string, history: SeriesHistory | null, width: number): Line[] {
  const trendWidth = Math.max(4, Math.min(20, width - 70));
  const rows = d.partitions.map((p) => {
    const r = history?.values(seriesKey.partitionRate(d.topic, p.partition)) ?? [];
    return [
      String(p.partition),
      cell(p.leader),
      p.replicas.join(','),
      p.isr.join(','),
      cell(p.logStartOffset),
      cell(p.logEndOffset),
      bytes(p.sizeBytes),
      rate(r.length ? r[r.length - 1]! : null),
      sparkline(r, trendWidth),
    ];
  });
  const colors = d.partitions.map((p) => (p.leader === null || p.leader < 0 ? 'red' : p.isr.length < p.replicas.length ? 'yellow' : undefined));
  const { filter, error } = tailFilter(filterText);
  const shown = filter ? d.tail.filter(filter) : d.tail;
  const title = `Tail (newest first, ${shown.length}/${d.tail.length} records${filterText ? `, filter ${JSON.stringify(filterText)}` : ''})`;
  return [
    section(`Topic ${d.topic} · ${d.partitions.length} partitions`),
    ...tableLines(['PART', 'LEADER', 'REPLICAS', 'ISR', 'LOG-START', 'LOG-END', 'SIZE', 'MSG/S', 'TREND'], rows, colors),
    { text: '' },
    section(title),
    ...(d.tailError ? [{ text: `tail: ${d.tailError}`, color: 'red' }] : []),
    ...(error ? [{ text: `filter: ${error}`, color: 'red' }] : []),
    ...(shown.length === 0 ? [{ text: 'No records yet (new records appear here as they arrive).', color: 'gray' }] : shown.map((r) => ({ text: recordLine(r) }))),
  ];
}
