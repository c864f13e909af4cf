// Acker executor: runs `__acker` tasks. Consumes `__ack_init/__ack_ack/__ack_fail/
// __ack_reset_timeout` tuples into AckerState and tells the spout task when a tree
// completes (`__ack_ack [root, deltaMs]`) or fails (`__ack_fail [root]`). Never blocked by
// backpressure (its only consumers, spouts, always drain their input). Single-threaded.
import { AckerState } from './acker.js';
import {
  ACK_ACK_STREAM,
  ACK_FAIL_STREAM,
  ACK_INIT_STREAM,
  ACK_RESET_TIMEOUT_STREAM,
  Executor,
  SYSTEM_STREAM_FIELDS,
  type ExecutorOptions,
} from './executor.js';

export const ACKER_COMPONENT = '__acker';
const BUDGET = 4096;
const ACK_FIELDS = SYSTEM_STREAM_FIELDS[ACK_ACK_STREAM]!;
const FAIL_FIELDS = SYSTEM_STREAM_FIELDS[ACK_FAIL_STREAM]!;

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
    for (; n < BUDGET; n++) {
      const t = this.queue.shift();
      if (t === undefined) break;
      const v = t.values as number[];
      const root = v[0]!;
      let o = null;
      switch (t.sourceStreamId) {
        case ACK_ACK_STREAM:
          o = state.ack(root, v[1]!, v[2]!, nowMs);
          break;
        case ACK_INIT_STREAM:
          o = state.init(root, v[1]!, v[2]!, v[3]!, nowMs);
          break;
        case ACK_FAIL_STREAM:
          o = state.fail(root, nowMs);
          break;
        case ACK_RESET_TIMEOUT_STREAM:
          state.resetTimeout(root, nowMs);
          break;
        default:
          break;
      }
      this.metrics.executed++;
      if (o !== null) {
        if (o.kind === 'ack') {
          this.metrics.acked++;
          this.host.transfer(o.spoutTask, t.destTask, ACKER_COMPONENT, ACK_ACK_STREAM, ACK_FIELDS, [root, o.deltaMs], null);
        } else {
          this.metrics.failed++;
          this.host.transfer(o.spoutTask, t.destTask, ACKER_COMPONENT, ACK_FAIL_STREAM, FAIL_FIELDS, [root], null);
        }
      }
    }
    if (nowMs >= this.#nextExpire) {
      this.#nextExpire = nowMs + 1000;
      state.expire(nowMs, this.host.messageTimeoutMs * 2);
    }
    return n > 0;
  }
}
