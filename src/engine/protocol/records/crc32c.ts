// CRC-32C (Castagnoli), as used by the magic-2 RecordBatch. Thin wrapper over the native
// @node-rs/crc32 implementation (hardware accelerated). Pure function, no shared state.
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/** CRC-32C of `data` as an unsigned 32-bit number; `initial` continues a previous CRC. */
export function crc32c(data: Uint8Array, initial?: number): number {
  return nativeCrc32c(data, initial) >>> 0;
}
