// Stateful bolts on the LocalRunner: Storm's checkpoint protocol through a forwarding bolt,
// acks held until the state holding their effect is committed, state restored by INITSTATE
// after a restart, rollback on a failed checkpoint, and the key-value state's 2-phase rules.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { LocalRunner } from '../../../src/engine/runtime/local-runner.js';
import {
  BaseBasicBolt,
  BaseRichSpout,
  BaseStatefulBolt,
  CHECKPOINT_COMPONENT_ID,
  TopologyBuilder,
  type BasicOutputCollector,
  type KeyValueState,
  type OutputCollector,
  type OutputFieldsDeclarer,
  type SpoutOutputCollector,
  type TopologyContext,
  type Tuple,
} from '../../../src/engine/topology/index.js';
import { CheckPointState } from '../../../src/engine/topology/state/checkpoint-state.js';
import { CachedKeyValueState } from '../../../src/engine/topology/state/key-value-state.js';
import { clearInMemoryState, InMemoryStateBackend } from '../../../src/engine/topology/state/in-memory-state-provider.js';

let runner: LocalRunner | undefined;
afterEach(async () => {
  await runner?.close();
  runner = undefined;
  clearInMemoryState();
});

interface Log {
  queue: string[];
  emitted: Map<number, string>;
  acked: number[];
  failed: number[];
  next: number;
}
const newLog = (): Log => ({ queue: [], emitted: new Map(), acked: [], failed: [], next: 0 });

/** Emits queued sentences with ids; replays failed ones. */
class SentenceSpout extends BaseRichSpout {
  #c!: SpoutOutputCollector;
  constructor(readonly log: Log) {
    super();
  }
  override open(_conf: unknown, _ctx: TopologyContext, c: SpoutOutputCollector): void {
    this.#c = c;
  }
  nextTuple(): void {
    const s = this.log.queue.shift();
    if (s === undefined) return;
    const id = this.log.next++;
    this.log.emitted.set(id, s);
    this.#c.emit([s], id);
  }
  override ack(id: unknown): void {
    this.log.acked.push(id as number);
  }
  override fail(id: unknown): void {
    this.log.failed.push(id as number);
    const id2 = this.log.next++;
    const s = this.log.emitted.get(id as number)!;
    this.log.emitted.set(id2, s);
    this.#c.emit([s], id2);
  }
  declareOutputFields(d: OutputFieldsDeclarer): void {
    d.declare(['sentence']);
  }
}

class Split extends BaseBasicBolt {
  execute(t: Tuple, c: BasicOutputCollector): void {
    for (const w of t.getString(0).split(' ')) if (w) c.emit([w]);
  }
  override declareOutputFields(d: OutputFieldsDeclarer): void {
    d.declare(['word']);
  }
}

class StatefulCount extends BaseStatefulBolt<KeyValueState<string, number>> {
  state!: KeyValueState<string, number>;
  #c!: OutputCollector;
  constructor(readonly seen: Seen) {
    super();
  }
  override prepare(_conf: unknown, ctx: TopologyContext, c: OutputCollector): void {
    this.#c = c;
    this.task = ctx.getThisTaskId();
  }
  task = 0;
  initState(state: KeyValueState<string, number>): void {
    this.state = state;
    this.seen.inits++;
    this.seen.counts.set(this.task, state);
  }
  execute(t: Tuple): void {
    const w = t.getString(0);
    this.state.put(w, this.state.get(w, 0) + 1);
    this.#c.ack(t);
  }
  override preRollback(): void {
    this.seen.rollbacks++;
  }
  override prePrepare(): void {
    if (this.seen.failPrepares !== undefined && this.seen.failPrepares > 0) {
      this.seen.failPrepares--;
      throw new Error('disk full (test)');
    }
  }
}

interface Seen {
  counts: Map<number, KeyValueState<string, number>>;
  inits: number;
  rollbacks: number;
  failPrepares?: number;
}

