import { describe, expect, it } from 'vitest';
import { isStreamctlError } from '../../../src/engine/common/errors.js';
import { localAssignment } from '../../../src/engine/runtime/local-runner.js';
import type { TopologyLike } from '../../../src/engine/topology/topology.js';
import {
  ackerCount,
  computeExecutors,
  computeTaskToComponent,
  partitionFixed,
  scheduleTopology,
  sortSlots,
  type SupervisorSlots,
} from '../../../src/engine/runtime/scheduler.js';

const sup = (id: string, ports: number[]): SupervisorSlots => ({ supervisorId: id, host: '127.0.0.1', ports });

describe('scheduler', () => {
  it('assigns task ids 1..N in sorted component-id order with __acker included in the sort', () => {
    const t = computeTaskToComponent([
      { id: 'split', numTasks: 2 },
      { id: 'count', numTasks: 4 },
      { id: '__acker', numTasks: 2 },
      { id: 'Sentences', numTasks: 1 },
    ]);
    expect(t).toEqual({ 1: 'Sentences', 2: '__acker', 3: '__acker', 4: 'count', 5: 'count', 6: 'count', 7: 'count', 8: 'split', 9: 'split' });
  });

  it('splits tasks into contiguous executor ranges with larger ranges first', () => {
    expect(partitionFixed(3, [1, 2, 3, 4, 5, 6, 7])).toEqual([[1, 2, 3], [4, 5], [6, 7]]);
    const tasks = computeTaskToComponent([{ id: 'count', numTasks: 5 }, { id: 'spout', numTasks: 1 }]);
    expect(computeExecutors(tasks, { count: 2, spout: 1 })).toEqual([
      { component: 'count', startTask: 1, endTask: 3 },
      { component: 'count', startTask: 4, endTask: 5 },
      { component: 'spout', startTask: 6, endTask: 6 },
    ]);
  });

  it('rejects more executors than tasks instead of capping', () => {
    const tasks = computeTaskToComponent([{ id: 'count', numTasks: 4 }]);
    let caught: unknown;
    try {
      computeExecutors(tasks, { count: 5 });
    } catch (error) {
      caught = error;
    }
    expect(isStreamctlError(caught, 'USAGE')).toBe(true);
    expect((caught as Error).message).toMatch(/count has 4 task\(s\); it cannot run 5 executors/);
  });

  it('gives LocalRunner the same clear error as nimbus when a spec asks for more executors than tasks', () => {
    const spec = {
      config: {},
      components: [{ id: 'words', kind: 'spout' as const, parallelism: 3, numTasks: 2, inputs: [], streams: {}, config: {} }],
    };
    const topology = { spec } as unknown as TopologyLike;
    expect(() => localAssignment('t-1', topology, {}, 1)).toThrow(/words has 2 task\(s\); it cannot run 3 executors/);
  });

  it('lays out LocalRunner executors exactly like nimbus: task ids, ranges and one acker per worker', () => {
    const spec = {
      config: {},
      components: [
        { id: 'words', kind: 'spout' as const, parallelism: 1, numTasks: 1, inputs: [], streams: {}, config: {} },
        { id: 'count', kind: 'bolt' as const, parallelism: 2, numTasks: 5, inputs: [], streams: {}, config: {} },
      ],
    };
    const a = localAssignment('t-1', { spec } as unknown as TopologyLike, {}, 2);
    expect(a.taskToComponent).toEqual({ 1: '__acker', 2: '__acker', 3: 'count', 4: 'count', 5: 'count', 6: 'count', 7: 'count', 8: 'words' });
    expect(a.workers.flatMap((w) => w.executors).sort((x, y) => x.startTask - y.startTask)).toEqual(
      computeExecutors(a.taskToComponent, { __acker: 2, count: 2, words: 1 }),
    );
  });

  it('keeps task ids fixed when a rebalance changes the executor count', () => {
    const tasks = computeTaskToComponent([{ id: 'count', numTasks: 4 }, { id: 'spout', numTasks: 1 }]);
    const before = computeExecutors(tasks, { count: 1 });
    const after = computeExecutors(tasks, { count: 4 });
    const taskIds = (es: typeof before) => es.flatMap((e) => Array.from({ length: e.endTask - e.startTask + 1 }, (_, i) => `${e.component}:${e.startTask + i}`));
    expect(taskIds(after).sort()).toEqual(taskIds(before).sort());
    expect(after.filter((e) => e.component === 'count')).toHaveLength(4);
  });

  it('uses one acker per worker unless topology.acker.executors is set', () => {
    expect(ackerCount({}, 3)).toBe(3);
    expect(ackerCount({ 'topology.acker.executors': null }, 2)).toBe(2);
    expect(ackerCount({ 'topology.acker.executors': 0 }, 2)).toBe(0);
    expect(() => ackerCount({ 'topology.acker.executors': -1 }, 2)).toThrow(/non-negative/);
  });

  it('interleaves free slots across supervisors, fullest first', () => {
    const slots = sortSlots([sup('s1', [6701, 6700]), sup('s2', [6800, 6801, 6802])], new Set(['s1:6700']));
    expect(slots.map((s) => `${s.supervisorId}:${s.port}`)).toEqual(['s2:6800', 's1:6701', 's2:6801', 's2:6802']);
  });

  it('spreads executors round-robin over the requested number of workers across supervisors', () => {
    const tasks = computeTaskToComponent([{ id: 'a', numTasks: 4 }, { id: 'b', numTasks: 2 }]);
    const executors = computeExecutors(tasks, {});
    const workers = scheduleTopology({ executors, numWorkers: 2, supervisors: [sup('s1', [1, 2]), sup('s2', [3, 4])], usedByOthers: new Set() });
    expect(workers.map((w) => `${w.supervisorId}:${w.port}`)).toEqual(['s1:1', 's2:3']);
    expect(workers.map((w) => w.executors.map((e) => e.startTask))).toEqual([[1, 3, 5], [2, 4, 6]]);
  });

  it('uses fewer workers when there are fewer free slots than requested', () => {
    const executors = computeExecutors(computeTaskToComponent([{ id: 'a', numTasks: 3 }]), {});
    const workers = scheduleTopology({ executors, numWorkers: 4, supervisors: [sup('s1', [1, 2])], usedByOthers: new Set(['s1:1']) });
    expect(workers).toHaveLength(1);
    expect(workers[0]!.port).toBe(2);
    expect(workers[0]!.executors).toHaveLength(3);
  });

  it('moves only the executors of a dead supervisor and keeps live workers in place', () => {
    const executors = computeExecutors(computeTaskToComponent([{ id: 'a', numTasks: 4 }]), {});
    const first = scheduleTopology({ executors, numWorkers: 2, supervisors: [sup('s1', [1, 2]), sup('s2', [3, 4])], usedByOthers: new Set() });
    const onS1 = first.find((w) => w.supervisorId === 's1')!;
    const second = scheduleTopology({ executors, numWorkers: 2, supervisors: [sup('s1', [1, 2])], usedByOthers: new Set(), existing: first });
    expect(second).toHaveLength(2);
    expect(second).toContainEqual(onS1);
    expect(second.every((w) => w.supervisorId === 's1')).toBe(true);
    expect(second.flatMap((w) => w.executors).sort((a, b) => a.startTask - b.startTask)).toEqual(executors);
  });

  it('returns the same placement when nothing changed', () => {
    const executors = computeExecutors(computeTaskToComponent([{ id: 'a', numTasks: 4 }]), {});
    const supervisors = [sup('s1', [1, 2]), sup('s2', [3, 4])];
    const first = scheduleTopology({ executors, numWorkers: 2, supervisors, usedByOthers: new Set() });
    expect(scheduleTopology({ executors, numWorkers: 2, supervisors, usedByOthers: new Set(), existing: first })).toEqual(first);
  });

  it('reschedules from scratch on rebalance', () => {
    const tasks = computeTaskToComponent([{ id: 'a', numTasks: 4 }]);
    const supervisors = [sup('s1', [1, 2]), sup('s2', [3, 4])];
    const first = scheduleTopology({ executors: computeExecutors(tasks, { a: 1 }), numWorkers: 1, supervisors, usedByOthers: new Set() });
    const second = scheduleTopology({ executors: computeExecutors(tasks, { a: 4 }), numWorkers: 3, supervisors, usedByOthers: new Set(), existing: first, scratch: true });
    expect(second).toHaveLength(3);
    expect(second.flatMap((w) => w.executors)).toHaveLength(4);
  });
});
