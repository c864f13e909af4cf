// Full encode/decode of the records inside a magic-2 batch (varint framing, headers,
// compression). Off the broker's hot path: used by the group coordinator (internal
// __consumer_offsets writes), the log cleaner, offsetForTimestamp's record-level search and
// tests. Pure functions; no shared state.
import {
  ATTRIBUTES_OFFSET,
  BATCH_HEADER_SIZE,
  CompressionType,
  CRC_OFFSET,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  compressionOf,
  isLogAppendTime,
  computeBatchCrc,
  makeAttributes,
  readBatchHeader,
  type BatchHeader,
} from './record-batch.js';
import { compress, decompress } from './compression.js';
import { RecordsError, RecordsErrorCode } from './records-error.js';
import { readVarint, readVarlong, varintSize, varlongSize, writeVarint, writeVarlong } from './varint.js';

export type RecordHeader = [string, Buffer | null];

export interface RecordInput {
  key: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeader[];
  /** CreateTime in ms; defaults to opts.timestamp or the current time. */
  timestamp?: bigint;
  /** Offset delta inside the batch; defaults to the record's index (set by the cleaner to keep offsets). */
  offsetDelta?: number;
}

export interface DecodedRecord {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  attributes: number;
  offsetDelta: number;
  timestampDelta: bigint;
}

export interface BuildRecordBatchOptions {
  compression?: CompressionType;
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  control?: boolean;
  logAppendTime?: boolean;
  /** Default timestamp for records without one (ms); defaults to Date.now(). */
  timestamp?: bigint;
  /** Overrides the computed baseTimestamp (the cleaner keeps the original). */
  baseTimestamp?: bigint;
  /** Overrides the computed maxTimestamp (e.g. LogAppendTime batches). */
  maxTimestamp?: bigint;
  /** Overrides lastOffsetDelta (the cleaner keeps the original batch's last offset). */
  lastOffsetDelta?: number;
  /** Sets the delete-horizon attribute bit (cleaner). */
  deleteHorizon?: boolean;
}

function encodedRecordSize(key: Buffer | null, value: Buffer | null, headers: RecordHeader[] | undefined, timestampDelta: bigint, offsetDelta: number): number {
  let size = 1 + varlongSize(timestampDelta) + varintSize(offsetDelta);
  size += key === null ? varintSize(-1) : varintSize(key.length) + key.length;
  size += value === null ? varintSize(-1) : varintSize(value.length) + value.length;
  const hs = headers ?? [];
  size += varintSize(hs.length);
  for (const [hk, hv] of hs) {
    const kl = Buffer.byteLength(hk, 'utf8');
    size += varintSize(kl) + kl;
    size += hv === null ? varintSize(-1) : varintSize(hv.length) + hv.length;
  }
  return size;
}

/** Encodes records (no batch header) into one Buffer. */
function encodeRecords(records: RecordInput[], baseTimestamp: bigint, defaultTimestamp: bigint): Buffer {
  const sizes: number[] = new Array(records.length);
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const ts = r.timestamp ?? defaultTimestamp;
    const body = encodedRecordSize(r.key, r.value, r.headers, ts - baseTimestamp, r.offsetDelta ?? i);
    sizes[i] = body;
    total += varintSize(body) + body;
  }
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const ts = r.timestamp ?? defaultTimestamp;
    pos = writeVarint(out, pos, sizes[i]!);
    out[pos++] = 0; // record attributes: unused
    pos = writeVarlong(out, pos, ts - baseTimestamp);
    pos = writeVarint(out, pos, r.offsetDelta ?? i);
    pos = writeBytes(out, pos, r.key);
    pos = writeBytes(out, pos, r.value);
    const hs = r.headers ?? [];
    pos = writeVarint(out, pos, hs.length);
    for (const [hk, hv] of hs) {
      pos = writeBytes(out, pos, Buffer.from(hk, 'utf8'));
      pos = writeBytes(out, pos, hv);
    }
  }
  return out;
}

function writeBytes(out: Buffer, pos: number, data: Buffer | null): number {
  if (data === null) return writeVarint(out, pos, -1);
  pos = writeVarint(out, pos, data.length);
  data.copy(out, pos);
  return pos + data.length;
}