function counts(seen: { counts: Map<number, KeyValueState<string, number>> }): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of seen.counts.values()) for (const [k, v] of s) out[k] = (out[k] ?? 0) + v;
  return out;
}

function expectedCounts(sentences: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sentences) for (const w of s.split(' ')) if (w) out[w] = (out[w] ?? 0) + 1;
  return out;
}

function topology(log: Log, seen: Seen) {
  const b = new TopologyBuilder();
  b.setSpout('sentences', () => new SentenceSpout(log));
  b.setBolt('split', () => new Split(), 2).shuffleGrouping('sentences');
  b.setBolt('count', () => new StatefulCount(seen), 2).fieldsGrouping('split', ['word']);
  return b.createTopology({ 'topology.state.checkpoint.interval.ms': 50 });
}

const SENTENCES = ['the cow jumped over the moon', 'an apple a day', 'the moon is made of cheese', 'four score and seven years ago'];

describe('stateful bolts', () => {
  it('wires the checkpoint spout and $checkpoint streams as Storm does', () => {
    const spec = topology(newLog(), { counts: new Map(), inits: 0, rollbacks: 0 }).spec;
    const byId = Object.fromEntries(spec.components.map((c) => [c.id, c]));
    expect(byId[CHECKPOINT_COMPONENT_ID]!.kind).toBe('spout');
    expect(byId[CHECKPOINT_COMPONENT_ID]!.streams['$checkpoint']!.fields).toEqual(['txid', 'action']);
    expect(byId['split']!.inputs).toContainEqual({ component: CHECKPOINT_COMPONENT_ID, stream: '$checkpoint', grouping: { type: 'all' } });
    expect(byId['count']!.inputs).toContainEqual({ component: 'split', stream: '$checkpoint', grouping: { type: 'all' } });
    expect(byId['split']!.streams['$checkpoint']).toBeDefined();
  });

  it('counts words in state and acks inputs only after the checkpoint that committed them', async () => {
    const log = newLog();
    const seen = { counts: new Map<number, KeyValueState<string, number>>(), inits: 0, rollbacks: 0 };
    const input = Array.from({ length: 40 }, (_, i) => SENTENCES[i % SENTENCES.length]!);
    runner = await LocalRunner.start(topology(log, seen));
    await waitFor('INITSTATE reached both tasks', () => seen.inits === 2, 10_000, 10);
    log.queue.push(...input);
    await waitFor('every sentence acked', () => log.acked.length === input.length, 10_000, 10);
    expect(counts(seen)).toEqual(expectedCounts(input));
    expect(log.failed).toEqual([]);
    // The committed state (what a restarted task would load) holds every acked word.
    const committed: Record<string, number> = {};
    for (const task of seen.counts.keys()) {
      const s = await CachedKeyValueState.open<string, number>(`count-${task}`, new InMemoryStateBackend(`count-${task}`));
      for (const [k, v] of s) committed[k] = (committed[k] ?? 0) + v;
    }
    expect(committed).toEqual(expectedCounts(input));
  });

  it('restores committed state through INITSTATE when the topology restarts', async () => {
    const first = SENTENCES.slice(0, 2);
    const log = newLog();
    const seen = { counts: new Map<number, KeyValueState<string, number>>(), inits: 0, rollbacks: 0 };
    runner = await LocalRunner.start(topology(log, seen));
    log.queue.push(...first);
    await waitFor('first batch acked', () => log.acked.length === first.length, 10_000, 10);
    await runner.close();
    const log2 = newLog();
    const seen2 = { counts: new Map<number, KeyValueState<string, number>>(), inits: 0, rollbacks: 0 };
    runner = await LocalRunner.start(topology(log2, seen2));
    log2.queue.push(...SENTENCES);
    await waitFor('second batch acked', () => log2.acked.length === SENTENCES.length, 10_000, 10);
    expect(counts(seen2)).toEqual(expectedCounts([...first, ...SENTENCES]));
  });
});

