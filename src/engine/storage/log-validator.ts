// Kafka's LogValidator for appends as leader: checks a Produce request's batches for one
// partition before anything is written. Message format v0/v1 input (Produce v0-2 clients)
// is first converted to one magic-2 batch, as Kafka 3.x stores only magic 2. Besides framing and CRC (record-batch), it walks
// every record: the declared count matches the records present, each length prefix matches
// its body exactly, varints are well formed, offset deltas run 0..n-1, no trailing bytes;
// the attributes are ones we accept (codec 0-4, no control or delete-horizon bit, the
// transactional bit only with a producer id, no producer-set LogAppendTime); a compressed payload really decompresses, within
// max.message.bytes (streamed with a limit, so a bomb never allocates its size); keys are
// present on compacted topics; CreateTime timestamps lie within
// message.timestamp.before/after.max.ms. A topic-level compression.type other than
// "producer" re-compresses batches that differ (applyTopicCompression). Offsets are then
// assigned in place (assignOffsetsAsLeader); follower appends get their offsets checked
// (analyzeFollowerBatches). Uncompressed records are walked in place (no
// decoding into objects, no copies). On success the batch's maxTimestamp is set to the
// records' real maximum as Kafka does (CRC recomputed only when it changed). Failures throw
// RecordsError with Kafka's code (CORRUPT_MESSAGE, INVALID_RECORD, INVALID_TIMESTAMP,
// MESSAGE_TOO_LARGE) and, for record-level failures, record errors as Produce v8+ reports.
// Pure and synchronous (one module-level cursor, reset after every call); the caller owns
// the buffer, which may be patched in place.
import type { LogConfig } from '../common/topic-config.js';
import { DecompressedTooLarge, decompressBounded } from '../protocol/records/bounded-decompress.js';
import { magicOf, readLegacyMessageSet, upConvertToBatch } from '../protocol/records/legacy-records.js';
import {
  BATCH_HEADER_SIZE,
  CRC_OFFSET,
  CURRENT_MAGIC,
  CompressionType,
  MAX_TIMESTAMP_OFFSET,
  NO_TIMESTAMP,
  assignOffsets,
  compressionOf,
  computeBatchCrc,
  hasDeleteHorizon,
  isControl,
  isLogAppendTime,
  isTransactional,
  validateRecordBatches,
  type BatchHeader,
  type BatchPosition,
} from '../protocol/records/record-batch.js';
import { buildRecordBatch, decodeRecordBatch } from '../protocol/records/record-codec.js';
import { RecordsError, RecordsErrorCode, type RecordError } from '../protocol/records/records-error.js';

export type LogValidatorConfig = Pick<LogConfig, 'maxMessageBytes' | 'cleanupPolicy' | 'messageTimestampType' | 'messageTimestampBeforeMaxMs' | 'messageTimestampAfterMaxMs'>;

export interface LogValidatorOptions {
  /** `<topic>-<partition>`, as Kafka names a TopicPartition in its messages. */
  topicPartition: string;
  config: LogValidatorConfig;
  /** The broker's clock, for the timestamp bounds. */
  nowMs: number;
}

export interface ValidatedRecords {
  /** The records to append: the input, or its conversion to one magic-2 batch (magic 0/1 input). */
  records: Buffer;
  batches: BatchPosition[];
  recordCount: number;
}

/** Record errors reported per failed batch at most (Kafka reports all; a reply stays small). */
export const MAX_RECORD_ERRORS = 100;
const MAX_COMPRESSION_ID: number = CompressionType.Zstd;
const TWO_POW_53 = 2 ** 53;
const EMPTY = Buffer.alloc(0);

/** A record whose bytes cannot be parsed; becomes INVALID_RECORD (Kafka's InvalidRecordException). */
class Malformed extends Error {}

/** Reads varints of the records section of one batch, never past `limit`. */
class RecordCursor {
  buf: Buffer = EMPTY;
  pos = 0;
  limit = 0;

