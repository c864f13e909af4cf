// Framing between workers: [u32 length of the rest][u8 type][payload]. A tuple batch
// (TUPLES_V2) is all binary: per tuple its dest/src task, stream index, anchors and values,
// each value tagged (null, booleans, int32, float64, short ASCII strings, UTF-8 strings,
// bigints, bytes; anything else as a JSON document with bigints tagged {"$bigint":"123"}),
// then the stream-id table. The decoder interns short ASCII strings (a word seen before
// decodes to the same string without allocating) and hands each tuple to a sink, so no
// per-batch arrays are built. TUPLES/TUPLES_TAGGED (plain JSON arrays) are still decoded.
// Backpressure and hello frames are small JSON objects. FrameReader reassembles frames
// from socket chunks with the shared framer (common/frame-decoder). Pure, single-threaded.
import { FrameDecoder } from '../../common/frame-decoder.js';
import type { WireTuple } from './transport.js';

export const FRAME_TUPLES = 1;
export const FRAME_BACKPRESSURE = 2;
export const FRAME_HELLO = 3;
export const FRAME_TUPLES_TAGGED = 4;
/** Retired format (binary section + JSON values); no longer written or read. */
export const FRAME_TUPLES_BINARY = 5;
export const FRAME_TUPLES_V2 = 6;

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

