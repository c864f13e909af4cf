import { describe, expect, it } from 'vitest';
import { FrameReader, decodeTupleBatch, encodeTupleBatch, encodeTupleBatchJson } from '../../../src/engine/runtime/transport/frame-codec.js';
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

  it('encodes numeric tuples and anchors in binary exactly (52-bit roots, signed 32-bit halves)', () => {
    const batch: WireTuple[] = [
      [1, 9, '__ack_init', [2 ** 52 - 1, -2147483648, 2147483647, 9], null],
      [2, 3, 'default', ['word', 1], [4503599627370000, -1, 1, 17, 0, -7]],
      [3, -1, '__tick', [30], null],
      [4, 5, 'x', [1.5, -0, 1e300], [1, 2, 3]],
      [5, 6, 'default', [], null],
    ];
    const frame = encodeTupleBatch(batch);
    const got: WireTuple[][] = [];
    new FrameReader((type, payload) => got.push(decodeTupleBatch(type, payload))).push(frame);
    expect(got).toEqual([batch]);
  });

  it('still decodes plain JSON tuple frames', () => {
    const batch: WireTuple[] = [[3, 1, 'default', ['a'], null]];
    const got: WireTuple[][] = [];
    new FrameReader((type, payload) => got.push(decodeTupleBatch(type, payload))).push(encodeTupleBatchJson(batch));
    expect(got).toEqual([batch]);
  });

  it('refuses a frame with an absurd length', () => {
    const r = new FrameReader(() => {});
    expect(() => r.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 1]))).toThrow('Bad frame length');
  });
});
