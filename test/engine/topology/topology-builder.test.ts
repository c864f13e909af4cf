import { describe, expect, it } from 'vitest';
import { BaseBasicBolt, BaseRichSpout, Fields, TopologyBuilder, Values, type OutputFieldsDeclarer, type Tuple } from '../../../src/engine/topology/index.js';
import { computeExecutors, executorCountsOf, stormTaskInfo } from '../../../src/engine/runtime/scheduler.js';
import { TupleImpl } from '../../../src/engine/topology/tuple.js';

class WordSpout extends BaseRichSpout {
  nextTuple(): void {}
  declareOutputFields(d: OutputFieldsDeclarer): void {
    d.declare(['word']);
    d.declareStream('direct-out', ['word'], true);
  }
}

class Sink extends BaseBasicBolt {
  seen = new Map<string, number>();
  execute(_t: Tuple): void {}
}

function builder(): TopologyBuilder {
  const b = new TopologyBuilder();
  b.setSpout('words', () => new WordSpout());
  return b;
}

describe('TopologyBuilder', () => {
  it('builds a JSON-serialisable spec with components sorted by id', () => {
    const b = builder();
    b.setBolt('count', () => new Sink(), 2).setNumTasks(4).fieldsGrouping('words', new Fields('word')).addConfiguration('x', 1);
    const t = b.createTopology({ 'topology.workers': 2 });
    expect(JSON.parse(JSON.stringify(t.spec))).toEqual(t.spec);
    expect(t.spec.components.map((c) => c.id)).toEqual(['count', 'words']);
    const count = t.spec.components[0]!;
    expect(count).toMatchObject({ kind: 'bolt', parallelism: 2, numTasks: 4, config: { x: 1 } });
    expect(count.inputs).toEqual([{ component: 'words', stream: 'default', grouping: { type: 'fields', fields: ['word'] } }]);
    expect(t.spec.components[1]!.streams).toEqual({ default: { fields: ['word'], direct: false }, 'direct-out': { fields: ['word'], direct: true } });
    expect(t.spec.config).toEqual({ 'topology.workers': 2 });
  });

  it('rejects a grouping on an unknown component, naming the known ones', () => {
    const b = builder();
    b.setBolt('count', () => new Sink()).shuffleGrouping('wrods');
    expect(() => b.createTopology()).toThrow("Component 'count' subscribes to unknown component 'wrods' (components: count, words)");
  });

  it('rejects a subscription to an undeclared stream', () => {
    const b = builder();
    b.setBolt('count', () => new Sink()).shuffleGrouping('words', 'nope');
    expect(() => b.createTopology()).toThrow("stream 'nope' of 'words', which 'words' does not declare (declared streams: default, direct-out)");
  });

  it('rejects fields grouping on a field the stream does not declare', () => {
    const b = builder();
    b.setBolt('count', () => new Sink()).fieldsGrouping('words', ['wrd']);
    expect(() => b.createTopology()).toThrow("grouped by field 'wrd', which that stream does not declare (fields: word)");
  });

  it('rejects reserved and duplicate ids at once', () => {
    const b = builder();
    expect(() => b.setBolt('__acker', () => new Sink())).toThrow("Component id '__acker' is reserved");
    expect(() => b.setBolt('__mine', () => new Sink())).toThrow('reserved');
    expect(() => b.setBolt('words', () => new Sink())).toThrow("Component id 'words' is already used by a spout");
  });

  it('rejects parallelism below 1 and more executors than tasks', () => {
    const b = builder();
    expect(() => b.setBolt('a', () => new Sink(), 0)).toThrow("Parallelism of 'a' must be an integer >= 1, got 0");
    b.setBolt('b', () => new Sink(), 4).setNumTasks(2).shuffleGrouping('words');
    expect(() => b.createTopology()).toThrow("Component 'b' has parallelism 4 but only 2 tasks");
  });

  it('rejects direct grouping on a non-direct stream and other groupings on a direct one', () => {
    const b1 = builder();
    b1.setBolt('d', () => new Sink()).directGrouping('words');
    expect(() => b1.createTopology()).toThrow('with direct grouping, but that stream is not declared direct');
    const b2 = builder();
    b2.setBolt('d', () => new Sink()).shuffleGrouping('words', 'direct-out');
    expect(() => b2.createTopology()).toThrow("direct stream 'direct-out' of 'words' with shuffle grouping");
  });

  it('rejects a topology without spouts and errors with a USAGE code', () => {
    const b = new TopologyBuilder();
    b.setBolt('x', () => new Sink());
    try {
      b.createTopology();
      expect.unreachable();
    } catch (error) {
      expect((error as { code: string }).code).toBe('USAGE');
      expect((error as Error).message).toContain('at least one spout');
    }
  });

  it('gives every task its own component: factories are called, instances deep-copied', () => {
    const b = builder();
    const proto = new Sink();
    proto.seen.set('x', 1);
    b.setBolt('inst', proto).shuffleGrouping('words');
    const t = b.createTopology();
    const a = t.createComponent('inst') as Sink;
    const c = t.createComponent('inst') as Sink;
    expect(a).toBeInstanceOf(Sink);
    expect(a.seen).not.toBe(c.seen);
    expect(a.seen.get('x')).toBe(1);
    a.seen.set('y', 2);
    expect(c.seen.has('y')).toBe(false);
    expect(t.createComponent('words')).not.toBe(t.createComponent('words'));
  });

  it('copies instances whose class has #private fields through their constructor', () => {
    class Priv extends BaseBasicBolt {
      #n = 0;
      label = 'a';
      execute(): void {
        this.#n++;
      }
      get n(): number {
        return this.#n;
      }
    }
    const b = builder();
    const p = new Priv();
    p.label = 'custom';
    b.setBolt('p', p).shuffleGrouping('words');
    const copy = b.createTopology().createComponent('p') as Priv;
    copy.execute();
    expect(copy.n).toBe(1);
    expect(copy.label).toBe('custom');
  });
});

