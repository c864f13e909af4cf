// Decompression of a batch's records section with a hard output limit, for validating
// untrusted produce data: a gzip/zstd bomb is stopped by streaming decompression once the
// output passes the limit (never allocating much more than the limit); snappy and lz4 are
// checked against the sizes their framing declares before any decompression runs. Throws
// DecompressedTooLarge when the limit is passed, RecordsError(CORRUPT_MESSAGE) when the
// payload is not valid for its codec. Synchronous, pure; no shared mutable state.
import { gunzipSync } from 'node:zlib';
import { lz4, snappy, zstdBinding, type ZstdBinding } from './native-codecs.js';
import { isXerialSnappy } from './compression.js';
import { COMPRESSION_NAMES, CompressionType } from './record-batch.js';
import { RecordsError, RecordsErrorCode } from './records-error.js';

/** The decompressed output would pass `limit` bytes. */
export class DecompressedTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`decompressed size exceeds ${limit} bytes`);
    this.name = 'DecompressedTooLarge';
  }
}

/** Largest zstd window accepted (16 MiB): what zstd allocates is bounded by it, not by the data. */
const ZSTD_WINDOW_LOG_MAX = 24;
const ZSTD_OUT_CHUNK = 64 * 1024;

class Corrupt extends Error {}

/** Decompresses `data` (codec `type`, 1-4) into at most `limit` bytes. */
export function decompressBounded(type: CompressionType, data: Buffer, limit: number): Buffer {
  let out: Buffer;
  try {
    switch (type) {
      case CompressionType.Gzip:
        out = gunzipBounded(data, limit);
        break;
      case CompressionType.Snappy:
        out = snappyBounded(data, limit);
        break;
      case CompressionType.Lz4:
        out = lz4Bounded(data, limit);
        break;
      case CompressionType.Zstd:
        out = zstdBounded(data, limit);
        break;
      default:
        throw new Corrupt(`unknown compression type ${type as number}`);
    }
  } catch (error) {
    if (error instanceof DecompressedTooLarge) throw error;
    throw new RecordsError(RecordsErrorCode.CORRUPT_MESSAGE, `Cannot decompress records (${COMPRESSION_NAMES[type] ?? type}): ${(error as Error).message}`, { cause: error });
  }
  if (out.length > limit) throw new DecompressedTooLarge(limit);
  return out;
}

function gunzipBounded(data: Buffer, limit: number): Buffer {
  try {
    // zlib inflates chunk by chunk and stops as soon as the output passes maxOutputLength.
    return gunzipSync(data, { maxOutputLength: Math.max(1, limit) });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new DecompressedTooLarge(limit);
    throw error;
  }
}

/** Unsigned LEB128 varint (snappy's length preamble). */
function readUvarint(buf: Buffer, pos: number, end: number): { value: number; next: number } {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= end) throw new Corrupt('snappy length preamble truncated');
    const b = buf[pos++]!;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return { value, next: pos };
  }
  throw new Corrupt('snappy length preamble is longer than 5 bytes');
}

function snappyBounded(data: Buffer, limit: number): Buffer {
  if (!isXerialSnappy(data)) {
    if (readUvarint(data, 0, data.length).value > limit) throw new DecompressedTooLarge(limit);
    return snappy().uncompressSync(data) as Buffer;
  }
  // xerial framing: 16-byte header, then [int32 length][raw snappy block]...; sum the blocks' declared sizes first.
  const blocks: Buffer[] = [];
  let declared = 0;
  for (let pos = 16; pos < data.length; ) {
    if (pos + 4 > data.length) throw new Corrupt('xerial snappy block length truncated');
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > data.length) throw new Corrupt('xerial snappy block truncated');
    const block = data.subarray(pos, pos + len);
    declared += readUvarint(block, 0, block.length).value;
    if (declared > limit) throw new DecompressedTooLarge(limit);
    blocks.push(block);
    pos += len;
  }
  return Buffer.concat(blocks.map((b) => snappy().uncompressSync(b) as Buffer));
}

const LZ4_MAGIC = 0x184d2204;
const LZ4_BLOCK_MAX_SIZES: Record<number, number> = { 4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024 };

/**
 * Walks the LZ4 frames' descriptors and block headers (no decompression) and returns an
 * upper bound of the decompressed size: a compressed block yields at most the frame's
 * block maximum, a stored block exactly its size. A declared content size is checked too.
 */