/** Encode a batch of tuples as one frame (see the header comment). */
export function encodeTupleBatch(batch: WireTuple[]): Buffer {
  const enc = new BatchEncoder(1024);
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

/** Receives the tuples of a decoded batch, one call each. */
export type TupleSink = (destTask: number, srcTask: number, streamId: string, values: unknown[], anchors: number[] | null) => void;

/** True for the frame types that carry tuples. */
export function isTupleFrame(type: number): boolean {
  return type === FRAME_TUPLES_V2 || type === FRAME_TUPLES || type === FRAME_TUPLES_TAGGED;
}

/** Decode a tuple frame's payload into an array (tests, tools). */
export function decodeTupleBatch(type: number, payload: Buffer): WireTuple[] {
  const out: WireTuple[] = [];
  new BatchDecoder().decode(type, payload, (d, s, st, v, a) => out.push([d, s, st, v, a]));
  return out;
}

/** Reassembles frames from a byte stream (the shared length-prefixed framer; a frame holds at least its type byte). */
export class FrameReader {
  readonly #decoder = new FrameDecoder(MAX_FRAME_BYTES, { minFrameBytes: 1, limitName: 'the worker transport limit' });
  readonly #onFrame: (frame: Buffer) => void;

  constructor(onFrame: (type: number, payload: Buffer) => void) {
    this.#onFrame = (frame) => onFrame(frame[0]!, frame.subarray(1));
  }

  /** Throws on a zero or oversized length: the stream is corrupt and its socket must close. */
  push(chunk: Buffer): void {
    const result = this.#decoder.push(chunk, this.#onFrame);
    if (!result.ok) throw new Error(`Bad frame length ${result.size}: ${result.reason}`);
  }
}

// ---- TUPLES_V2 ----
// Payload: u32 count, u32 offset of the stream table (from the payload start), records, then
// the stream table (u16 n, n × (u16 byte length, UTF-8)). Record: i32 dest, i32 src,
// u16 stream index, u16 anchor count k, u32 value count n, k × (f64 root, i32 hi, i32 lo),
// n tagged values. All little-endian.

const T_NULL = 0;
const T_UNDEFINED = 1;
const T_FALSE = 2;
const T_TRUE = 3;
const T_INT32 = 4;
const T_FLOAT64 = 5;
/** u8 length, that many ASCII bytes. */
const T_ASCII = 6;
/** u32 byte length, UTF-8. */
const T_UTF8 = 7;
/** u32 length, decimal ASCII digits (with sign). */
const T_BIGINT = 8;
/** u32 length, raw bytes (a Buffer when decoded). */
const T_BYTES = 9;
/** u32 byte length, a JSON document. */
const T_JSON = 10;
/** u32 byte length, a JSON document with bigints tagged as {"$bigint": "..."}. */
const T_JSON_TAGGED = 11;

const HEADER_BYTES = 13; // u32 length, u8 type, u32 count, u32 stream table offset

/**
 * Builds one TUPLES_V2 frame: add() tuples, then finish() returns the frame (a copy: the
 * encoder's buffer is reused for the next batch).
 */
export class BatchEncoder {
  #buf: Buffer;
  #view: DataView;
  #pos = HEADER_BYTES;
  #count = 0;
  readonly #streamIndex = new Map<string, number>();
  readonly #streams: string[] = [];

  constructor(initialBytes = 64 * 1024) {
    this.#buf = Buffer.allocUnsafeSlow(Math.max(initialBytes, 64));
    this.#view = new DataView(this.#buf.buffer, this.#buf.byteOffset, this.#buf.byteLength);
  }

  get count(): number {
    return this.#count;
  }

  /** Bytes encoded so far. */
  get bytes(): number {
    return this.#pos;
  }

  add(dest: number, src: number, stream: string, values: readonly unknown[], anchors: readonly number[] | null): void {
    const nv = values.length;
    const na = anchors === null ? 0 : (anchors.length / 3) | 0;
    if (na > 0xffff) throw new RangeError(`A tuple cannot have more than 65535 anchors (got ${na})`);
    this.#ensure(16 + na * 16);
    let s = this.#streamIndex.get(stream);
    if (s === undefined) {
      s = this.#streams.length;
      if (s > 0xffff) throw new RangeError('Too many stream ids in one batch');
      this.#streams.push(stream);
      this.#streamIndex.set(stream, s);
    }
    const v = this.#view;
    let p = this.#pos;
    v.setInt32(p, dest, true);
    v.setInt32(p + 4, src, true);
    v.setUint16(p + 8, s, true);
    v.setUint16(p + 10, na, true);
    v.setUint32(p + 12, nv, true);
    p += 16;
    if (na > 0) {
      const a = anchors!;
      for (let i = 0; i < na * 3; i += 3, p += 16) {
        v.setFloat64(p, a[i]!, true);
        v.setInt32(p + 8, a[i + 1]!, true);
        v.setInt32(p + 12, a[i + 2]!, true);
      }
    }
    this.#pos = p;
    for (let i = 0; i < nv; i++) this.#value(values[i]);
    this.#count++;
  }

  /** The finished frame; the encoder is empty again afterwards. */
  finish(): Buffer {
    const tableAt = this.#pos;
    let tableBytes = 2;
    for (const st of this.#streams) tableBytes += 2 + Buffer.byteLength(st);
    this.#ensure(tableBytes);
    const buf = this.#buf;
    let p = tableAt;
    buf.writeUInt16LE(this.#streams.length, p);
    p += 2;
    for (const st of this.#streams) {
      const n = buf.write(st, p + 2, 'utf8');
      buf.writeUInt16LE(n, p);
      p += 2 + n;
    }
    buf.writeUInt32BE(p - 4, 0);
    buf[4] = FRAME_TUPLES_V2;
    buf.writeUInt32LE(this.#count, 5);
    buf.writeUInt32LE(tableAt - 5, 9);
    const frame = Buffer.allocUnsafe(p);
    buf.copy(frame, 0, 0, p);
    this.#pos = HEADER_BYTES;
    this.#count = 0;
    this.#streams.length = 0;
    this.#streamIndex.clear();
    return frame;
  }

  #value(x: unknown): void {
    switch (typeof x) {
      case 'string':
        this.#string(x);
        return;
      case 'number':
        if ((x | 0) === x && (x !== 0 || 1 / x > 0)) {
          this.#ensure(5);
          this.#buf[this.#pos] = T_INT32;
          this.#view.setInt32(this.#pos + 1, x, true);
          this.#pos += 5;
        } else {
          this.#ensure(9);
          this.#buf[this.#pos] = T_FLOAT64;
          this.#view.setFloat64(this.#pos + 1, x, true);
          this.#pos += 9;
        }
        return;
      case 'boolean':
        this.#tag(x ? T_TRUE : T_FALSE);
        return;
      case 'undefined':
        this.#tag(T_UNDEFINED);
        return;
      case 'bigint':
        this.#text(T_BIGINT, x.toString());
        return;
      case 'object':
        if (x === null) {
          this.#tag(T_NULL);
        } else if (x instanceof Uint8Array) {
          this.#ensure(5 + x.length);
          this.#buf[this.#pos] = T_BYTES;
          this.#view.setUint32(this.#pos + 1, x.length, true);
          this.#buf.set(x, this.#pos + 5);
          this.#pos += 5 + x.length;
        } else {
          this.#json(x);
        }
        return;
      default:
        this.#json(x);
    }
  }

  #tag(t: number): void {
    this.#ensure(1);
    this.#buf[this.#pos++] = t;
  }

  #string(s: string): void {
    const n = s.length;
    if (n <= 255) {
      this.#ensure(2 + n);
      const buf = this.#buf;
      const p = this.#pos + 2;
      let j = 0;
      for (; j < n; j++) {
        const c = s.charCodeAt(j);
        if (c > 127) break;
        buf[p + j] = c;
      }
      if (j === n) {
        buf[p - 2] = T_ASCII;
        buf[p - 1] = n;
        this.#pos = p + n;
        return;
      }
    }
    this.#text(T_UTF8, s);
  }

  #text(tag: number, s: string): void {
    const max = s.length * 3;
    this.#ensure(5 + max);
    const n = this.#buf.write(s, this.#pos + 5, max, 'utf8');
    this.#buf[this.#pos] = tag;
    this.#view.setUint32(this.#pos + 1, n, true);
    this.#pos += 5 + n;
  }

  #json(x: unknown): void {
    let text: string | undefined;
    let tag = T_JSON;
    try {
      text = JSON.stringify(x);
    } catch {
      text = JSON.stringify(x, tagReplacer);
      tag = T_JSON_TAGGED;
    }
    if (text === undefined) this.#tag(T_NULL); // functions, symbols: as JSON would in an array
    else this.#text(tag, text);
  }

  #ensure(extra: number): void {
    if (this.#pos + extra <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + extra) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
    this.#view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }
}

