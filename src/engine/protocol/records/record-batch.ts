// Magic-2 RecordBatch header access without decoding records: read a header, validate a
// buffer of concatenated batches (magic, lengths, CRC-32C), and patch baseOffset /
// partitionLeaderEpoch (not covered by the CRC) in place when a leader assigns offsets.
// This is the broker's hot path: no per-record work happens here. Pure functions over
// caller-owned Buffers; callers must not share a Buffer being patched across tasks.
import { crc32c } from './crc32c.js';
import { RecordsError, RecordsErrorCode } from './records-error.js';

export const BATCH_HEADER_SIZE = 61;
/** baseOffset (8) + batchLength (4): bytes before the part counted by batchLength. */
export const LOG_OVERHEAD = 12;
export const CURRENT_MAGIC = 2;

// Field positions inside a batch.
export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORD_COUNT_OFFSET = 57;

export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
export const NO_TIMESTAMP = -1n;

/** Compression codec ids (attributes bits 0-2). */
export const CompressionType = { None: 0, Gzip: 1, Snappy: 2, Lz4: 3, Zstd: 4 } as const;
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType];

export const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionName = (typeof COMPRESSION_NAMES)[number];

const COMPRESSION_MASK = 0x07;
const TIMESTAMP_TYPE_MASK = 0x08;
const TRANSACTIONAL_MASK = 0x10;
const CONTROL_MASK = 0x20;
const DELETE_HORIZON_MASK = 0x40;

