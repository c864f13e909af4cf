// The worker's pieces on their own: WorkerTransfer (local queue or transport, remote back
// pressure), BackPressureTracker (publish at capacity, release at half), the executor
// factory (executors, routes and downstream tasks from an assignment) and repeatEvery on a
// ManualClock.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/common/clock.js';
import { BackPressureTracker } from '../../../src/engine/runtime/backpressure-tracker.js';
import type { Assignment } from '../../../src/engine/runtime/contracts.js';
import { createExecutors, downstreamTasks } from '../../../src/engine/runtime/executor-factory.js';
import { ExecutorQueue } from '../../../src/engine/runtime/executor-queue.js';
import type { Executor, ExecutorHost } from '../../../src/engine/runtime/executor.js';
import { localAssignment } from '../../../src/engine/runtime/local-runner.js';
import { repeatEvery } from '../../../src/engine/runtime/repeating-timer.js';
import type { Transport } from '../../../src/engine/runtime/transport/transport.js';
import { WorkerTransfer } from '../../../src/engine/runtime/worker-transfer.js';
import { silentLogger } from '../../../src/engine/common/logger.js';
import { BaseBasicBolt, BaseRichSpout, Fields, TopologyBuilder, type OutputFieldsDeclarer } from '../../../src/engine/topology/index.js';
import type { TupleImpl } from '../../../src/engine/topology/tuple.js';

/** Just enough of an executor for transfer and back pressure: a queue and a task range. */
function fakeExecutor(startTask: number, endTask: number, queueCapacity: number): Executor {
  return { startTask, endTask, queueCapacity, bpPublished: false, queue: new ExecutorQueue<TupleImpl>(queueCapacity * 2) } as unknown as Executor;
}

/** A transport that records what the worker hands it. */
function recordingTransport() {
  const sent: Array<{ peer: number; dest: number; stream: string; values: unknown[] }> = [];
  const published: Array<{ blocked: number[]; unblocked: number[] }> = [];
  const blockedPeers = new Set<number>();
  const transport: Transport = {
    send: (peer, dest, _src, stream, values) => void sent.push({ peer, dest, stream, values }),
    flush: () => {},
    isPeerBlocked: (peer) => blockedPeers.has(peer),
    publishBackpressure: (blocked, unblocked) => void published.push({ blocked, unblocked }),
    dropped: 0,
    close: async () => {},
  };
  return { transport, sent, published, blockedPeers };
}

const assignment: Assignment = {
  topologyId: 't-1',
  version: 1,
  taskToComponent: { 1: 'a', 2: 'a', 3: 'b', 4: 'b' },
  workers: [
    { supervisorId: 's', host: '127.0.0.1', port: 1, executors: [{ component: 'a', startTask: 1, endTask: 2 }] },
    { supervisorId: 's', host: '127.0.0.1', port: 2, executors: [{ component: 'b', startTask: 3, endTask: 4 }] },
  ],
};
const streamFields = new Map([['default', new Fields('n')]]);

function transferFor(executors: Executor[]) {
  const t = new WorkerTransfer(
    { maxTask: 4, componentOfTask: [undefined, 'a', 'a', 'b', 'b'], fieldsOfTask: [undefined, streamFields, streamFields, streamFields, streamFields], backpressure: new BackPressureTracker(executors) },
    assignment,
  );
  const rec = recordingTransport();
  t.attach(rec.transport);
  return { t, ...rec };
}

describe('WorkerTransfer', () => {
  it('queues a tuple for a local task and sends one for a remote task to its worker', () => {
    const local = fakeExecutor(1, 2, 4);
    const { t, sent } = transferFor([local]);
    t.setLocal(1, local);
    t.setLocal(2, local);
    t.transfer(2, 1, 'a', 'default', streamFields.get('default')!, [7], null);
    t.transfer(4, 1, 'a', 'default', streamFields.get('default')!, [8], [5]);
    expect(local.queue.length).toBe(1);
    expect(local.queue.shift()).toMatchObject({ values: [7], destTask: 2 });
    expect(sent).toEqual([{ peer: 1, dest: 4, stream: 'default', values: [8] }]);
    expect(t.dropped).toBe(0);
  });

  it('drops and counts tuples for tasks no worker runs', () => {
    const { t, sent } = transferFor([]);
    t.transfer(99, 1, 'a', 'default', streamFields.get('default')!, [1], null);
    t.onRemoteTuple(3, 1, 'default', [1], null);
    expect(sent).toEqual([]);
    expect(t.dropped).toBe(2);
  });

  it('rebuilds a remote tuple with its source component and stream fields', () => {
    const local = fakeExecutor(3, 4, 4);
    const { t } = transferFor([local]);
    t.setLocal(3, local);
    t.onRemoteTuple(3, 1, 'default', [42], null);
    const tuple = local.queue.shift()!;
    expect(tuple.getSourceComponent()).toBe('a');
    expect(tuple.getValueByField('n')).toBe(42);
  });

  it('blocks a remote task while its worker says so, and frees all of that worker on reset', () => {
    const { t, blockedPeers } = transferFor([]);
    expect(t.onBackpressure(1, [3], [], false)).toBe(false);
    expect(t.isTaskBlocked(3)).toBe(true);
    expect(t.isTaskBlocked(4)).toBe(false);
    expect(t.onBackpressure(1, [], [], true)).toBe(true);
    expect(t.isTaskBlocked(3)).toBe(false);
    blockedPeers.add(1);
    expect(t.isTaskBlocked(4)).toBe(true);
  });

  it('forgets remote back pressure when peers are re-mapped to a new assignment', () => {
    const { t } = transferFor([]);
    t.onBackpressure(1, [3, 4], [], false);
    t.mapPeers({ ...assignment, version: 2 });
    expect(t.isTaskBlocked(3)).toBe(false);
  });
});

