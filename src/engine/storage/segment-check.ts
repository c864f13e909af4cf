// Integrity checks of segment files without changing them. checkSegmentTail is the cheap
// check a cleanly shut down log gets at load (Kafka trusts such a log entirely; garbage
// appended after the clean stop would otherwise be served and appended after): walk the
// batch headers from the last offset-index entry, verify the last batch's magic and CRC and
// that the file ends exactly where it ends. verifySegmentFiles is the deep check behind
// `streamctl log verify` (kafka-dump-log's deep iteration and index verification): every
// batch's length, magic, CRC and offsets, and every offset- and time-index entry. Both read
// only; synchronous.
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { BATCH_HEADER_SIZE, BATCH_LENGTH_OFFSET, CRC_OFFSET, CURRENT_MAGIC, LOG_OVERHEAD, MAGIC_OFFSET, computeBatchCrc, readBatchHeader } from '../protocol/records/record-batch.js';
import { StreamctlError, isStreamctlError } from '../common/errors.js';
import type { LogSegment } from './log-segment.js';
import { OFFSET_INDEX_ENTRY_SIZE } from './offset-index.js';
import { TIME_INDEX_ENTRY_SIZE } from './time-index.js';

/** A problem found in one segment file. */
export interface SegmentProblem {
  file: string;
  /** Byte position in the file, where it applies. */
  position?: number;
  problem: string;
}

/** Undefined when the segment ends with a whole, valid batch (or is empty); else what is wrong. */
export function checkSegmentTail(segment: LogSegment): string | undefined {
  const size = segment.size;
  let last: { position: number; size: number } | undefined;
  segment.log.scanBatches(segment.offsetIndex.lastPosition, (b) => {
    last = { position: b.position, size: b.size };
    return true;
  });
  const end = last ? last.position + last.size : segment.offsetIndex.lastPosition;
  if (!last) return size > end ? `${size - end} bytes where a batch should start at position ${end}` : undefined;
  const bytes = segment.log.read(last.position, last.size);
  if (bytes.length < last.size) return `the last batch at position ${last.position} is cut short`;
  if (bytes.readInt8(MAGIC_OFFSET) !== CURRENT_MAGIC) return `the last batch at position ${last.position} has magic ${bytes.readInt8(MAGIC_OFFSET)}`;
  if (computeBatchCrc(bytes, 0, last.size) !== bytes.readUInt32BE(CRC_OFFSET)) return `the last batch at position ${last.position} fails its CRC check`;
  if (end !== size) return `${size - end} bytes after the last batch (which ends at position ${end})`;
  return undefined;
}

const KAFKA_STORAGE_ERROR = 56;

/** A batch read from a segment failed its CRC check: the replica's data is damaged. */
export class CorruptLogError extends StreamctlError {
  readonly corruptLog = true;
}

export function isCorruptLogError(error: unknown): error is CorruptLogError {
  return isStreamctlError(error, 'STORAGE') && (error as Partial<CorruptLogError>).corruptLog === true;
}

/**
 * Checks the CRC of every whole batch in `records` (stored bytes about to be served); throws
 * CorruptLogError (KAFKA_STORAGE_ERROR) naming the first bad one. Cheap: CRC-32C in native
 * code, no decoding. A trailing partial batch (cut by maxBytes) is not checked.
 */
export function verifyBatchCrcs(records: Buffer, where: string): void {
  let pos = 0;
  while (pos + BATCH_HEADER_SIZE <= records.length) {
    const size = records.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE) throw corrupt(where, pos, `invalid batch length ${size - LOG_OVERHEAD}`);
    if (pos + size > records.length) return;
    if (records.readInt8(pos + MAGIC_OFFSET) !== CURRENT_MAGIC || computeBatchCrc(records, pos, size) !== records.readUInt32BE(pos + CRC_OFFSET)) {
      throw corrupt(where, pos, `the batch at offset ${records.readBigInt64BE(pos)} fails its CRC check`);
    }
    pos += size;
  }
}

function corrupt(where: string, pos: number, what: string): CorruptLogError {
  return new CorruptLogError('STORAGE', `Corrupt data in ${where} (byte ${pos} of the read): ${what}`, { kafkaErrorCode: KAFKA_STORAGE_ERROR });
}

const CHUNK = 1024 * 1024;

/**
 * Reads `<base>.log` batch by batch (CRC of each) and checks `<base>.index` and
 * `<base>.timeindex` against it. `logPath` ends in `.log`; `baseOffset` comes from its name.
 */