export interface BatchHeader {
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** One batch found in a buffer: where it starts, its total size (header included). */
export interface BatchPosition {
  position: number;
  size: number;
  header: BatchHeader;
}

export function compressionOf(attributes: number): CompressionType {
  return (attributes & COMPRESSION_MASK) as CompressionType;
}
export function isLogAppendTime(attributes: number): boolean {
  return (attributes & TIMESTAMP_TYPE_MASK) !== 0;
}
export function isTransactional(attributes: number): boolean {
  return (attributes & TRANSACTIONAL_MASK) !== 0;
}
export function isControl(attributes: number): boolean {
  return (attributes & CONTROL_MASK) !== 0;
}
export function hasDeleteHorizon(attributes: number): boolean {
  return (attributes & DELETE_HORIZON_MASK) !== 0;
}

/** Builds an attributes value. */
export function makeAttributes(opts: {
  compression?: CompressionType;
  logAppendTime?: boolean;
  transactional?: boolean;
  control?: boolean;
  deleteHorizon?: boolean;
}): number {
  return (
    ((opts.compression ?? 0) & COMPRESSION_MASK) |
    (opts.logAppendTime ? TIMESTAMP_TYPE_MASK : 0) |
    (opts.transactional ? TRANSACTIONAL_MASK : 0) |
    (opts.control ? CONTROL_MASK : 0) |
    (opts.deleteHorizon ? DELETE_HORIZON_MASK : 0)
  );
}

/** Reads the 61-byte header at `pos`. The caller guarantees 61 bytes are present. */
export function readBatchHeader(buf: Buffer, pos: number): BatchHeader {
  return {
    baseOffset: buf.readBigInt64BE(pos),
    batchLength: buf.readInt32BE(pos + BATCH_LENGTH_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
    magic: buf.readInt8(pos + MAGIC_OFFSET),
    crc: buf.readUInt32BE(pos + CRC_OFFSET),
    attributes: buf.readInt16BE(pos + ATTRIBUTES_OFFSET),
    lastOffsetDelta: buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: buf.readBigInt64BE(pos + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: buf.readBigInt64BE(pos + MAX_TIMESTAMP_OFFSET),
    producerId: buf.readBigInt64BE(pos + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
    recordCount: buf.readInt32BE(pos + RECORD_COUNT_OFFSET),
  };
}

/** Last offset of a batch: baseOffset + lastOffsetDelta. */
export function lastOffsetOf(header: Pick<BatchHeader, 'baseOffset' | 'lastOffsetDelta'>): bigint {
  return header.baseOffset + BigInt(header.lastOffsetDelta);
}

/** The CRC-32C a batch should carry (attributes to end). */
export function computeBatchCrc(buf: Buffer, pos: number, size: number): number {
  return crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + size));
}

export interface ValidateOptions {
  /** Check each batch's CRC-32C (default true). */
  verifyCrc?: boolean;
}

/**
 * Checks that `buf` is a whole number of well-formed magic-2 batches: lengths, magic,
 * CRC-32C. Throws RecordsError (CORRUPT_MESSAGE for bad length/CRC/truncation,
 * UNSUPPORTED_FOR_MESSAGE_FORMAT for magic != 2). Does not decode records.
 */
export function validateRecordBatches(buf: Buffer, options: ValidateOptions = {}): { batches: BatchPosition[] } {
  const verifyCrc = options.verifyCrc ?? true;
  const batches: BatchPosition[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const remaining = buf.length - pos;
    if (remaining < LOG_OVERHEAD + 5) {
      throw new RecordsError(RecordsErrorCode.CORRUPT_MESSAGE, `Record batch at position ${pos} is truncated: ${remaining} bytes left, need at least ${LOG_OVERHEAD + 5}`);
    }
    const magic = buf.readInt8(pos + MAGIC_OFFSET);
    if (magic !== CURRENT_MAGIC) {
      throw new RecordsError(RecordsErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `Record batch at position ${pos} has magic ${magic}; only magic 2 is supported`);
    }
    const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
    const size = batchLength + LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE) {
      throw new RecordsError(RecordsErrorCode.CORRUPT_MESSAGE, `Record batch at position ${pos} has batchLength ${batchLength}, smaller than the header (${BATCH_HEADER_SIZE - LOG_OVERHEAD})`);
    }
    if (size > remaining) {
      throw new RecordsError(RecordsErrorCode.CORRUPT_MESSAGE, `Record batch at position ${pos} is truncated: batch size ${size}, ${remaining} bytes left`);
    }
    const header = readBatchHeader(buf, pos);
    if (verifyCrc) {
      const actual = computeBatchCrc(buf, pos, size);
      if (actual !== header.crc) {
        throw new RecordsError(RecordsErrorCode.CORRUPT_MESSAGE, `Record batch at position ${pos} is corrupt: stored CRC ${header.crc} != computed CRC ${actual}`);
      }
    }
    if (header.recordCount < 0 || header.lastOffsetDelta < 0) {
      throw new RecordsError(RecordsErrorCode.CORRUPT_MESSAGE, `Record batch at position ${pos} has recordCount ${header.recordCount}, lastOffsetDelta ${header.lastOffsetDelta}`);
    }
    batches.push({ position: pos, size, header });
    pos += size;
  }
  return { batches };
}

/**
 * Leader offset assignment, in place: rewrites baseOffset and partitionLeaderEpoch (not
 * covered by the CRC). With `logAppendTimeMs`, also sets the LogAppendTime attribute bit and
 * maxTimestamp, and recomputes the CRC. Updates `batch.header` to match.
 */
export function assignOffsets(buf: Buffer, batch: BatchPosition, baseOffset: bigint, leaderEpoch: number, logAppendTimeMs?: bigint): void {
  const pos = batch.position;
  buf.writeBigInt64BE(baseOffset, pos + BASE_OFFSET_OFFSET);
  buf.writeInt32BE(leaderEpoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
  batch.header.baseOffset = baseOffset;
  batch.header.partitionLeaderEpoch = leaderEpoch;
  if (logAppendTimeMs !== undefined) {
    const attributes = batch.header.attributes | TIMESTAMP_TYPE_MASK;
    buf.writeInt16BE(attributes, pos + ATTRIBUTES_OFFSET);
    buf.writeBigInt64BE(logAppendTimeMs, pos + MAX_TIMESTAMP_OFFSET);
    const crc = computeBatchCrc(buf, pos, batch.size);
    buf.writeUInt32BE(crc, pos + CRC_OFFSET);
    batch.header.attributes = attributes;
    batch.header.maxTimestamp = logAppendTimeMs;
    batch.header.crc = crc;
  }
}

/**
 * Walks batch boundaries in a buffer (headers only, no CRC), stopping at the first
 * incomplete batch. Used by reads and recovery scans.
 */
export function* iterateBatchPositions(buf: Buffer, start = 0): Generator<BatchPosition> {
  let pos = start;
  while (pos + BATCH_HEADER_SIZE <= buf.length) {
    const size = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE || pos + size > buf.length) return;
    yield { position: pos, size, header: readBatchHeader(buf, pos) };
    pos += size;
  }
}
