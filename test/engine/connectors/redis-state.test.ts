// Storm's RedisKeyValueStateProvider against a real redis-server (Debian's, started here on
// a free port without persistence): prepare/commit/rollback round trip in Storm's hash
// layout, a restarted task finishing a prepared commit, the provider chosen by
// topology.state.provider with Storm's jedisPoolConfig keys, and a stateful word count.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { RespClient } from '../../../src/engine/connectors/state/resp-client.js';
import { getState } from '../../../src/engine/topology/state/state-factory.js';
import { LocalRunner } from '../../../src/engine/runtime/local-runner.js';
import { BaseBasicBolt, BaseRichSpout, BaseStatefulBolt, TopologyBuilder } from '../../../src/engine/topology/index.js';
import type { BasicOutputCollector, KeyValueState, OutputCollector, OutputFieldsDeclarer, SpoutOutputCollector, TopologyContext, Tuple } from '../../../src/engine/topology/index.js';

let redis: ChildProcess | undefined;
let port = 0;
let client: RespClient;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  port = await freePort();
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  client = await waitFor('redis-server', () => RespClient.connect({ port }).catch(() => undefined), 10_000, 50);
});

afterAll(async () => {
  await client?.close();
  redis?.kill('SIGKILL');
});

const conf = () => ({
  'topology.state.provider': 'org.apache.storm.redis.state.RedisKeyValueStateProvider',
  'topology.state.provider.config': JSON.stringify({ keyClass: 'java.lang.String', valueClass: 'java.lang.Long', jedisPoolConfig: { host: '127.0.0.1', port, timeout: 2000, database: 0 } }),
});

describe('RedisKeyValueStateProvider', () => {
  it('round-trips prepare, commit and rollback in Storm\'s hash layout', async () => {
    const s = await getState<string, number>('wc-3', conf());
    s.put('apple', 3);
    s.put('pear', 1);
    await s.prepareCommit(1);
    expect(await client.call('HGETALL', 'wc-3$prepare')).toEqual(['"apple"', '3', '"pear"', '1']);
    expect(await client.call('HGET', 'wc-3$txid', 'prepare')).toBe('1');
    await s.commit(1);
    expect(await client.call('HGETALL', 'wc-3')).toEqual(['"apple"', '3', '"pear"', '1']);
    expect(await client.call('EXISTS', 'wc-3$prepare')).toBe(0);
    expect(await client.call('HGET', 'wc-3$txid', 'commit')).toBe('1');
    s.put('apple', 4);
    s.delete('pear');
    await s.prepareCommit(2);
    // A task restarted here loads the prepared transaction and completes the COMMIT.
    const restarted = await getState<string, number>('wc-3', conf());
    await restarted.commit(2);
    expect(await client.call('HGETALL', 'wc-3')).toEqual(['"apple"', '4', '"pear"', '1']);
    restarted.put('plum', 9);
    await restarted.prepareCommit(3);
    await restarted.rollback();
    expect(await client.call('EXISTS', 'wc-3$prepare')).toBe(0);
    expect(await client.call('HGET', 'wc-3$txid', 'prepare')).toBe('2');
    const fresh = await getState<string, number>('wc-3', conf());
    expect([...fresh].sort()).toEqual([['apple', 4], ['pear', 1]]);
    for (const x of [s, restarted, fresh]) await x.close();
  });

  it('reports an unreachable Redis clearly', async () => {
    const closed = await freePort();
    const bad = { ...conf(), 'topology.state.provider.config': JSON.stringify({ jedisPoolConfig: { host: '127.0.0.1', port: closed, timeout: 500 } }) };
    await expect(getState('x-1', bad)).rejects.toThrow(`Could not connect to Redis at 127.0.0.1:${closed}`);
  });

  it('keeps a stateful word count in Redis across a topology restart', async () => {
    const run = async (words: string[], seen: Map<string, number>) => {
      const queue = [...words];
      let acked = 0;
      const b = new TopologyBuilder();
      b.setSpout('words', () =>
        new (class extends BaseRichSpout {
          c!: SpoutOutputCollector;
          override open(_x: unknown, _y: TopologyContext, c: SpoutOutputCollector) {
            this.c = c;
          }
          nextTuple() {
            const w = queue.shift();
            if (w) this.c.emit([w], w + queue.length);
          }
          override ack() {
            acked++;
          }
          declareOutputFields(d: OutputFieldsDeclarer) {
            d.declare(['word']);
          }
        })(),
      );
      b.setBolt('pass', () =>
        new (class extends BaseBasicBolt {
          execute(t: Tuple, c: BasicOutputCollector) {
            c.emit([t.getString(0)]);
          }
          override declareOutputFields(d: OutputFieldsDeclarer) {
            d.declare(['word']);
          }
        })(),
      ).shuffleGrouping('words');
      b.setBolt('count', () =>
        new (class extends BaseStatefulBolt<KeyValueState<string, number>> {
          s!: KeyValueState<string, number>;
          c!: OutputCollector;
          override prepare(_x: unknown, _y: TopologyContext, c: OutputCollector) {
            this.c = c;
          }
          initState(s: KeyValueState<string, number>) {
            this.s = s;
          }
          execute(t: Tuple) {
            const w = t.getString(0);
            const n = this.s.get(w, 0) + 1;
            this.s.put(w, n);
            seen.set(w, n);
            this.c.ack(t);
          }
        })(),
      ).fieldsGrouping('pass', ['word']);
      const r = await LocalRunner.start(b.createTopology({ ...conf(), 'topology.state.checkpoint.interval.ms': 50 }));
      try {
        await waitFor('acked', () => acked === words.length, 10_000, 10);
      } finally {
        await r.close();
      }
    };
    const seen = new Map<string, number>();
    await run(['a', 'b', 'a'], seen);
    await run(['a', 'c'], seen);
    expect(Object.fromEntries(seen)).toEqual({ a: 3, b: 1, c: 1 });
    // One hash per task, named <component>-<task> as Storm's StatefulBoltExecutor does.
    const keys = (await client.call('KEYS', 'count-*')) as string[];
    const main = keys.filter((k) => !k.includes('$'));
    expect(main).toHaveLength(1);
    expect(main[0]).toMatch(/^count-\d+$/);
    expect(await client.call('HGETALL', main[0]!)).toEqual(['"a"', '3', '"b"', '1', '"c"', '1']);
    expect(keys).toContain(`${main[0]}$txid`);
  });
});
