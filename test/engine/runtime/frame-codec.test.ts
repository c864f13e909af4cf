import { describe, expect, it } from 'vitest';
import { FrameReader, decodeTupleBatch, encodeTupleBatch } from '../../../src/engine/runtime/transport/frame-codec.js';
import type { WireTuple } from '../../../src/engine/runtime/transport/transport.js';

describe('frame codec', () => {
  it('reassembles tuple batches split at any byte and keeps bigints', () => {
    const a: WireTuple[] = [[3, 1, 'default', ['héllo', 1, null, { x: [1] }], [123, -5, 7]]];
    const b: WireTuple[] = [[4, 2, 's', [10n, 'x'], null]];
    const bytes = Buffer.concat([encodeTupleBatch(a), encodeTupleBatch(b)]);
    for (const step of [1, 3, 7, bytes.length]) {
      const got: WireTuple[][] = [];
      const r = new FrameReader((type, payload) => got.push(decodeTupleBatch(type, payload)));
      for (let i = 0; i < bytes.length; i += step) r.push(bytes.subarray(i, i + step));
      expect(got).toEqual([a, b]);
    }
  });

  it('refuses a frame with an absurd length', () => {
    const r = new FrameReader(() => {});
    expect(() => r.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 1]))).toThrow('Bad frame length');
  });
});
