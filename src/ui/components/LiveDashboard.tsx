// The live dashboard app: polls the cluster (useSnapshot), keeps the session history, holds
// the navigation state (app-state's reducer), polls the opened detail view, runs the
// confirmed actions and draws one Frame sized to the terminal (following resizes).
// Keys are read only when stdin supports raw mode; otherwise the caller's signal ends it.
import { useApp, useInput, useStdin } from 'ink';
import { useCallback, useMemo, useRef, useState } from 'react';
import { type AppState, initialState, type Key, reduceKey } from '../app-state.js';
import type { DashboardAction, DashboardActions } from '../dashboard-actions.js';
import type { DashboardSnapshot } from '../dashboard-snapshot.js';
import type { DetailSources } from '../detail-sources.js';
import { SeriesHistory } from '../history.js';
import type { Kind } from '../list-rows.js';
import { recordComponentCounters, recordSnapshot } from '../record-history.js';
import { useSnapshot } from '../use-snapshot.js';
import { useTerminalSize } from '../use-terminal-size.js';
import { brokerDetailLines } from '../views/broker-view.js';
import { bodyHeight, currentList } from '../views/frame.js';
import { groupDetailLines } from '../views/group-view.js';
import type { Line } from '../views/lines.js';
import { topicDetailLines } from '../views/topic-view.js';
import { topologyDetailLines } from '../views/topology-view.js';
import { Frame } from './Frame.js';

export interface LiveDashboardProps {
  /** Must be stable across renders (a new function restarts polling). */
  poll: () => Promise<DashboardSnapshot>;
  details: DetailSources;
  actions: DashboardActions;
  intervalMs: number;
  initialKind?: Kind;
  history?: SeriesHistory;
}

/** One character of a chunk of keys that arrived together (Enter and Backspace included). */
function splitKey(ch: string): [string, Key] {
  if (ch === '\r' || ch === '\n') return ['', { return: true }];
  if (ch === '\x7f' || ch === '\b') return ['', { backspace: true }];
  return [ch, {}];
}

type DetailBuilder = (width: number, tailFilter: string) => Line[];

export function LiveDashboard({ poll, details, actions, intervalMs, initialKind = 'brokers', history: given }: LiveDashboardProps) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const size = useTerminalSize();
  const history = useMemo(() => given ?? new SeriesHistory(), [given]);
  const previous = useRef<DashboardSnapshot | null>(null);
  const recordingPoll = useCallback(async () => {
    const s = await poll();
    recordSnapshot(history, s, previous.current);
    previous.current = s;
    return s;
  }, [poll, history]);
  const { value: snapshot, error: pollError, polling, refresh } = useSnapshot(recordingPoll, intervalMs);
  // The key handler reads refs: a key may arrive before ink re-subscribes a newer handler.
  const snapshotRef = useRef(snapshot);
  snapshotRef.current = snapshot;
  const [state, setState] = useState<AppState>(() => initialState(initialKind));
  const stateRef = useRef(state);
  stateRef.current = state;

  // The opened detail: polled with the same interval while it is open.
  const openKey = state.detail === null ? null : `${state.kind}:${state.detail}`;
  const lastTopologyPoll = useRef(new Map<string, number>());
  const detailPoll = useCallback(async (): Promise<DetailBuilder | null> => {
    const s = stateRef.current;
    const item = s.detail;
    if (item === null) return null;
    if (s.kind === 'topics') {
      const d = await details.topic(item);
      return (width, filter) => topicDetailLines(d, filter, history, width);
    }
    if (s.kind === 'groups') {
      const d = await details.group(item);
      return (width) => groupDetailLines(d, history, width);
    }
    if (s.kind === 'topologies') {
      const d = await details.topology(item);
      const before = lastTopologyPoll.current.get(item);
      lastTopologyPoll.current.set(item, d.takenAtMs);
      const comps = [...d.detail.spouts.map((x) => ({ id: x.spoutId, ...x })), ...d.detail.bolts.map((x) => ({ id: x.boltId, ...x }))];
      recordComponentCounters(history, d.detail.name, comps, before === undefined ? 0 : d.takenAtMs - before);
      return () => topologyDetailLines(d, history);
    }
    const b = previous.current?.brokers.data?.brokers.find((x) => String(x.broker) === item);
    const proc = details.brokerProcess(b?.pid ?? null);
    return () => brokerDetailLines(b, item, previous.current?.partitions ?? [], proc);
  }, [details, history, openKey]); // openKey: another detail restarts the polling
  const keyedPoll = useCallback(async () => ({ key: openKey, build: await detailPoll() }), [detailPoll, openKey]);
  const detail = useSnapshot(keyedPoll, intervalMs);

  const runAction = useCallback(
    (action: DashboardAction, dryRun: boolean) => {
      actions.run(action).then(
        (r) =>
          setState((s) =>
            dryRun
              ? { ...s, mode: { type: 'confirm', action, table: r.table ?? [] }, message: null }
              : { ...s, mode: { type: 'normal' }, message: { text: r.message, error: false } },
          ),
        (e: unknown) => setState((s) => ({ ...s, mode: { type: 'normal' }, message: { text: e instanceof Error ? e.message : String(e), error: true } })),
      ).finally(() => {
        if (!dryRun) {
          refresh();
          detail.refresh();
        }
      });
    },
    [actions, refresh, detail],
  );

  const rows = bodyHeight(size.rows - 1);
  useInput(
    (input, key) => {
      // Keys typed faster than a read (or sent at once) arrive as one string: one key each.
      const presses: Array<[string, Key]> = input.length > 1 && !key.escape ? [...input].map(splitKey) : [[input, key]];
      for (const [one, oneKey] of presses) {
        const list = currentList(stateRef.current, snapshotRef.current, history);
        const { state: next, effect } = reduceKey(stateRef.current, one, oneKey, { keys: list.keys, pageRows: rows });
        stateRef.current = next;
        setState(next);
        if (!effect) continue;
        if (effect.type === 'quit') exit();
        else if (effect.type === 'refresh') {
          refresh();
          detail.refresh();
        } else runAction(effect.action, effect.type === 'dry-run');
      }
    },
    { isActive: isRawModeSupported === true },
  );

  const builder = state.detail !== null && detail.value?.key === openKey ? detail.value.build : null;
  return (
    <Frame
      state={state}
      snapshot={snapshot}
      detail={builder ? builder(size.columns - 1, state.tailFilter) : null}
      detailError={state.detail === null ? null : detail.error}
      history={history}
      // One column and one row spare: a full last column or row makes terminals scroll.
      width={size.columns - 1}
      height={size.rows - 1}
      intervalSec={intervalMs / 1000}
      polling={polling}
      pollError={pollError}
    />
  );
}
