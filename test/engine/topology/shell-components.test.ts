// ShellBolt and ShellSpout: real python3 and node children speaking Storm's multilang
// protocol (fixtures/multilang/resources holds our storm.py / storm.js adapters), run by the
// in-process LocalRunner with the resources copied to a temp code dir per test.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { LocalRunner } from '../../../src/engine/runtime/local-runner.js';
import {
  BaseBasicBolt,
  FailedException,
  ShellBolt,
  ShellSpout,
  TopologyBuilder,
  type BasicOutputCollector,
  type Tuple,
} from '../../../src/engine/topology/index.js';
import { SentenceSpout, SENTENCES, expectedCounts, newProbe, type WordCountProbe } from '../runtime/fixtures/word-count.js';

const RESOURCES = join(import.meta.dirname, 'fixtures', 'multilang', 'resources');

let codeDir: string;
let runner: LocalRunner | undefined;

beforeEach(() => {
  codeDir = mkdtempSync(join(tmpdir(), 'shell-code-'));
  cpSync(RESOURCES, codeDir, { recursive: true });
});

afterEach(async () => {
  await runner?.close();
  runner = undefined;
  rmSync(codeDir, { recursive: true, force: true });
});

class CountWords extends BaseBasicBolt {
  constructor(readonly probe: WordCountProbe) {
    super();
  }
  execute(input: Tuple): void {
    const w = input.getString(0);
    this.probe.counts.set(w, (this.probe.counts.get(w) ?? 0) + 1);
  }
}

/** Records the values of every input (by stream). */
class Collect extends BaseBasicBolt {
  constructor(readonly seen: Array<{ stream: string; value: unknown }>) {
    super();
  }
  execute(input: Tuple, _c: BasicOutputCollector): void {
    this.seen.push({ stream: input.getSourceStreamId(), value: input.getValue(0) });
  }
}

