// The dashboard's navigation state machine, pure: which kind's list is shown, the selection,
// filter and sort of each list, the opened detail (Enter; Esc goes back), and the input modes
// — typing a filter, the help screen, a prompt line, a confirmation line, an action running.
// reduceKey() maps one key press to the next state plus, at most, one effect for the app to
// run (quit, refresh, an action). Transitions: normal ⇄ filter | help | prompt → confirm →
// running → normal; Esc always returns to normal (or closes the detail from normal).
import type { DashboardAction } from './dashboard-actions.js';
import { KINDS, type Kind } from './list-rows.js';

export interface ListState {
  selected: number;
  filter: string;
  sortColumn: number;
  sortDesc: boolean;
}

export type PromptPurpose =
  | { for: 'reset-to'; group: string }
  | { for: 'produce-key'; topic: string }
  | { for: 'produce-value'; topic: string; key: string | null }
  | { for: 'delete-before'; topic: string };

export type Mode =
  | { type: 'normal' }
  | { type: 'filter'; text: string }
  | { type: 'help' }
  | { type: 'prompt'; label: string; text: string; purpose: PromptPurpose }
  | { type: 'confirm'; action: DashboardAction; table: string[] }
  | { type: 'running'; action: DashboardAction };

export interface AppState {
  kind: Kind;
  /** The opened item (broker id, topic, group, topology name), or null for the list. */
  detail: string | null;
  lists: Record<Kind, ListState>;
  /** First line shown of a detail view. */
  detailScroll: number;
  /** The topic tail's filter (plain text, or a `consume --filter` expression). */
  tailFilter: string;
  mode: Mode;
  message: { text: string; error: boolean } | null;
}

export interface Key {
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  shift?: boolean;
  ctrl?: boolean;
  backspace?: boolean;
  delete?: boolean;
}

export type Effect = { type: 'quit' } | { type: 'refresh' } | { type: 'dry-run'; action: DashboardAction } | { type: 'run'; action: DashboardAction };

export interface KeyContext {
  /** Row keys of the current list (after filter and sort). */
  keys: string[];
  /** Rows of the list or lines of the detail the body can show. */
  pageRows: number;
  /** The selected list item's extra facts actions need. */
  selectedTopology?: string | null;
}

const emptyList = (): ListState => ({ selected: 0, filter: '', sortColumn: -1, sortDesc: false });

export function initialState(kind: Kind = 'brokers'): AppState {
  return { kind, detail: null, lists: { brokers: emptyList(), topics: emptyList(), groups: emptyList(), topologies: emptyList() }, detailScroll: 0, tailFilter: '', mode: { type: 'normal' }, message: null };
}

type Result = { state: AppState; effect?: Effect };

const withList = (s: AppState, patch: Partial<ListState>): AppState => ({ ...s, lists: { ...s.lists, [s.kind]: { ...s.lists[s.kind], ...patch } } });

function clamp(n: number, max: number): number {
  return Math.max(0, Math.min(n, Math.max(0, max)));
}

/** The item an action applies to: the opened detail, else the selected row. */
export function currentItem(s: AppState, keys: string[]): string | null {
  return s.detail ?? keys[clamp(s.lists[s.kind].selected, keys.length - 1)] ?? null;
}

