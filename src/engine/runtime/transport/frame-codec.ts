// Framing between workers: [u32 length of the rest][u8 type][payload]. Tuple batches are
// one JSON array per frame (JSON.parse/stringify are native and fast for the small
// values typical of tuples); when a batch holds bigints it is sent as TUPLES_TAGGED with
// bigints as {"$bigint":"123"}. Backpressure and hello frames are small JSON objects.
// FrameReader reassembles frames from socket chunks. Pure, single-threaded.
import type { WireTuple } from './transport.js';

export const FRAME_TUPLES = 1;
export const FRAME_BACKPRESSURE = 2;
export const FRAME_HELLO = 3;
export const FRAME_TUPLES_TAGGED = 4;

/** Largest frame accepted (a corrupt length would otherwise allocate gigabytes). */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

export function frameHeader(type: number, payloadBytes: number): Buffer {
  const h = Buffer.allocUnsafe(5);
  h.writeUInt32BE(payloadBytes + 1, 0);
  h[4] = type;
  return h;
}

/** Encode a frame with a JSON payload into one buffer. */
export function encodeJsonFrame(type: number, value: unknown): Buffer {
  const body = JSON.stringify(value);
  const len = Buffer.byteLength(body);
  const buf = Buffer.allocUnsafe(5 + len);
  buf.writeUInt32BE(len + 1, 0);
  buf[4] = type;
  buf.write(body, 5, 'utf8');
  return buf;
}

const tagReplacer = (_k: string, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v);
const tagReviver = (_k: string, v: unknown) =>
  v !== null && typeof v === 'object' && typeof (v as { $bigint?: unknown }).$bigint === 'string' && Object.keys(v).length === 1 ? BigInt((v as { $bigint: string }).$bigint) : v;

/** Encode a batch of tuples as one frame (plain JSON, or tagged when values hold bigints). */
export function encodeTupleBatch(batch: WireTuple[]): Buffer {
  let body: string;
  let type = FRAME_TUPLES;
  try {
    body = JSON.stringify(batch);
  } catch {
    body = JSON.stringify(batch, tagReplacer);
    type = FRAME_TUPLES_TAGGED;
  }
  const len = Buffer.byteLength(body);
  const buf = Buffer.allocUnsafe(5 + len);
  buf.writeUInt32BE(len + 1, 0);
  buf[4] = type;
  buf.write(body, 5, 'utf8');
  return buf;
}

export function decodeTupleBatch(type: number, payload: Buffer): WireTuple[] {
  const text = payload.toString('utf8');
  return (type === FRAME_TUPLES_TAGGED ? JSON.parse(text, tagReviver) : JSON.parse(text)) as WireTuple[];
}

/** Reassembles frames from a byte stream. */
export class FrameReader {
  #chunks: Buffer[] = [];
  #buffered = 0;
  readonly #onFrame: (type: number, payload: Buffer) => void;

  constructor(onFrame: (type: number, payload: Buffer) => void) {
    this.#onFrame = onFrame;
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    while (this.#buffered >= 4) {
      const head = this.#peekHeader();
      const len = head.readUInt32BE(0);
      if (len < 1 || len > MAX_FRAME_BYTES) throw new Error(`Bad frame length ${len}`);
      if (this.#buffered < 4 + len) return;
      const frame = this.#take(4 + len);
      this.#onFrame(frame[4]!, frame.subarray(5));
    }
  }

  #peekHeader(): Buffer {
    if (this.#chunks[0]!.length >= 4) return this.#chunks[0]!;
    const merged = Buffer.concat(this.#chunks);
    this.#chunks = [merged];
    return merged;
  }

  #take(n: number): Buffer {
    const first = this.#chunks[0]!;
    if (first.length >= n) {
      this.#buffered -= n;
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const merged = Buffer.concat(this.#chunks);
    const out = merged.subarray(0, n);
    const rest = merged.subarray(n);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#buffered -= n;
    return out;
  }
}
