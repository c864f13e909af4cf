// Splits a TCP byte stream into Kafka frames (int32 size + payload). Validates the size
// before buffering: a negative or oversized frame is reported once and the stream is dead.

export type FrameResult = { ok: true } | { ok: false; reason: string };

export class FrameDecoder {
  readonly #maxFrameBytes: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #need = -1;

  constructor(maxFrameBytes: number) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Feeds bytes; calls onFrame for each complete frame (payload without the size prefix). */
  push(data: Buffer, onFrame: (frame: Buffer) => void): FrameResult {
    this.#chunks.push(data);
    this.#buffered += data.length;
    for (;;) {
      if (this.#need < 0) {
        if (this.#buffered < 4) return { ok: true };
        const head = this.#take(4);
        const size = head.readInt32BE(0);
        if (size < 0) return { ok: false, reason: `invalid frame size ${size}` };
        if (size > this.#maxFrameBytes) {
          return { ok: false, reason: `frame of ${size} bytes exceeds socket.request.max.bytes (${this.#maxFrameBytes})` };
        }
        this.#need = size;
      }
      if (this.#buffered < this.#need) return { ok: true };
      const frame = this.#take(this.#need);
      this.#need = -1;
      onFrame(frame);
    }
  }

  #take(n: number): Buffer {
    let out: Buffer;
    const first = this.#chunks[0]!;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.#chunks[0]!;
        const k = Math.min(c.length, n - filled);
        c.copy(out, filled, 0, k);
        filled += k;
        if (k === c.length) this.#chunks.shift();
        else this.#chunks[0] = c.subarray(k);
      }
    }
    this.#buffered -= n;
    return out;
  }
}
