// Growable big-endian writer producing a list of chunks. Small values go into a pooled
// scratch chunk; large byte blobs (record batches) are appended as their own chunk, so a
// Fetch response carries stored batches to the socket without copying them.

const CHUNK = 8192;
const ZERO_COPY_THRESHOLD = 1024;

export class ByteWriter {
  #chunks: Buffer[] = [];
  #cur: Buffer;
  #pos = 0;
  #length = 0;

  constructor(initial = CHUNK) {
    this.#cur = Buffer.allocUnsafe(initial);
  }

  get length(): number {
    return this.#length + this.#pos;
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#cur.length) return;
    this.#flushCurrent();
    this.#cur = Buffer.allocUnsafe(Math.max(CHUNK, n));
  }

  #flushCurrent(): void {
    if (this.#pos > 0) {
      this.#chunks.push(this.#cur.subarray(0, this.#pos));
      this.#length += this.#pos;
      this.#cur = this.#cur.subarray(this.#pos);
      this.#pos = 0;
    }
  }

  int8(v: number): void {
    this.#ensure(1);
    this.#cur.writeInt8(v, this.#pos);
    this.#pos += 1;
  }
  int16(v: number): void {
    this.#ensure(2);
    this.#cur.writeInt16BE(v, this.#pos);
    this.#pos += 2;
  }
  uint16(v: number): void {
    this.#ensure(2);
    this.#cur.writeUInt16BE(v, this.#pos);
    this.#pos += 2;
  }
  int32(v: number): void {
    this.#ensure(4);
    this.#cur.writeInt32BE(v, this.#pos);
    this.#pos += 4;
  }
  uint32(v: number): void {
    this.#ensure(4);
    this.#cur.writeUInt32BE(v, this.#pos);
    this.#pos += 4;
  }
  int64(v: bigint): void {
    this.#ensure(8);
    this.#cur.writeBigInt64BE(v, this.#pos);
    this.#pos += 8;
  }
  float64(v: number): void {
    this.#ensure(8);
    this.#cur.writeDoubleBE(v, this.#pos);
    this.#pos += 8;
  }
  bool(v: boolean): void {
    this.int8(v ? 1 : 0);
  }

  uvarint(v: number): void {
    this.#ensure(5);
    let x = v >>> 0;
    while (x >= 0x80) {
      this.#cur[this.#pos++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    this.#cur[this.#pos++] = x;
  }

  varint(v: number): void {
    this.uvarint((v << 1) ^ (v >> 31));
  }

  raw(buf: Buffer): void {
    if (buf.length >= ZERO_COPY_THRESHOLD) {
      this.#flushCurrent();
      this.#chunks.push(buf);
      this.#length += buf.length;
      return;
    }
    this.#ensure(buf.length);
    buf.copy(this.#cur, this.#pos);
    this.#pos += buf.length;
  }

  utf8(s: string, len: number): void {
    this.#ensure(len);
    this.#cur.write(s, this.#pos, len, 'utf8');
    this.#pos += len;
  }

  /** The written bytes as chunks (no copy). The writer must not be used afterwards. */
  chunks(): Buffer[] {
    this.#flushCurrent();
    return this.#chunks;
  }

  /** The written bytes as one buffer. */
  toBuffer(): Buffer {
    const chunks = this.chunks();
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.#length);
  }
}
