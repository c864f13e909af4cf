// Windowed bolts on the LocalRunner: sliding count windows and tumbling event-time windows
// with lag produce exactly the windows Storm's semantics give (expected values computed here
// independently), late tuples go to the late-tuple stream, tuples are acked when they leave
// the window, and the window must fit in the message timeout (Storm's message).
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { ManualClock } from '../../../src/engine/common/clock.js';
import { LocalRunner } from '../../../src/engine/runtime/local-runner.js';
import {
  BaseRichBolt,
  BaseRichSpout,
  BaseWindowedBolt,
  Count,
  Duration,
  TopologyBuilder,
  type LateTuple,
  type OutputCollector,
  type OutputFieldsDeclarer,
  type SpoutOutputCollector,
  type TopologyContext,
  type Tuple,
  type TupleWindow,
} from '../../../src/engine/topology/index.js';

let runner: LocalRunner | undefined;
afterEach(async () => {
  await runner?.close();
  runner = undefined;
});

interface SpoutLog {
  queue: Array<[number, number]>;
  acked: number[];
  failed: number[];
}

/** Emits [n, ts] pairs the test queues, with n as message id. */
class QueueSpout extends BaseRichSpout {
  #c!: SpoutOutputCollector;
  constructor(readonly log: SpoutLog) {
    super();
  }
  override open(_conf: unknown, _ctx: TopologyContext, c: SpoutOutputCollector): void {
    this.#c = c;
  }
  nextTuple(): void {
    const next = this.log.queue.shift();
    if (next) this.#c.emit([next[0], next[1]], next[0]);
  }
  override ack(id: unknown): void {
    this.log.acked.push(id as number);
  }
  override fail(id: unknown): void {
    this.log.failed.push(id as number);
  }
  declareOutputFields(d: OutputFieldsDeclarer): void {
    d.declare(['n', 'ts']);
  }
}

interface SeenWindow {
  all: number[];
  fresh: number[];
  expired: number[];
  start: number | undefined;
  end: number | undefined;
}

class RecordingWindowBolt extends BaseWindowedBolt {
  #c!: OutputCollector;
  constructor(readonly windows: SeenWindow[]) {
    super();
  }
  override prepare(_conf: unknown, _ctx: TopologyContext, c: OutputCollector): void {
    this.#c = c;
  }
  execute(w: TupleWindow): void {
    const n = (ts: Tuple[]) => ts.map((t) => t.getIntegerByField('n'));
    this.windows.push({ all: n(w.get()), fresh: n(w.getNew()), expired: n(w.getExpired()), start: w.getStartTimestamp(), end: w.getEndTimestamp() });
    this.#c.emit([w.get().length]);
  }
  override declareOutputFields(d: OutputFieldsDeclarer): void {
    d.declare(['size']);
  }
}

