// Pure helpers for Storm's task layout: task ids 1..N in sorted component-id order
// (system components included), executors as contiguous ranges of a component's tasks
// (Storm's Utils.partitionFixed). Nimbus owns the real assignment; the local runner and
// tests use these.
import type { ExecutorSpec, TopologySpec } from '../runtime/contracts.js';

export const ACKER_COMPONENT = '__acker';

/**
 * Number of acker tasks: `topology.acker.executors` if set (0 disables acking), else one
 * per worker (`topology.workers`, default 1), as Storm.
 */
export function ackerCount(conf: Record<string, unknown>): number {
  const v = conf['topology.acker.executors'];
  if (v === undefined || v === null) {
    const w = Number(conf['topology.workers'] ?? 1);
    return Number.isInteger(w) && w > 0 ? w : 1;
  }
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`topology.acker.executors must be an integer >= 0, got ${String(v)}`);
  return n;
}

/** Task id → component id, ids from 1 in sorted component order, `__acker` included. */
export function computeTaskIds(spec: TopologySpec, numAckers: number): Record<number, string> {
  const counts = new Map<string, number>(spec.components.map((c) => [c.id, c.numTasks]));
  if (numAckers > 0) counts.set(ACKER_COMPONENT, numAckers);
  const ids = [...counts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: Record<number, string> = {};
  let next = 1;
  for (const id of ids) for (let i = 0; i < counts.get(id)!; i++) out[next++] = id;
  return out;
}

/** Split a component's sorted tasks into `numExecutors` contiguous ranges (larger first). */
export function partitionExecutors(component: string, tasks: readonly number[], numExecutors: number): ExecutorSpec[] {
  const sorted = [...tasks].sort((a, b) => a - b);
  const n = Math.min(Math.max(1, numExecutors), sorted.length);
  const base = Math.floor(sorted.length / n);
  const extra = sorted.length % n;
  const out: ExecutorSpec[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const size = base + (i < extra ? 1 : 0);
    out.push({ component, startTask: sorted[at]!, endTask: sorted[at + size - 1]! });
    at += size;
  }
  return out;
}

/** All executors of a topology, sorted by start task (parallelism from the spec, ackers one task each). */
export function computeExecutors(spec: TopologySpec, taskToComponent: Record<number, string>): ExecutorSpec[] {
  const byComponent = new Map<string, number[]>();
  for (const [t, c] of Object.entries(taskToComponent)) {
    let l = byComponent.get(c);
    if (!l) byComponent.set(c, (l = []));
    l.push(Number(t));
  }
  const out: ExecutorSpec[] = [];
  for (const [c, tasks] of byComponent) {
    const parallelism = spec.components.find((x) => x.id === c)?.parallelism ?? tasks.length;
    out.push(...partitionExecutors(c, tasks, parallelism));
  }
  return out.sort((a, b) => a.startTask - b.startTask);
}
