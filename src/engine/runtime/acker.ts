// The acker's bookkeeping (Storm's Acker): per spout-tuple root, the XOR of every edge id
// seen (init from the spout, acks from bolts). The tree is complete when the XOR is 0 and
// the spout task is known (the init arrived); a fail marks it failed at once. 64-bit
// values are two 32-bit halves (hi, lo). Entries expire after the message timeout (Map
// insertion order = age order, so expiry is O(expired)). Pure state, single-threaded.
// Also the one home of the acker's names: its component id and its streams.

/** Storm's Acker.ACKER_COMPONENT_ID: the system component running the acker tasks. */
export const ACKER_COMPONENT_ID = '__acker';
/** Spout → acker: a new tuple tree. */
export const ACK_INIT_STREAM = '__ack_init';
/** Bolt → acker: a tuple acked; acker → spout: trees completed. */
export const ACK_ACK_STREAM = '__ack_ack';
/** Bolt → acker: a tuple failed; acker → spout: trees failed. */
export const ACK_FAIL_STREAM = '__ack_fail';
/** Bolt → acker: restart a tree's timeout. */
export const ACK_RESET_TIMEOUT_STREAM = '__ack_reset_timeout';

export interface AckerOutcome {
  kind: 'ack' | 'fail';
  root: number;
  spoutTask: number;
  /** Ms since the acker first saw the root. */
  deltaMs: number;
}

interface Entry {
  hi: number;
  lo: number;
  spoutTask: number;
  failed: boolean;
  startMs: number;
}

export class AckerState {
  readonly #pending = new Map<number, Entry>();

  get size(): number {
    return this.#pending.size;
  }

  /** `__ack_init [root, hi, lo, spoutTask]`: the XOR of the edges the spout emitted. */
  init(root: number, hi: number, lo: number, spoutTask: number, now: number): AckerOutcome | null {
    const e = this.#entry(root, now);
    e.hi ^= hi;
    e.lo ^= lo;
    e.spoutTask = spoutTask;
    return this.#check(root, e, now);
  }

  /** `__ack_ack [root, hi, lo]`: a bolt acked a tuple (its id XOR the edges it emitted). */
  ack(root: number, hi: number, lo: number, now: number): AckerOutcome | null {
    const e = this.#entry(root, now);
    e.hi ^= hi;
    e.lo ^= lo;
    return this.#check(root, e, now);
  }

  /** `__ack_fail [root]`: a bolt failed a tuple of the tree. */
  fail(root: number, now: number): AckerOutcome | null {
    const e = this.#entry(root, now);
    e.failed = true;
    return this.#check(root, e, now);
  }

  /** `__ack_reset_timeout [root]`: restart the entry's age. */
  resetTimeout(root: number, now: number): void {
    const e = this.#pending.get(root);
    if (!e) return;
    this.#pending.delete(root);
    e.startMs = now;
    this.#pending.set(root, e);
  }

  /** Drop entries older than `timeoutMs`; returns how many were dropped. */
  expire(now: number, timeoutMs: number): number {
    let dropped = 0;
    for (const [root, e] of this.#pending) {
      if (now - e.startMs < timeoutMs) break;
      this.#pending.delete(root);
      dropped++;
    }
    return dropped;
  }

  #entry(root: number, now: number): Entry {
    let e = this.#pending.get(root);
    if (!e) {
      e = { hi: 0, lo: 0, spoutTask: -1, failed: false, startMs: now };
      this.#pending.set(root, e);
    }
    return e;
  }

  #check(root: number, e: Entry, now: number): AckerOutcome | null {
    if (e.spoutTask < 0) return null;
    if (e.failed) {
      this.#pending.delete(root);
      return { kind: 'fail', root, spoutTask: e.spoutTask, deltaMs: now - e.startMs };
    }
    if (e.hi === 0 && e.lo === 0) {
      this.#pending.delete(root);
      return { kind: 'ack', root, spoutTask: e.spoutTask, deltaMs: now - e.startMs };
    }
    return null;
  }
}
