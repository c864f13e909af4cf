// The child side of Storm's multilang protocol for streamctl components: runs one spout or
// bolt of a TopologyLike inside a process started by Storm's ShellSpout/ShellBolt (or
// streamctl's), so an exported topology's TypeScript components run on Apache Storm as
// FluxShellSpout/FluxShellBolt with `node`. Handshake (pid file, {"pid"}), then for a bolt
// every input becomes a Tuple (fields from the context's source->stream->fields), emits are
// anchored by input id with need_task_ids false, acks/fails go back by id and heartbeats
// are answered with sync; for a spout each next/ack/fail/activate/deactivate is answered
// with its emits then sync. Messages are handled one at a time, in order (a returned
// Promise is awaited). Single-threaded; I/O injected.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../../common/logger.js';
import { isBasicBolt, type BasicBolt, type Bolt } from '../bolt.js';
import type { Anchors, BasicOutputCollector, OutputCollector, SpoutOutputCollector, TupleValues } from '../collectors.js';
import { isFailedException } from '../failed-exception.js';
import { Fields } from '../fields.js';
import type { Spout } from '../spout.js';
import { TopologyContextImpl } from '../topology-context.js';
import type { TopologyLike } from '../topology.js';
import { TupleImpl, type Tuple } from '../tuple.js';
import { toJson } from './shell-process.js';

type Msg = Record<string, unknown>;

export interface MultilangIo {
  input: Readable;
  output: Writable;
  pid: number;
}

/** Reads `JSON\nend\n` messages. */
async function* readMessages(input: Readable): AsyncGenerator<unknown> {
  let buffered = '';
  let lines: string[] = [];
  input.setEncoding('utf8');
  for await (const chunk of input) {
    buffered += String(chunk);
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line === 'end') {
        const text = lines.join('\n');
        lines = [];
        if (text.trim() !== '') yield JSON.parse(text);
      } else lines.push(line);
    }
  }
}

class Channel {
  constructor(readonly output: Writable) {}
  send(msg: Msg): void {
    this.output.write(`${toJson(msg)}\nend\n`);
  }
  log(msg: string, level: number): void {
    this.send({ command: 'log', msg, level });
  }
}

function channelLogger(ch: Channel, base: Record<string, unknown> = {}): Logger {
  const at = (level: number) => (msg: string, fields?: Record<string, unknown>) => {
    const all = { ...base, ...fields };
    ch.log(Object.keys(all).length ? `${msg} ${toJson(all)}` : msg, level);
  };
  return { debug: at(1), info: at(2), warn: at(3), error: at(4), child: (f) => channelLogger(ch, { ...base, ...f }), isDebugEnabled: () => false };
}

const errorText = (e: unknown) => (e instanceof Error ? (e.stack ?? e.message) : String(e));

/**
 * Runs `componentId` of `topology` over Storm's multilang protocol until the input ends.
 * Rejects on a protocol fault or a fatal error of the component.
 */
export async function runMultilangComponent(topology: TopologyLike, componentId: string, io: MultilangIo): Promise<void> {
  const spec = topology.spec.components.find((c) => c.id === componentId);
  if (!spec) throw new Error(`topology has no component '${componentId}' (components: ${topology.spec.components.map((c) => c.id).join(', ')})`);
  const ch = new Channel(io.output);
  const messages = readMessages(io.input);
  const first = await messages.next();
  if (first.done) return;
  const hello = first.value as { pidDir?: string; conf?: Record<string, unknown>; context?: Record<string, unknown> };
  if (typeof hello.pidDir === 'string') writeFileSync(join(hello.pidDir, String(io.pid)), '');
  ch.send({ pid: io.pid });
  const conf = hello.conf ?? {};
  const ctx = hello.context ?? {};
  const taskToComponent = Object.fromEntries(Object.entries((ctx['task->component'] as Record<string, string>) ?? {}).map(([t, c]) => [Number(t), c]));
  const taskId = Number(ctx.taskid ?? 1);
  let fatal: unknown;
  const context = new TopologyContextImpl({
    spec: topology.spec,
    taskToComponent,
    taskId,
    componentId,
    workerTasks: [taskId],
    workerPort: 0,
    stormId: String(conf['storm.id'] ?? conf['topology.name'] ?? ''),
    conf,
    codeDir: process.cwd(),
    logger: channelLogger(ch),
    onFatalError: (e) => (fatal = e),
  });
  const component = topology.createComponent(componentId);
  const check = () => {
    if (fatal !== undefined) throw fatal instanceof Error ? fatal : new Error(String(fatal));
  };
  if (spec.kind === 'spout') await runSpout(component as Spout, conf, context, ch, messages, check);
  else await runBolt(component as Bolt | BasicBolt, conf, context, ch, messages, ctx, check);
}

function emitArgs(a: unknown, b: unknown, c: unknown): [string, TupleValues, unknown] {
  return typeof a === 'string' ? [a, b as TupleValues, c] : ['default', a as TupleValues, b];
}