function lz4UpperBound(data: Buffer, limit: number): number {
  let bound = 0;
  let pos = 0;
  while (pos < data.length) {
    if (pos + 7 > data.length) throw new Corrupt('LZ4 frame header truncated');
    const magic = data.readUInt32LE(pos);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      pos += 8 + data.readUInt32LE(pos + 4); // skippable frame
      continue;
    }
    if (magic !== LZ4_MAGIC) throw new Corrupt(`bad LZ4 frame magic 0x${magic.toString(16)}`);
    const flg = data[pos + 4]!;
    const bd = data[pos + 5]!;
    if (flg >> 6 !== 1) throw new Corrupt(`unsupported LZ4 frame version ${flg >> 6}`);
    const blockMax = LZ4_BLOCK_MAX_SIZES[(bd >> 4) & 0x07];
    if (blockMax === undefined) throw new Corrupt(`bad LZ4 block maximum size id ${(bd >> 4) & 0x07}`);
    const blockChecksum = (flg & 0x10) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    pos += 6;
    if (flg & 0x08) {
      if (pos + 8 > data.length) throw new Corrupt('LZ4 content size truncated');
      if (Number(data.readBigUInt64LE(pos)) > limit) throw new DecompressedTooLarge(limit);
      pos += 8;
    }
    if (flg & 0x01) pos += 4; // dictionary id
    pos += 1; // header checksum
    for (;;) {
      if (pos + 4 > data.length) throw new Corrupt('LZ4 block header truncated');
      const word = data.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break; // end mark
      const stored = (word & 0x80000000) !== 0;
      const size = word & 0x7fffffff;
      if (size > blockMax) throw new Corrupt(`LZ4 block of ${size} bytes is larger than the frame's block maximum ${blockMax}`);
      bound += stored ? size : blockMax;
      pos += size + (blockChecksum ? 4 : 0);
      if (pos > data.length) throw new Corrupt('LZ4 block truncated');
    }
    if (contentChecksum) pos += 4;
    if (pos > data.length) throw new Corrupt('LZ4 content checksum truncated');
  }
  return bound;
}

function lz4Bounded(data: Buffer, limit: number): Buffer {
  const bound = lz4UpperBound(data, limit);
  // Encoders fill every block but the last, so the bound passes the real size by at most one
  // block (<= 4 MiB): decompressing then is safe, and the real size is checked afterwards.
  const lastBlockSlack = 4 * 1024 * 1024;
  if (bound > limit + lastBlockSlack) throw new DecompressedTooLarge(limit);
  return lz4().decompressFrameSync(data);
}

let zstdContext: InstanceType<ZstdBinding['DCtx']> | undefined;

/** One decompression context for the process (contexts are large to create); reset per use. */
function zstdDctx(): InstanceType<ZstdBinding['DCtx']> {
  const zstd = zstdBinding();
  if (!zstdContext) {
    zstdContext = new zstd.DCtx();
    zstdContext.setParameter(zstd.DParameter.windowLogMax, ZSTD_WINDOW_LOG_MAX);
  }
  zstdContext.reset(zstd.ResetDirective.sessionOnly);
  return zstdContext;
}

function zstdBounded(data: Buffer, limit: number): Buffer {
  const dctx = zstdDctx();
  // A declared content size is only a hint for the first chunk; the output is bounded by counting.
  let declared: number | null = null;
  try {
    declared = zstdBinding().getFrameContentSize(data);
  } catch {
    // not a valid frame header: decompressStream below reports it
  }
  if (declared !== null && declared > limit) throw new DecompressedTooLarge(limit);
  const chunks: Buffer[] = [];
  let total = 0;
  let src = data;
  let chunkSize = declared !== null && declared > 0 ? declared : ZSTD_OUT_CHUNK;
  for (;;) {
    const out = Buffer.allocUnsafe(chunkSize);
    chunkSize = ZSTD_OUT_CHUNK;
    const [remaining, produced, consumed] = dctx.decompressStream(out, src);
    src = src.subarray(consumed);
    if (produced > 0) {
      total += produced;
      if (total > limit) throw new DecompressedTooLarge(limit);
      chunks.push(out.subarray(0, produced));
    }
    if (remaining === 0 && src.length === 0) break;
    if (produced === 0 && consumed === 0) throw new Corrupt('zstd frame truncated');
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}
