import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/common/clock.js';
import { DelayedOperation, DelayedOperationPurgatory } from '../../../src/engine/broker/delayed-operations.js';

class Op extends DelayedOperation {
  ready = false;
  result: 'done' | 'expired' | null = null;
  tryComplete(): boolean {
    return this.ready ? this.forceComplete() : false;
  }
  protected onComplete(expired: boolean): void {
    this.result = expired ? 'expired' : 'done';
  }
}

describe('DelayedOperationPurgatory', () => {
  it('completes an operation at once when it can', () => {
    const p = new DelayedOperationPurgatory({ name: 't', clock: new ManualClock() });
    const op = new Op();
    op.ready = true;
    expect(p.tryCompleteElseWatch(op, ['a'], 100)).toBe(true);
    expect(op.result).toBe('done');
    expect(p.size).toBe(0);
  });

  it('completes a parked operation when its key is checked and it can', () => {
    const p = new DelayedOperationPurgatory({ name: 't', clock: new ManualClock() });
    const op = new Op();
    expect(p.tryCompleteElseWatch(op, ['a', 'b'], 100)).toBe(false);
    expect(p.checkAndComplete('a')).toBe(0);
    op.ready = true;
    expect(p.checkAndComplete('b')).toBe(1);
    expect(op.result).toBe('done');
    expect(p.size).toBe(0);
  });

  it('expires a parked operation exactly once after its timeout', () => {
    const clock = new ManualClock();
    const p = new DelayedOperationPurgatory({ name: 't', clock });
    const op = new Op();
    p.tryCompleteElseWatch(op, ['a'], 100);
    clock.advance(99);
    expect(op.result).toBeNull();
    clock.advance(1);
    expect(op.result).toBe('expired');
    op.ready = true;
    expect(p.checkAndComplete('a')).toBe(0);
    expect(op.result).toBe('expired');
  });
});
