// Framing between workers: [u32 length of the rest][u8 type][payload]. A tuple batch
// (TUPLES_BINARY) is a binary section holding per tuple its dest/src task, stream index,
// anchors and, when every value is a number (acker traffic, counters), the values as
// float64; the remaining values lists and the stream-id table follow as one JSON document
// (JSON.stringify/parse are native and fast for typical tuple values). Bigints in values are
// tagged as {"$bigint":"123"}. TUPLES/TUPLES_TAGGED (plain JSON arrays) are still decoded.
// Backpressure and hello frames are small JSON objects. FrameReader reassembles frames
// from socket chunks. Pure, single-threaded.
import type { WireTuple } from './transport.js';

export const FRAME_TUPLES = 1;
export const FRAME_BACKPRESSURE = 2;
export const FRAME_HELLO = 3;
export const FRAME_TUPLES_TAGGED = 4;
export const FRAME_TUPLES_BINARY = 5;

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

/** Encode a batch of tuples as one frame (binary + JSON, see the header comment). */
export function encodeTupleBatch(batch: WireTuple[]): Buffer {
  const enc = new BatchEncoder();
  for (let i = 0; i < batch.length; i++) {
    const t = batch[i]!;
    enc.add(t[0], t[1], t[2], t[3], t[4]);
  }
  return enc.finish();
}

/** Encode as one plain JSON array frame (the older format; kept for comparison and tests). */
export function encodeTupleBatchJson(batch: WireTuple[]): Buffer {
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
  if (type === FRAME_TUPLES_BINARY) return decodeBinaryBatch(payload);
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

const FLAG_NUMERIC = 1;
const FLAG_ANCHORS = 2;
/** Numeric values with a u32 count (acker batches). */
const FLAG_NUMERIC_LONG = 4;
const FLAG_TAGGED = 1; // frame-level: JSON section uses bigint tags

/**
 * Builds one TUPLES_BINARY frame incrementally: add() tuples, then finish(). Layout after
 * the 5-byte frame header: u8 frameFlags, u32 count, u32 binaryBytes, binary records, JSON
 * [streamIds, valuesLists]. Record: i32 dest, i32 src, u16 stream, u8 flags, then
 * (numeric) u8 n + n×f64 (or, flag 4, u32 n + n×f64), then (anchors) u8 k + k×(f64 root, i32 hi, i32 lo).
 */
export class BatchEncoder {
  #buf: Buffer;
  #view: DataView;
  #pos = 14;
  #count = 0;
  readonly #streamIndex = new Map<string, number>();
  readonly #streams: string[] = [];
  readonly #values: unknown[][] = [];

  constructor(initialBytes = 64 * 1024) {
    this.#buf = Buffer.allocUnsafe(initialBytes);
    this.#view = new DataView(this.#buf.buffer, this.#buf.byteOffset, this.#buf.byteLength);
  }

  get count(): number {
    return this.#count;
  }

  add(dest: number, src: number, stream: string, values: unknown[], anchors: number[] | null): void {
    let numeric = true;
    for (let i = 0; numeric && i < values.length; i++) if (typeof values[i] !== 'number') numeric = false;
    const long = numeric && values.length > 255;
    const na = anchors === null ? 0 : anchors.length / 3;
    this.#ensure(16 + (numeric ? 4 + values.length * 8 : 0) + 1 + na * 16);
    let s = this.#streamIndex.get(stream);
    if (s === undefined) {
      s = this.#streams.length;
      this.#streams.push(stream);
      this.#streamIndex.set(stream, s);
    }
    const v = this.#view;
    let p = this.#pos;
    v.setInt32(p, dest, true);
    v.setInt32(p + 4, src, true);
    v.setUint16(p + 8, s, true);
    v.setUint8(p + 10, (numeric ? (long ? FLAG_NUMERIC_LONG : FLAG_NUMERIC) : 0) | (na > 0 ? FLAG_ANCHORS : 0));
    p += 11;
    if (numeric) {
      if (long) {
        v.setUint32(p, values.length, true);
        p += 4;
      } else {
        v.setUint8(p++, values.length);
      }
      for (let i = 0; i < values.length; i++, p += 8) v.setFloat64(p, values[i] as number, true);
    } else {
      this.#values.push(values);
    }
    if (na > 0) {
      const a = anchors!;
      v.setUint8(p++, na);
      for (let i = 0; i < a.length; i += 3, p += 16) {
        v.setFloat64(p, a[i]!, true);
        v.setInt32(p + 8, a[i + 1]!, true);
        v.setInt32(p + 12, a[i + 2]!, true);
      }
    }
    this.#pos = p;
    this.#count++;
  }

  finish(): Buffer {
    let json: string;
    let flags = 0;
    try {
      json = JSON.stringify([this.#streams, this.#values]);
    } catch {
      json = JSON.stringify([this.#streams, this.#values], tagReplacer);
      flags = FLAG_TAGGED;
    }
    const jsonBytes = Buffer.byteLength(json);
    const binEnd = this.#pos;
    this.#ensure(jsonBytes);
    const buf = this.#buf;
    buf.writeUInt32BE(binEnd + jsonBytes - 4, 0);
    buf[4] = FRAME_TUPLES_BINARY;
    buf[5] = flags;
    buf.writeUInt32LE(this.#count, 6);
    buf.writeUInt32LE(binEnd - 14, 10);
    buf.write(json, binEnd, 'utf8');
    return buf.subarray(0, binEnd + jsonBytes);
  }

  #ensure(extra: number): void {
    if (this.#pos + extra <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
    this.#view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }
}

function decodeBinaryBatch(payload: Buffer): WireTuple[] {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const flags = payload[0]!;
  const count = view.getUint32(1, true);
  const binBytes = view.getUint32(5, true);
  const jsonText = payload.toString('utf8', 9 + binBytes);
  const [streams, valuesLists] = (flags & FLAG_TAGGED ? JSON.parse(jsonText, tagReviver) : JSON.parse(jsonText)) as [string[], unknown[][]];
  const out: WireTuple[] = new Array(count);
  let p = 9;
  let vi = 0;
  for (let i = 0; i < count; i++) {
    const dest = view.getInt32(p, true);
    const src = view.getInt32(p + 4, true);
    const stream = streams[view.getUint16(p + 8, true)]!;
    const f = view.getUint8(p + 10);
    p += 11;
    let values: unknown[];
    if (f & (FLAG_NUMERIC | FLAG_NUMERIC_LONG)) {
      let n: number;
      if (f & FLAG_NUMERIC_LONG) {
        n = view.getUint32(p, true);
        p += 4;
      } else {
        n = view.getUint8(p++);
      }
      values = new Array(n);
      for (let j = 0; j < n; j++, p += 8) values[j] = view.getFloat64(p, true);
    } else {
      values = valuesLists[vi++]!;
    }
    let anchors: number[] | null = null;
    if (f & FLAG_ANCHORS) {
      const k = view.getUint8(p++);
      anchors = new Array(k * 3);
      for (let j = 0; j < k; j++, p += 16) {
        anchors[j * 3] = view.getFloat64(p, true);
        anchors[j * 3 + 1] = view.getInt32(p + 8, true);
        anchors[j * 3 + 2] = view.getInt32(p + 12, true);
      }
    }
    out[i] = [dest, src, stream, values, anchors];
  }
  if (p !== 9 + binBytes) throw new Error(`Corrupt tuple batch: binary section ends at ${p}, expected ${9 + binBytes}`);
  return out;
}
