// Message formats v0 and v1 (magic 0 and 1: "message sets" of Kafka 0.8-0.10). Producers that
// speak Produce v0-v2 send them; Kafka 3.x converts them to one magic-2 batch on append, and
// down-converts stored magic-2 batches for Fetch v0-v3 (magic 0 for v0-1, magic 1 for v2-3).
// Both directions live here as pure functions over Buffers; nothing on the v2 hot path calls
// them. Layout of one legacy message (after its 8-byte offset and 4-byte size):
//   crc uint32 (CRC-32, IEEE, over the rest) | magic int8 | attributes int8
//   | timestamp int64 (magic 1 only) | key bytes (int32 length, -1 null) | value bytes
// A compressed message (codec in attributes bits 0-2) wraps an inner message set in its
// value; magic-1 wrappers number the inner messages with relative offsets 0..n-1.
import { crc32Native } from './native-codecs.js';
import { DecompressedTooLarge, decompressBounded } from './bounded-decompress.js';
import { BATCH_HEADER_SIZE, CompressionType, isControl, LOG_OVERHEAD, NO_TIMESTAMP, readBatchHeader } from './record-batch.js';
import { buildRecordBatch, decodeRecordBatch } from './record-codec.js';
import { RecordsError, RecordsErrorCode } from './records-error.js';

export type LegacyMagic = 0 | 1;