function actionFor(s: AppState, input: string, item: string | null): Result | null {
  if (item === null) return null;
  const confirm = (action: DashboardAction): Result => ({ state: { ...s, mode: { type: 'confirm', action, table: [] }, message: null } });
  if (s.kind === 'topologies') {
    const op = ({ a: 'activate', d: 'deactivate', x: 'kill', b: 'rebalance' } as const)[input as 'a' | 'd' | 'x' | 'b'];
    if (op) return confirm({ type: 'topology', op, name: item });
  }
  if (s.kind === 'brokers') {
    const op = ({ s: 'stop', u: 'start', x: 'kill' } as const)[input as 's' | 'u' | 'x'];
    if (op) return confirm({ type: 'broker', op, id: Number(item) });
  }
  if (s.kind === 'groups' && input === 'R') {
    return { state: { ...s, mode: { type: 'prompt', label: `Reset ${item} to (earliest, latest or YYYY-MM-DDTHH:mm:SS)`, text: 'earliest', purpose: { for: 'reset-to', group: item } }, message: null } };
  }
  if (s.kind === 'topics' && input === 'D') {
    return { state: { ...s, mode: { type: 'prompt', label: `Delete the records of every partition of ${item} below offset (-1: up to the high watermark)`, text: '-1', purpose: { for: 'delete-before', topic: item } }, message: null } };
  }
  if (s.kind === 'topics' && input === 'p') {
    return { state: { ...s, mode: { type: 'prompt', label: `Key of the record to ${item} (empty: null)`, text: '', purpose: { for: 'produce-key', topic: item } }, message: null } };
  }
  return null;
}

function editText(text: string, input: string, key: Key): string | null {
  if (key.backspace || key.delete) return text.slice(0, -1);
  if (input && !key.ctrl && !key.tab && !key.upArrow && !key.downArrow) return text + input;
  return null;
}

function submitPrompt(s: AppState, purpose: PromptPurpose, text: string): Result {
  switch (purpose.for) {
    case 'reset-to': {
      const action: DashboardAction = { type: 'reset-offsets', group: purpose.group, to: text.trim(), execute: false };
      return { state: { ...s, mode: { type: 'running', action }, message: { text: 'dry run…', error: false } }, effect: { type: 'dry-run', action } };
    }
    case 'produce-key':
      return { state: { ...s, mode: { type: 'prompt', label: `Value of the record to ${purpose.topic}`, text: '', purpose: { for: 'produce-value', topic: purpose.topic, key: text === '' ? null : text } } } };
    case 'produce-value':
      return { state: { ...s, mode: { type: 'confirm', action: { type: 'produce', topic: purpose.topic, key: purpose.key, value: text }, table: [] } } };
    case 'delete-before': {
      const t = text.trim();
      if (!/^(-1|\d+)$/.test(t)) return { state: { ...s, mode: { type: 'normal' }, message: { text: `Delete records below '${t}': expected an offset or -1`, error: true } } };
      return { state: { ...s, mode: { type: 'confirm', action: { type: 'delete-records', topic: purpose.topic, offset: t }, table: [] } } };
    }
  }
}