describe('BackPressureTracker', () => {
  it('publishes a full executor as blocked once, and unblocked only when half empty', () => {
    const ex = fakeExecutor(3, 4, 4);
    const { t, published } = transferFor([ex]);
    t.setLocal(3, ex);
    t.setLocal(4, ex);
    for (let i = 0; i < 4; i++) t.transfer(3, 1, 'a', 'default', streamFields.get('default')!, [i], null);
    t.publishBackpressure();
    t.publishBackpressure();
    expect(published).toEqual([{ blocked: [3, 4], unblocked: [] }]);
    expect(t.isTaskBlocked(4)).toBe(true);
    ex.queue.shift();
    t.publishBackpressure();
    expect(t.isTaskBlocked(3)).toBe(true);
    ex.queue.shift();
    t.publishBackpressure();
    expect(published).toEqual([
      { blocked: [3, 4], unblocked: [] },
      { blocked: [], unblocked: [3, 4] },
    ]);
    expect(t.isTaskBlocked(3)).toBe(false);
  });

  it('has nothing to publish while no executor crosses a threshold', () => {
    expect(new BackPressureTracker([fakeExecutor(1, 1, 4)]).changes()).toBeNull();
  });
});

class Spout extends BaseRichSpout {
  nextTuple(): void {}
  declareOutputFields(d: OutputFieldsDeclarer): void {
    d.declare(['n']);
  }
}
class Bolt extends BaseBasicBolt {
  execute(): void {}
}

describe('createExecutors', () => {
  const b = new TopologyBuilder();
  b.setSpout('s', () => new Spout(), 1);
  b.setBolt('near', () => new Bolt(), 2).localOrShuffleGrouping('s');
  b.setBolt('first', () => new Bolt(), 2).globalGrouping('s');
  const topology = b.createTopology();
  const layout = localAssignment('t-1', topology, {}, 2);

  function build(workerIndex: number) {
    const host = { clock: new ManualClock(), ackerTasks: [], messageTimeoutMs: 30_000, logger: silentLogger, status: 'ACTIVE' } as unknown as ExecutorHost;
    const tasksByComponent = new Map<string, number[]>();
    for (const [task, c] of Object.entries(layout.taskToComponent)) tasksByComponent.set(c, [...(tasksByComponent.get(c) ?? []), Number(task)]);
    const localTasks = new Set(layout.workers[workerIndex]!.executors.flatMap((e) => Array.from({ length: e.endTask - e.startTask + 1 }, (_, i) => e.startTask + i)));
    const fieldsByComponent = new Map(topology.spec.components.map((c) => [c.id, new Map(Object.entries(c.streams).map(([s, d]) => [s, new Fields(d.fields)]))]));
    const ackerTasks = tasksByComponent.get('__acker') ?? [];
    const input = { topology, spec: topology.spec, topologyId: 't-1', stormConf: {}, assignment: layout, workerIndex, tasksByComponent, fieldsByComponent, localTasks, ackerTasks, host, clock: new ManualClock(), logger: silentLogger, codeDir: '.' };
    return { built: createExecutors(input), input };
  }

  it('builds one executor per assigned range, spouts apart, ackers included', () => {
    const all = [0, 1].flatMap((i) => build(i).built.all);
    expect(all.map((e) => `${e.kind}:${e.component}[${e.startTask}-${e.endTask}]`).sort()).toEqual(
      layout.workers.flatMap((w) => w.executors).map((e) => `${e.component === '__acker' ? 'acker' : e.component === 's' ? 'spout' : 'bolt'}:${e.component}[${e.startTask}-${e.endTask}]`).sort(),
    );
    for (const i of [0, 1]) {
      const { built } = build(i);
      expect(built.spouts.every((e) => e.kind === 'spout')).toBe(true);
      expect(built.nonSpouts.every((e) => e.kind !== 'spout')).toBe(true);
      expect(built.spouts.length + built.nonSpouts.length).toBe(built.all.length);
    }
  });

  it('gives a spout the ackers, local tasks of a local-or-shuffle consumer and the first task of a global one as downstream', () => {
    const spoutWorker = layout.workers.findIndex((w) => w.executors.some((e) => e.component === 's'));
    const { input } = build(spoutWorker);
    const near = input.tasksByComponent.get('near')!;
    const localNear = near.filter((t) => input.localTasks.has(t));
    const expected = new Set([...input.ackerTasks, ...(localNear.length > 0 ? localNear : near), input.tasksByComponent.get('first')![0]!]);
    expect(downstreamTasks(input, 's')).toEqual([...expected].sort((a, b) => a - b));
  });

  it('refuses an assignment naming a component the topology lacks', () => {
    const { input } = build(0);
    const bad = { ...layout, workers: [{ ...layout.workers[0]!, executors: [{ component: 'ghost', startTask: 1, endTask: 1 }] }] };
    expect(() => createExecutors({ ...input, assignment: bad, workerIndex: 0 })).toThrow("Assignment names component 'ghost'");
  });
});

describe('repeatEvery', () => {
  it('fires every period of clock time until cancelled', () => {
    const clock = new ManualClock();
    let n = 0;
    const timer = repeatEvery(clock, 100, () => n++);
    clock.advance(99);
    expect(n).toBe(0);
    clock.advance(301);
    expect(n).toBe(4);
    timer.cancel();
    clock.advance(1_000);
    expect(n).toBe(4);
  });
});