class LateSink extends BaseRichBolt {
  #c!: OutputCollector;
  constructor(readonly late: LateTuple[]) {
    super();
  }
  override prepare(_conf: unknown, _ctx: TopologyContext, c: OutputCollector): void {
    this.#c = c;
  }
  execute(t: Tuple): void {
    this.late.push(t.getValueByField('late_tuple') as LateTuple);
    this.#c.ack(t);
  }
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

describe('windowed bolts', () => {
  it('gives a sliding count window of 10 every 5 the windows Storm gives, acking tuples as they expire', async () => {
    const N = 23;
    const log: SpoutLog = { queue: range(1, N).map((n) => [n, 0]), acked: [], failed: [] };
    const windows: SeenWindow[] = [];
    const b = new TopologyBuilder();
    b.setSpout('numbers', () => new QueueSpout(log));
    b.setBolt('window', () => new RecordingWindowBolt(windows).withWindow(Count.of(10), Count.of(5))).shuffleGrouping('numbers');
    runner = await LocalRunner.start(b.createTopology());
    await waitFor('4 windows', () => windows.length === 4, 10_000, 10);
    // Independently: a window fires after every 5th tuple k and holds the last min(k, 10) tuples.
    const expected = [5, 10, 15, 20].map((k) => ({
      all: range(Math.max(1, k - 9), k),
      fresh: range(k - 4, k),
      expired: k >= 15 ? range(k - 14, k - 10) : [],
      start: undefined,
    }));
    expect(windows.map(({ end: _end, ...w }) => w)).toEqual(expected);
    // Tuples 1..10 left the window (at 15 and 20): acked; 11..23 are still held.
    await waitFor('acks of expired tuples', () => log.acked.length === 10, 10_000, 10);
    expect([...log.acked].sort((a, b) => a - b)).toEqual(range(1, 10));
    expect(log.failed).toEqual([]);
  });

  it('gives a tumbling 2 s event-time window with 500 ms lag the windows Storm gives and sends late tuples to the late stream', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const T0 = clock.now();
    const WATERMARK_MS = 60_000;
    const log: SpoutLog = { queue: [], acked: [], failed: [] };
    const windows: SeenWindow[] = [];
    const late: LateTuple[] = [];
    const b = new TopologyBuilder();
    b.setSpout('events', () => new QueueSpout(log));
    b.setBolt('window', () =>
      new RecordingWindowBolt(windows)
        .withTumblingWindow(Duration.seconds(2))
        .withTimestampField('ts')
        .withLag(Duration.ofMillis(500))
        .withWatermarkInterval(Duration.ofMillis(WATERMARK_MS))
        .withLateTupleStream('late'),
    ).shuffleGrouping('events');
    b.setBolt('late-sink', () => new LateSink(late)).shuffleGrouping('window', 'late');
    runner = await LocalRunner.start(b.createTopology({ 'topology.message.timeout.secs': 600 }), { clock });
    const r = runner;
    const batches = [
      [100, 600, 1500, 1900, 2100, 2600, 3900, 4200],
      [1000, 3800, 4000, 3000, 4500, 6100, 5000],
      [8000],
    ];
    let n = 0;
    let sent = 0;
    const all: Array<{ n: number; ts: number; late: boolean }> = [];
    let watermark = Number.MIN_SAFE_INTEGER;
    for (const [i, batch] of batches.entries()) {
      for (const offset of batch) {
        n++;
        log.queue.push([n, T0 + offset]);
        all.push({ n, ts: offset, late: offset < watermark });
      }
      sent += batch.length;
      await waitFor(`batch ${i} executed`, () => (clock.advance(1), r.componentTotals('window').executed === sent), 10_000, 5);
      // The next watermark round: watermark = latest event time - lag.
      clock.advance(T0 + (i + 1) * WATERMARK_MS - clock.now());
      watermark = Math.max(...all.map((e) => e.ts)) - 500;
    }
    // Independently: each on-time tuple belongs to the window ending at the next multiple of
    // 2000 at or after its time ((end - 2000, end]); windows fire once the watermark reaches their end.
    const byEnd = new Map<number, number[]>();
    for (const e of all.filter((x) => !x.late)) {
      const end = Math.ceil(e.ts / 2000) * 2000;
      if (end <= watermark) byEnd.set(end, [...(byEnd.get(end) ?? []), e.n]);
    }
    const ends = [...byEnd.keys()].sort((a, b) => a - b);
    await waitFor('windows', () => (clock.advance(1), windows.length === ends.length), 5_000, 5);
    expect(windows.map((w) => ({ all: [...w.all].sort((a, b) => a - b), start: w.start, end: w.end }))).toEqual(
      ends.map((end) => ({ all: byEnd.get(end)!, start: T0 + end - 2000, end: T0 + end })),
    );
    // Tumbling: every tuple of a window is new; the previous window's tuples expired.
    for (const [i, w] of windows.entries()) {
      expect(w.fresh.sort((a, b) => a - b)).toEqual([...w.all].sort((a, b) => a - b));
      expect(w.expired.sort((a, b) => a - b)).toEqual(i === 0 ? [] : byEnd.get(ends[i - 1]!)!);
    }
    const expectedLate = all.filter((e) => e.late);
    expect(expectedLate.map((e) => e.ts)).toEqual([1000, 3000]);
    await waitFor('late tuples', () => (clock.advance(1), late.length === expectedLate.length), 5_000, 5);
    expect(late.map((t) => t.values)).toEqual(expectedLate.map((e) => [e.n, T0 + e.ts]));
    expect(late[0]!.fields).toEqual(['n', 'ts']);
    // Late tuples are acked at once; windowed tuples when they expire (windows 1 and 2 so far).
    const expectAcked = [...expectedLate.map((e) => e.n), ...byEnd.get(ends[0]!)!, ...byEnd.get(ends[1]!)!].sort((a, b) => a - b);
    await waitFor('acks', () => (clock.advance(1), log.acked.length === expectAcked.length), 5_000, 5);
    expect([...log.acked].sort((a, b) => a - b)).toEqual(expectAcked);
  });

  it('rejects a window longer than the message timeout at submit with Storm\'s message', async () => {
    const b = new TopologyBuilder();
    b.setSpout('numbers', () => new QueueSpout({ queue: [], acked: [], failed: [] }));
    b.setBolt('window', () => new RecordingWindowBolt([]).withWindow(Duration.seconds(20), Duration.seconds(15))).shuffleGrouping('numbers');
    await expect(LocalRunner.start(b.createTopology({ 'topology.message.timeout.secs': 30 }))).rejects.toThrow(
      "Windowed bolt 'window': Window duration (length + sliding interval) value 35000 is more than topology.message.timeout.secs value 30000",
    );
  });

  it('declares the late tuple stream with the late_tuple field', () => {
    const b = new TopologyBuilder();
    b.setSpout('events', () => new QueueSpout({ queue: [], acked: [], failed: [] }));
    b.setBolt('window', () => new RecordingWindowBolt([]).withTumblingWindow(Count.of(3)).withTimestampField('ts').withLateTupleStream('late')).shuffleGrouping('events');
    const spec = b.createTopology().spec.components.find((c) => c.id === 'window')!;
    expect(spec.streams['late']).toEqual({ fields: ['late_tuple'], direct: false });
    expect(spec.config['topology.bolts.window.length.count']).toBe(3);
    expect(spec.config['topology.bolts.sliding.interval.count']).toBe(3);
  });
});