  varint(): number {
    const buf = this.buf;
    let pos = this.pos;
    let raw = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= this.limit) throw new Malformed('a varint runs past the end of the record');
      const b = buf[pos++]!;
      raw |= (b & 0x7f) << shift;
      if (b < 0x80) break;
      if (shift === 28) throw new Malformed('a varint is longer than 5 bytes');
    }
    this.pos = pos;
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** A zig-zag varlong as a Number; values beyond +-2^52 (never a real timestamp delta) are refused. */
  varlong(): number {
    const buf = this.buf;
    let pos = this.pos;
    let raw = 0;
    for (let i = 0, scale = 1; ; i++, scale *= 128) {
      if (pos >= this.limit) throw new Malformed('a varlong runs past the end of the record');
      const b = buf[pos++]!;
      raw += (b & 0x7f) * scale;
      if (b < 0x80) break;
      if (i === 9) throw new Malformed('a varlong is longer than 10 bytes');
    }
    if (raw >= TWO_POW_53) throw new Malformed('the timestamp delta is out of range');
    this.pos = pos;
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }

  skip(n: number): void {
    if (n > this.limit - this.pos) throw new Malformed(`a field of ${n} bytes runs past the end of the record`);
    this.pos += n;
  }
}

const cursor = new RecordCursor();

interface BatchRules {
  topicPartition: string;
  compacted: boolean;
  checkTimestampBounds: boolean;
  beforeMaxMs: number;
  afterMaxMs: number;
  nowMs: number;
}

/** Record-level failures of one batch (Kafka's ApiRecordError list). */
interface Problems {
  errors: RecordError[];
  total: number;
  timestamp: boolean;
}

function report(problems: Problems, batchIndex: number, message: string, timestamp = false): void {
  problems.total++;
  if (timestamp) problems.timestamp = true;
  if (problems.errors.length < MAX_RECORD_ERRORS) problems.errors.push({ batchIndex, message });
}

/**
 * Checks a batch's records section in cursor.buf[cursor.pos, end): exactly
 * `header.recordCount` records, each consistent with its length prefix. Returns the
 * largest timestamp delta. `firstIndex` is the batch's first record index in the request.
 */
function walkRecords(end: number, header: BatchHeader, firstIndex: number, rules: BatchRules, problems: Problems): number {
  const c = cursor;
  const count = header.recordCount;
  const baseTimestamp = Number(header.baseTimestamp);
  const logAppendTime = isLogAppendTime(header.attributes);
  let maxDelta = -Infinity;
  let i = 0;
  try {
    for (; i < count; i++) {
      if (c.pos >= end) throw new Malformed(`Incorrect declared batch size, premature EOF reached: the batch declares ${count} records but holds ${i}`);
      c.limit = end;
      const size = c.varint();
      const bodyStart = c.pos;
      if (size < 0 || size > end - bodyStart) {
        throw new Malformed(`Invalid record size: expected ${size} bytes in record payload, but instead the buffer has only ${end - bodyStart} remaining bytes`);
      }
      c.limit = bodyStart + size;
      c.skip(1); // attributes (unused in magic 2)
      const timestampDelta = c.varlong();
      const offsetDelta = c.varint();
      const keySize = c.varint();
      if (keySize < -1) throw new Malformed(`Invalid key size ${keySize}`);
      if (keySize > 0) c.skip(keySize);
      const valueSize = c.varint();
      if (valueSize < -1) throw new Malformed(`Invalid value size ${valueSize}`);
      if (valueSize > 0) c.skip(valueSize);
      const headerCount = c.varint();
      if (headerCount < 0) throw new Malformed(`Found invalid number of record headers ${headerCount}`);
      for (let h = 0; h < headerCount; h++) {
        const headerKeySize = c.varint();
        if (headerKeySize < 0) throw new Malformed(`Invalid negative header key size ${headerKeySize}`);
        c.skip(headerKeySize);
        const headerValueSize = c.varint();
        if (headerValueSize < -1) throw new Malformed(`Invalid header value size ${headerValueSize}`);
        if (headerValueSize > 0) c.skip(headerValueSize);
      }
      if (c.pos !== c.limit) throw new Malformed(`Invalid record size: expected to read ${size} bytes in record payload, but instead read ${c.pos - bodyStart}`);

      if (offsetDelta !== i) {
        report(problems, firstIndex + i, `Record ${i} of the batch has offset delta ${offsetDelta}; the records of a batch must have offset deltas 0..${count - 1} in order`);
      }
      if (rules.compacted && keySize < 0) {
        report(problems, firstIndex + i, `Compacted topic cannot accept message without key in topic partition ${rules.topicPartition}`);
      } else if (logAppendTime) {
        report(problems, firstIndex + i, `Invalid timestamp type in message at batch index ${i}. Producer should not set timestamp type to LogAppendTime.`, true);
      } else if (rules.checkTimestampBounds) {
        const timestamp = baseTimestamp + timestampDelta;
        if (timestamp !== -1 && (rules.nowMs - timestamp > rules.beforeMaxMs || timestamp - rules.nowMs > rules.afterMaxMs)) {
          report(
            problems,
            firstIndex + i,
            `Timestamp ${timestamp} of message with offset ${offsetDelta} is out of range. The timestamp should be within [${rules.nowMs - rules.beforeMaxMs}, ${rules.nowMs + rules.afterMaxMs}]`,
            true,
          );
        }
      }
      if (timestampDelta > maxDelta) maxDelta = timestampDelta;
    }
    if (c.pos !== end) throw new Malformed(`Incorrect declared batch size, records still remaining in file: ${end - c.pos} bytes after ${count} records`);
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    const message = `${error.message} (record ${i} of ${count} in the batch, topic partition ${rules.topicPartition})`;
    throw new RecordsError(RecordsErrorCode.INVALID_RECORD, message, { recordErrors: [{ batchIndex: firstIndex + Math.min(i, Math.max(count - 1, 0)), message }] });
  }
  return maxDelta;
}

