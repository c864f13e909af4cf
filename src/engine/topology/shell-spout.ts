// ShellSpout: a spout implemented by a child process in any language, speaking Storm's
// multilang protocol (Storm's ShellSpout). Each task starts `command args...` in the
// topology's code dir; nextTuple, ack(id), fail(id), activate and deactivate each send one
// command ({"command":"next"|"ack"|"fail"|"activate"|"deactivate","id":...}) and wait for
// the child's `sync`, handling emit (message id → tracked tuple; task ids written back
// unless need_task_ids is false; `task` = emitDirect), log, error and metrics (ignored) on
// the way. An unknown command, a child silent for the subprocess timeout while a command
// waits for its sync, or a child that exits / writes garbage makes the task die: reported,
// and the worker process exits so its supervisor restarts it. Single-threaded (event loop).
// One command is in flight at a time, as Storm's executor thread blocks on each sync: a
// command issued while another waits for its sync (deactivate from a status change during
// a slow next) is queued behind it, and each command's heartbeat timer runs only while
// that command waits.
import { rmSync } from 'node:fs';
import type { Logger } from '../common/logger.js';
import { type ShellProcess, subprocessTimeoutMs, type ShellMsg } from './multilang/shell-process.js';
import type { SpoutOutputCollector } from './collectors.js';
import { handleShellLogOrError, launchShellChild, parseShellEmit, ShellComponent } from './shell-component.js';
import type { Spout } from './spout.js';
import type { TopologyContext } from './topology-context.js';

const HEARTBEAT_CHECK_MS = 1000;

export class ShellSpout extends ShellComponent implements Spout {
  #process: ShellProcess | undefined;
  #collector!: SpoutOutputCollector;
  #context!: TopologyContext;
  #logger!: Logger;
  #timeoutMs = 30_000;
  #pidDir: string | undefined;
  #dead = false;
  #closing = false;
  /** Resolves the command waiting for its sync. */
  #waiting: (() => void) | undefined;
  /** Settles when the last queued command has synced (commands run one at a time). */
  #tail: Promise<void> = Promise.resolve();

  async open(conf: Readonly<Record<string, unknown>>, context: TopologyContext, collector: SpoutOutputCollector): Promise<void> {
    this.#collector = collector;
    this.#context = context;
    this.#logger = context.getLogger();
    this.#timeoutMs = subprocessTimeoutMs(conf);
    try {
      ({ process: this.#process, pidDir: this.#pidDir } = await launchShellChild(this.command, conf, context, this.#logger, this.#timeoutMs));
    } catch (error) {
      this.#die(error);
      return;
    }
    this.#logger.info('shell spout launched', { command: this.command, pid: this.#process.pid });
    this.#process.onMessage = (msg) => this.#onMessage(msg);
    this.#process.onDeath = (error) => this.#die(error);
  }

  nextTuple(): Promise<void> {
    return this.#query({ command: 'next', id: '' });
  }

  ack(messageId: unknown): Promise<void> {
    return this.#query({ command: 'ack', id: messageId });
  }

  fail(messageId: unknown): Promise<void> {
    return this.#query({ command: 'fail', id: messageId });
  }

  activate(): Promise<void> {
    return this.#query({ command: 'activate', id: '' });
  }

  deactivate(): Promise<void> {
    return this.#query({ command: 'deactivate', id: '' });
  }

  close(): void {
    this.#closing = true;
    this.#stop();
  }

  #stop(): void {
    this.#process?.kill();
    if (this.#pidDir) rmSync(this.#pidDir, { recursive: true, force: true });
    this.#pidDir = undefined;
    const w = this.#waiting;
    this.#waiting = undefined;
    w?.();
  }

  /** Queue one command behind the one in flight; resolves at its sync (or when the child dies). */
  #query(msg: Record<string, unknown>): Promise<void> {
    const next = this.#tail.then(() => this.#send(msg));
    this.#tail = next;
    return next;
  }

  /** Send one command and resolve at the child's sync (or when the child dies). */
  #send(msg: Record<string, unknown>): Promise<void> {
    const p = this.#process;
    if (this.#dead || this.#closing || !p) return Promise.resolve();
    return new Promise<void>((resolve) => {
      // Storm checks the heartbeat only while waiting for a sync.
      p.lastHeartbeatMs = Date.now();
      const timer = setInterval(() => {
        if (Date.now() - p.lastHeartbeatMs > this.#timeoutMs) {
          this.#die(new Error(`subprocess heartbeat timeout: ${this.command.join(' ')} (pid ${p.pid}) did not sync within ${this.#timeoutMs} ms`));
        }
      }, Math.min(HEARTBEAT_CHECK_MS, this.#timeoutMs));
      timer.unref();
      this.#waiting = () => {
        clearInterval(timer);
        resolve();
      };
      p.writeMessage(msg);
    });
  }

  #die(error: unknown): void {
    if (this.#dead || this.#closing) return;
    this.#dead = true;
    this.#stop();
    this.#context.reportFatalError(error instanceof Error ? error : new Error(String(error)));
  }

  #onMessage(msg: ShellMsg): void {
    if (handleShellLogOrError(msg, this.#logger, this.#process?.pid ?? 0, (e) => this.#collector.reportError(e))) return;
    switch (msg.command) {
      case 'sync': {
        const w = this.#waiting;
        this.#waiting = undefined;
        w?.();
        return;
      }
      case 'emit':
        this.#emit(msg);
        return;
      case 'metrics':
        return;
      default:
        throw new Error(`Unknown command received: ${JSON.stringify(msg.command)}`);
    }
  }

  #emit(msg: ShellMsg): void {
    const { tuple, stream, task } = parseShellEmit(msg);
    const id = msg.id === null ? undefined : msg.id;
    if (task !== 0) {
      this.#collector.emitDirect(task, stream, tuple, id);
      return;
    }
    const out = this.#collector.emit(stream, tuple, id);
    if (msg.need_task_ids !== false) this.#process?.writeTaskIds(out);
  }
}