export function verifySegmentFiles(logPath: string, baseOffset: bigint): { batches: number; problems: SegmentProblem[] } {
  const problems: SegmentProblem[] = [];
  let batches = 0;
  const batchStarts = new Map<number, bigint>(); // position → last offset
  let expectedNext = baseOffset;
  const fd = openSync(logPath, 'r');
  try {
    const size = fstatSync(fd).size;
    let pos = 0;
    let buf = Buffer.allocUnsafe(CHUNK);
    while (pos < size) {
      const remaining = size - pos;
      if (remaining < LOG_OVERHEAD || remaining < BATCH_HEADER_SIZE) {
        problems.push({ file: logPath, position: pos, problem: `${remaining} trailing bytes after the last batch` });
        break;
      }
      const head = Buffer.allocUnsafe(LOG_OVERHEAD);
      readSync(fd, head, 0, LOG_OVERHEAD, pos);
      const batchSize = head.readInt32BE(BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
      if (batchSize < BATCH_HEADER_SIZE || batchSize > remaining) {
        problems.push({ file: logPath, position: pos, problem: `invalid batch length ${batchSize - LOG_OVERHEAD} with ${remaining} bytes left; the rest of the file (${remaining} bytes) is unreadable` });
        break;
      }
      if (buf.length < batchSize) buf = Buffer.allocUnsafe(batchSize);
      readSync(fd, buf, 0, batchSize, pos);
      const header = readBatchHeader(buf, 0);
      if (header.magic !== CURRENT_MAGIC) problems.push({ file: logPath, position: pos, problem: `batch at offset ${header.baseOffset} has magic ${header.magic}` });
      else if (computeBatchCrc(buf, 0, batchSize) !== header.crc) problems.push({ file: logPath, position: pos, problem: `batch at offset ${header.baseOffset} fails its CRC check (stored ${header.crc >>> 0}, computed ${computeBatchCrc(buf, 0, batchSize) >>> 0})` });
      if (header.baseOffset < expectedNext) problems.push({ file: logPath, position: pos, problem: `batch base offset ${header.baseOffset} is below the expected ${expectedNext}` });
      const lastOffset = header.baseOffset + BigInt(header.lastOffsetDelta);
      batchStarts.set(pos, lastOffset);
      batches++;
      expectedNext = lastOffset + 1n;
      pos += batchSize;
    }
  } finally {
    closeSync(fd);
  }
  const stem = logPath.slice(0, -'.log'.length);
  problems.push(...verifyOffsetIndex(`${stem}.index`, baseOffset, batchStarts));
  problems.push(...verifyTimeIndex(`${stem}.timeindex`, baseOffset, expectedNext));
  return { batches, problems };
}

function verifyOffsetIndex(path: string, baseOffset: bigint, batchStarts: Map<number, bigint>): SegmentProblem[] {
  if (!existsSync(path)) return [];
  const data = readFileSync(path);
  const problems: SegmentProblem[] = [];
  if (data.length % OFFSET_INDEX_ENTRY_SIZE !== 0) problems.push({ file: path, problem: `size ${data.length} is not a multiple of ${OFFSET_INDEX_ENTRY_SIZE}` });
  let prev = -1n;
  for (let at = 0; at + OFFSET_INDEX_ENTRY_SIZE <= data.length; at += OFFSET_INDEX_ENTRY_SIZE) {
    const offset = baseOffset + BigInt(data.readInt32BE(at));
    const position = data.readInt32BE(at + 4);
    const entry = `entry ${at / OFFSET_INDEX_ENTRY_SIZE} (offset ${offset}, position ${position})`;
    if (offset <= prev) problems.push({ file: path, position: at, problem: `${entry}: offsets do not increase` });
    else if (!batchStarts.has(position)) problems.push({ file: path, position: at, problem: `${entry}: no batch starts at that position of the .log file` });
    else if (batchStarts.get(position) !== offset) problems.push({ file: path, position: at, problem: `${entry}: the batch there ends at offset ${batchStarts.get(position)}` });
    prev = offset;
  }
  return problems;
}

function verifyTimeIndex(path: string, baseOffset: bigint, nextOffset: bigint): SegmentProblem[] {
  if (!existsSync(path)) return [];
  const data = readFileSync(path);
  const problems: SegmentProblem[] = [];
  if (data.length % TIME_INDEX_ENTRY_SIZE !== 0) problems.push({ file: path, problem: `size ${data.length} is not a multiple of ${TIME_INDEX_ENTRY_SIZE}` });
  let prevTs = -1n;
  for (let at = 0; at + TIME_INDEX_ENTRY_SIZE <= data.length; at += TIME_INDEX_ENTRY_SIZE) {
    const ts = data.readBigInt64BE(at);
    const offset = baseOffset + BigInt(data.readInt32BE(at + 8));
    const entry = `entry ${at / TIME_INDEX_ENTRY_SIZE} (timestamp ${ts}, offset ${offset})`;
    if (ts < prevTs) problems.push({ file: path, position: at, problem: `${entry}: timestamps decrease` });
    if (offset < baseOffset || offset >= nextOffset) problems.push({ file: path, position: at, problem: `${entry}: offset outside the segment [${baseOffset}, ${nextOffset})` });
    prevTs = ts;
  }
  return problems;
}