export interface LegacyMessage {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

export interface LegacyMessageSet {
  magic: LegacyMagic;
  /** The wrapper's codec (None when the messages came uncompressed). */
  compression: CompressionType;
  messages: LegacyMessage[];
}

const CRC_SIZE = 4;
const TIMESTAMP_TYPE_MASK = 0x08;
const CODEC_MASK = 0x07;
/** crc, magic, attributes, key length, value length. */
const MIN_MESSAGE_SIZE_V0 = CRC_SIZE + 1 + 1 + 4 + 4;

function corrupt(message: string): RecordsError {
  return new RecordsError(RecordsErrorCode.CORRUPT_MESSAGE, message);
}

/** The magic byte of the first message or batch in `records` (the same position in every format). */
export function magicOf(records: Buffer): number {
  if (records.length < 17) throw corrupt(`Records of ${records.length} bytes are too short to hold a message`);
  return records.readInt8(16);
}

function readBytes(msg: Buffer, pos: number, what: string): { value: Buffer | null; next: number } {
  if (pos + 4 > msg.length) throw corrupt(`Message ${what} length runs past the message`);
  const len = msg.readInt32BE(pos);
  if (len < 0) return { value: null, next: pos + 4 };
  const end = pos + 4 + len;
  if (end > msg.length) throw corrupt(`Message ${what} runs past the message`);
  return { value: msg.subarray(pos + 4, end), next: end };
}

/**
 * Reads a legacy message set as a producer sent it: every CRC checked, compressed wrappers
 * opened (one level, as Kafka allows), inner offsets made absolute for magic 1.
 * `maxBytes` bounds the decompressed size (max.message.bytes).
 */
export function readLegacyMessageSet(buf: Buffer, maxBytes = 0x7fffffff, nested = false): LegacyMessageSet {
  const messages: LegacyMessage[] = [];
  let magic: LegacyMagic | undefined;
  let compression: CompressionType = CompressionType.None;
  let pos = 0;
  while (pos < buf.length) {
    if (buf.length - pos < LOG_OVERHEAD) throw corrupt(`Message at position ${pos} is truncated`);
    const offset = buf.readBigInt64BE(pos);
    const size = buf.readInt32BE(pos + 8);
    const start = pos + LOG_OVERHEAD;
    if (size < MIN_MESSAGE_SIZE_V0 || start + size > buf.length) throw corrupt(`Message at position ${pos} has an invalid size ${size}`);
    const msg = buf.subarray(start, start + size);
    pos = start + size;
    if ((crc32Native().crc32(msg.subarray(CRC_SIZE)) >>> 0) !== msg.readUInt32BE(0)) throw corrupt(`Message at offset ${offset} failed its CRC check`);
    const m = msg.readInt8(CRC_SIZE);
    if (m !== 0 && m !== 1) throw corrupt(`Message at offset ${offset} has magic ${m} inside a magic ${magic ?? m} message set`);
    if (magic !== undefined && m !== magic) throw corrupt(`Message set mixes magic ${magic} and ${m}`);
    magic = m;
    const attributes = msg.readInt8(CRC_SIZE + 1);
    let p = CRC_SIZE + 2;
    let timestamp = NO_TIMESTAMP;
    if (m === 1) {
      if (p + 8 > msg.length) throw corrupt(`Message at offset ${offset} is truncated`);
      timestamp = msg.readBigInt64BE(p);
      p += 8;
    }
    const key = readBytes(msg, p, 'key');
    const value = readBytes(msg, key.next, 'value');
    if (value.next !== msg.length) throw corrupt(`Message at offset ${offset} has ${msg.length - value.next} bytes after its value`);
    const codec = attributes & CODEC_MASK;
    if (codec === CompressionType.None) {
      messages.push({ offset, timestamp, key: key.value, value: value.value });
      continue;
    }
    if (nested) throw corrupt('Compressed message inside a compressed message');
    if (codec > CompressionType.Lz4) throw corrupt(`Message at offset ${offset} has unknown compression codec ${codec}`);
    if (value.value === null) throw corrupt(`Compressed message at offset ${offset} has a null value`);
    compression = codec as CompressionType;
    const inner = readLegacyMessageSet(inflate(compression, value.value, maxBytes), maxBytes, true);
    if (inner.magic !== m) throw corrupt(`Compressed magic ${m} message wraps magic ${inner.magic} messages`);
    const logAppendTime = m === 1 && (attributes & TIMESTAMP_TYPE_MASK) !== 0;
    const last = inner.messages.at(-1)?.offset ?? 0n;
    for (const im of inner.messages) {
      messages.push({
        // Magic 1 wrappers carry the last inner offset; inner offsets are relative.
        offset: m === 1 ? offset - last + im.offset : im.offset,
        timestamp: logAppendTime ? timestamp : im.timestamp,
        key: im.key,
        value: im.value,
      });
    }
  }
  const total = messages.reduce((n, x) => n + (x.key?.length ?? 0) + (x.value?.length ?? 0), 0);
  if (total > maxBytes) {
    throw new RecordsError(RecordsErrorCode.MESSAGE_TOO_LARGE, `The message set is ${total} bytes when decompressed, larger than the maximum of ${maxBytes}`);
  }
  if (magic === undefined) throw corrupt('Empty message set');
  return { magic, compression, messages };
}

function inflate(codec: CompressionType, data: Buffer, maxBytes: number): Buffer {
  try {
    return decompressBounded(codec, data, maxBytes);
  } catch (error) {
    if (!(error instanceof DecompressedTooLarge)) throw error;
    throw new RecordsError(RecordsErrorCode.MESSAGE_TOO_LARGE, `The compressed message set decompresses to more than ${maxBytes} bytes`);
  }
}

/** Converts a legacy message set to one magic-2 batch (same codec), as Kafka 3.x does on append. */
export function upConvertToBatch(set: LegacyMessageSet): Buffer {
  return buildRecordBatch(
    set.messages.map((m, i) => ({ key: m.key, value: m.value, timestamp: m.timestamp, offsetDelta: i })),
    { compression: set.compression, timestamp: NO_TIMESTAMP },
  );
}

function legacyMessageSize(magic: LegacyMagic, key: Buffer | null, value: Buffer | null): number {
  return LOG_OVERHEAD + CRC_SIZE + 2 + (magic === 1 ? 8 : 0) + 4 + (key?.length ?? 0) + 4 + (value?.length ?? 0);
}

/** One legacy message with its offset and size prefix. */
export function encodeLegacyMessage(magic: LegacyMagic, offset: bigint, timestamp: bigint, logAppendTime: boolean, key: Buffer | null, value: Buffer | null, codec: CompressionType = CompressionType.None): Buffer {
  const total = legacyMessageSize(magic, key, value);
  const buf = Buffer.allocUnsafe(total);
  buf.writeBigInt64BE(offset, 0);
  buf.writeInt32BE(total - LOG_OVERHEAD, 8);
  let p = LOG_OVERHEAD + CRC_SIZE;
  buf.writeInt8(magic, p++);
  buf.writeInt8((magic === 1 && logAppendTime ? TIMESTAMP_TYPE_MASK : 0) | codec, p++);
  if (magic === 1) {
    buf.writeBigInt64BE(timestamp, p);
    p += 8;
  }
  for (const b of [key, value]) {
    buf.writeInt32BE(b === null ? -1 : b.length, p);
    p += 4;
    if (b) p += b.copy(buf, p);
  }
  buf.writeUInt32BE(crc32Native().crc32(buf.subarray(LOG_OVERHEAD + CRC_SIZE)) >>> 0, LOG_OVERHEAD);
  return buf;
}

/**
 * Down-converts stored magic-2 batches to an uncompressed magic-0/1 message set for an old
 * fetcher (control batches dropped; headers dropped, as the old formats have none; records
 * before `firstOffset` dropped, as Kafka's RecordsUtil.downConvert does). Stops before
 * `maxBytes` but always returns at least one message when there is one; a partial batch at
 * the end of `records` (a size-limited read) is left out.
 */
export function downConvert(records: Buffer, magic: LegacyMagic, maxBytes: number, firstOffset = 0n): Buffer {
  const out: Buffer[] = [];
  let bytes = 0;
  let pos = 0;
  while (records.length - pos >= BATCH_HEADER_SIZE) {
    const header = readBatchHeader(records, pos);
    const size = header.batchLength + LOG_OVERHEAD;
    if (pos + size > records.length) break;
    if (!isControl(header.attributes)) {
      const logAppendTime = (header.attributes & TIMESTAMP_TYPE_MASK) !== 0;
      for (const r of decodeRecordBatch(records, pos).records) {
        if (r.offset < firstOffset) continue;
        const size = legacyMessageSize(magic, r.key, r.value);
        if (bytes > 0 && bytes + size > maxBytes) return Buffer.concat(out);
        out.push(encodeLegacyMessage(magic, r.offset, r.timestamp, logAppendTime, r.key, r.value));
        bytes += size;
      }
    }
    pos += size;
  }
  return Buffer.concat(out);
}
