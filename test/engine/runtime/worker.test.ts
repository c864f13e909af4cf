// Worker and executors driven by a ManualClock: message timeouts, the acker's expiry, tick
// tuples, latencies and error times follow the injected clock, so these tests advance it
// instead of sleeping. Workers are joined by the in-memory transport.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/common/clock.js';
import { localAssignment } from '../../../src/engine/runtime/local-runner.js';
import { MemoryNetwork } from '../../../src/engine/runtime/transport/memory-transport.js';
import { Worker } from '../../../src/engine/runtime/worker.js';
import {
  BaseRichBolt,
  BaseRichSpout,
  TopologyBuilder,
  type OutputCollector,
  type OutputFieldsDeclarer,
  type SpoutOutputCollector,
  type TopologyContext,
  type Tuple,
} from '../../../src/engine/topology/index.js';
import type { Topology } from '../../../src/engine/topology/topology.js';
import { waitFor } from '../../helpers/wait-for.js';

let workers: Worker[] = [];
afterEach(async () => {
  for (const w of workers) await w.close();
  workers = [];
});

interface Log {
  acked: number[];
  failed: number[];
}

/** Emits 0..limit-1 once each with the number as message id. */
class Numbers extends BaseRichSpout {
  c!: SpoutOutputCollector;
  next = 0;
  constructor(
    readonly log: Log,
    readonly limit: number,
  ) {
    super();
  }
  override open(_conf: unknown, _ctx: TopologyContext, c: SpoutOutputCollector): void {
    this.c = c;
  }
  nextTuple(): void {
    if (this.next < this.limit) this.c.emit([this.next], this.next++);
  }
  override ack(id: unknown): void {
    this.log.acked.push(id as number);
  }
  override fail(id: unknown): void {
    this.log.failed.push(id as number);
  }
  declareOutputFields(d: OutputFieldsDeclarer): void {
    d.declare(['n']);
  }
}

/** Holds every input until the test releases it (acks it). */
class Holds extends BaseRichBolt {
  static held: Array<() => void> = [];
  static ticks: number[] = [];
  c!: OutputCollector;
  ctx!: TopologyContext;
  override prepare(_conf: unknown, ctx: TopologyContext, c: OutputCollector): void {
    this.c = c;
    this.ctx = ctx;
  }
  execute(t: Tuple): void {
    if (t.isTick()) {
      Holds.ticks.push(this.ctx.getThisTaskId());
      return;
    }
    Holds.held.push(() => this.c.ack(t));
  }
}

function topology(log: Log, limit: number, conf: Record<string, unknown>, boltTasks = 1): Topology {
  const b = new TopologyBuilder();
  b.setSpout('numbers', () => new Numbers(log, limit));
  b.setBolt('holds', () => new Holds(), boltTasks).shuffleGrouping('numbers');
  return b.createTopology(conf);
}

/**
 * Wait for `cond`, moving the clock 1 ms per poll: the worker loop sleeps on clock timers
 * when it has nothing to do (the spout poll, housekeeping), as it would in real time.
 */
function until(clock: ManualClock, what: string, cond: () => boolean): Promise<true> {
  return waitFor(
    what,
    () => {
      clock.advance(1);
      return cond();
    },
    5_000,
    5,
  );
}

/** Start every worker of a local assignment on `clock`. */
async function startWorkers(t: Topology, clock: ManualClock, numWorkers = 1): Promise<Worker[]> {
  const stormConf = { 'topology.message.timeout.secs': 30, ...t.spec.config };
  const assignment = localAssignment('t-1', t, stormConf, numWorkers);
  const network = new MemoryNetwork();
  for (let i = 0; i < numWorkers; i++) {
    workers.push(await Worker.start({ topology: t, topologyId: 't-1', stormConf, assignment, workerIndex: i, initialStatus: 'ACTIVE', transport: network.factory(i), clock }));
  }
  return workers;
}

