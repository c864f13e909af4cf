import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { KafkaBolt, type KafkaBoltProducer } from '../../../src/engine/connectors/kafka-bolt.js';
import { KafkaSpout, type KafkaSpoutConnectOptions, type KafkaSpoutConnection, type KafkaMessageId } from '../../../src/engine/connectors/kafka-spout.js';
import type { OutputCollector, SpoutOutputCollector } from '../../../src/engine/topology/collectors.js';
import { instantiate } from '../../../src/engine/topology/topology.js';
import type { TopologyContext } from '../../../src/engine/topology/topology-context.js';
import type { Tuple } from '../../../src/engine/topology/tuple.js';

const context = { getThisTaskId: () => 3, getThisComponentId: () => 'sentences', getStormId: () => 'wc-1-1' } as unknown as TopologyContext;

/** A fake consumer connection: the test pushes records, sees pauses and commits. */
class FakeConnection implements KafkaSpoutConnection {
  listeners: Array<(m: any) => void> = [];
  paused = false;
  commits: Array<Array<{ topic: string; partition: number; offset: bigint }>> = [];
  closed = false;
  options: KafkaSpoutConnectOptions | undefined;
  stream = {
    on: (event: string, l: (x: any) => void) => {
      if (event === 'data') this.listeners.push(l);
    },
    pause: () => (this.paused = true),
    resume: () => (this.paused = false),
    close: async () => {},
  };
  push(topic: string, partition: number, offset: bigint, value: string, key = 'k') {
    for (const l of this.listeners) l({ topic, partition, offset, timestamp: 0n, key: Buffer.from(key), value: Buffer.from(value), headers: new Map() });
  }
  async commit(offsets: Array<{ topic: string; partition: number; offset: bigint }>) {
    this.commits.push(offsets);
  }
  async close() {
    this.closed = true;
  }
}

class TestSpout extends KafkaSpout {
  connection!: FakeConnection;
  protected override async connect(c: KafkaSpoutConnectOptions): Promise<KafkaSpoutConnection> {
    this.connection = new FakeConnection();
    this.connection.options = c;
    return this.connection;
  }
}

/** A spout on a clock the test moves (the retry schedule's time). */
class ClockedSpout extends TestSpout {
  nowMs = 1_000_000;
  protected override now(): number {
    return this.nowMs;
  }
}