export function reduceKey(s: AppState, input: string, key: Key, ctx: KeyContext): Result {
  const mode = s.mode;
  if (key.ctrl && input === 'c') return { state: s, effect: { type: 'quit' } };
  switch (mode.type) {
    case 'running':
      return { state: s };
    case 'help':
      return { state: { ...s, mode: { type: 'normal' } } };
    case 'confirm': {
      if (input === 'y' || input === 'Y') {
        const action = mode.action.type === 'reset-offsets' ? { ...mode.action, execute: true } : mode.action;
        return { state: { ...s, mode: { type: 'running', action }, message: { text: 'running…', error: false } }, effect: { type: 'run', action } };
      }
      return { state: { ...s, mode: { type: 'normal' }, message: { text: 'cancelled', error: false } } };
    }
    case 'filter': {
      if (key.escape) return { state: s.detail === null ? { ...withList(s, { filter: '' }), mode: { type: 'normal' } } : { ...s, tailFilter: '', mode: { type: 'normal' } } };
      if (key.return) return { state: { ...s, mode: { type: 'normal' } } };
      const text = editText(mode.text, input, key);
      if (text === null) return { state: s };
      const next = { ...s, mode: { type: 'filter', text } as Mode };
      return { state: s.detail === null ? withList(next, { filter: text, selected: 0 }) : { ...next, tailFilter: text } };
    }
    case 'prompt': {
      if (key.escape) return { state: { ...s, mode: { type: 'normal' }, message: { text: 'cancelled', error: false } } };
      if (key.return) return submitPrompt(s, mode.purpose, mode.text);
      const text = editText(mode.text, input, key);
      return { state: text === null ? s : { ...s, mode: { ...mode, text } } };
    }
    case 'normal':
      break;
  }
  const list = s.lists[s.kind];
  const max = s.detail === null ? ctx.keys.length - 1 : Number.MAX_SAFE_INTEGER;
  const move = (delta: number): Result =>
    s.detail === null ? { state: withList(s, { selected: clamp(list.selected + delta, max) }) } : { state: { ...s, detailScroll: Math.max(0, s.detailScroll + delta) } };
  if (input === 'q') return { state: s, effect: { type: 'quit' } };
  if (key.escape) {
    if (s.detail !== null) return { state: { ...s, detail: null, detailScroll: 0, tailFilter: '', message: null } };
    if (list.filter) return { state: withList(s, { filter: '' }) };
    return { state: { ...s, message: null } };
  }
  if (input === '?') return { state: { ...s, mode: { type: 'help' } } };
  if (input === 'r') return { state: s, effect: { type: 'refresh' } };
  if (key.tab) {
    const i = KINDS.indexOf(s.kind);
    return { state: { ...s, kind: KINDS[(i + (key.shift ? KINDS.length - 1 : 1)) % KINDS.length]!, detail: null, detailScroll: 0, message: null } };
  }
  const n = Number(input);
  if (input.length === 1 && Number.isInteger(n) && n >= 1 && n <= KINDS.length) return { state: { ...s, kind: KINDS[n - 1]!, detail: null, detailScroll: 0, message: null } };
  if (key.upArrow || input === 'k') return move(-1);
  if (key.downArrow || input === 'j') return move(1);
  if (key.pageUp) return move(-Math.max(1, ctx.pageRows - 1));
  if (key.pageDown || input === ' ') return move(Math.max(1, ctx.pageRows - 1));
  if (input === 'g') return s.detail === null ? { state: withList(s, { selected: 0 }) } : { state: { ...s, detailScroll: 0 } };
  if (input === 'G' && s.detail === null) return { state: withList(s, { selected: Math.max(0, max) }) };
  if (input === '/') return { state: { ...s, mode: { type: 'filter', text: s.detail === null ? list.filter : s.tailFilter } } };
  if (s.detail === null && input === 'o') return { state: withList(s, { sortColumn: list.sortColumn + 1 >= 12 ? -1 : list.sortColumn + 1 }) };
  if (s.detail === null && input === 'O') return { state: withList(s, { sortDesc: !list.sortDesc }) };
  if (s.detail === null && key.return) {
    const item = currentItem(s, ctx.keys);
    return item === null ? { state: s } : { state: { ...s, detail: item, detailScroll: 0, tailFilter: '', message: null } };
  }
  return actionFor(s, input, currentItem(s, ctx.keys)) ?? { state: s };
}

/** Every key, for the `?` screen. */
export const HELP_LINES = [
  'Anywhere   1-4 / tab / shift-tab  brokers, topics, groups, topologies',
  '           ?  this help    r  refresh now    q / Ctrl-C  quit',
  'Lists      ↑↓ / j k  move    PgUp PgDn / space  page    g G  first, last',
  '           /  filter (Enter keeps it, Esc clears)    o  sort by next column    O  reverse',
  '           Enter  open the selected item    Esc  clear the filter',
  'Details    ↑↓ / j k / PgUp PgDn  scroll    Esc  back to the list',
  '           /  filter the topic tail (text in key, value or header; or key~RE, header.N==V, $.path==V)',
  'Brokers    s  stop (SIGTERM)    u  start    x  kill (SIGKILL)',
  'Topics     p  produce one record (key, then value)    D  delete records below an offset',
  'Groups     R  reset offsets to earliest, latest or a datetime (dry-run table first)',
  'Topologies a  activate    d  deactivate    x  kill    b  rebalance',
  'Every action asks y/N first.',
];
