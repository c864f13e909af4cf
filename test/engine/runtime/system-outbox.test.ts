import { describe, expect, it } from 'vitest';
import { ACK_ACK_STREAM, ACK_FAIL_STREAM, ACK_INIT_STREAM } from '../../../src/engine/runtime/acker.js';
import { SystemOutbox, type Executor } from '../../../src/engine/runtime/executor.js';

function fakeExecutor() {
  const sent: Array<{ dest: number; src: number; stream: string; values: unknown[] }> = [];
  let wakes = 0;
  const host = {
    transfer: (dest: number, src: number, _c: string, stream: string, _f: unknown, values: unknown[]) => sent.push({ dest, src, stream, values: [...values] }),
    wake: () => wakes++,
  };
  const ex = { host, startTask: 7, component: 'split' } as unknown as Executor;
  return { ex, sent, wakes: () => wakes };
}

describe('SystemOutbox (batched acking messages)', () => {
  it('sends one message per destination and stream at flush, folding consecutive XOR updates of the same root', () => {
    const { ex, sent, wakes } = fakeExecutor();
    const box = new SystemOutbox(ex);
    box.xor(1, ACK_ACK_STREAM, 100, 0b01, 0b10);
    box.xor(1, ACK_ACK_STREAM, 100, 0b11, 0b10);
    box.xor(1, ACK_ACK_STREAM, 200, 5, 6);
    box.xor(2, ACK_ACK_STREAM, 300, 7, 8);
    box.batch(1, ACK_INIT_STREAM).push(400, 1, 2, 7);
    box.batch(1, ACK_FAIL_STREAM).push(100);
    expect(sent).toEqual([]);
    expect(wakes()).toBe(1);
    box.flush();
    expect(sent).toEqual([
      { dest: 1, src: 7, stream: ACK_ACK_STREAM, values: [100, 0b10, 0, 200, 5, 6] },
      { dest: 2, src: 7, stream: ACK_ACK_STREAM, values: [300, 7, 8] },
      { dest: 1, src: 7, stream: ACK_INIT_STREAM, values: [400, 1, 2, 7] },
      { dest: 1, src: 7, stream: ACK_FAIL_STREAM, values: [100] },
    ]);
    expect(box.pending).toBe(0);
    box.flush();
    expect(sent).toHaveLength(4);
  });

  it('sends a batch early when it grows large, so no message is unbounded', () => {
    const { ex, sent } = fakeExecutor();
    const box = new SystemOutbox(ex);
    for (let root = 1; root <= 5000; root++) box.xor(1, ACK_ACK_STREAM, root, root, root);
    expect(sent.length).toBeGreaterThan(0);
    box.flush();
    const triples = sent.reduce((n, m) => n + m.values.length / 3, 0);
    expect(triples).toBe(5000);
    for (const m of sent) expect(m.values.length).toBeLessThanOrEqual(3 * 2048);
  });
});