function spoutCollector() {
  const emits: Array<{ values: unknown[]; id: KafkaMessageId }> = [];
  const errors: unknown[] = [];
  const collector = {
    emit: (values: unknown[], id: KafkaMessageId) => {
      emits.push({ values, id });
      return [1];
    },
    emitDirect() {},
    reportError: (e: unknown) => errors.push(e),
    getPendingCount: () => 0,
  } as unknown as SpoutOutputCollector;
  return { emits, errors, collector };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('KafkaSpout', () => {
  it('joins the group named after the topology and component and emits records with topic/partition/offset ids', async () => {
    const spout = new TestSpout({ topic: 'sentences' });
    const { emits, collector } = spoutCollector();
    await spout.open({ 'topology.name': 'wc', 'kafka.bootstrap.servers': '127.0.0.1:9192,127.0.0.1:9193' }, context, collector);
    expect(spout.connection.options).toMatchObject({ groupId: 'streamctl-wc-sentences', bootstrapServers: ['127.0.0.1:9192', '127.0.0.1:9193'], mode: 'committed', fallbackMode: 'earliest', topics: ['sentences'] });
    spout.connection.push('sentences', 1, 7n, 'the cat');
    spout.nextTuple();
    spout.nextTuple(); // nothing buffered: no emit
    expect(emits).toEqual([{ values: ['sentences', 1, '7', 'k', 'the cat'], id: { topic: 'sentences', partition: 1, offset: 7n } }]);
  });

  it('commits only offsets whose tuples and all earlier ones were acked', async () => {
    const spout = new TestSpout({ topic: 't', commitIntervalMs: 0 });
    const { emits, collector } = spoutCollector();
    await spout.open({}, context, collector);
    for (const o of [0n, 1n, 2n]) spout.connection.push('t', 0, o, `s${o}`);
    for (let i = 0; i < 3; i++) spout.nextTuple();
    spout.ack(emits[0]!.id);
    spout.ack(emits[2]!.id);
    spout.nextTuple();
    await flush();
    expect(spout.connection.commits).toEqual([[{ topic: 't', partition: 0, offset: 1n }]]);
    spout.ack(emits[1]!.id);
    spout.nextTuple();
    await flush();
    expect(spout.connection.commits.at(-1)).toEqual([{ topic: 't', partition: 0, offset: 3n }]);
  });

  it('replays a failed tuple with the same values and id before new records', async () => {
    const spout = new TestSpout({ topic: 't', commitIntervalMs: 0 });
    const { emits, collector } = spoutCollector();
    await spout.open({}, context, collector);
    spout.connection.push('t', 0, 0n, 'first');
    spout.nextTuple();
    spout.fail(emits[0]!.id);
    spout.connection.push('t', 0, 1n, 'second');
    spout.nextTuple();
    expect(emits[1]).toEqual(emits[0]);
    spout.nextTuple();
    expect(emits[2]!.values[4]).toBe('second');
    spout.ack(emits[2]!.id);
    spout.nextTuple();
    await flush();
    expect(spout.connection.commits).toEqual([]); // offset 0 still outstanding
    spout.ack(emits[1]!.id);
    spout.nextTuple();
    await flush();
    expect(spout.connection.commits).toEqual([[{ topic: 't', partition: 0, offset: 2n }]]);
  });

  it('gives up on a tuple after maxRetries failures and reports it', async () => {
    const spout = new TestSpout({ topic: 't', maxRetries: 1, commitIntervalMs: 0 });
    const { emits, errors, collector } = spoutCollector();
    await spout.open({}, context, collector);
    spout.connection.push('t', 0, 0n, 'bad');
    spout.nextTuple();
    spout.fail(emits[0]!.id);
    spout.nextTuple();
    spout.fail(emits[1]!.id);
    spout.nextTuple();
    expect(emits).toHaveLength(2);
    expect(String(errors[0])).toMatch(/failed 2 times; giving up/);
    await flush();
    expect(spout.connection.commits).toEqual([[{ topic: 't', partition: 0, offset: 1n }]]);
  });

  it('replays a tuple that keeps failing after exponentially growing delays from the kafka.spout.retry.* conf, capped at the max delay', async () => {
    const spout = new ClockedSpout({ topic: 't', commitIntervalMs: 0 });
    const { emits, collector } = spoutCollector();
    await spout.open(
      { 'kafka.spout.retry.initial.delay.ms': 100, 'kafka.spout.retry.delay.period.ms': 50, 'kafka.spout.retry.max.delay.ms': 1000 },
      context,
      collector,
    );
    spout.connection.push('t', 0, 0n, 'bad');
    spout.nextTuple();
    // Failure n is replayed after 100 ms (n = 1), then 50 × 2^(n-1): 100, 200, 400, 800, then capped at 1000.
    const delays: number[] = [];
    for (let n = 1; n <= 6; n++) {
      spout.fail(emits.at(-1)!.id);
      const failedAt = spout.nowMs;
      const count = emits.length;
      while (emits.length === count) {
        spout.nowMs += 10;
        spout.nextTuple();
      }
      delays.push(spout.nowMs - failedAt);
    }
    expect(delays).toEqual([100, 100, 200, 400, 800, 1000]);
    expect(new Set(emits.map((e) => e.values[4]))).toEqual(new Set(['bad']));
  });

  it('emits new records while a failed one waits for its replay', async () => {
    const spout = new ClockedSpout({ topic: 't', commitIntervalMs: 0, retry: { initialDelayMs: 500 } });
    const { emits, collector } = spoutCollector();
    await spout.open({}, context, collector);
    spout.connection.push('t', 0, 0n, 'first');
    spout.nextTuple();
    spout.fail(emits[0]!.id);
    spout.connection.push('t', 0, 1n, 'second');
    spout.nextTuple();
    spout.nextTuple();
    expect(emits.map((e) => e.values[4])).toEqual(['first', 'second']);
    spout.nowMs += 500;
    spout.nextTuple();
    expect(emits.map((e) => e.values[4])).toEqual(['first', 'second', 'first']);
  });

  it('gives up after kafka.spout.retry.max.retries from the conf and refuses a bad retry setting', async () => {
    const spout = new ClockedSpout({ topic: 't', commitIntervalMs: 0 });
    const { emits, errors, collector } = spoutCollector();
    await spout.open({ 'kafka.spout.retry.max.retries': 2 }, context, collector);
    spout.connection.push('t', 0, 0n, 'bad');
    spout.nextTuple();
    for (let i = 0; i < 3; i++) {
      spout.fail(emits.at(-1)!.id);
      spout.nowMs += 10_000;
      spout.nextTuple();
    }
    expect(emits).toHaveLength(3);
    expect(String(errors[0])).toMatch(/failed 3 times; giving up \(kafka.spout.retry.max.retries 2\)/);
    await expect(new ClockedSpout({ topic: 't' }).open({ 'kafka.spout.retry.delay.period.ms': 'soon' }, context, collector)).rejects.toThrow(
      /kafka.spout.retry.delay.period.ms must be a non-negative number, got "soon"/,
    );
  });

  it('pauses consumption while deactivated or too many tuples are outstanding', async () => {
    const spout = new TestSpout({ topic: 't', maxUncommittedOffsets: 4 });
    const { emits, collector } = spoutCollector();
    await spout.open({}, context, collector);
    spout.deactivate();
    expect(spout.connection.paused).toBe(true);
    spout.activate();
    expect(spout.connection.paused).toBe(false);
    for (const o of [0n, 1n, 2n, 3n]) spout.connection.push('t', 0, o, 'x');
    expect(spout.connection.paused).toBe(true);
    for (let i = 0; i < 4; i++) spout.nextTuple();
    spout.ack(emits[0]!.id);
    spout.ack(emits[1]!.id);
    expect(spout.connection.paused).toBe(true); // 2 outstanding: not below half of 4
    spout.ack(emits[2]!.id);
    expect(spout.connection.paused).toBe(false);
  });

  it('drops the state of partitions revoked in a rebalance', async () => {
    const spout = new TestSpout({ topic: 't', commitIntervalMs: 0 });
    const { emits, collector } = spoutCollector();
    await spout.open({}, context, collector);
    spout.connection.push('t', 0, 0n, 'a');
    spout.connection.push('t', 1, 0n, 'b');
    spout.nextTuple();
    spout.connection.options!.onAssignment([{ topic: 't', partitions: [0] }]);
    spout.nextTuple(); // the partition-1 record was dropped
    expect(emits).toHaveLength(1);
  });

  it('commits acked offsets and closes the consumer on close', async () => {
    const spout = new TestSpout({ topic: 't', commitIntervalMs: 60_000 });
    const { emits, collector } = spoutCollector();
    await spout.open({}, context, collector);
    spout.connection.push('t', 0, 5n, 'a');
    spout.nextTuple();
    spout.ack(emits[0]!.id);
    await spout.close();
    expect(spout.connection.commits.flat()).toContainEqual({ topic: 't', partition: 0, offset: 6n });
    expect(spout.connection.closed).toBe(true);
  });

  it('can be given to the builder as an instance: the per-task copy keeps its options', async () => {
    const copy = instantiate(new TestSpout({ topic: 'copied' })) as TestSpout;
    const { emits, collector } = spoutCollector();
    await copy.open({}, context, collector);
    copy.connection.push('copied', 0, 0n, 'x');
    copy.nextTuple();
    expect(emits[0]!.id.topic).toBe('copied');
  });

  it('refuses options without a topic', () => {
    expect(() => new KafkaSpout({} as never)).toThrow(/needs options.topic/);
  });
});

class FakeProducer implements KafkaBoltProducer {
  sent: Array<Array<{ topic: string; key?: Buffer; value?: Buffer }>> = [];
  fail: Error | undefined;
  release: (() => void) | undefined;
  async send(options: { messages: Array<{ topic: string; key?: Buffer; value?: Buffer }> }) {
    this.sent.push(options.messages);
    await new Promise<void>((r) => (this.release = r));
    if (this.fail) throw this.fail;
    return {};
  }
  async close() {}
}

class TestBolt extends KafkaBolt {
  producer = new FakeProducer();
  protected override createProducer(): KafkaBoltProducer {
    return this.producer;
  }
}

const tuple = (fields: Record<string, unknown>) =>
  ({ getValueByField: (f: string) => fields[f], isTick: () => false, fields }) as unknown as Tuple;

function boltCollector() {
  const acked: Tuple[] = [];
  const failed: Tuple[] = [];
  const errors: unknown[] = [];
  const collector = { ack: (t: Tuple) => acked.push(t), fail: (t: Tuple) => failed.push(t), reportError: (e: unknown) => errors.push(e) } as unknown as OutputCollector;
  return { acked, failed, errors, collector };
}

describe('KafkaBolt', () => {
  it('acks inputs only after the broker acknowledged their records', async () => {
    const bolt = new TestBolt({ topic: 'word-counts', keyField: 'word', valueField: 'count', lingerMs: 0 });
    const { acked, collector } = boltCollector();
    bolt.prepare({}, context, collector);
    const a = tuple({ word: 'cat', count: 2 });
    const b = tuple({ word: 'hat', count: 1 });
    bolt.execute(a);
    bolt.execute(b);
    await waitFor('the batch sent', () => bolt.producer.sent.length > 0, 5000, 1);
    expect(bolt.producer.sent).toHaveLength(1);
    expect(bolt.producer.sent[0]!.map((m) => [m.topic, m.key!.toString(), m.value!.toString()])).toEqual([
      ['word-counts', 'cat', '2'],
      ['word-counts', 'hat', '1'],
    ]);
    expect(acked).toEqual([]);
    bolt.producer.release!();
    await flush();
    expect(acked).toEqual([a, b]);
  });

  it('fails the inputs and reports the error when the send fails', async () => {
    const bolt = new TestBolt({ topic: 't', keyField: null, valueField: 'v', lingerMs: 0 });
    const { acked, failed, errors, collector } = boltCollector();
    bolt.prepare({}, context, collector);
    const a = tuple({ v: { x: 1 } });
    bolt.execute(a);
    await waitFor('the batch sent', () => bolt.producer.sent.length > 0, 5000, 1);
    expect(bolt.producer.sent[0]![0]!.value!.toString()).toBe('{"x":1}');
    expect(bolt.producer.sent[0]![0]!.key).toBeUndefined();
    bolt.producer.fail = new Error('NOT_LEADER_OR_FOLLOWER');
    bolt.producer.release!();
    await flush();
    expect(acked).toEqual([]);
    expect(failed).toEqual([a]);
    expect(String(errors[0])).toMatch(/NOT_LEADER_OR_FOLLOWER/);
  });

  it('sends at once when the batch is full', async () => {
    const bolt = new TestBolt({ topic: 't', valueField: 'v', keyField: null, batchSize: 2, lingerMs: 60_000 });
    const { collector } = boltCollector();
    bolt.prepare({}, context, collector);
    bolt.execute(tuple({ v: 'a' }));
    bolt.execute(tuple({ v: 'b' }));
    expect(bolt.producer.sent).toHaveLength(1);
  });
});