async function runSpout(spout: Spout, conf: Record<string, unknown>, context: TopologyContextImpl, ch: Channel, messages: AsyncGenerator<unknown>, check: () => void): Promise<void> {
  const pending = new Map<number, unknown>();
  let nextId = 1;
  let emitted = 0;
  const send = (stream: string, values: TupleValues, messageId: unknown, task?: number) => {
    const msg: Msg = { command: 'emit', stream, tuple: [...values], need_task_ids: false };
    if (task !== undefined) msg.task = task;
    if (messageId !== undefined && messageId !== null) {
      const id = nextId++;
      pending.set(id, messageId);
      msg.id = id;
    }
    emitted++;
    ch.send(msg);
  };
  const collector: SpoutOutputCollector = {
    emit: (a: unknown, b?: unknown, c?: unknown) => {
      const [stream, values, id] = emitArgs(a, b, c);
      send(stream, values, id);
      return [];
    },
    emitDirect: (task: number, a: unknown, b?: unknown, c?: unknown) => {
      const [stream, values, id] = emitArgs(a, b, c);
      send(stream, values, id, task);
    },
    reportError: (e) => ch.send({ command: 'error', msg: errorText(e) }),
    getPendingCount: () => pending.size,
  } as SpoutOutputCollector;
  await spout.open?.(conf, context, collector);
  for await (const raw of messages) {
    const m = raw as Msg;
    const id = Number(m.id);
    emitted = 0;
    switch (m.command) {
      case 'next':
        await spout.nextTuple();
        // Storm's ShellSpout does not back off: an idle child sleeps a little before sync.
        if (emitted === 0) await new Promise((r) => setTimeout(r, 1));
        break;
      case 'ack':
        if (pending.has(id)) {
          const mid = pending.get(id);
          pending.delete(id);
          await spout.ack?.(mid);
        }
        break;
      case 'fail':
        if (pending.has(id)) {
          const mid = pending.get(id);
          pending.delete(id);
          await spout.fail?.(mid);
        }
        break;
      case 'activate':
        await spout.activate?.();
        break;
      case 'deactivate':
        await spout.deactivate?.();
        break;
      default:
        throw new Error(`unknown spout command ${JSON.stringify(m.command)}`);
    }
    check();
    ch.send({ command: 'sync' });
  }
  await spout.close?.();
}

async function runBolt(
  bolt: Bolt | BasicBolt,
  conf: Record<string, unknown>,
  context: TopologyContextImpl,
  ch: Channel,
  messages: AsyncGenerator<unknown>,
  ctx: Record<string, unknown>,
  check: () => void,
): Promise<void> {
  const ids = new WeakMap<Tuple, string>();
  const sourceFields = (ctx['source->stream->fields'] ?? {}) as Record<string, Record<string, string[]>>;
  const fieldsCache = new Map<string, Fields>();
  const fieldsOf = (comp: string, stream: string): Fields => {
    const key = `${comp}\u0000${stream}`;
    let f = fieldsCache.get(key);
    if (!f) {
      let list = sourceFields[comp]?.[stream];
      if (!list) {
        try {
          list = context.getComponentOutputFields(comp, stream).toList();
        } catch {
          list = [];
        }
      }
      fieldsCache.set(key, (f = new Fields(list)));
    }
    return f;
  };
  const anchorIds = (anchors: Anchors | undefined): string[] =>
    anchors === undefined ? [] : (Array.isArray(anchors) ? anchors : [anchors as Tuple]).map((t) => ids.get(t)).filter((x): x is string => x !== undefined);
  const send = (stream: string, values: TupleValues, anchors: string[], task?: number) => {
    const msg: Msg = { command: 'emit', stream, tuple: [...values], anchors, need_task_ids: false };
    if (task !== undefined) msg.task = task;
    ch.send(msg);
  };
  const reportError = (e: unknown) => ch.send({ command: 'error', msg: errorText(e) });
  const collector: OutputCollector = {
    emit: (a: unknown, b?: unknown, c?: unknown) => {
      const [stream, values, anchors] = emitArgs(a, b, c);
      send(stream, values, anchorIds(anchors as Anchors | undefined));
      return [];
    },
    emitDirect: (task: number, a: unknown, b?: unknown, c?: unknown) => {
      const [stream, values, anchors] = emitArgs(a, b, c);
      send(stream, values, anchorIds(anchors as Anchors | undefined), task);
    },
    ack: (t) => ch.send({ command: 'ack', id: ids.get(t) }),
    fail: (t) => ch.send({ command: 'fail', id: ids.get(t) }),
    resetTimeout: () => {},
    reportError,
  } as OutputCollector;
  const basic = isBasicBolt(bolt);
  if (basic) await bolt.prepare?.(conf, context);
  else await bolt.prepare?.(conf, context, collector);
  for await (const raw of messages) {
    if (Array.isArray(raw)) continue; // task ids: never asked for (need_task_ids false)
    const m = raw as Msg;
    const stream = String(m.stream ?? 'default');
    const task = Number(m.task ?? 0);
    if (task === -1 && stream === '__heartbeat') {
      ch.send({ command: 'sync' });
      continue;
    }
    const comp = String(m.comp ?? '');
    const tuple = new TupleImpl(Array.isArray(m.tuple) ? m.tuple : [], fieldsOf(comp, stream), comp, stream, task, null);
    const id = String(m.id);
    ids.set(tuple, id);
    if (basic) {
      const out: BasicOutputCollector = {
        emit: (a: unknown, b?: unknown) => {
          const [s, values] = emitArgs(a, b, undefined);
          send(s, values, [id]);
          return [];
        },
        emitDirect: (t: number, a: unknown, b?: unknown) => {
          const [s, values] = emitArgs(a, b, undefined);
          send(s, values, [id], t);
        },
        reportError,
      } as BasicOutputCollector;
      try {
        await bolt.execute(tuple, out);
        ch.send({ command: 'ack', id });
      } catch (error) {
        if (!isFailedException(error) || error.reported) reportError(error);
        ch.send({ command: 'fail', id });
      }
    } else {
      await bolt.execute(tuple);
    }
    check();
  }
  await bolt.cleanup?.();
}
