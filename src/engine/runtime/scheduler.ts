// Storm's even scheduler as pure functions: task ids fixed at submit (1..N in sorted
// component-id order, system components such as __acker included in the sort, as Storm's
// StormCommon does), executors as contiguous task ranges (Utils.partitionFixed), and
// executors spread round-robin over worker slots interleaved across supervisors
// (EvenScheduler.sortSlots). No I/O, no clock: nimbus calls these and persists the result,
// and LocalRunner lays out its in-process workers with the same functions.
import { StreamctlError } from '../common/errors.js';
import { ACKER_COMPONENT_ID } from './acker.js';
import type { ExecutorSpec, WorkerAssignment } from './contracts.js';
import type { TopologySpec } from '../topology/topology-spec.js';


/** Java's String.compareTo order (UTF-16 code units), not the locale's. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Number of acker executors (and tasks) for a topology: `topology.acker.executors`, or one
 * per worker when it is unset/null (Storm 2 default). 0 disables acking.
 */
export function ackerCount(stormConf: Record<string, unknown>, numWorkers: number): number {
  const raw = stormConf['topology.acker.executors'];
  if (raw === undefined || raw === null) return numWorkers;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new StreamctlError('INVALID_CONFIG', `topology.acker.executors must be a non-negative integer, got ${JSON.stringify(raw)}`);
  }
  return n;
}

export interface ComponentTasks {
  id: string;
  numTasks: number;
}

/**
 * Task ids 1..N, assigned to components in sorted component-id order (code-unit order, so
 * `__acker` sorts after upper-case and before lower-case ids), each component getting a
 * contiguous block of `numTasks` ids.
 */
export function computeTaskToComponent(components: ComponentTasks[]): Record<number, string> {
  const sorted = [...components].sort((a, b) => compareIds(a.id, b.id));
  const result: Record<number, string> = {};
  let next = 1;
  for (const c of sorted) {
    for (let i = 0; i < c.numTasks; i++) result[next++] = c.id;
  }
  return result;
}

/** The components a topology runs with: its spec's components plus `__acker` when acking is on. */
export function componentTasksOf(spec: TopologySpec, ackers: number): ComponentTasks[] {
  const list: ComponentTasks[] = spec.components.map((c) => ({ id: c.id, numTasks: c.numTasks }));
  if (ackers > 0) list.push({ id: ACKER_COMPONENT_ID, numTasks: ackers });
  return list;
}

/** Storm's StormCommon.stormTaskInfo: task id → component id for a topology run with `ackers` acker tasks. */
export function stormTaskInfo(spec: TopologySpec, ackers: number): Record<number, string> {
  return computeTaskToComponent(componentTasksOf(spec, ackers));
}

/** Executors per component at submit: each component's parallelism hint, one per acker task. */
export function executorCountsOf(spec: TopologySpec, ackers: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of spec.components) counts[c.id] = c.parallelism;
  if (ackers > 0) counts[ACKER_COMPONENT_ID] = ackers;
  return counts;
}

/**
 * Storm's Utils.partitionFixed: splits `items` into `chunks` contiguous pieces whose sizes
 * differ by at most one, larger pieces first.
 */
export function partitionFixed<T>(chunks: number, items: T[]): T[][] {
  if (chunks <= 0) return [];
  const base = Math.floor(items.length / chunks);
  const extra = items.length % chunks;
  const result: T[][] = [];
  let at = 0;
  for (let i = 0; i < chunks; i++) {
    const size = base + (i < extra ? 1 : 0);
    if (size === 0) continue;
    result.push(items.slice(at, at + size));
    at += size;
  }
  return result;
}

/**
 * Executors of every component: `executorCounts[component]` executors splitting that
 * component's tasks. Asking for more executors than tasks (or fewer than one) is an error,
 * not Storm's silent cap. Result is sorted by start task.
 */
export function computeExecutors(taskToComponent: Record<number, string>, executorCounts: Record<string, number>): ExecutorSpec[] {
  const tasksByComponent = new Map<string, number[]>();
  for (const [task, component] of Object.entries(taskToComponent)) {
    const list = tasksByComponent.get(component) ?? [];
    list.push(Number(task));
    tasksByComponent.set(component, list);
  }
  for (const component of Object.keys(executorCounts)) {
    if (!tasksByComponent.has(component)) {
      const valid = [...tasksByComponent.keys()].sort(compareIds).join(', ');
      throw new StreamctlError('USAGE', `Invalid component ${component}, valid values are ${valid}`);
    }
  }
  const executors: ExecutorSpec[] = [];
  for (const [component, tasks] of tasksByComponent) {
    tasks.sort((a, b) => a - b);
    const count = executorCounts[component] ?? tasks.length;
    if (!Number.isInteger(count) || count < 1) {
      throw new StreamctlError('USAGE', `Number of executors must be greater than 0 (component ${component}: ${count})`);
    }
    if (count > tasks.length) {
      throw new StreamctlError(
        'USAGE',
        `Component ${component} has ${tasks.length} task(s); it cannot run ${count} executors (tasks are fixed at submit; set numTasks higher when building the topology)`,
      );
    }
    for (const range of partitionFixed(count, tasks)) {
      executors.push({ component, startTask: range[0]!, endTask: range[range.length - 1]! });
    }
  }
  return executors.sort((a, b) => a.startTask - b.startTask);
}

