// The native codec addons (snappy, lz4, zstd, crc32), loaded on first use rather than at
// import: each maps 5-12 MB into every process that imports it, and most processes (the
// controller, nimbus, a broker that never sees a compressed batch) never call them.
import { createRequire } from 'node:module';

type Snappy = typeof import('snappy');
type Lz4 = typeof import('lz4-napi');
type Zstd = typeof import('zstd-napi');
type Crc32 = typeof import('@node-rs/crc32');
export type ZstdBinding = typeof import('zstd-napi/binding.js');

const load = createRequire(import.meta.url);
let snappyModule: Snappy | undefined;
let lz4Module: Lz4 | undefined;
let zstdModule: Zstd | undefined;
let crcModule: Crc32 | undefined;
let zstdBindingModule: ZstdBinding | undefined;

export function snappy(): Snappy {
  return (snappyModule ??= load('snappy') as Snappy);
}

export function lz4(): Lz4 {
  return (lz4Module ??= load('lz4-napi') as Lz4);
}

export function zstd(): Zstd {
  return (zstdModule ??= load('zstd-napi') as Zstd);
}

export function crc32Native(): Crc32 {
  return (crcModule ??= load('@node-rs/crc32') as Crc32);
}

/** zstd-napi's low-level binding (streaming contexts with a window limit). */
export function zstdBinding(): ZstdBinding {
  return (zstdBindingModule ??= load('zstd-napi/binding.js') as ZstdBinding);
}