const INTERN_SLOTS = 4096;
const INTERN_MAX_LENGTH = 32;

/**
 * Decodes tuple frames into a sink. Keeps a small table of recently decoded short ASCII
 * strings, so repeated values (words, keys) come out as the same string without allocating.
 * One decoder per connection.
 */
export class BatchDecoder {
  readonly #intern: (string | undefined)[] = new Array<string | undefined>(INTERN_SLOTS).fill(undefined);
  #buf: Buffer = Buffer.alloc(0);
  #view: DataView = new DataView(new ArrayBuffer(0));
  #p = 0;

  /** Decode a tuple frame (`type`, payload after the type byte) into `sink`; returns the tuple count. */
  decode(type: number, payload: Buffer, sink: TupleSink): number {
    if (type === FRAME_TUPLES_V2) return this.#decodeV2(payload, sink);
    if (type !== FRAME_TUPLES && type !== FRAME_TUPLES_TAGGED) throw new Error(`Not a tuple frame: type ${type}`);
    const text = payload.toString('utf8');
    const batch = (type === FRAME_TUPLES_TAGGED ? JSON.parse(text, tagReviver) : JSON.parse(text)) as WireTuple[];
    for (const t of batch) sink(t[0], t[1], t[2], t[3], t[4]);
    return batch.length;
  }

