// The child side of the multilang protocol (runMultilangComponent) over in-memory pipes:
// the handshake and pid file, a spout's next/ack/fail with message ids mapped back to the
// spout's own objects, and a basic bolt's anchored emits, acks and heartbeat syncs.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BaseBasicBolt } from '../../../src/engine/topology/bolt.js';
import type { BasicOutputCollector, SpoutOutputCollector } from '../../../src/engine/topology/collectors.js';
import { FailedException } from '../../../src/engine/topology/failed-exception.js';
import { runMultilangComponent } from '../../../src/engine/topology/multilang/multilang-component.js';
import type { OutputFieldsDeclarer } from '../../../src/engine/topology/output-fields-declarer.js';
import { BaseRichSpout } from '../../../src/engine/topology/spout.js';
import { TopologyBuilder } from '../../../src/engine/topology/topology-builder.js';
import type { Tuple } from '../../../src/engine/topology/tuple.js';

const calls: string[] = [];

class Numbers extends BaseRichSpout {
  n = 0;
  collector!: SpoutOutputCollector;
  override open(_c: unknown, _x: unknown, collector: SpoutOutputCollector) {
    this.collector = collector;
  }
  nextTuple() {
    if (this.n < 2) this.collector.emit([this.n], { n: this.n++ });
  }
  override ack(id: unknown) {
    calls.push(`ack ${JSON.stringify(id)}`);
  }
  override fail(id: unknown) {
    calls.push(`fail ${JSON.stringify(id)}`);
  }
  declareOutputFields(d: OutputFieldsDeclarer) {
    d.declare(['n', 'extra']);
  }
}

class Double extends BaseBasicBolt {
  execute(t: Tuple, c: BasicOutputCollector) {
    const n = t.getIntegerByField('n');
    if (n < 0) throw new FailedException('negative');
    c.emit([n * 2]);
  }
  override declareOutputFields(d: OutputFieldsDeclarer) {
    d.declare(['doubled']);
  }
}

const b = new TopologyBuilder();
b.setSpout('numbers', () => new Numbers(), 1);
b.setBolt('double', () => new Double(), 1).shuffleGrouping('numbers');
const topology = b.createTopology();

let pidDir: string;
beforeEach(() => {
  pidDir = mkdtempSync(join(tmpdir(), 'multilang-child-'));
  calls.length = 0;
});
afterEach(() => rmSync(pidDir, { recursive: true, force: true }));

/** Starts the component; `send` writes a message, `next()` reads the next one it wrote. */
function start(componentId: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  output.setEncoding('utf8');
  let buffered = '';
  const queue: unknown[] = [];
  output.on('data', (chunk: string) => {
    buffered += chunk;
    let at: number;
    while ((at = buffered.indexOf('\nend\n')) >= 0) {
      queue.push(JSON.parse(buffered.slice(0, at)));
      buffered = buffered.slice(at + 5);
    }
  });
  const done = runMultilangComponent(topology, componentId, { input, output, pid: 4242 });
  const send = (m: unknown) => input.write(`${JSON.stringify(m)}\nend\n`);
  const next = async (): Promise<unknown> => {
    for (let i = 0; i < 500 && queue.length === 0; i++) await new Promise((r) => setTimeout(r, 2));
    if (queue.length === 0) throw new Error('no message from the component');
    return queue.shift();
  };
  return { send, next, done, end: () => input.end() };
}

const context = (component: string) => ({
  'task->component': { 1: 'double', 2: 'numbers' },
  taskid: component === 'double' ? 1 : 2,
  componentid: component,
  'source->stream->fields': { numbers: { default: ['n', 'extra'] } },
});

describe('runMultilangComponent', () => {
  it('answers the handshake with its pid and a pid file', async () => {
    const c = start('numbers');
    c.send({ pidDir, conf: {}, context: context('numbers') });
    expect(await c.next()).toEqual({ pid: 4242 });
    expect(existsSync(join(pidDir, '4242'))).toBe(true);
    c.end();
    await c.done;
  });

  it("runs a spout: emits with ids on next, and ack/fail reach the spout with its own message ids", async () => {
    const c = start('numbers');
    c.send({ pidDir, conf: {}, context: context('numbers') });
    await c.next();
    c.send({ command: 'next', id: '' });
    expect(await c.next()).toEqual({ command: 'emit', stream: 'default', tuple: [0], need_task_ids: false, id: 1 });
    expect(await c.next()).toEqual({ command: 'sync' });
    c.send({ command: 'next', id: '' });
    expect(await c.next()).toMatchObject({ command: 'emit', tuple: [1], id: 2 });
    expect(await c.next()).toEqual({ command: 'sync' });
    c.send({ command: 'ack', id: 1 });
    expect(await c.next()).toEqual({ command: 'sync' });
    c.send({ command: 'fail', id: 2 });
    expect(await c.next()).toEqual({ command: 'sync' });
    expect(calls).toEqual(['ack {"n":0}', 'fail {"n":1}']);
    c.end();
    await c.done;
  });

  it('runs a basic bolt: anchored emits then ack, fail on FailedException, sync on heartbeats', async () => {
    const c = start('double');
    c.send({ pidDir, conf: {}, context: context('double') });
    await c.next();
    c.send({ id: '-17', comp: 'numbers', stream: 'default', task: 2, tuple: [21, 'x'] });
    expect(await c.next()).toEqual({ command: 'emit', stream: 'default', tuple: [42], anchors: ['-17'], need_task_ids: false });
    expect(await c.next()).toEqual({ command: 'ack', id: '-17' });
    c.send({ id: '5', comp: 'numbers', stream: 'default', task: 2, tuple: [-1, 'x'] });
    expect(await c.next()).toEqual({ command: 'fail', id: '5' });
    c.send({ id: '6', comp: '__system', stream: '__heartbeat', task: -1, tuple: [] });
    expect(await c.next()).toEqual({ command: 'sync' });
    c.end();
    await c.done;
  });
});