function sentenceWords(n: number): Map<string, number> {
  const m = new Map<string, number>();
  const list = ['the cow jumped over the moon', 'an apple a day keeps the doctor away', 'four score and seven years ago'];
  for (let i = 0; i < n; i++) for (const w of list[i % 3]!.split(' ')) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

describe('ShellBolt', () => {
  it('counts words with a Python split bolt and acks every sentence through it', async () => {
    const probe = newProbe();
    const b = new TopologyBuilder();
    b.setSpout('sentences', () => new SentenceSpout(probe, 60), 1);
    b.setBolt('split', () => new ShellBolt('python3', 'splitsentence.py').setDefaultStream(['word']), 2).shuffleGrouping('sentences');
    b.setBolt('count', () => new CountWords(probe), 2).fieldsGrouping('split', ['word']);
    runner = await LocalRunner.start(b.createTopology(), { workers: 2, codeDir });
    await waitFor('all 60 sentences acked', () => probe.acked.size === 60, 20_000, 10);
    expect(probe.counts).toEqual(expectedCounts(60));
    expect(probe.failed).toEqual([]);
    expect(runner.errors()).toEqual([]);
    expect(runner.fatalErrors()).toEqual([]);
    expect(runner.componentTotals('split')).toMatchObject({ acked: 60 });
    expect(SENTENCES.length).toBeGreaterThan(0);
  });

  it('runs a node bolt that asks for task ids and one that does not', async () => {
    const probe = newProbe();
    const seen: Array<{ stream: string; value: unknown }> = [];
    const b = new TopologyBuilder();
    b.setSpout('sentences', () => new SentenceSpout(probe, 10), 1);
    b.setBolt('split', () => new ShellBolt(['python3', 'splitsentence.py']).setDefaultStream(['word']), 1).shuffleGrouping('sentences');
    b.setBolt('upper', () => new ShellBolt('node', 'upper.js').setDefaultStream(['word']), 1).shuffleGrouping('split');
    b.setBolt('collect', () => new Collect(seen), 1).shuffleGrouping('upper');
    runner = await LocalRunner.start(b.createTopology(), { codeDir });
    await waitFor('all 10 sentences acked', () => probe.acked.size === 10, 20_000, 10);
    const expected = [...expectedCounts(10).entries()].reduce((n, [, c]) => n + c, 0);
    expect(seen).toHaveLength(expected);
    expect(seen.every((s) => typeof s.value === 'string' && s.value === s.value.toUpperCase())).toBe(true);
    expect(runner.errors()).toEqual([]);
  });

  it('hands the child its conf and context in the handshake', async () => {
    const seen: Array<{ stream: string; value: unknown }> = [];
    const probe = newProbe();
    const b = new TopologyBuilder();
    b.setSpout('sentences', () => new SentenceSpout(probe, 1), 1);
    b.setBolt('echo', () => new ShellBolt('python3', '-c', ECHO_CONTEXT).setDefaultStream(['ctx']), 1).fieldsGrouping('sentences', ['sentence']);
    b.setBolt('collect', () => new Collect(seen), 1).shuffleGrouping('echo');
    runner = await LocalRunner.start(b.createTopology({ 'test.marker': 'abc' }), { codeDir });
    await waitFor('the echoed context', () => seen.length === 1, 20_000, 10);
    const ctx = JSON.parse(seen[0]!.value as string) as Record<string, any>;
    expect(ctx.marker).toBe('abc');
    expect(ctx.context).toMatchObject({
      componentid: 'echo',
      streams: ['default'],
      'stream->outputfields': { default: ['ctx'] },
      'stream->target->grouping': { default: { collect: { type: 'SHUFFLE' } } },
      'source->stream->grouping': { sentences: { default: { type: 'FIELDS', fields: ['sentence'] } } },
      'source->stream->fields': { sentences: { default: ['sentence'] } },
    });
    expect(ctx.context['task->component'][String(ctx.context.taskid)]).toBe('echo');
    expect(ctx.pidFile).toBe(true);
    expect(ctx.input).toEqual({ comp: 'sentences', stream: 'default', tuple: [SENTENCES[0]] });
  });

  it('reports a child that exits as a fatal error and fails its pending input at once', async () => {
    const b = new TopologyBuilder();
    const log = { acked: [] as unknown[], failed: [] as unknown[] };
    b.setSpout('words', () => new WordsSpout(['ok', 'crash'], log), 1);
    b.setBolt('crashy', () => new ShellBolt('python3', 'crash.py').setDefaultStream(['word']), 1).shuffleGrouping('words');
    runner = await LocalRunner.start(b.createTopology({ 'topology.message.timeout.secs': 600 }), { codeDir });
    await waitFor('a fatal error', () => runner!.fatalErrors().length > 0, 20_000, 10);
    const fatal = runner.fatalErrors()[0]!;
    expect(fatal.component).toBe('crashy');
    expect(fatal.error).toMatch(/exited with code 3/);
    expect(fatal.error).toMatch(/crashing on purpose/);
    await waitFor('the crashing input failed', () => log.failed.includes('crash'), 5_000, 10);
    expect(log.acked).toEqual(['ok']);
    expect(runner.errors().some((e) => e.component === 'crashy' && /exited with code 3/.test(e.error))).toBe(true);
  });

  it('reports a child that writes something other than JSON as a fatal error', async () => {
    const b = new TopologyBuilder();
    const log = { acked: [] as unknown[], failed: [] as unknown[] };
    b.setSpout('words', () => new WordsSpout(['garbage'], log), 1);
    b.setBolt('crashy', () => new ShellBolt('python3', 'crash.py').setDefaultStream(['word']), 1).shuffleGrouping('words');
    runner = await LocalRunner.start(b.createTopology({ 'topology.message.timeout.secs': 600 }), { codeDir });
    await waitFor('a fatal error', () => runner!.fatalErrors().length > 0, 20_000, 10);
    expect(runner.fatalErrors()[0]!.error).toMatch(/not JSON: "this is not json"/);
    await waitFor('the input failed', () => log.failed.includes('garbage'), 5_000, 10);
  });

  it('dies with a heartbeat timeout when the child stops answering', async () => {
    const b = new TopologyBuilder();
    const log = { acked: [] as unknown[], failed: [] as unknown[] };
    b.setSpout('words', () => new WordsSpout(['hang'], log), 1);
    b.setBolt('crashy', () => new ShellBolt('python3', 'crash.py').setDefaultStream(['word']), 1).shuffleGrouping('words');
    runner = await LocalRunner.start(b.createTopology({ 'topology.message.timeout.secs': 600, 'topology.subprocess.timeout.secs': 2 }), { codeDir });
    const t0 = Date.now();
    await waitFor('a fatal error', () => runner!.fatalErrors().length > 0, 20_000, 10);
    expect(runner.fatalErrors()[0]!.error).toMatch(/subprocess heartbeat timeout/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
    await waitFor('the input failed', () => log.failed.includes('hang'), 5_000, 10);
  });

  it('holds execute() back once topology.shellbolt.max.pending messages wait for a child that stopped reading', async () => {
    // The child hangs on its first input and reads nothing more: the pipe fills, then the
    // bolt stops taking inputs after at most max.pending more (or the stdin buffer's limit).
    const executedWith = async (maxPending: number | undefined): Promise<number> => {
      const words = ['hang', ...Array.from({ length: 400 }, (_, i) => `${i}:${'x'.repeat(1000)}`)];
      const b = new TopologyBuilder();
      b.setSpout('words', () => new WordsSpout(words, { acked: [], failed: [] }), 1);
      b.setBolt('stuck', () => new ShellBolt('python3', 'crash.py').setDefaultStream(['word']), 1).shuffleGrouping('words');
      const conf: Record<string, unknown> = { 'topology.message.timeout.secs': 600, 'topology.subprocess.timeout.secs': 120 };
      if (maxPending !== undefined) conf['topology.shellbolt.max.pending'] = maxPending;
      const r = await LocalRunner.start(b.createTopology(conf), { codeDir });
      runner = r;
      try {
        // Wait until the count stops moving (the bolt is blocked), then read it.
        let last = -1;
        let stable = 0;
        await r.waitFor(() => {
          const n = r.componentTotals('stuck').executed;
          stable = n === last && n > 0 ? stable + 1 : 0;
          last = n;
          return stable >= 5;
        }, 20_000, 'the bolt blocked');
        return last;
      } finally {
        await r.close();
        runner = undefined;
      }
    };
    const one = await executedWith(1);
    const unbounded = await executedWith(undefined);
    expect(one).toBeLessThan(400);
    // Default (100) is bounded by the 16 KiB stdin buffer here (~15 messages of 1 KB); 1
    // stops right after the first message that cannot go into the pipe.
    expect(unbounded - one).toBeGreaterThanOrEqual(8);
  });

  it('reports a command that cannot be started as a fatal error', async () => {
    const b = new TopologyBuilder();
    const log = { acked: [] as unknown[], failed: [] as unknown[] };
    b.setSpout('words', () => new WordsSpout(['x'], log), 1);
    b.setBolt('missing', () => new ShellBolt('./no-such-program').setDefaultStream(['word']), 1).shuffleGrouping('words');
    runner = await LocalRunner.start(b.createTopology({ 'topology.message.timeout.secs': 600 }), { codeDir });
    await waitFor('a fatal error', () => runner!.fatalErrors().length > 0, 10_000, 10);
    expect(runner.fatalErrors()[0]!.error).toMatch(/no-such-program.*ENOENT/);
    // Inputs of a dead shell bolt fail right away instead of waiting for the timeout.
    await waitFor('the input failed', () => log.failed.includes('x'), 5_000, 10);
  });
});

describe('ShellSpout', () => {
  it('a Python spout emits reliably into a Python bolt and gets every ack back', async () => {
    const probe = newProbe();
    const acks: Array<{ stream: string; value: unknown }> = [];
    const b = new TopologyBuilder();
    b.setSpout('sentences', () => new ShellSpout('python3', 'sentences.py').setDefaultStream(['sentence']).setNamedStream('acks', ['id']), 1);
    b.setBolt('split', () => new ShellBolt('python3', 'splitsentence.py').setDefaultStream(['word']), 2).shuffleGrouping('sentences');
    b.setBolt('count', () => new CountWords(probe), 2).fieldsGrouping('split', ['word']);
    b.setBolt('acks', () => new Collect(acks), 1).shuffleGrouping('sentences', 'acks');
    runner = await LocalRunner.start(b.createTopology({ 'test.sentences': 30 }), { workers: 2, codeDir });
    await waitFor('acks of all 30 sentences reported by the child', () => acks.length === 30, 20_000, 10);
    expect(acks.map((a) => a.value).sort((x, y) => (x as number) - (y as number))).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(probe.counts).toEqual(sentenceWords(30));
    expect(runner.componentTotals('sentences')).toMatchObject({ acked: 30, failed: 0 });
    expect(runner.errors()).toEqual([]);
  });

  it('a node spout replays tuples failed downstream until they are acked', async () => {
    const seen: Array<{ stream: string; value: unknown }> = [];
    const b = new TopologyBuilder();
    b.setSpout('sentences', () => new ShellSpout('node', 'randomsentence.js').setDefaultStream(['sentence']).setNamedStream('acks', ['id']), 1);
    b.setBolt('flaky', () => new FailFirstTime(), 1).shuffleGrouping('sentences');
    b.setBolt('acks', () => new Collect(seen), 1).shuffleGrouping('sentences', 'acks');
    runner = await LocalRunner.start(b.createTopology({ 'test.sentences': 10 }), { codeDir });
    await waitFor('all 10 acked', () => seen.length === 10, 20_000, 10);
    expect(runner.componentTotals('sentences')).toMatchObject({ acked: 10, failed: 10 });
  });

  it('queues a deactivate sent during a slow next behind it, so the spout is not killed after the heartbeat timeout', async () => {
    const commands = join(codeDir, 'commands.log');
    const b = new TopologyBuilder();
    b.setSpout('slow', () => new ShellSpout('python3', 'slow_spout.py').setDefaultStream(['x']), 1);
    runner = await LocalRunner.start(b.createTopology({ 'topology.subprocess.timeout.secs': 2 }), { codeDir });
    const read = () => (existsSync(commands) ? readFileSync(commands, 'utf8') : '');
    await waitFor('a next in progress', () => read().includes('next-start'), 20_000, 10);
    await runner.deactivate();
    expect(read()).toMatch(/next-start\nnext-end\ndeactivate\n/);
    // Absence over time: well past the 2 s heartbeat timeout with no command in flight.
    await new Promise((r) => setTimeout(r, 3_500));
    expect(runner.fatalErrors()).toEqual([]);
    expect(runner.errors()).toEqual([]);
  });

  it('reports an unknown command from the spout child as a fatal error', async () => {
    const b = new TopologyBuilder();
    b.setSpout('bad', () => new ShellSpout('python3', '-c', BAD_SPOUT).setDefaultStream(['x']), 1);
    runner = await LocalRunner.start(b.createTopology(), { codeDir });
    await waitFor('a fatal error', () => runner!.fatalErrors().length > 0, 20_000, 10);
    expect(runner.fatalErrors()[0]!.error).toMatch(/Unknown command received: "dance"/);
  });
});

/** Emits each word once with the word as message id. */
class WordsSpout {
  #collector: { emit(values: unknown[], id?: unknown): unknown } | undefined;
  #i = 0;
  constructor(
    readonly words: string[],
    readonly log: { acked: unknown[]; failed: unknown[] },
  ) {}
  open(_c: unknown, _x: unknown, collector: { emit(values: unknown[], id?: unknown): unknown }): void {
    this.#collector = collector;
  }
  nextTuple(): void {
    const w = this.words[this.#i];
    if (w === undefined) return;
    this.#i++;
    this.#collector!.emit([w], w);
  }
  ack(id: unknown): void {
    this.log.acked.push(id);
  }
  fail(id: unknown): void {
    this.log.failed.push(id);
  }
  declareOutputFields(d: { declare(f: string[]): void }): void {
    d.declare(['word']);
  }
}

/** Fails the first `n` inputs it sees (FailedException), acks the rest. */
class FailFirstTime extends BaseBasicBolt {
  #left = 10;
  execute(): void {
    if (this.#left > 0) {
      this.#left--;
      throw new FailedException('first delivery');
    }
  }
}

const ECHO_CONTEXT = `
import sys, os, json
sys.path.insert(0, os.getcwd())
import storm
storm.MODE = storm.Bolt
setup = storm.readMsg()
storm.sendpid(setup["pidDir"])
pid_file = os.path.exists(os.path.join(setup["pidDir"], str(os.getpid())))
tup = storm.readTuple()
while tup.is_heartbeat_tuple():
    storm.sync()
    tup = storm.readTuple()
storm.emit([json.dumps({"marker": setup["conf"].get("test.marker"), "context": setup["context"], "pidFile": pid_file,
    "input": {"comp": tup.component, "stream": tup.stream, "tuple": tup.values}})], anchors=[tup])
storm.ack(tup)
while True:
    tup = storm.readTuple()
    if tup.is_heartbeat_tuple():
        storm.sync()
`;

const BAD_SPOUT = `
import sys, os
sys.path.insert(0, os.getcwd())
import storm
conf, context = storm.initComponent()
while True:
    msg = storm.readCommand()
    storm.sendMsgToParent({"command": "dance"})
`;
