import { describe, expect, it } from 'vitest';
import { FrameDecoder } from '../../../src/engine/common/frame-decoder.js';
import { createPrng } from '../../helpers/prng.js';

function framed(payloads: Buffer[]): Buffer {
  return Buffer.concat(
    payloads.flatMap((p) => {
      const size = Buffer.alloc(4);
      size.writeInt32BE(p.length);
      return [size, p];
    }),
  );
}

const payloads = [Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(70_000, 7), Buffer.from('tail frame')];

/** Frames as hex: the same strict comparison as toEqual on Buffers, without its per-byte walk. */
const hex = (frames: Buffer[]): string[] => frames.map((f) => f.toString('hex'));

describe('FrameDecoder', () => {
  it('pushTransient yields the same frames as push for every split of the stream, and never keeps the caller buffer', () => {
    const stream = framed(payloads);
    for (const step of [1, 3, 4, 5, 1000, 65_536, stream.length]) {
      const decoder = new FrameDecoder(1 << 20);
      const frames: Buffer[] = [];
      const scratch = Buffer.alloc(step);
      let allOk = true;
      for (let at = 0; at < stream.length; at += step) {
        const n = stream.copy(scratch, 0, at, Math.min(stream.length, at + step));
        allOk &&= decoder.pushTransient(scratch.subarray(0, n), (f) => frames.push(f)).ok;
        scratch.fill(0xee); // the caller reuses its buffer: frames must not alias it
      }
      expect(allOk).toBe(true);
      expect(hex(frames)).toEqual(hex(payloads));
    }
  });

  it('pushTransient refuses a negative or oversized frame size', () => {
    const negative = Buffer.alloc(4);
    negative.writeInt32BE(-2);
    expect(new FrameDecoder(100).pushTransient(negative, () => {})).toEqual({ ok: false, reason: 'invalid frame size -2', size: -2 });
    const big = Buffer.alloc(4);
    big.writeInt32BE(101);
    expect(new FrameDecoder(100).pushTransient(big, () => {})).toMatchObject({ ok: false, reason: expect.stringContaining('exceeds') });
  });

  it('push keeps frames whole across chunk boundaries', () => {
    const stream = framed(payloads);
    const decoder = new FrameDecoder(1 << 20);
    const frames: Buffer[] = [];
    for (let at = 0; at < stream.length; at += 7) decoder.push(Buffer.from(stream.subarray(at, at + 7)), (f) => frames.push(Buffer.from(f)));
    expect(hex(frames)).toEqual(hex(payloads));
  });

  it('push delivers a zero-size frame that is the last thing received (four zero bytes used to throw)', () => {
    const frames: Buffer[] = [];
    const r = new FrameDecoder(100).push(Buffer.alloc(4), (f) => frames.push(f));
    expect(r).toEqual({ ok: true });
    expect(frames).toEqual([Buffer.alloc(0)]);
  });

  it('push delivers consecutive zero-size frames whether they arrive together or byte by byte', () => {
    const together: Buffer[] = [];
    new FrameDecoder(100).push(Buffer.alloc(12), (f) => together.push(f));
    expect(together).toHaveLength(3);
    const decoder = new FrameDecoder(100);
    const apart: Buffer[] = [];
    for (let i = 0; i < 12; i++) expect(decoder.push(Buffer.alloc(1), (f) => apart.push(f)).ok).toBe(true);
    expect(apart).toHaveLength(3);
  });

  it('pushTransient delivers a zero-size frame at the end of a read at once, not on the next read', () => {
    const frames: Buffer[] = [];
    new FrameDecoder(100).pushTransient(Buffer.alloc(4), (f) => frames.push(f));
    expect(frames).toEqual([Buffer.alloc(0)]);
  });

  it('push refuses a negative size, a size above the limit, and accepts one exactly at the limit', () => {
    for (const size of [-1, -2147483648]) {
      const head = Buffer.alloc(4);
      head.writeInt32BE(size);
      expect(new FrameDecoder(100).push(head, () => {})).toEqual({ ok: false, reason: `invalid frame size ${size}`, size });
    }
    const over = Buffer.alloc(4);
    over.writeInt32BE(101);
    expect(new FrameDecoder(100).push(over, () => {})).toMatchObject({ ok: false, reason: expect.stringContaining('socket.request.max.bytes (100)') });
    const frames: Buffer[] = [];
    expect(new FrameDecoder(100).push(framed([Buffer.alloc(100, 1)]), (f) => frames.push(f))).toEqual({ ok: true });
    expect(frames).toEqual([Buffer.alloc(100, 1)]);
  });

  it('push and pushTransient never throw on random bytes in random pieces (seeded)', () => {
    const prng = createPrng(0x5eed);
    const rnd = (n: number) => prng.int(n);
    for (let run = 0; run < 2000; run++) {
      const bytes = Buffer.alloc(rnd(64));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rnd(4) === 0 ? rnd(256) : 0; // many zero sizes
      for (const transient of [false, true]) {
        const decoder = new FrameDecoder(16);
        let total = 0;
        for (let at = 0; at < bytes.length; ) {
          const piece = bytes.subarray(at, at + 1 + rnd(8));
          at += piece.length;
          const r = transient ? decoder.pushTransient(piece, (f) => (total += f.length)) : decoder.push(piece, (f) => (total += f.length));
          if (!r.ok) break;
        }
        expect(total).toBeLessThanOrEqual(bytes.length);
      }
    }
  });

  it('push keeps zero-size frames in order between others split at every byte', () => {
    const parts = [Buffer.alloc(0), Buffer.from('x'), Buffer.alloc(0), Buffer.alloc(0), Buffer.from('yz'), Buffer.alloc(0)];
    const stream = framed(parts);
    const decoder = new FrameDecoder(100);
    const frames: Buffer[] = [];
    for (let at = 0; at < stream.length; at++) decoder.push(Buffer.from(stream.subarray(at, at + 1)), (f) => frames.push(Buffer.from(f)));
    expect(frames).toEqual(parts);
  });

  it('with a minimum size refuses a zero-size frame and names its own limit when oversized (worker transport)', () => {
    const zero = Buffer.alloc(4);
    expect(new FrameDecoder(100, { minFrameBytes: 1 }).push(zero, () => {})).toEqual({ ok: false, reason: 'invalid frame size 0', size: 0 });
    expect(new FrameDecoder(100, { minFrameBytes: 1 }).pushTransient(zero, () => {})).toEqual({ ok: false, reason: 'invalid frame size 0', size: 0 });
    const over = Buffer.alloc(4);
    over.writeInt32BE(101);
    expect(new FrameDecoder(100, { minFrameBytes: 1, limitName: 'the worker transport limit' }).push(over, () => {})).toEqual({
      ok: false,
      reason: 'frame of 101 bytes exceeds the worker transport limit (100)',
      size: 101,
    });
  });
});