/** Batch-level rules (Kafka's validateBatch plus the attributes we accept). */
function validateBatchHeader(b: BatchPosition, c: LogValidatorConfig, tp: string): void {
  const h = b.header;
  if (b.size > c.maxMessageBytes) {
    throw new RecordsError(RecordsErrorCode.MESSAGE_TOO_LARGE, `The record batch is ${b.size} bytes, larger than max.message.bytes ${c.maxMessageBytes} of ${tp}`);
  }
  const codec = compressionOf(h.attributes);
  if (codec > MAX_COMPRESSION_ID) {
    throw new RecordsError(RecordsErrorCode.CORRUPT_MESSAGE, `Unknown compression type id ${codec} in the record batch at position ${b.position} in topic partition ${tp}; valid ids are 0-4 (none, gzip, snappy, lz4, zstd)`);
  }
  const invalid = (message: string) => new RecordsError(RecordsErrorCode.INVALID_RECORD, message);
  if (isControl(h.attributes)) throw invalid(`Clients are not allowed to write control records in topic partition ${tp}`);
  if (isTransactional(h.attributes) && h.producerId < 0n) throw invalid(`Transactional record batch without a producer id in topic partition ${tp}`);
  if (hasDeleteHorizon(h.attributes)) throw invalid(`Clients are not allowed to set the delete-horizon attribute of a record batch in topic partition ${tp}`);
  if (h.recordCount <= 0) throw invalid(`Invalid reported count for record batch: ${h.recordCount} in topic partition ${tp}`);
  if (h.lastOffsetDelta + 1 !== h.recordCount) {
    throw invalid(`Inconsistent batch offset range [${h.baseOffset}, ${h.baseOffset + BigInt(h.lastOffsetDelta)}] and count of records ${h.recordCount} in topic partition ${tp}`);
  }
  // A transactional batch without a sequence is a coordinator's write (TxnOffsetCommit).
  if (h.producerId >= 0n && h.baseSequence < 0 && !isTransactional(h.attributes)) {
    throw invalid(`Invalid sequence number ${h.baseSequence} in record batch with producerId ${h.producerId} in topic partition ${tp}`);
  }
}

function throwProblems(problems: Problems): never {
  const errors = problems.errors;
  if (problems.timestamp) {
    throw new RecordsError(RecordsErrorCode.INVALID_TIMESTAMP, 'One or more records have been rejected due to invalid timestamp', { recordErrors: errors });
  }
  const shown = errors.slice(0, 3).map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.message}')`);
  throw new RecordsError(
    RecordsErrorCode.INVALID_RECORD,
    `One or more records have been rejected due to ${problems.total} record errors in total, and only showing the first three errors at most: [${shown.join(', ')}]`,
    { recordErrors: errors },
  );
}

