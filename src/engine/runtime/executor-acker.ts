// Acker executor: runs `__acker` tasks. Consumes `__ack_init/__ack_ack/__ack_fail/
// __ack_reset_timeout` tuples into AckerState and tells the spout task when a tree
// completes (`__ack_ack [root, deltaMs]*`) or fails (`__ack_fail [root]*`), batched per
// spout task until the turn ends. Input messages are batches too (see executor.ts). Never blocked by
// backpressure (its only consumers, spouts, always drain their input). Single-threaded.
import { ACK_ACK_STREAM, ACK_FAIL_STREAM, ACK_INIT_STREAM, ACK_RESET_TIMEOUT_STREAM, AckerState, type AckerOutcome } from './acker.js';
import { Executor, type ExecutorOptions } from './executor.js';

/** Acking entries (not messages: a message is a batch) per turn. */
const BUDGET = 8192;

export class AckerExecutor extends Executor {
  readonly kind = 'acker' as const;
  readonly state = new AckerState();
  #nextExpire = 0;

  constructor(options: ExecutorOptions) {
    super(options);
  }

  async start(): Promise<void> {
    this.ready = true;
  }

  async stop(): Promise<void> {}

  run(nowMs: number): boolean {
    let n = 0;
    const state = this.state;
    const metrics = this.metrics;
    while (n < BUDGET) {
      const t = this.queue.shift();
      if (t === undefined) break;
      const v = t.values as number[];
      const stream = t.sourceStreamId;
      let i = 0;
      if (stream === ACK_ACK_STREAM) {
        for (; i + 2 < v.length; i += 3) this.#outcome(state.ack(v[i]!, v[i + 1]!, v[i + 2]!, nowMs));
        n += i / 3;
      } else if (stream === ACK_INIT_STREAM) {
        for (; i + 3 < v.length; i += 4) this.#outcome(state.init(v[i]!, v[i + 1]!, v[i + 2]!, v[i + 3]!, nowMs));
        n += i / 4;
      } else if (stream === ACK_FAIL_STREAM) {
        for (; i < v.length; i++) this.#outcome(state.fail(v[i]!, nowMs));
        n += i;
      } else if (stream === ACK_RESET_TIMEOUT_STREAM) {
        for (; i < v.length; i++) state.resetTimeout(v[i]!, nowMs);
        n += i;
      } else {
        n++;
      }
    }
    metrics.executed += n;
    if (nowMs >= this.#nextExpire && this.messageTimeoutsEnabled) {
      this.#nextExpire = nowMs + 1000;
      state.expire(nowMs, this.host.messageTimeoutMs * 2);
    }
    return n > 0;
  }

  #outcome(o: AckerOutcome | null): void {
    if (o === null) return;
    if (o.kind === 'ack') {
      this.metrics.acked++;
      const b = this.outbox.batch(o.spoutTask, ACK_ACK_STREAM);
      b.push(o.root, o.deltaMs);
    } else {
      this.metrics.failed++;
      this.outbox.batch(o.spoutTask, ACK_FAIL_STREAM).push(o.root);
    }
  }
}
