import { describe, expect, it } from 'vitest';
import { AckerState } from '../../../src/engine/runtime/acker.js';

describe('AckerState', () => {
  it('completes a tree when the XOR of init and every ack is zero', () => {
    const a = new AckerState();
    // Spout emits edges e1, e2; bolt 1 acks e1 and emits e3 anchored; bolt 2 acks e2; bolt 3 acks e3.
    const e1 = [0x1234, 0x5678];
    const e2 = [0x0f0f0f0f, 0x7eadbeef];
    const e3 = [0x11111111, 0x22222222];
    expect(a.init(42, e1[0]! ^ e2[0]!, e1[1]! ^ e2[1]!, 9, 0)).toBeNull();
    expect(a.ack(42, e1[0]! ^ e3[0]!, e1[1]! ^ e3[1]!, 1)).toBeNull();
    expect(a.ack(42, e2[0]!, e2[1]!, 2)).toBeNull();
    expect(a.ack(42, e3[0]!, e3[1]!, 5)).toEqual({ kind: 'ack', root: 42, spoutTask: 9, deltaMs: 5 });
    expect(a.size).toBe(0);
  });

  it('completes when acks arrive before the init', () => {
    const a = new AckerState();
    expect(a.ack(7, 3, 4, 0)).toBeNull();
    expect(a.init(7, 3, 4, 2, 1)?.kind).toBe('ack');
  });

  it('fails the tree as soon as a fail arrives (after init), and on init after a fail', () => {
    const a = new AckerState();
    a.init(1, 5, 5, 3, 0);
    expect(a.fail(1, 1)).toMatchObject({ kind: 'fail', spoutTask: 3 });
    expect(a.fail(2, 0)).toBeNull();
    expect(a.init(2, 1, 1, 4, 0)).toMatchObject({ kind: 'fail', spoutTask: 4 });
  });

  it('drops entries older than the timeout, oldest first', () => {
    const a = new AckerState();
    a.init(1, 1, 1, 1, 0);
    a.init(2, 1, 1, 1, 50);
    a.init(3, 1, 1, 1, 100);
    a.resetTimeout(1, 120);
    expect(a.expire(155, 100)).toBe(1);
    expect(a.size).toBe(2);
    expect(a.ack(1, 1, 1, 160)?.kind).toBe('ack');
  });
});
