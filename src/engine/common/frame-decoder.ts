// The one length-prefixed framer: splits a TCP byte stream into frames (int32 big-endian
// size + payload), for Kafka's wire protocol (network/server, network/connection) and the
// worker transport (runtime/transport/frame-codec). Validates the size before buffering: a
// size below the minimum (negative for Kafka; zero too for the worker transport) or above
// the maximum is reported once and the stream is dead. Kafka allows a zero-size frame: it is
// delivered as an empty payload (the caller's header decode refuses it).
// Two ways in, one per decoder: push() keeps the socket's chunks by reference (server
// sockets, whose read buffers Node allocates per read); pushTransient() copies straight
// into an exactly sized frame buffer from a read buffer the caller reuses (client sockets
// with net's `onread`: large reads, no per-read allocation, one copy per byte).

const EMPTY = Buffer.alloc(0);

export type FrameResult = { ok: true } | { ok: false; reason: string; size: number };

export interface FrameDecoderOptions {
  /** Smallest valid size (default 0: an empty frame is delivered). */
  minFrameBytes?: number;
  /** Name of the limit in the oversize message (default socket.request.max.bytes). */
  limitName?: string;
}

export class FrameDecoder {
  readonly #maxFrameBytes: number;
  readonly #minFrameBytes: number;
  readonly #limitName: string;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #need = -1;
  readonly #head = Buffer.alloc(4);
  #headFill = 0;
  #frame: Buffer | null = null;
  #frameFill = 0;

  constructor(maxFrameBytes: number, options: FrameDecoderOptions = {}) {
    this.#maxFrameBytes = maxFrameBytes;
    this.#minFrameBytes = Math.max(0, options.minFrameBytes ?? 0);
    this.#limitName = options.limitName ?? 'socket.request.max.bytes';
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
        const bad = this.#sizeError(size);
        if (bad) return bad;
        this.#need = size;
      }
      if (this.#buffered < this.#need) return { ok: true };
      const frame = this.#take(this.#need);
      this.#need = -1;
      onFrame(frame);
    }
  }

  /** Like push(), for a buffer that is only valid during this call (it is copied). */
  pushTransient(data: Buffer, onFrame: (frame: Buffer) => void): FrameResult {
    let at = 0;
    while (at < data.length) {
      if (this.#frame === null) {
        const k = Math.min(4 - this.#headFill, data.length - at);
        data.copy(this.#head, this.#headFill, at, at + k);
        this.#headFill += k;
        at += k;
        if (this.#headFill < 4) break;
        this.#headFill = 0;
        const size = this.#head.readInt32BE(0);
        const bad = this.#sizeError(size);
        if (bad) return bad;
        this.#frame = Buffer.allocUnsafe(size);
        this.#frameFill = 0;
      }
      const frame = this.#frame;
      const k = Math.min(frame.length - this.#frameFill, data.length - at);
      data.copy(frame, this.#frameFill, at, at + k);
      this.#frameFill += k;
      at += k;
      if (this.#frameFill === frame.length) {
        this.#frame = null;
        onFrame(frame);
      }
    }
    return { ok: true };
  }

  #sizeError(size: number): FrameResult | undefined {
    if (size < this.#minFrameBytes) return { ok: false, reason: `invalid frame size ${size}`, size };
    if (size > this.#maxFrameBytes) return { ok: false, reason: `frame of ${size} bytes exceeds ${this.#limitName} (${this.#maxFrameBytes})`, size };
    return undefined;
  }

  #take(n: number): Buffer {
    if (n === 0) return EMPTY;
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