/** Kafka's setMaxTimestamp for CreateTime: rewrite maxTimestamp and the CRC only when they differ. */
function setMaxTimestamp(buf: Buffer, b: BatchPosition, maxTimestamp: bigint): void {
  if (b.header.maxTimestamp === maxTimestamp) return;
  buf.writeBigInt64BE(maxTimestamp, b.position + MAX_TIMESTAMP_OFFSET);
  const crc = computeBatchCrc(buf, b.position, b.size);
  buf.writeUInt32BE(crc, b.position + CRC_OFFSET);
  b.header.maxTimestamp = maxTimestamp;
  b.header.crc = crc;
}

/**
 * Validates a Produce request's records for one partition as leader (see the header).
 * Throws RecordsError; returns the batches (headers possibly patched) and the record count.
 */
export function validateRecordsAsLeader(input: Buffer, options: LogValidatorOptions): ValidatedRecords {
  const c = options.config;
  // Message format v0/v1 (Produce v0-2 clients): converted to magic 2 first, as Kafka 3.x does.
  const records = magicOf(input) < CURRENT_MAGIC ? upConvertToBatch(readLegacyMessageSet(input, c.maxMessageBytes)) : input;
  const { batches } = validateRecordBatches(records);
  const tp = options.topicPartition;
  for (const b of batches) validateBatchHeader(b, c, tp);
  const createTime = c.messageTimestampType === 'CreateTime';
  const rules: BatchRules = {
    topicPartition: tp,
    compacted: c.cleanupPolicy.compact,
    checkTimestampBounds: createTime && (c.messageTimestampBeforeMaxMs < Number.MAX_SAFE_INTEGER || c.messageTimestampAfterMaxMs < Number.MAX_SAFE_INTEGER),
    beforeMaxMs: c.messageTimestampBeforeMaxMs,
    afterMaxMs: c.messageTimestampAfterMaxMs,
    nowMs: options.nowMs,
  };
  let recordCount = 0;
  try {
    for (const b of batches) {
      const h = b.header;
      const codec = compressionOf(h.attributes);
      let end = b.position + b.size;
      if (codec === CompressionType.None) {
        cursor.buf = records;
        cursor.pos = b.position + BATCH_HEADER_SIZE;
      } else {
        const limit = c.maxMessageBytes - BATCH_HEADER_SIZE;
        try {
          cursor.buf = decompressBounded(codec, records.subarray(b.position + BATCH_HEADER_SIZE, end), Math.max(0, limit));
        } catch (error) {
          if (!(error instanceof DecompressedTooLarge)) throw error;
          throw new RecordsError(
            RecordsErrorCode.MESSAGE_TOO_LARGE,
            `The record batch at position ${b.position} decompresses to more than max.message.bytes ${c.maxMessageBytes} of ${tp} (${b.size} bytes compressed)`,
          );
        }
        cursor.pos = 0;
        end = cursor.buf.length;
      }
      const problems: Problems = { errors: [], total: 0, timestamp: false };
      const maxDelta = walkRecords(end, h, recordCount, rules, problems);
      if (problems.total > 0) throwProblems(problems);
      if (createTime && !isLogAppendTime(h.attributes)) {
        setMaxTimestamp(records, b, h.baseTimestamp + BigInt(maxDelta));
      }
      recordCount += h.recordCount;
    }
  } finally {
    cursor.buf = EMPTY;
  }
  return { records, batches, recordCount };
}

function compressionFromConfig(c: LogConfig['compressionType']): CompressionType | undefined {
  switch (c) {
    case 'producer':
      return undefined;
    case 'uncompressed':
      return CompressionType.None;
    case 'gzip':
      return CompressionType.Gzip;
    case 'snappy':
      return CompressionType.Snappy;
    case 'lz4':
      return CompressionType.Lz4;
    case 'zstd':
      return CompressionType.Zstd;
  }
}

/**
 * Topic-level compression.type other than "producer": re-compresses the validated batches
 * whose codec differs (Kafka's LogValidator does the same). Returns the input untouched
 * when nothing differs; throws MESSAGE_TOO_LARGE when a re-compressed batch exceeds
 * max.message.bytes.
 */
