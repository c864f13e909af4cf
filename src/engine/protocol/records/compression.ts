// Compression codecs of magic-2 batches: gzip (zlib), snappy (xerial-framed like the Java
// client on write; xerial or raw block on read, as librdkafka/kafkajs may send either), lz4
// (LZ4 frame format, as KafkaLZ4BlockOutputStream/librdkafka), zstd. Synchronous; used only
// off the broker's hot path (coordinator, cleaner, tests). No shared mutable state.
import { gunzipSync, gzipSync } from 'node:zlib';
import { lz4, snappy, zstd } from './native-codecs.js';
import { CompressionType } from './record-batch.js';
import { RecordsError, RecordsErrorCode } from './records-error.js';

/** xerial snappy-java stream header: magic (8), version (4), compatible version (4). */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_BLOCK_SIZE = 32 * 1024;

export function isXerialSnappy(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.subarray(0, 8).equals(XERIAL_MAGIC);
}

function xerialCompress(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  parts.push(header);
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_SIZE) {
    const block = snappy().compressSync(data.subarray(pos, Math.min(pos + XERIAL_BLOCK_SIZE, data.length)));
    const len = Buffer.alloc(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

function xerialDecompress(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new RangeError('xerial snappy block length truncated');
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > data.length) throw new RangeError('xerial snappy block truncated');
    parts.push(snappy().uncompressSync(data.subarray(pos, pos + len)) as Buffer);
    pos += len;
  }
  return Buffer.concat(parts);
}

export function compress(type: CompressionType, data: Buffer): Buffer {
  switch (type) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      return gzipSync(data);
    case CompressionType.Snappy:
      return xerialCompress(data);
    case CompressionType.Lz4:
      return lz4().compressFrameSync(data);
    case CompressionType.Zstd:
      return zstd().compress(data);
    default:
      throw new RecordsError(RecordsErrorCode.CORRUPT_MESSAGE, `Unknown compression type ${type as number}`);
  }
}

/** Decompresses a batch's records section; bad input is CORRUPT_MESSAGE. */
export function decompress(type: CompressionType, data: Buffer): Buffer {
  try {
    switch (type) {
      case CompressionType.None:
        return data;
      case CompressionType.Gzip:
        return gunzipSync(data);
      case CompressionType.Snappy:
        return isXerialSnappy(data) ? xerialDecompress(data) : (snappy().uncompressSync(data) as Buffer);
      case CompressionType.Lz4:
        return lz4().decompressFrameSync(data);
      case CompressionType.Zstd:
        return zstd().decompress(data);
      default:
        throw new Error(`unknown compression type ${type as number}`);
    }
  } catch (error) {
    if (error instanceof RecordsError) throw error;
    throw new RecordsError(RecordsErrorCode.CORRUPT_MESSAGE, `Cannot decompress records (${COMPRESSION_LABELS[type] ?? type}): ${(error as Error).message}`, { cause: error });
  }
}

const COMPRESSION_LABELS: Record<number, string> = { 0: 'none', 1: 'gzip', 2: 'snappy', 3: 'lz4', 4: 'zstd' };