describe('stateful bolts on a failed checkpoint', () => {
  it('rolls every task back, replays the uncommitted inputs and ends with exact counts', async () => {
    const log = newLog();
    const seen: Seen = { counts: new Map(), inits: 0, rollbacks: 0, failPrepares: 0 };
    runner = await LocalRunner.start(topology(log, seen));
    await waitFor('INITSTATE', () => seen.inits === 2, 10_000, 10);
    const input = Array.from({ length: 30 }, (_, i) => SENTENCES[i % SENTENCES.length]!);
    seen.failPrepares = 1;
    log.queue.push(...input);
    await waitFor('rollback', () => seen.rollbacks >= 2, 10_000, 10);
    await waitFor('every sentence acked once replayed', () => new Set(log.acked.map((id) => log.emitted.get(id))).size === SENTENCES.length && log.acked.length === input.length, 10_000, 10);
    expect(log.failed.length).toBeGreaterThan(0);
    expect(counts(seen)).toEqual(expectedCounts(input));
    expect(runner.errors().some((e) => e.error.includes('disk full (test)'))).toBe(true);
  });
});

describe('checkpoint state machine', () => {
  it('walks COMMITTED → PREPARING → COMMITTING → COMMITTED and recovers as Storm', () => {
    const s0 = new CheckPointState(3, 'COMMITTED');
    expect([s0.nextAction(false), s0.nextAction(true)]).toEqual(['PREPARE', 'INITSTATE']);
    const s1 = s0.nextState(false);
    expect(s1).toEqual(new CheckPointState(4, 'PREPARING'));
    expect([s1.nextAction(false), s1.nextAction(true)]).toEqual(['PREPARE', 'ROLLBACK']);
    expect(s1.nextState(true)).toEqual(new CheckPointState(3, 'COMMITTED'));
    const s2 = s1.nextState(false);
    expect(s2).toEqual(new CheckPointState(4, 'COMMITTING'));
    expect([s2.nextAction(false), s2.nextAction(true)]).toEqual(['COMMIT', 'COMMIT']);
    expect(s2.nextState(true)).toEqual(new CheckPointState(4, 'COMMITTED'));
    expect(s0.nextState(true)).toBe(s0);
  });
});

describe('key-value state', () => {
  it('makes prepared changes durable only on commit and drops them on rollback', async () => {
    const open = () => CachedKeyValueState.open<string, number>('ns', new InMemoryStateBackend('ns'));
    const s = await open();
    s.put('a', 1);
    await s.prepareCommit(1);
    const stored = await new InMemoryStateBackend('ns').load();
    expect([stored.committed.size, stored.prepareTxid, stored.commitTxid]).toEqual([0, 1, null]);
    await s.commit(1);
    expect((await new InMemoryStateBackend('ns').load()).committed.get('"a"')).toBe('1');
    expect((await open()).get('a')).toBe(1);
    s.put('a', 2);
    s.put('b', 5);
    await s.prepareCommit(2);
    // A restarted task sees the prepared transaction and can finish its COMMIT.
    const restarted = await open();
    expect(restarted.get('a')).toBe(2);
    await restarted.commit(2);
    expect((await open()).get('b')).toBe(5);
    const r2 = await open();
    r2.delete('a');
    r2.put('c', 1);
    await r2.rollback();
    expect([r2.get('a'), r2.get('c')]).toEqual([2, undefined]);
    await expect(r2.prepareCommit(2)).rejects.toThrow("Invalid txid '2' for prepare. Txid '2' is already committed");
  });

  it('keeps bigint values and composite keys', async () => {
    const s = await CachedKeyValueState.open<[string, number], bigint>('ns2', new InMemoryStateBackend('ns2'));
    s.put(['x', 1], 12345678901234567890n);
    await s.commit();
    const again = await CachedKeyValueState.open<[string, number], bigint>('ns2', new InMemoryStateBackend('ns2'));
    expect(again.get(['x', 1])).toBe(12345678901234567890n);
    expect([...again]).toEqual([[['x', 1], 12345678901234567890n]]);
  });
});
