// Topology detail as lines: the component graph drawn as an indented tree (spouts first, each
// bolt under its first input, with the grouping of every input), per component the
// emitted/acked/failed rates over the session, latencies and capacity (a saturated bolt, near
// capacity 1, stands out), the latest error of each component with its worker and time, and
// the last lines of each worker's log. Pure.
import type { TopologyVisualization } from '../../engine/runtime/nimbus/api-types.js';
import type { TopologyDetailData } from '../detail-sources.js';
import { rate } from '../format.js';
import type { SeriesHistory } from '../history.js';
import { seriesKey } from '../record-history.js';
import { type Line, section, tableLines } from './lines.js';

/** Storm's UI marks capacity above this as saturated. */
export const SATURATED_CAPACITY = 0.8;

/** The component graph as tree lines: `└─ count ⇐ split (fields)`. */
export function graphLines(graph: TopologyVisualization): string[] {
  const ids = Object.keys(graph);
  const children = new Map<string, string[]>();
  for (const id of ids) {
    const first = graph[id]![':inputs'][0]?.[':component'];
    if (first !== undefined && graph[first]) children.set(first, [...(children.get(first) ?? []), id]);
  }
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string, depth: number) => {
    if (seen.has(id)) return;
    seen.add(id);
    const c = graph[id]!;
    const inputs = c[':inputs'].map((i) => `${i[':component']}${i[':stream'] === 'default' ? '' : `:${i[':stream']}`} (${i[':grouping']})`);
    const label = c[':type'] === 'spout' ? `${id} [spout]` : `${id} ⇐ ${inputs.join(', ')}`;
    out.push(`${'   '.repeat(Math.max(0, depth - 1))}${depth > 0 ? '└─ ' : ''}${label}`);
    for (const child of children.get(id) ?? []) visit(child, depth + 1);
  };
  for (const id of ids.filter((x) => graph[x]![':type'] === 'spout')) visit(id, 0);
  for (const id of ids) visit(id, 0); // cycles or inputs from unknown components
  return out;
}

function lastRate(history: SeriesHistory | null, topology: string, component: string, what: string): string {
  const v = history?.last(seriesKey.componentRate(topology, component, what));
  return rate(v ?? null);
}

export function topologyDetailLines(d: TopologyDetailData, history: SeriesHistory | null): Line[] {
  const t = d.detail;
  const name = t.name;
  const spoutRows = t.spouts.map((s) => [s.spoutId, 'spout', String(s.executors), lastRate(history, name, s.spoutId, 'emitted'), lastRate(history, name, s.spoutId, 'acked'), lastRate(history, name, s.spoutId, 'failed'), `complete ${s.completeLatency}`, '-']);
  const boltRows = t.bolts.map((b) => [
    b.boltId,
    'bolt',
    String(b.executors),
    lastRate(history, name, b.boltId, 'emitted'),
    lastRate(history, name, b.boltId, 'acked'),
    lastRate(history, name, b.boltId, 'failed'),
    `exec ${b.executeLatency} proc ${b.processLatency}`,
    Number(b.capacity) >= SATURATED_CAPACITY ? `${b.capacity} SATURATED` : b.capacity,
  ]);
  const colors = [
    ...t.spouts.map((s) => (s.failed > 0 ? 'yellow' : undefined)),
    ...t.bolts.map((b) => (Number(b.capacity) >= SATURATED_CAPACITY ? 'red' : b.failed > 0 ? 'yellow' : undefined)),
  ];
  const errors = [...t.spouts.map((s) => ({ id: s.spoutId, ...s })), ...t.bolts.map((b) => ({ id: b.boltId, ...b }))].filter((c) => c.lastError !== '');
  const all = t.topologyStats.find((s) => s.window === ':all-time');
  return [
    section(`Topology ${name} · ${t.status} · ${t.workersTotal} workers · ${t.executorsTotal} executors · up ${t.uptime}`),
    { text: `all time: emitted ${all?.emitted ?? '-'} · acked ${all?.acked ?? '-'} · failed ${all?.failed ?? '-'} · complete latency ${all?.completeLatency ?? '-'} ms` },
    { text: '' },
    section('Graph'),
    ...(d.graph ? graphLines(d.graph).map((text) => ({ text })) : [{ text: 'graph not available from nimbus', color: 'gray' }]),
    { text: '' },
    section('Components (rates per second over the last refresh; latencies in ms)'),
    ...tableLines(['COMPONENT', 'TYPE', 'EXEC', 'EMIT/S', 'ACK/S', 'FAIL/S', 'LATENCY', 'CAPACITY'], [...spoutRows, ...boltRows], colors),
    { text: '' },
    section('Errors'),
    ...(errors.length === 0
      ? [{ text: 'none', color: 'gray' }]
      : errors.map((e) => ({ text: `${e.id} on ${e.errorHost}:${e.errorPort} ${e.errorTime === null ? '' : new Date(e.errorTime * 1000).toISOString().slice(11, 19)}: ${e.lastError}`, color: 'red' }))),
    { text: '' },
    section('Worker logs'),
    ...(d.logs.length === 0 ? [{ text: 'no worker logs', color: 'gray' }] : d.logs.flatMap((l) => [{ text: `${l.worker}`, bold: true }, ...l.lines.map((text) => ({ text }))])),
  ];
}