export interface SupervisorSlots {
  supervisorId: string;
  host: string;
  ports: number[];
}

export interface Slot {
  supervisorId: string;
  host: string;
  port: number;
}

export function slotKey(slot: { supervisorId: string; port: number }): string {
  return `${slot.supervisorId}:${slot.port}`;
}

/**
 * EvenScheduler.sortSlots: free slots grouped by supervisor, ports ascending within each,
 * supervisors ordered by free-slot count descending (ties by id), then interleaved
 * round-robin (s1:p0, s2:p0, s1:p1, s2:p1, ...).
 */
export function sortSlots(supervisors: SupervisorSlots[], used: ReadonlySet<string>): Slot[] {
  const groups = supervisors
    .map((s) => ({
      id: s.supervisorId,
      slots: [...s.ports]
        .sort((a, b) => a - b)
        .filter((port) => !used.has(slotKey({ supervisorId: s.supervisorId, port })))
        .map((port) => ({ supervisorId: s.supervisorId, host: s.host, port })),
    }))
    .filter((g) => g.slots.length > 0)
    .sort((a, b) => b.slots.length - a.slots.length || compareIds(a.id, b.id));
  const result: Slot[] = [];
  for (let i = 0; groups.some((g) => i < g.slots.length); i++) {
    for (const g of groups) if (i < g.slots.length) result.push(g.slots[i]!);
  }
  return result;
}

export interface ScheduleInput {
  executors: ExecutorSpec[];
  numWorkers: number;
  /** Live supervisors and their slots. */
  supervisors: SupervisorSlots[];
  /** Slots held by other topologies (slotKey form). */
  usedByOthers: ReadonlySet<string>;
  /** This topology's current workers; executors on live slots stay where they are. */
  existing?: WorkerAssignment[];
  /** Rebalance: ignore the existing placement and schedule from scratch. */
  scratch?: boolean;
}

function roundRobin(executors: ExecutorSpec[], slots: Slot[]): WorkerAssignment[] {
  const workers: WorkerAssignment[] = slots.map((s) => ({ supervisorId: s.supervisorId, host: s.host, port: s.port, executors: [] }));
  const sorted = [...executors].sort((a, b) => a.startTask - b.startTask);
  sorted.forEach((e, i) => workers[i % workers.length]!.executors.push(e));
  return workers.filter((w) => w.executors.length > 0);
}

const executorKey = (e: ExecutorSpec) => `${e.component}[${e.startTask}-${e.endTask}]`;

/**
 * Places a topology's executors on worker slots. Keeps workers whose slot is alive and whose
 * executors are all still wanted; puts the rest round-robin on new free slots (Storm's
 * EvenScheduler). When no free slot is left for unplaced executors, or the topology could
 * use more workers than it has, it reschedules from scratch over its own and the free slots
 * (Storm frees the "bad" slots of such a topology). Returns [] when there is no slot at all.
 */
export function scheduleTopology(input: ScheduleInput): WorkerAssignment[] {
  const wanted = new Map(input.executors.map((e) => [executorKey(e), e]));
  const liveSlots = new Set(input.supervisors.flatMap((s) => s.ports.map((port) => slotKey({ supervisorId: s.supervisorId, port }))));
  const kept = input.scratch
    ? []
    : (input.existing ?? []).filter(
        (w) => liveSlots.has(slotKey(w)) && !input.usedByOthers.has(slotKey(w)) && w.executors.every((e) => wanted.has(executorKey(e))),
      );
  const keptKeys = new Set(kept.map(slotKey));
  const placed = new Set(kept.flatMap((w) => w.executors.map(executorKey)));
  const unplaced = input.executors.filter((e) => !placed.has(executorKey(e)));
  const free = sortSlots(input.supervisors, new Set([...input.usedByOthers, ...keptKeys]));
  const target = Math.min(input.numWorkers, kept.length + free.length);

  if (unplaced.length === 0 && kept.length >= target) return kept;
  const newSlots = free.slice(0, Math.max(0, target - kept.length));
  if (kept.length > 0 && newSlots.length > 0 && unplaced.length > 0 && kept.length + newSlots.length >= target) {
    return [...kept, ...roundRobin(unplaced, newSlots)];
  }
  // From scratch over every slot this topology may use.
  const mine = sortSlots(input.supervisors, input.usedByOthers);
  const slots = mine.slice(0, Math.min(input.numWorkers, mine.length));
  if (slots.length === 0) return [];
  return roundRobin(input.executors, slots);
}