/** Builds one complete magic-2 batch (header, CRC) from records. */
export function buildRecordBatch(records: RecordInput[], opts: BuildRecordBatchOptions = {}): Buffer {
  const compression = opts.compression ?? CompressionType.None;
  const defaultTimestamp = opts.timestamp ?? BigInt(Date.now());
  let minTs: bigint | undefined;
  let maxTs: bigint | undefined;
  for (const r of records) {
    const ts = r.timestamp ?? defaultTimestamp;
    if (minTs === undefined || ts < minTs) minTs = ts;
    if (maxTs === undefined || ts > maxTs) maxTs = ts;
  }
  // Kafka uses the first record's timestamp as baseTimestamp; deltas may be negative.
  const baseTimestamp = opts.baseTimestamp ?? (records.length > 0 ? records[0]!.timestamp ?? defaultTimestamp : defaultTimestamp);
  const maxTimestamp = opts.maxTimestamp ?? maxTs ?? baseTimestamp;
  let maxDelta = 0;
  for (let i = 0; i < records.length; i++) maxDelta = Math.max(maxDelta, records[i]!.offsetDelta ?? i);
  const lastOffsetDelta = opts.lastOffsetDelta ?? maxDelta;
  const raw = encodeRecords(records, baseTimestamp, defaultTimestamp);
  const body = compress(compression, raw);
  const size = BATCH_HEADER_SIZE + body.length;
  const buf = Buffer.allocUnsafe(size);
  buf.writeBigInt64BE(opts.baseOffset ?? 0n, 0);
  buf.writeInt32BE(size - LOG_OVERHEAD, 8);
  buf.writeInt32BE(opts.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, 12);
  buf.writeInt8(CURRENT_MAGIC, 16);
  buf.writeInt16BE(
    makeAttributes({
      compression,
      logAppendTime: opts.logAppendTime,
      transactional: opts.transactional,
      control: opts.control,
      deleteHorizon: opts.deleteHorizon,
    }),
    ATTRIBUTES_OFFSET,
  );
  buf.writeInt32BE(lastOffsetDelta, 23);
  buf.writeBigInt64BE(baseTimestamp, 27);
  buf.writeBigInt64BE(maxTimestamp, 35);
  buf.writeBigInt64BE(opts.producerId ?? NO_PRODUCER_ID, 43);
  buf.writeInt16BE(opts.producerEpoch ?? NO_PRODUCER_EPOCH, 51);
  buf.writeInt32BE(opts.baseSequence ?? NO_SEQUENCE, 53);
  buf.writeInt32BE(records.length, 57);
  body.copy(buf, BATCH_HEADER_SIZE);
  buf.writeUInt32BE(computeBatchCrc(buf, 0, size), CRC_OFFSET);
  return buf;
}

function readBytes(buf: Buffer, pos: number): { value: Buffer | null; next: number } {
  const len = readVarint(buf, pos);
  if (len.value < 0) return { value: null, next: len.next };
  const end = len.next + len.value;
  if (end > buf.length) throw new RangeError('record field runs past the end of the records');
  return { value: buf.subarray(len.next, end), next: end };
}

/**
 * Decodes the batch at `pos` (default 0) of `buf`: header and every record, decompressing
 * as needed. Returned key/value Buffers may share memory with `buf` (uncompressed) or with
 * the decompressed copy. Throws RecordsError(CORRUPT_MESSAGE) on malformed records.
 */
export function decodeRecordBatch(buf: Buffer, pos = 0): { header: BatchHeader; records: DecodedRecord[] } {
  if (buf.length - pos < BATCH_HEADER_SIZE) {
    throw new RecordsError(RecordsErrorCode.CORRUPT_MESSAGE, `Record batch at position ${pos} is truncated`);
  }
  const header = readBatchHeader(buf, pos);
  const size = header.batchLength + LOG_OVERHEAD;
  if (size < BATCH_HEADER_SIZE || pos + size > buf.length) {
    throw new RecordsError(RecordsErrorCode.CORRUPT_MESSAGE, `Record batch at position ${pos} is truncated`);
  }
  if (header.magic !== CURRENT_MAGIC) {
    throw new RecordsError(RecordsErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `Record batch magic ${header.magic} is not supported`);
  }
  const data = decompress(compressionOf(header.attributes), buf.subarray(pos + BATCH_HEADER_SIZE, pos + size));
  const records: DecodedRecord[] = [];
  const logAppendTime = isLogAppendTime(header.attributes);
  try {
    let p = 0;
    for (let i = 0; i < header.recordCount; i++) {
      const len = readVarint(data, p);
      const end = len.next + len.value;
      if (len.value < 0 || end > data.length) throw new RangeError('record length runs past the end of the records');
      const rec = data.subarray(0, end);
      p = len.next;
      const attributes = rec.readInt8(p++);
      const tsDelta = readVarlong(rec, p);
      const offDelta = readVarint(rec, tsDelta.next);
      const key = readBytes(rec, offDelta.next);
      const value = readBytes(rec, key.next);
      const headerCount = readVarint(rec, value.next);
      p = headerCount.next;
      const headers: RecordHeader[] = [];
      for (let h = 0; h < headerCount.value; h++) {
        const hk = readBytes(rec, p);
        if (hk.value === null) throw new RangeError('record header key is null');
        const hv = readBytes(rec, hk.next);
        headers.push([hk.value.toString('utf8'), hv.value]);
        p = hv.next;
      }
      if (p !== end) throw new RangeError(`record ${i} length ${len.value} does not match its fields`);
      records.push({
        offset: header.baseOffset + BigInt(offDelta.value),
        // LogAppendTime batches: every record's timestamp is the batch's maxTimestamp.
        timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + tsDelta.value,
        key: key.value,
        value: value.value,
        headers,
        attributes,
        offsetDelta: offDelta.value,
        timestampDelta: tsDelta.value,
      });
    }
    if (p !== data.length) throw new RangeError(`${data.length - p} bytes left after ${header.recordCount} records`);
  } catch (error) {
    if (error instanceof RecordsError) throw error;
    throw new RecordsError(RecordsErrorCode.CORRUPT_MESSAGE, `Malformed records in batch at offset ${header.baseOffset}: ${(error as Error).message}`, { cause: error });
  }
  return { header, records };
}