export function applyTopicCompression(
  records: Buffer,
  batches: BatchPosition[],
  config: Pick<LogConfig, 'compressionType' | 'maxMessageBytes'>,
): { records: Buffer; batches: BatchPosition[] } {
  const target = compressionFromConfig(config.compressionType);
  if (target === undefined || !batches.some((b) => compressionOf(b.header.attributes) !== target)) return { records, batches };
  const out: Buffer[] = [];
  for (const b of batches) {
    if (compressionOf(b.header.attributes) === target) {
      out.push(records.subarray(b.position, b.position + b.size));
      continue;
    }
    const { header, records: decoded } = decodeRecordBatch(records, b.position);
    out.push(
      buildRecordBatch(
        decoded.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: r.offsetDelta })),
        {
          compression: target,
          producerId: header.producerId,
          producerEpoch: header.producerEpoch,
          baseSequence: header.baseSequence,
          transactional: isTransactional(header.attributes),
          baseTimestamp: header.baseTimestamp,
          maxTimestamp: header.maxTimestamp,
          lastOffsetDelta: header.lastOffsetDelta,
        },
      ),
    );
  }
  const recompressed = Buffer.concat(out);
  const recompressedBatches = validateRecordBatches(recompressed, { verifyCrc: false }).batches;
  for (const b of recompressedBatches) {
    if (b.size > config.maxMessageBytes) throw new RecordsError(RecordsErrorCode.MESSAGE_TOO_LARGE, `The record batch is ${b.size} bytes after re-compression, larger than max.message.bytes ${config.maxMessageBytes}`);
  }
  return { records: recompressed, batches: recompressedBatches };
}

export interface AssignedOffsets {
  lastOffset: bigint;
  maxTimestamp: bigint;
  offsetOfMaxTimestamp: bigint;
}

/**
 * Assigns consecutive offsets from `firstOffset`, the leader epoch and (under LogAppendTime)
 * the append time to validated batches, in place in `records` and in their headers.
 */
export function assignOffsetsAsLeader(records: Buffer, batches: readonly BatchPosition[], firstOffset: bigint, leaderEpoch: number, logAppendTimeMs: bigint | undefined): AssignedOffsets {
  let nextOffset = firstOffset;
  let maxTimestamp = NO_TIMESTAMP;
  let offsetOfMaxTimestamp = firstOffset;
  for (const b of batches) {
    assignOffsets(records, b, nextOffset, leaderEpoch, logAppendTimeMs);
    const last = nextOffset + BigInt(b.header.lastOffsetDelta);
    if (b.header.maxTimestamp > maxTimestamp) {
      maxTimestamp = b.header.maxTimestamp;
      offsetOfMaxTimestamp = last;
    }
    nextOffset = last + 1n;
  }
  return { lastOffset: nextOffset - 1n, maxTimestamp, offsetOfMaxTimestamp };
}

export interface FollowerBatches extends AssignedOffsets {
  firstOffset: bigint;
  recordCount: number;
}

/**
 * Checks that batches fetched from the leader (offsets already assigned, at least one)
 * continue from `logEndOffset` (gaps allowed, as after compaction) and sums them up.
 */
export function analyzeFollowerBatches(batches: readonly BatchPosition[], logEndOffset: bigint, topicPartition: string): FollowerBatches {
  let expected = logEndOffset;
  let recordCount = 0;
  let maxTimestamp = NO_TIMESTAMP;
  let offsetOfMaxTimestamp = expected;
  for (const b of batches) {
    if (b.header.baseOffset < expected) {
      throw new RecordsError(RecordsErrorCode.UNKNOWN_SERVER_ERROR, `Unexpected append offset in ${topicPartition}: batch base offset ${b.header.baseOffset} is below the expected next offset ${expected}`);
    }
    const last = b.header.baseOffset + BigInt(b.header.lastOffsetDelta);
    if (b.header.maxTimestamp > maxTimestamp) {
      maxTimestamp = b.header.maxTimestamp;
      offsetOfMaxTimestamp = last;
    }
    recordCount += b.header.recordCount;
    expected = last + 1n;
  }
  return { firstOffset: batches[0]!.header.baseOffset, lastOffset: expected - 1n, maxTimestamp, offsetOfMaxTimestamp, recordCount };
}
