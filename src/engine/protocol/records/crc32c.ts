// CRC-32C (Castagnoli), as used by the magic-2 RecordBatch. Thin wrapper over the native
// @node-rs/crc32 implementation (hardware accelerated), loaded on first use. Pure function.
import { crc32Native } from './native-codecs.js';

/** CRC-32C of `data` as an unsigned 32-bit number; `initial` continues a previous CRC. */
export function crc32c(data: Uint8Array, initial?: number): number {
  return crc32Native().crc32c(data, initial) >>> 0;
}
