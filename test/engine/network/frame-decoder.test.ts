import { describe, expect, it } from 'vitest';
import { FrameDecoder } from '../../../src/engine/network/frame-decoder.js';

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
      expect(frames).toEqual(payloads);
    }
  });

  it('pushTransient refuses a negative or oversized frame size', () => {
    const negative = Buffer.alloc(4);
    negative.writeInt32BE(-2);
    expect(new FrameDecoder(100).pushTransient(negative, () => {})).toEqual({ ok: false, reason: 'invalid frame size -2' });
    const big = Buffer.alloc(4);
    big.writeInt32BE(101);
    expect(new FrameDecoder(100).pushTransient(big, () => {})).toMatchObject({ ok: false, reason: expect.stringContaining('exceeds') });
  });

  it('push keeps frames whole across chunk boundaries', () => {
    const stream = framed(payloads);
    const decoder = new FrameDecoder(1 << 20);
    const frames: Buffer[] = [];
    for (let at = 0; at < stream.length; at += 7) decoder.push(Buffer.from(stream.subarray(at, at + 7)), (f) => frames.push(Buffer.from(f)));
    expect(frames).toEqual(payloads);
  });
});
