// Hand-made record batches with a valid CRC but whatever contents a test needs: records
// encoded field by field (so lengths, deltas, keys and headers can lie), any attributes and
// record count, and compression bombs built by streaming (never holding their decompressed
// size in memory). Shared by the log-validator unit tests and the broker-level test.
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import zstd from 'zstd-napi/binding.js';
import { BATCH_HEADER_SIZE, CRC_OFFSET, CURRENT_MAGIC, LOG_OVERHEAD, computeBatchCrc } from '../../src/engine/protocol/records/record-batch.js';
import { varintSize, varlongSize, writeVarint, writeVarlong } from '../../src/engine/protocol/records/varint.js';

export interface CraftedRecord {
  key?: Buffer | null;
  value?: Buffer | null;
  offsetDelta?: number;
  timestampDelta?: bigint;
  headers?: [Buffer, Buffer | null][];
  /** Raw header count to write instead of headers.length (e.g. negative). */
  headerCount?: number;
  /** Added to the true body length in the length prefix. */
  lengthError?: number;
}

function bytesField(out: number[], data: Buffer | null): void {
  varint(out, data === null ? -1 : data.length);
  if (data) out.push(...data);
}

function varint(out: number[], value: number): void {
  const b = Buffer.alloc(varintSize(value));
  writeVarint(b, 0, value);
  out.push(...b);
}

/** One record, length prefix included, written field by field. */
export function craftRecord(r: CraftedRecord, index = 0): Buffer {
  const body: number[] = [0];
  const ts = Buffer.alloc(varlongSize(r.timestampDelta ?? 0n));
  writeVarlong(ts, 0, r.timestampDelta ?? 0n);
  body.push(...ts);
  varint(body, r.offsetDelta ?? index);
  bytesField(body, r.key === undefined ? Buffer.from(`k${index}`) : r.key);
  bytesField(body, r.value === undefined ? Buffer.from(`v${index}`) : r.value);
  const headers = r.headers ?? [];
  varint(body, r.headerCount ?? headers.length);
  for (const [k, v] of headers) {
    bytesField(body, k);
    bytesField(body, v);
  }
  const prefix: number[] = [];
  varint(prefix, body.length + (r.lengthError ?? 0));
  return Buffer.from([...prefix, ...body]);
}

/** `n` well-formed records (keys k<i>, values v<i>). */
export function craftRecords(n: number, each: (i: number) => CraftedRecord = () => ({})): Buffer {
  return Buffer.concat(Array.from({ length: n }, (_, i) => craftRecord(each(i), i)));
}

export interface CraftedBatchOptions {
  attributes?: number;
  recordCount: number;
  /** Default recordCount - 1. */
  lastOffsetDelta?: number;
  baseTimestamp?: bigint;
  maxTimestamp?: bigint;
  producerId?: bigint;
  baseSequence?: number;
}

/** A magic-2 batch around `body` (the records section as it should be stored), with a correct CRC. */
export function craftBatch(body: Buffer, o: CraftedBatchOptions): Buffer {
  const size = BATCH_HEADER_SIZE + body.length;
  const buf = Buffer.alloc(size);
  buf.writeBigInt64BE(0n, 0);
  buf.writeInt32BE(size - LOG_OVERHEAD, 8);
  buf.writeInt32BE(-1, 12);
  buf.writeInt8(CURRENT_MAGIC, 16);
  buf.writeInt16BE(o.attributes ?? 0, 21);
  buf.writeInt32BE(o.lastOffsetDelta ?? o.recordCount - 1, 23);
  buf.writeBigInt64BE(o.baseTimestamp ?? 1_700_000_000_000n, 27);
  buf.writeBigInt64BE(o.maxTimestamp ?? o.baseTimestamp ?? 1_700_000_000_000n, 35);
  buf.writeBigInt64BE(o.producerId ?? -1n, 43);
  buf.writeInt16BE(-1, 51);
  buf.writeInt32BE(o.baseSequence ?? -1, 53);
  buf.writeInt32BE(o.recordCount, 57);
  body.copy(buf, BATCH_HEADER_SIZE);
  buf.writeUInt32BE(computeBatchCrc(buf, 0, size), CRC_OFFSET);
  return buf;
}

const MIB = 1024 * 1024;

/** gzip of `mib` MiB of zeros, compressed 1 MiB at a time. */
export async function gzipBomb(mib: number): Promise<Buffer> {
  const gz = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gz.on('data', (d: Buffer) => out.push(d));
  const zeros = Buffer.alloc(MIB);
  for (let i = 0; i < mib; i++) {
    if (!gz.write(zeros)) await once(gz, 'drain');
  }
  gz.end();
  await once(gz, 'end');
  return Buffer.concat(out);
}

/** A zstd frame of `mib` MiB of zeros (no content size declared), compressed 1 MiB at a time. */
export function zstdBomb(mib: number): Buffer {
  const cctx = new zstd.CCtx();
  const zeros = Buffer.alloc(MIB);
  const out: Buffer[] = [];
  const dst = Buffer.alloc(zstd.cStreamOutSize());
  for (let i = 0; i < mib; i++) {
    const last = i === mib - 1;
    let src = zeros;
    for (;;) {
      const [remaining, produced, consumed] = cctx.compressStream2(dst, src, last ? zstd.EndDirective.end : zstd.EndDirective.continue);
      out.push(Buffer.from(dst.subarray(0, produced)));
      src = src.subarray(consumed);
      if (last ? remaining === 0 : src.length === 0) break;
    }
  }
  return Buffer.concat(out);
}
