// One whole dashboard frame as exactly `height` lines no wider than `width`: the tab bar and
// health line, the body (a list window that follows the selection, a scrolled detail, or the
// help), the status line (message, filter being typed, prompt, confirmation, dry-run table)
// and the key hints. Pure, so every view can be checked against fixed data at any size.
import { type AppState, HELP_LINES } from '../app-state.js';
import { confirmQuestion } from '../dashboard-actions.js';
import type { DashboardSnapshot } from '../dashboard-snapshot.js';
import { clockTime } from '../format.js';
import type { SeriesHistory } from '../history.js';
import { KIND_TITLES, KINDS, listTable, type ListTable } from '../list-rows.js';
import { compactHealthLine } from './health-line.js';
import { fit, type Line, tableLines } from './lines.js';

export interface FrameInput {
  state: AppState;
  snapshot: DashboardSnapshot | null;
  /** Lines of the opened detail (built by the detail views), or null while loading. */
  detail: Line[] | null;
  detailError: string | null;
  history: SeriesHistory | null;
  width: number;
  height: number;
  intervalSec: number;
  polling: boolean;
  pollError: string | null;
}

/** The current list's table (also used by the app for the keys of its rows). */
export function currentList(state: AppState, snapshot: DashboardSnapshot | null, history: SeriesHistory | null): ListTable {
  const l = state.lists[state.kind];
  if (!snapshot) return { headers: [], rows: [], keys: [], colors: [], error: null };
  return listTable(state.kind, snapshot, { filter: l.filter, sortColumn: l.sortColumn, sortDesc: l.sortDesc }, history);
}

/** Lines of the body the frame leaves at this height (header 2, status 1, hints 1). */
export function bodyHeight(height: number): number {
  return Math.max(1, height - 4);
}

function listBody(input: FrameInput, rows: number): Line[] {
  const { state, snapshot } = input;
  if (!snapshot) return [{ text: 'waiting for the first snapshot…', color: 'gray' }];
  const t = currentList(state, snapshot, input.history);
  const out: Line[] = [];
  if (t.error) out.push({ text: `error: ${t.error}`, color: 'red' });
  if (t.rows.length === 0) {
    out.push({ text: state.lists[state.kind].filter ? 'No rows match the filter.' : `No ${KIND_TITLES[state.kind].toLowerCase()}.`, color: 'gray' });
    return out;
  }
  const l = state.lists[state.kind];
  const sortMark = l.sortColumn >= 0 && l.sortColumn < t.headers.length ? t.headers.map((h, i) => (i === l.sortColumn ? `${h}${l.sortDesc ? '▼' : '▲'}` : h)) : t.headers;
  const [head, ...lines] = tableLines(sortMark, t.rows, t.colors);
  const selected = Math.min(l.selected, lines.length - 1);
  const room = Math.max(1, rows - out.length - 1);
  const first = Math.max(0, Math.min(selected - Math.floor(room / 2), lines.length - room));
  out.push(head!);
  lines.slice(first, first + room).forEach((line, i) => out.push(first + i === selected ? { ...line, inverse: true } : line));
  return out;
}

function detailBody(input: FrameInput, rows: number): Line[] {
  const out: Line[] = input.detailError ? [{ text: `error: ${input.detailError}`, color: 'red' }] : [];
  if (input.detail === null) return [...out, { text: 'loading…', color: 'gray' }];
  const scroll = Math.max(0, Math.min(input.state.detailScroll, input.detail.length - (rows - out.length)));
  return [...out, ...input.detail.slice(scroll, scroll + rows - out.length)];
}

function statusLine(input: FrameInput): Line {
  const { state } = input;
  const m = state.mode;
  if (m.type === 'filter') return { text: `/${m.text}▏ (Enter keep · Esc clear)`, color: 'cyan' };
  if (m.type === 'prompt') return { text: `${m.label}: ${m.text}▏ (Enter · Esc cancel)`, color: 'cyan' };
  if (m.type === 'confirm') return { text: `${confirmQuestion(m.action)} y/N`, color: 'yellow', bold: true };
  if (m.type === 'running') return { text: 'running…', color: 'cyan' };
  if (state.message) return { text: state.message.text, color: state.message.error ? 'red' : 'green' };
  if (input.pollError) return { text: `refresh failed: ${input.pollError}`, color: 'red' };
  const filter = state.detail === null ? state.lists[state.kind].filter : state.tailFilter;
  return { text: filter ? `filter: ${filter}` : '', color: 'gray' };
}

function hints(state: AppState): string {
  const actions: Record<string, string> = { brokers: 's stop · u start · x kill', topics: 'p produce', groups: 'R reset offsets', topologies: 'a/d activate/deactivate · x kill · b rebalance' };
  const nav = state.detail === null ? '↑↓ move · Enter open · / filter · o sort' : '↑↓ scroll · Esc back' + (state.kind === 'topics' ? ' · / filter tail' : '');
  return `${nav} · ${actions[state.kind]} · ? keys · q quit`;
}

export function frameLines(input: FrameInput): Line[] {
  const { state, snapshot, width, height } = input;
  const tabs = KINDS.map((k, i) => (k === state.kind ? `[${i + 1} ${KIND_TITLES[k]}]` : ` ${i + 1} ${KIND_TITLES[k]} `)).join('');
  const when = snapshot ? `${clockTime(snapshot.takenAtMs)} every ${input.intervalSec}s${input.polling ? ' ↻' : ''}` : 'connecting…';
  const crumb = state.detail === null ? '' : ` › ${state.detail}`;
  const health = snapshot?.brokers.data?.health;
  const healthText: Line = snapshot?.brokers.data
    ? health
      ? { text: compactHealthLine(health), color: health.healthy ? 'green' : 'red', bold: !health.healthy }
      : { text: 'Healthy: false · no broker answered a Metadata request', color: 'red', bold: true }
    : { text: snapshot?.brokers.error ? `brokers: ${snapshot.brokers.error}` : 'health: waiting…', color: snapshot?.brokers.error ? 'red' : 'gray' };
  const rows = bodyHeight(height);
  let body: Line[];
  if (state.mode.type === 'help') body = [{ text: 'Keys (any key closes)', bold: true, color: 'cyan' }, ...HELP_LINES.map((text) => ({ text }))];
  else if (state.mode.type === 'confirm' && state.mode.table.length > 0) body = [{ text: 'Dry run (nothing changed yet):', bold: true, color: 'yellow' }, ...state.mode.table.map((text) => ({ text }))];
  else body = state.detail === null ? listBody(input, rows) : detailBody(input, rows);
  body = body.slice(0, rows);
  while (body.length < rows) body.push({ text: '' });
  const lines: Line[] = [
    { text: `streamctl ${tabs}${crumb}  ${when}`, bold: true },
    healthText,
    ...body,
    statusLine(input),
    { text: hints(state), color: 'gray' },
  ];
  return lines.map((l) => ({ ...l, text: fit(l.text, width) }));
}
