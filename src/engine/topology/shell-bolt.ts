// ShellBolt: a bolt implemented by a child process in any language, speaking Storm's
// multilang protocol (Storm's ShellBolt), so Storm's storm.py / storm.js components run
// unchanged. Each task starts `command args...` in the topology's code dir (resources/),
// sends it every input as {id, comp, stream, task, tuple} and acts on what it answers:
// emit (task ids written back unless need_task_ids is false; `task` = emitDirect; anchors
// by input id), ack, fail, log, error, metrics (ignored: no shell metrics registry), sync.
// A heartbeat tuple goes out every second; a child silent for `topology.subprocess.timeout.secs`
// (else `supervisor.worker.timeout.secs`, else 30 s), one that exits, closes its stdout or
// writes something that is not a JSON object makes the task die: the error is reported,
// pending inputs are failed and the worker process exits (TopologyContext.reportFatalError)
// so its supervisor restarts it. execute() waits while the child's stdin pipe is full or
// `topology.shellbolt.max.pending` (default 100) messages wait to go into it (Storm's
// bounded pendingWrites queue): backpressure into the topology. Single-threaded: everything
// runs on the worker's event loop.
import { rmSync } from 'node:fs';
import type { Logger } from '../common/logger.js';
import { randomTupleId, type ShellProcess, subprocessTimeoutMs, type ShellMsg } from './multilang/shell-process.js';
import type { Bolt } from './bolt.js';
import type { OutputCollector } from './collectors.js';
import { handleShellLogOrError, launchShellChild, parseShellEmit, ShellComponent } from './shell-component.js';
import type { TopologyContext } from './topology-context.js';
import type { Tuple } from './tuple.js';

export type { ShellStreamDeclaration } from './shell-component.js';

const HEARTBEAT_INTERVAL_MS = 1000;
const DEFAULT_MAX_PENDING = 100;

/** `topology.shellbolt.max.pending` (Storm's default 100); a bad value is the default. */
function maxPendingWrites(conf: Readonly<Record<string, unknown>>): number {
  const v = Number(conf['topology.shellbolt.max.pending']);
  return Number.isInteger(v) && v > 0 ? v : DEFAULT_MAX_PENDING;
}

export class ShellBolt extends ShellComponent implements Bolt {
  #process: ShellProcess | undefined;
  #collector!: OutputCollector;
  #context!: TopologyContext;
  #logger!: Logger;
  #inputs = new Map<string, Tuple>();
  #timer: NodeJS.Timeout | undefined;
  #timeoutMs = 30_000;
  #maxPending = DEFAULT_MAX_PENDING;
  #pidDir: string | undefined;
  #dead = false;
  #closing = false;

  async prepare(conf: Readonly<Record<string, unknown>>, context: TopologyContext, collector: OutputCollector): Promise<void> {
    this.#collector = collector;
    this.#context = context;
    this.#logger = context.getLogger();
    this.#timeoutMs = subprocessTimeoutMs(conf);
    this.#maxPending = maxPendingWrites(conf);
    try {
      ({ process: this.#process, pidDir: this.#pidDir } = await launchShellChild(this.command, conf, context, this.#logger, this.#timeoutMs));
    } catch (error) {
      this.#die(error);
      return;
    }
    const p = this.#process;
    this.#logger.info('shell bolt launched', { command: this.command, pid: p.pid });
    p.onMessage = (msg) => this.#onMessage(msg);
    p.onDeath = (error) => this.#die(error);
    this.#timer = setInterval(() => this.#heartbeat(), HEARTBEAT_INTERVAL_MS);
    this.#timer.unref();
  }

  execute(input: Tuple): void | Promise<void> {
    const p = this.#process;
    if (this.#dead || !p) {
      this.#collector.fail(input);
      return;
    }
    const id = randomTupleId();
    this.#inputs.set(id, input);
    const ok = p.writeMessage({ id, comp: input.getSourceComponent(), stream: input.getSourceStreamId(), task: input.getSourceTask(), tuple: input.getValues() });
    if (!ok || p.unflushedWrites >= this.#maxPending) return p.whenWritable(this.#maxPending);
  }

  cleanup(): void {
    this.#closing = true;
    this.#stop();
  }

  #stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#process?.kill();
    if (this.#pidDir) rmSync(this.#pidDir, { recursive: true, force: true });
    this.#pidDir = undefined;
  }

  #heartbeat(): void {
    const p = this.#process;
    if (!p || this.#dead) return;
    if (Date.now() - p.lastHeartbeatMs > this.#timeoutMs) {
      this.#die(new Error(`subprocess heartbeat timeout: ${this.command.join(' ')} (pid ${p.pid}) sent nothing for ${this.#timeoutMs} ms`));
      return;
    }
    p.writeMessage({ id: randomTupleId(), comp: null, stream: '__heartbeat', task: -1, tuple: [] });
  }

  #die(error: unknown): void {
    if (this.#dead || this.#closing) return;
    this.#dead = true;
    this.#stop();
    // In a worker process the exit below drops them anyway; failing them now replays at once
    // in the local runner instead of waiting for the message timeout.
    const pending = [...this.#inputs.values()];
    this.#inputs.clear();
    for (const t of pending) {
      try {
        this.#collector.fail(t);
      } catch {
        // already acked or failed
      }
    }
    this.#context.reportFatalError(error instanceof Error ? error : new Error(String(error)));
  }

  #input(id: unknown, what: string): Tuple {
    const t = this.#inputs.get(String(id));
    if (t === undefined) throw new Error(`${what} a non-existent or already acked/failed id: ${String(id)}`);
    return t;
  }

  #onMessage(msg: ShellMsg): void {
    if (handleShellLogOrError(msg, this.#logger, this.#process?.pid ?? 0, (e) => this.#collector.reportError(e))) return;
    switch (msg.command) {
      case 'ack': {
        const t = this.#input(msg.id, 'Acked');
        this.#inputs.delete(String(msg.id));
        this.#collector.ack(t);
        return;
      }
      case 'fail': {
        const t = this.#input(msg.id, 'Failed');
        this.#inputs.delete(String(msg.id));
        this.#collector.fail(t);
        return;
      }
      case 'emit':
        this.#emit(msg);
        return;
      case 'sync': // heartbeat answer; any message already counted as one
      case 'metrics': // no IShellMetric registry here
        return;
      default:
        this.#logger.warn('shell bolt ignored an unknown command', { command: msg.command });
    }
  }

  #emit(msg: ShellMsg): void {
    const { tuple, stream, task } = parseShellEmit(msg);
    const raw = msg.anchors;
    const ids = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
    const anchors: Tuple[] = [];
    for (const id of ids) {
      const t = this.#inputs.get(String(id));
      if (t === undefined) throw new Error(`Anchored onto ${String(id)} after ack/fail`);
      anchors.push(t);
    }
    if (task !== 0) {
      this.#collector.emitDirect(task, stream, tuple, anchors);
      return;
    }
    const out = this.#collector.emit(stream, tuple, anchors);
    if (msg.need_task_ids !== false) this.#process?.writeTaskIds(out);
  }
}