describe('task ids and executors', () => {
  it('numbers tasks from 1 in sorted component order with ackers, and splits executors into ranges', () => {
    const b = builder();
    b.setBolt('count', () => new Sink(), 2).setNumTasks(5).shuffleGrouping('words');
    const spec = b.createTopology().spec;
    const tasks = stormTaskInfo(spec, 2);
    expect(tasks).toEqual({ 1: '__acker', 2: '__acker', 3: 'count', 4: 'count', 5: 'count', 6: 'count', 7: 'count', 8: 'words' });
    const executors = computeExecutors(tasks, executorCountsOf(spec, 2));
    expect(executors).toHaveLength(5);
    expect(executors.filter((e) => e.component === 'count')).toEqual([
      { component: 'count', startTask: 3, endTask: 5 },
      { component: 'count', startTask: 6, endTask: 7 },
    ]);
  });
});

describe('Tuple', () => {
  it('reads values by index and by field, with typed getters that check types', () => {
    const t = new TupleImpl(new Values('w', 3, 1.5, true), new Fields('word', 'n', 'x', 'b'), 'split', 'default', 7, null);
    expect(t.getStringByField('word')).toBe('w');
    expect(t.getIntegerByField('n')).toBe(3);
    expect(t.getLong(1)).toBe(3n);
    expect(t.getDouble(2)).toBe(1.5);
    expect(t.getBooleanByField('b')).toBe(true);
    expect(t.select(['n', 'word'])).toEqual([3, 'w']);
    expect(t.getSourceComponent()).toBe('split');
    expect(t.getSourceTask()).toBe(7);
    expect(t.getSourceStreamId()).toBe('default');
    expect(() => t.getString(1)).toThrow("Tuple value #1 is number, not a string");
    expect(() => t.getValueByField('nope')).toThrow("Field 'nope' does not exist (fields: [word, n, x, b])");
    expect(t.getMessageId().isUnanchored()).toBe(true);
  });

  it('makes Values an array whose single numeric item is a value, not a length', () => {
    const v = new Values(3);
    expect(v).toEqual([3]);
    expect(Array.isArray(v)).toBe(true);
  });
});
