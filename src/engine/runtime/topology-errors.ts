// `topology errors NAME` (storm get-errors): the last error of every component that has one,
// with the worker (host:port) and time, from nimbus's topology detail. Text output is
// Storm's GetErrors line: {"Topology Name":"wc","Comp-Errors":{"count":"..."}}. Pure.
import type { TopologyDetail } from './nimbus/api-types.js';

export interface ComponentErrorRow {
  component: string;
  error: string;
  /** Worker that reported it. */
  host: string;
  port: number | null;
  /** Epoch seconds. */
  time: number | null;
  lapsedSecs: number | null;
}

export interface TopologyErrors {
  topology: string;
  errors: ComponentErrorRow[];
}

export function topologyErrors(detail: TopologyDetail): TopologyErrors {
  const rows = [...detail.spouts.map((s) => ({ id: s.spoutId, ...s })), ...detail.bolts.map((b) => ({ id: b.boltId, ...b }))];
  return {
    topology: detail.name,
    errors: rows
      .filter((r) => r.lastError !== '')
      .map((r) => ({ component: r.id, error: r.lastError, host: r.errorHost, port: r.errorPort === '' ? null : r.errorPort, time: r.errorTime, lapsedSecs: r.errorLapsedSecs })),
  };
}

/** Storm's `get-errors` output: one JSON line. */
export function formatGetErrors(e: TopologyErrors): string {
  return JSON.stringify({ 'Topology Name': e.topology, 'Comp-Errors': Object.fromEntries(e.errors.map((r) => [r.component, r.error])) });
}