  #decodeV2(payload: Buffer, sink: TupleSink): number {
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    this.#buf = payload;
    this.#view = view;
    const count = view.getUint32(0, true);
    const tableAt = view.getUint32(4, true);
    if (tableAt < 8 || tableAt + 2 > payload.length) throw new Error('Corrupt tuple batch: bad stream table offset');
    const nStreams = view.getUint16(tableAt, true);
    const streams: string[] = new Array<string>(nStreams);
    let q = tableAt + 2;
    for (let i = 0; i < nStreams; i++) {
      const n = view.getUint16(q, true);
      streams[i] = payload.toString('utf8', q + 2, q + 2 + n);
      q += 2 + n;
    }
    this.#p = 8;
    for (let i = 0; i < count; i++) {
      const p = this.#p;
      if (p + 16 > tableAt) throw new Error('Corrupt tuple batch: records overrun the stream table');
      const dest = view.getInt32(p, true);
      const src = view.getInt32(p + 4, true);
      const stream = streams[view.getUint16(p + 8, true)];
      if (stream === undefined) throw new Error('Corrupt tuple batch: unknown stream index');
      const na = view.getUint16(p + 10, true);
      const nv = view.getUint32(p + 12, true);
      let a = p + 16;
      let anchors: number[] | null = null;
      if (na === 1) {
        anchors = [view.getFloat64(a, true), view.getInt32(a + 8, true), view.getInt32(a + 12, true)];
        a += 16;
      } else if (na > 0) {
        anchors = [];
        for (let j = 0; j < na; j++, a += 16) anchors.push(view.getFloat64(a, true), view.getInt32(a + 8, true), view.getInt32(a + 12, true));
      }
      this.#p = a;
      let values: unknown[];
      if (nv === 1) {
        values = [this.#value()];
      } else {
        values = [];
        for (let j = 0; j < nv; j++) values.push(this.#value());
      }
      if (this.#p > tableAt) throw new Error('Corrupt tuple batch: values overrun the stream table');
      sink(dest, src, stream, values, anchors);
    }
    if (this.#p !== tableAt) throw new Error(`Corrupt tuple batch: records end at ${this.#p}, expected ${tableAt}`);
    this.#buf = Buffer.alloc(0);
    return count;
  }

  #value(): unknown {
    const buf = this.#buf;
    const p = this.#p;
    switch (buf[p]) {
      case T_ASCII: {
        const n = buf[p + 1]!;
        this.#p = p + 2 + n;
        return this.#ascii(buf, p + 2, n);
      }
      case T_INT32:
        this.#p = p + 5;
        return this.#view.getInt32(p + 1, true);
      case T_FLOAT64:
        this.#p = p + 9;
        return this.#view.getFloat64(p + 1, true);
      case T_NULL:
        this.#p = p + 1;
        return null;
      case T_UNDEFINED:
        this.#p = p + 1;
        return undefined;
      case T_FALSE:
        this.#p = p + 1;
        return false;
      case T_TRUE:
        this.#p = p + 1;
        return true;
      default:
        return this.#long(buf, p);
    }
  }

  #long(buf: Buffer, p: number): unknown {
    const tag = buf[p];
    const n = this.#view.getUint32(p + 1, true);
    const start = p + 5;
    const end = start + n;
    if (end > buf.length) throw new Error('Corrupt tuple batch: value overruns the frame');
    this.#p = end;
    switch (tag) {
      case T_UTF8:
        return buf.toString('utf8', start, end);
      case T_BIGINT:
        return BigInt(buf.toString('latin1', start, end));
      case T_BYTES:
        return Buffer.from(buf.subarray(start, end));
      case T_JSON:
        return JSON.parse(buf.toString('utf8', start, end));
      case T_JSON_TAGGED:
        return JSON.parse(buf.toString('utf8', start, end), tagReviver);
      default:
        throw new Error(`Corrupt tuple batch: unknown value tag ${tag}`);
    }
  }

  #ascii(buf: Buffer, start: number, n: number): string {
    if (n > INTERN_MAX_LENGTH) return buf.toString('latin1', start, start + n);
    let h = n;
    for (let j = 0; j < n; j++) h = (Math.imul(h, 31) + buf[start + j]!) | 0;
    const slot = (h ^ (h >>> 12)) & (INTERN_SLOTS - 1);
    const cached = this.#intern[slot];
    if (cached !== undefined && cached.length === n) {
      let same = true;
      for (let j = 0; j < n; j++) {
        if (cached.charCodeAt(j) !== buf[start + j]) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    const s = buf.toString('latin1', start, start + n);
    this.#intern[slot] = s;
    return s;
  }
}
