// Sequential big-endian reader over one Kafka frame. Every read is bounds-checked and throws
// ProtocolError on a short or malformed frame, so a bad frame fails only its own request.
// Bytes and records are returned as zero-copy subarrays of the frame.

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

const UUID_BYTES = 16;

export class ByteReader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  #need(n: number): number {
    const p = this.pos;
    if (n < 0 || p + n > this.end) throw new ProtocolError(`frame too short: need ${n} bytes at ${p}, have ${this.end - p}`);
    this.pos = p + n;
    return p;
  }

  int8(): number {
    return this.buf.readInt8(this.#need(1));
  }
  int16(): number {
    return this.buf.readInt16BE(this.#need(2));
  }
  uint16(): number {
    return this.buf.readUInt16BE(this.#need(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.#need(4));
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.#need(4));
  }
  int64(): bigint {
    return this.buf.readBigInt64BE(this.#need(8));
  }
  float64(): number {
    return this.buf.readDoubleBE(this.#need(8));
  }
  bool(): boolean {
    return this.buf[this.#need(1)] !== 0;
  }

  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.buf[this.#need(1)]!;
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
    throw new ProtocolError('varint is too long');
  }

  varint(): number {
    const u = this.uvarint();
    return (u >>> 1) ^ -(u & 1);
  }

  raw(n: number): Buffer {
    const p = this.#need(n);
    return this.buf.subarray(p, p + n);
  }

  /** int16 length, -1 = null. */
  string(nullable: boolean): string | null {
    const len = this.int16();
    if (len < 0) {
      if (!nullable) throw new ProtocolError('null string in a non-nullable field');
      return null;
    }
    const p = this.#need(len);
    return this.buf.toString('utf8', p, p + len);
  }

  /** uvarint length+1, 0 = null. */
  compactString(nullable: boolean): string | null {
    const len = this.uvarint() - 1;
    if (len < 0) {
      if (!nullable) throw new ProtocolError('null string in a non-nullable field');
      return null;
    }
    const p = this.#need(len);
    return this.buf.toString('utf8', p, p + len);
  }

  bytes(nullable: boolean): Buffer | null {
    const len = this.int32();
    if (len < 0) {
      if (!nullable) throw new ProtocolError('null bytes in a non-nullable field');
      return null;
    }
    return this.raw(len);
  }

  compactBytes(nullable: boolean): Buffer | null {
    const len = this.uvarint() - 1;
    if (len < 0) {
      if (!nullable) throw new ProtocolError('null bytes in a non-nullable field');
      return null;
    }
    return this.raw(len);
  }

  uuid(): string {
    return this.raw(UUID_BYTES).toString('base64url');
  }
}