describe('Worker on a manual clock', () => {
  afterEach(() => {
    Holds.held = [];
    Holds.ticks = [];
  });

  it('fails a spout tuple only once topology.message.timeout.secs of clock time has passed', async () => {
    const clock = new ManualClock();
    const log: Log = { acked: [], failed: [] };
    await startWorkers(topology(log, 3, { 'topology.message.timeout.secs': 30 }), clock);
    await until(clock, 'three inputs held', () => Holds.held.length === 3);
    clock.advance(29_000);
    // Let the loop run a while at ~29 s (1 ms per poll): nothing may time out yet.
    let polls = 0;
    await until(clock, 'passes at 29 s', () => ++polls === 50);
    expect(log.failed).toEqual([]);
    clock.advance(2_000);
    await until(clock, 'timeouts', () => log.failed.length === 3);
    expect(log.failed.sort()).toEqual([0, 1, 2]);
    expect(log.acked).toEqual([]);
  });

  it('acks a late tuple tree when message timeouts are disabled, however much clock time passed', async () => {
    const clock = new ManualClock();
    const log: Log = { acked: [], failed: [] };
    await startWorkers(topology(log, 2, { 'topology.message.timeout.secs': 1, 'topology.enable.message.timeouts': false }), clock);
    await until(clock, 'two inputs held', () => Holds.held.length === 2);
    // Far past the spout's timeout and the acker's expiry (2x the timeout).
    clock.advance(60_000);
    for (const ack of Holds.held) ack();
    await until(clock, 'late acks', () => log.acked.length === 2);
    expect(log.failed).toEqual([]);
  });

  it('measures complete latency on the clock: emit to full ack', async () => {
    const clock = new ManualClock();
    const log: Log = { acked: [], failed: [] };
    const [w] = await startWorkers(topology(log, 1, { 'topology.stats.sample.rate': 1 }), clock);
    await until(clock, 'the input held', () => Holds.held.length === 1);
    clock.advance(250);
    Holds.held[0]!();
    await until(clock, 'the ack', () => log.acked.length === 1);
    const spout = w!.stats().find((s) => s.component === 'numbers')!;
    expect(spout.acked).toBe(1);
    expect(spout.completeLatency?.maxMs).toBeGreaterThanOrEqual(250);
    expect(spout.completeLatency?.maxMs).toBeLessThan(300);
  });

  it('sends tick tuples to every task each topology.tick.tuple.freq.secs of clock time', async () => {
    const clock = new ManualClock();
    const b = new TopologyBuilder();
    b.setSpout('numbers', () => new Numbers({ acked: [], failed: [] }, 0));
    b.setBolt('holds', () => new Holds(), 1).setNumTasks(2).shuffleGrouping('numbers').setTickTupleFreqSecs(5);
    await startWorkers(b.createTopology(), clock);
    clock.advance(4_900);
    let polls = 0;
    await until(clock, 'passes before 5 s', () => ++polls === 50);
    expect(Holds.ticks).toEqual([]);
    await until(clock, 'the first ticks', () => Holds.ticks.length === 2);
    clock.advance(10_000);
    await until(clock, 'two more rounds', () => Holds.ticks.length === 6);
    const perTask = new Map<number, number>();
    for (const t of Holds.ticks) perTask.set(t, (perTask.get(t) ?? 0) + 1);
    expect([...perTask.values()]).toEqual([3, 3]);
  });

  it('stamps reported errors and uptime with clock time', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const [w] = await startWorkers(topology({ acked: [], failed: [] }, 0, {}), clock);
    clock.advance(42_000);
    w!.reportError('holds', 1, new Error('boom'));
    expect(w!.uptimeSecs).toBe(42);
    expect(w!.takeErrors()).toMatchObject([{ component: 'holds', taskId: 1, timeSecs: 1_700_000_042 }]);
  });

  it('delivers tuples across two workers and acks them through the ackers', async () => {
    const clock = new ManualClock();
    const log: Log = { acked: [], failed: [] };
    await startWorkers(topology(log, 20, {}, 2), clock, 2);
    await until(clock, 'twenty inputs held', () => Holds.held.length === 20);
    for (const ack of Holds.held) ack();
    await until(clock, 'twenty acks', () => log.acked.length === 20);
    expect(log.acked.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(workers.map((w) => w.droppedTuples)).toEqual([0, 0]);
  });
});
