import { describe, expect, it } from 'vitest';
import { BatchDecoder, BatchEncoder, FrameReader, decodeTupleBatch, encodeTupleBatch, encodeTupleBatchJson } from '../../../src/engine/runtime/transport/frame-codec.js';
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

  it('round-trips every value type: strings of any length and script, numbers, booleans, null, undefined, bigints, bytes, objects', () => {
    const long = 'x'.repeat(300);
    const batch: WireTuple[] = [
      [1, 2, 'default', ['', 'ascii', 'héllo wörld', '日本語', '😀', long, long + 'é'], null],
      [1, 2, 'default', [0, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 0.1, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER], null],
      [1, 2, 'default', [true, false, null, undefined, -(2n ** 70n), 5n], null],
      [1, 2, 'default', [Buffer.from([0, 255, 7]), { a: [1, 'b', null], n: 2n }, [1, [2, 3]]], null],
      [1, 2, 'numbers', Array.from({ length: 1000 }, (_, i) => i * 1.5), null],
    ];
    const [got] = [decodeTupleBatch(6, encodeTupleBatch(batch).subarray(5))];
    expect(got).toEqual(batch);
    expect(Buffer.isBuffer(got![3]![3][0])).toBe(true);
  });

  it('decodes repeated (interned) short strings and changing stream tables across batches of one reused encoder and decoder', () => {
    const enc = new BatchEncoder(64);
    const dec = new BatchDecoder();
    const seen: unknown[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 50; i++) enc.add(3, 1, round === 1 ? 'other' : 'default', ['word' + (i % 5)], null);
      const frame = enc.finish();
      expect(dec.decode(frame[4]!, frame.subarray(5), (_d, _s, stream, values) => seen.push(stream, values[0]))).toBe(50);
    }
    expect(seen).toHaveLength(300);
    expect(seen[1]).toBe('word0');
    expect(seen[101]).toBe('word0');
    expect(seen[100]).toBe('other');
    expect(seen[200]).toBe('default');
  });

  it('rejects a corrupt tuple batch instead of delivering garbage', () => {
    const frame = encodeTupleBatch([[3, 1, 'default', ['abc', 1], null]]);
    const payload = Buffer.from(frame.subarray(5));
    payload.writeUInt32LE(payload.length + 10, 4); // stream table offset past the end
    expect(() => decodeTupleBatch(6, payload)).toThrow('Corrupt tuple batch');
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
    expect(() => new FrameReader(() => {}).push(Buffer.from([0x7f, 0xff, 0xff, 0xff, 1]))).toThrow(/Bad frame length 2147483647: .*exceeds the worker transport limit/);
  });

  it('refuses a zero-length frame (every frame holds its type byte)', () => {
    expect(() => new FrameReader(() => {}).push(Buffer.from([0, 0, 0, 0, 1]))).toThrow('Bad frame length 0: invalid frame size 0');
  });
});
