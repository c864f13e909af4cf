// Zig-zag varints (int32) and varlongs (int64) as used inside Kafka records, plus their
// encoded sizes. Pure functions over Buffers; no shared state.

/** Result of a decode: the value and the position just after it. */
export interface Decoded<T> {
  value: T;
  next: number;
}

export function varintSize(value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  let size = 1;
  while (v >= 0x80) {
    v >>>= 7;
    size++;
  }
  return size;
}

/** Writes a zig-zag int32 varint at `pos`; returns the position after it. */
export function writeVarint(buf: Buffer, pos: number, value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

/** Reads a zig-zag int32 varint at `pos`; throws RangeError on truncation or overflow. */
export function readVarint(buf: Buffer, pos: number): Decoded<number> {
  let raw = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw new RangeError('varint runs past the end of the buffer');
    const b = buf[pos++]!;
    raw |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
    if (shift > 28) throw new RangeError('varint is longer than 5 bytes');
  }
  return { value: (raw >>> 1) ^ -(raw & 1), next: pos };
}

function zigzag64(value: bigint): bigint {
  return BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
}

export function varlongSize(value: bigint): number {
  let v = zigzag64(value);
  let size = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    size++;
  }
  return size;
}

/** Writes a zig-zag int64 varlong at `pos`; returns the position after it. */
export function writeVarlong(buf: Buffer, pos: number, value: bigint): number {
  // Fast path for small magnitudes (the common case: timestamp deltas).
  if (value >= -0x40000000n && value < 0x40000000n) return writeVarint(buf, pos, Number(value));
  let v = zigzag64(value);
  while (v >= 0x80n) {
    buf[pos++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  buf[pos++] = Number(v);
  return pos;
}

/** Reads a zig-zag int64 varlong at `pos`. */
export function readVarlong(buf: Buffer, pos: number): Decoded<bigint> {
  let raw = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new RangeError('varlong runs past the end of the buffer');
    const b = buf[pos++]!;
    raw |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7n;
    if (shift > 63n) throw new RangeError('varlong is longer than 10 bytes');
  }
  return { value: (raw >> 1n) ^ -(raw & 1n), next: pos };
}
