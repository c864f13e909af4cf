import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { ManualClock } from '../../../src/engine/common/clock.js';
import { LocalRunner } from '../../../src/engine/runtime/local-runner.js';
import {
  BaseBasicBolt,
  BaseRichBolt,
  BaseRichSpout,
  FailedException,
  TopologyBuilder,
  Values,
  type BasicOutputCollector,
  type OutputCollector,
  type OutputFieldsDeclarer,
  type SpoutOutputCollector,
  type TopologyContext,
  type Tuple,
} from '../../../src/engine/topology/index.js';
import { CountBolt, SentenceSpout, SplitBolt, expectedCounts, newProbe, wordCountBuilder } from './fixtures/word-count.js';

let runner: LocalRunner | undefined;
afterEach(async () => {
  await runner?.close();
  runner = undefined;
});

/** Emits 0, 1, 2, ... with the number as message id; records acks and fails; replays fails. */
class NumberSpout extends BaseRichSpout {
  collector!: SpoutOutputCollector;
  next = 0;
  replay: number[] = [];
  constructor(
    readonly log: { acked: number[]; failed: number[]; nextTupleCalls: number; emitted: number; activations: string[] },
    readonly limit = Infinity,
    readonly withIds = true,
  ) {
    super();
  }
  override open(_c: unknown, _x: TopologyContext, collector: SpoutOutputCollector): void {
    this.collector = collector;
  }
  nextTuple(): void {
    this.log.nextTupleCalls++;
    const n = this.replay.length ? this.replay.shift()! : this.next < this.limit ? this.next++ : -1;
    if (n < 0) return;
    this.log.emitted++;
    this.collector.emit([n], this.withIds ? n : undefined);
  }
  override ack(id: unknown): void {
    this.log.acked.push(id as number);
  }
  override fail(id: unknown): void {
    this.log.failed.push(id as number);
    this.replay.push(id as number);
  }
  override activate(): void {
    this.log.activations.push('activate');
  }
  override deactivate(): void {
    this.log.activations.push('deactivate');
  }
  declareOutputFields(d: OutputFieldsDeclarer): void {
    d.declare(['n']);
  }
}

const newLog = () => ({ acked: [] as number[], failed: [] as number[], nextTupleCalls: 0, emitted: 0, activations: [] as string[] });

