// Gives @platformatic/kafka zstd on Node versions whose node:zlib lacks it (Node 20): the
// library keeps its codecs in one exported table, so we fill the zstd entry with zstd-napi
// (native, installed) once per process. Idempotent; call before producing or consuming.
// zstd-napi is loaded on first use, not imported: a bundle of a topology exported for Apache
// Storm (topology export) leaves native addons out and must still load.
import { compressionsAlgorithms } from '@platformatic/kafka';
import { createRequire } from 'node:module';

const loadNative = createRequire(import.meta.url);

let installed = false;

interface MutableCodec {
  compressSync: (data: Buffer | { buffer: Buffer }) => Buffer;
  decompressSync: (data: Buffer | { buffer: Buffer }) => Buffer;
  available: boolean;
}

function asBuffer(data: Buffer | { buffer: Buffer }): Buffer {
  return Buffer.isBuffer(data) ? data : data.buffer;
}

/** Ensures zstd compression works in the Kafka client; returns true when zstd is usable. */
export function ensureZstdSupport(): boolean {
  const codec = compressionsAlgorithms.zstd as unknown as MutableCodec;
  if (codec.available && installed) return true;
  if (codec.available) {
    installed = true;
    return true;
  }
  let zstd: typeof import('zstd-napi');
  try {
    zstd = loadNative('zstd-napi') as typeof import('zstd-napi');
  } catch {
    return false;
  }
  codec.compressSync = (data) => zstd.compress(asBuffer(data));
  codec.decompressSync = (data) => zstd.decompress(asBuffer(data));
  codec.available = true;
  installed = true;
  return true;
}