describe('LocalRunner', () => {
  it('runs word count across two workers with acking: exact counts, every sentence acked', async () => {
    const probe = newProbe();
    const total = 3000;
    runner = await LocalRunner.start(wordCountBuilder(probe, total).createTopology(), { workers: 2 });
    await waitFor('all sentences acked', () => probe.acked.size === total, 20_000, 10);
    expect(probe.counts).toEqual(expectedCounts(total));
    expect(probe.failed).toEqual([]);
    const spout = runner.componentTotals('spout');
    expect(spout).toMatchObject({ emitted: total, acked: total, failed: 0 });
    const count = runner.componentTotals('count');
    expect(count.executed).toBe([...expectedCounts(total).values()].reduce((a, b) => a + b));
    const spoutStats = runner.stats().find((s) => s.component === 'spout')!;
    expect(spoutStats.completeLatency!.count).toBe(total);
    expect(spoutStats.completeLatency!.p99Ms).toBeGreaterThan(0);
    expect(runner.errors()).toEqual([]);
  });

  it('replays tuples a bolt fails until every one is processed (at least once)', async () => {
    const log = newLog();
    const seen = new Set<number>();
    class Flaky extends BaseBasicBolt {
      execute(t: Tuple): void {
        const n = t.getInteger(0);
        if (n % 10 === 0 && !seen.has(n)) {
          seen.add(n);
          throw new FailedException(`first try of ${n}`);
        }
      }
    }
    const b = new TopologyBuilder();
    b.setSpout('numbers', () => new NumberSpout(log, 200));
    b.setBolt('flaky', () => new Flaky(), 2).shuffleGrouping('numbers');
    runner = await LocalRunner.start(b.createTopology());
    await waitFor('all acked', () => new Set(log.acked).size === 200, 10_000, 10);
    expect([...log.failed].sort((a, c) => a - c)).toEqual(Array.from({ length: 20 }, (_, i) => i * 10));
    expect(log.emitted).toBe(220);
    expect(runner.errors()).toEqual([]); // FailedException is not reported
  });

  it('fails the spout tuple right away when a bolt fails it, long before the timeout', async () => {
    const log = newLog();
    class Fails extends BaseRichBolt {
      c!: OutputCollector;
      override prepare(_: unknown, __: TopologyContext, c: OutputCollector): void {
        this.c = c;
      }
      execute(t: Tuple): void {
        this.c.fail(t);
      }
    }
    const b = new TopologyBuilder();
    b.setSpout('numbers', () => new NumberSpout(log, 1));
    b.setBolt('fails', () => new Fails()).shuffleGrouping('numbers');
    runner = await LocalRunner.start(b.createTopology({ 'topology.message.timeout.secs': 60 }));
    const start = Date.now();
    await waitFor('fail', () => log.failed.length >= 1, 5_000, 10);
    expect(Date.now() - start).toBeLessThan(2_000);
  });

  it('fails tuple trees that are not completed within topology.message.timeout.secs', async () => {
    const log = newLog();
    class Forgets extends BaseRichBolt {
      execute(): void {}
    }
    const b = new TopologyBuilder();
    b.setSpout('numbers', () => new NumberSpout(log, 3));
    b.setBolt('forgets', () => new Forgets()).shuffleGrouping('numbers');
    const clock = new ManualClock();
    runner = await LocalRunner.start(b.createTopology({ 'topology.message.timeout.secs': 30 }), { clock });
    await waitFor('three emits', () => log.emitted === 3, 5_000, 10);
    clock.advance(29_000);
    // The loop sleeps on clock timers when idle: move 1 ms per poll, nothing may fail before 30 s.
    let polls = 0;
    await waitFor('passes at 29 s', () => (clock.advance(1), ++polls === 50), 5_000, 10);
    expect(log.failed).toEqual([]);
    clock.advance(2_000);
    await waitFor('timeouts', () => (clock.advance(1), log.failed.length >= 3), 5_000, 10);
    expect(log.acked).toEqual([]);
    expect(runner.componentTotals('numbers').failed).toBeGreaterThanOrEqual(3);
  });

  it('with topology.enable.message.timeouts = false never times out a tuple tree, however late its ack', async () => {
    const log = newLog();
    class AcksLate extends BaseRichBolt {
      c!: OutputCollector;
      override prepare(_conf: unknown, _ctx: TopologyContext, c: OutputCollector): void {
        this.c = c;
      }
      execute(t: Tuple): void {
        held.push(() => this.c.ack(t));
      }
    }
    const held: Array<() => void> = [];
    const b = new TopologyBuilder();
    b.setSpout('numbers', () => new NumberSpout(log, 3));
    b.setBolt('late', () => new AcksLate()).shuffleGrouping('numbers');
    const clock = new ManualClock();
    runner = await LocalRunner.start(b.createTopology({ 'topology.message.timeout.secs': 1, 'topology.enable.message.timeouts': false }), { clock });
    await waitFor('three held inputs', () => (clock.advance(1), held.length === 3), 5_000, 10);
    // Well past 2x the 1 s message timeout (the acker's expiry).
    clock.advance(10_000);
    for (const ack of held) ack();
    await waitFor('late acks', () => (clock.advance(1), log.acked.length === 3), 5_000, 10);
    expect(log.acked.sort()).toEqual([0, 1, 2]);
    expect(log.failed).toEqual([]);
    expect(runner.componentTotals('numbers').failed).toBe(0);
  });

  it('with topology.acker.executors = 0 acks at emit time and never replays (at most once)', async () => {
    const log = newLog();
    class AlwaysFails extends BaseBasicBolt {
      execute(): void {
        throw new FailedException();
      }
    }
    const b = new TopologyBuilder();
    b.setSpout('numbers', () => new NumberSpout(log, 50));
    b.setBolt('fails', () => new AlwaysFails()).shuffleGrouping('numbers');
    runner = await LocalRunner.start(b.createTopology({ 'topology.acker.executors': 0 }));
    await waitFor('all executed', () => runner!.componentTotals('fails').executed === 50, 5_000, 10);
    expect(runner.assignment.taskToComponent).not.toContain('__acker');
    expect(log.acked).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(log.failed).toEqual([]);
    expect(log.emitted).toBe(50);
  });

  it('keeps queues bounded when a bolt is slower than its spout (backpressure)', async () => {
    const log = newLog();
    class Slow extends BaseBasicBolt {
      execute(): void {
        const until = performance.now() + 0.05;
        while (performance.now() < until);
      }
    }
    const b = new TopologyBuilder();
    b.setSpout('numbers', () => new NumberSpout(log, Infinity, false));
    b.setBolt('slow', () => new Slow()).shuffleGrouping('numbers');
    runner = await LocalRunner.start(b.createTopology({ 'topology.executor.receive.buffer.size': 256 }), { workers: 2 });
    let maxQueue = 0;
    // Samples the queues over a 1.5 s window of back pressure (the window is the measurement).
    const deadline = Date.now() + 1500;
    while (Date.now() < deadline) {
      for (const w of runner.workers) for (const q of w.queueLengths()) maxQueue = Math.max(maxQueue, q.length);
      await new Promise((r) => setTimeout(r, 5));
    }
    const executed = runner.componentTotals('slow').executed;
    expect(executed).toBeGreaterThan(1000);
    expect(maxQueue).toBeLessThan(256 + 4096 + 128);
    // The spout was held back: it emitted about what the bolt could take, not millions.
    expect(log.emitted - executed).toBeLessThan(256 * 2 + 4096 + 128);
  });

  it('holds nextTuple while max.spout.pending trees are in flight', async () => {
    const log = newLog();
    let maxPending = 0;
    class Hold extends BaseRichBolt {
      c!: OutputCollector;
      held: Tuple[] = [];
      override prepare(_: unknown, __: TopologyContext, c: OutputCollector): void {
        this.c = c;
      }
      execute(t: Tuple): void {
        this.held.push(t);
        maxPending = Math.max(maxPending, this.held.length);
        if (this.held.length >= 5) for (const h of this.held.splice(0)) this.c.ack(h);
      }
    }
    const b = new TopologyBuilder();
    b.setSpout('numbers', () => new NumberSpout(log, 100)).setMaxSpoutPending(5);
    b.setBolt('hold', () => new Hold()).shuffleGrouping('numbers');
    runner = await LocalRunner.start(b.createTopology());
    await waitFor('acks', () => log.acked.length === 100, 5_000, 10);
    expect(maxPending).toBe(5);
  });

  it('stops calling nextTuple within a second of deactivation and resumes on activate', async () => {
    const log = newLog();
    const b = new TopologyBuilder();
    b.setSpout('numbers', () => new NumberSpout(log, Infinity, false));
    b.setBolt('sink', () => new (class extends BaseBasicBolt {
      execute(): void {}
    })()).shuffleGrouping('numbers');
    runner = await LocalRunner.start(b.createTopology());
    await waitFor('spout running', () => log.nextTupleCalls > 100, 5_000, 10);
    await runner.deactivate();
    const at = log.nextTupleCalls;
    // Deliberately time: a deactivated spout gets no nextTuple call for 300 ms.
    await new Promise((r) => setTimeout(r, 300));
    expect(log.nextTupleCalls).toBe(at);
    expect(log.activations).toEqual(['activate', 'deactivate']);
    await runner.activate();
    await waitFor('spout resumed', () => log.nextTupleCalls > at + 100, 5_000, 10);
    expect(log.activations).toEqual(['activate', 'deactivate', 'activate']);
  });

  it('starts inactive when asked and does not call nextTuple', async () => {
    const log = newLog();
    const b = new TopologyBuilder();
    b.setSpout('numbers', () => new NumberSpout(log));
    runner = await LocalRunner.start(b.createTopology(), { status: 'INACTIVE' });
    // Deliberately time: an inactive spout gets no nextTuple call for 100 ms.
    await new Promise((r) => setTimeout(r, 100));
    expect(log.nextTupleCalls).toBe(0);
    expect(log.activations).toEqual([]);
  });

  it('delivers tick tuples to every task of a component at topology.tick.tuple.freq.secs', async () => {
    const ticks: Array<{ task: number; values: readonly unknown[]; source: string; stream: string }> = [];
    class Ticked extends BaseBasicBolt {
      task = 0;
      override prepare(_: unknown, ctx: TopologyContext): void {
        this.task = ctx.getThisTaskId();
      }
      execute(t: Tuple): void {
        if (t.isTick()) ticks.push({ task: this.task, values: t.getValues(), source: t.getSourceComponent(), stream: t.getSourceStreamId() });
      }
    }
    const log = newLog();
    const b = new TopologyBuilder();
    b.setSpout('numbers', () => new NumberSpout(log, 0));
    b.setBolt('ticked', () => new Ticked(), 1).setNumTasks(2).shuffleGrouping('numbers').setTickTupleFreqSecs(1);
    runner = await LocalRunner.start(b.createTopology());
    await waitFor('ticks', () => ticks.length >= 2, 5_000, 10);
    expect(new Set(ticks.map((t) => t.task)).size).toBe(2);
    expect(ticks[0]).toMatchObject({ values: [1], source: '__system', stream: '__tick' });
  });

  it('routes emitDirect to the chosen task of a direct stream', async () => {
    const got: Array<[number, number]> = [];
    class DirectSpout extends BaseRichSpout {
      c!: SpoutOutputCollector;
      targets: number[] = [];
      sent = false;
      override open(_: unknown, ctx: TopologyContext, c: SpoutOutputCollector): void {
        this.c = c;
        this.targets = ctx.getComponentTasks('sink');
      }
      nextTuple(): void {
        if (this.sent) return;
        this.sent = true;
        for (const t of this.targets) for (let i = 0; i < 3; i++) this.c.emitDirect(t, 'd', [t]);
      }
      declareOutputFields(d: OutputFieldsDeclarer): void {
        d.declareStream('d', ['target'], true);
      }
    }
    class Sink extends BaseBasicBolt {
      task = 0;
      override prepare(_: unknown, ctx: TopologyContext): void {
        this.task = ctx.getThisTaskId();
      }
      execute(t: Tuple): void {
        got.push([this.task, t.getInteger(0)]);
      }
    }
    const b = new TopologyBuilder();
    b.setSpout('src', () => new DirectSpout());
    b.setBolt('sink', () => new Sink(), 2).setNumTasks(3).directGrouping('src', 'd');
    runner = await LocalRunner.start(b.createTopology(), { workers: 2 });
    await waitFor('direct tuples', () => got.length === 9, 5_000, 10);
    for (const [task, target] of got) expect(task).toBe(target);
  });

  it('treats an error thrown by a rich bolt as fatal (a worker process would exit), reports it and fails the tuple', async () => {
    const log = newLog();
    class Throws extends BaseRichBolt {
      execute(): void {
        throw new Error('boom in execute');
      }
    }
    const b = new TopologyBuilder();
    b.setSpout('numbers', () => new NumberSpout(log, 1));
    b.setBolt('throws', () => new Throws()).shuffleGrouping('numbers');
    runner = await LocalRunner.start(b.createTopology());
    await waitFor('fail', () => log.failed.length >= 1, 5_000, 10);
    const errors = runner.errors();
    expect(errors[0]).toMatchObject({ component: 'throws' });
    expect(errors[0]!.error).toContain('boom in execute');
    expect(runner.fatalErrors()[0]).toMatchObject({ component: 'throws', error: 'boom in execute' });
  });

  it('awaits async execute, one tuple at a time per executor, and acks basic bolts after it resolves', async () => {
    const log = newLog();
    let concurrent = 0;
    let maxConcurrent = 0;
    class AsyncBolt extends BaseBasicBolt {
      async execute(t: Tuple, c: BasicOutputCollector): Promise<void> {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((r) => setTimeout(r, 1));
        c.emit([t.getInteger(0) * 2]);
        concurrent--;
      }
      override declareOutputFields(d: OutputFieldsDeclarer): void {
        d.declare(['double']);
      }
    }
    const doubles: number[] = [];
    const b = new TopologyBuilder();
    b.setSpout('numbers', () => new NumberSpout(log, 20));
    b.setBolt('async', () => new AsyncBolt()).shuffleGrouping('numbers');
    b.setBolt('collect', () => new (class extends BaseBasicBolt {
      execute(t: Tuple): void {
        doubles.push(t.getInteger(0));
      }
    })()).globalGrouping('async');
    runner = await LocalRunner.start(b.createTopology());
    await waitFor('acks', () => log.acked.length === 20, 5_000, 10);
    expect(maxConcurrent).toBe(1);
    expect(doubles.sort((a, c) => a - c)).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });

  it('runs components given as instances, deep-copied per task like Storm (state is not shared)', async () => {
    const probe = newProbe();
    const b = new TopologyBuilder();
    b.setSpout('spout', new SentenceSpout(probe, 100));
    b.setBolt('split', new SplitBolt(), 2).shuffleGrouping('spout');
    b.setBolt('count', new CountBolt(probe), 2).fieldsGrouping('split', ['word']);
    runner = await LocalRunner.start(b.createTopology());
    await waitFor('acks', () => runner!.componentTotals('spout').acked === 100, 5_000, 10);
    const words = [...expectedCounts(100).values()].reduce((a, c) => a + c);
    expect(runner.componentTotals('count').executed).toBe(words);
    // The tasks got copies of the probe: the instance given to the builder saw nothing.
    expect(probe.acked.size).toBe(0);
    expect(probe.counts.size).toBe(0);
  });
});

void Values;
