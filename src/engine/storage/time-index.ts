// Time index of one segment (`.timeindex`): 12-byte entries of (int64 timestamp, int32 offset
// relative to the base offset), appended only when the segment's max timestamp so far grows,
// at the same points as offset index entries and once more when the segment becomes inactive
// or is closed (so the last entry carries the segment's largest timestamp). Kept in memory and
// written to the file in runs, like OffsetIndex (see there for why a crash loses nothing).
// Owned by one LogSegment; single-threaded.
import { closeSync, existsSync, fdatasyncSync, ftruncateSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { PRIVATE_FILE_MODE } from '../common/private-files.js';
import { StreamctlError } from '../common/errors.js';

export const TIME_INDEX_ENTRY_SIZE = 12;
/** Pending entries written in one go (6 KiB). */
const WRITE_BATCH_ENTRIES = 512;

export class TimeIndex {
  #path: string;
  readonly baseOffset: bigint;
  readonly #maxEntries: number;
  #fd: number;
  #timestamps: bigint[] = [];
  #relOffsets: number[] = [];
  #fileLength = 0;

  private constructor(path: string, baseOffset: bigint, maxIndexSize: number, fd: number) {
    this.#path = path;
    this.baseOffset = baseOffset;
    this.#maxEntries = Math.max(1, Math.floor(maxIndexSize / TIME_INDEX_ENTRY_SIZE));
    this.#fd = fd;
  }

  static open(path: string, baseOffset: bigint, maxIndexSize: number): TimeIndex {
    const existed = existsSync(path);
    const fd = openSync(path, existed ? 'r+' : 'w+', PRIVATE_FILE_MODE);
    const index = new TimeIndex(path, baseOffset, maxIndexSize, fd);
    if (existed) {
      const data = readFileSync(path);
      const n = Math.floor(data.length / TIME_INDEX_ENTRY_SIZE);
      for (let i = 0; i < n; i++) {
        index.#timestamps.push(data.readBigInt64BE(i * TIME_INDEX_ENTRY_SIZE));
        index.#relOffsets.push(data.readInt32BE(i * TIME_INDEX_ENTRY_SIZE + 8));
      }
      index.#fileLength = data.length;
    }
    return index;
  }

  get path(): string {
    return this.#path;
  }
  get entries(): number {
    return this.#timestamps.length;
  }
  get isFull(): boolean {
    return this.#timestamps.length >= this.#maxEntries;
  }
  get sizeInBytes(): number {
    return this.#timestamps.length * TIME_INDEX_ENTRY_SIZE;
  }
  /** The last entry, or undefined when empty. */
  get lastEntry(): { timestamp: bigint; offset: bigint } | undefined {
    const n = this.#timestamps.length;
    return n === 0 ? undefined : { timestamp: this.#timestamps[n - 1]!, offset: this.baseOffset + BigInt(this.#relOffsets[n - 1]!) };
  }

  /** Throws STORAGE on a partial entry, decreasing timestamps/offsets or offsets below base. */
  sanityCheck(): void {
    const fail = (why: string) => new StreamctlError('STORAGE', `Corrupt time index found, time index file (${this.#path}) ${why}`);
    if (this.#fileLength % TIME_INDEX_ENTRY_SIZE !== 0) throw fail(`has size ${this.#fileLength}, not a multiple of ${TIME_INDEX_ENTRY_SIZE}`);
    for (let i = 0; i < this.#timestamps.length; i++) {
      if (this.#relOffsets[i]! < 0) throw fail(`has a negative relative offset at entry ${i}`);
      if (i > 0 && (this.#timestamps[i]! < this.#timestamps[i - 1]! || this.#relOffsets[i]! < this.#relOffsets[i - 1]!)) throw fail(`has a decreasing entry ${i}`);
    }
  }

  /** Appends (timestamp, offset) if timestamp is larger than the last entry's. */
  maybeAppend(timestamp: bigint, offset: bigint): void {
    const n = this.#timestamps.length;
    if (n > 0 && timestamp <= this.#timestamps[n - 1]!) return;
    const rel = Number(offset - this.baseOffset);
    if (n > 0 && rel < this.#relOffsets[n - 1]!) return;
    this.#timestamps.push(timestamp);
    this.#relOffsets.push(rel);
    if (this.#timestamps.length - this.#fileLength / TIME_INDEX_ENTRY_SIZE >= WRITE_BATCH_ENTRIES) this.writePending();
  }

  /** Writes the entries made since the last write to the file (one system call). */
  writePending(): void {
    const from = this.#fileLength / TIME_INDEX_ENTRY_SIZE;
    const n = this.#timestamps.length;
    if (from >= n || this.#fd < 0) return;
    const buf = Buffer.allocUnsafe((n - from) * TIME_INDEX_ENTRY_SIZE);
    for (let i = from; i < n; i++) {
      buf.writeBigInt64BE(this.#timestamps[i]!, (i - from) * TIME_INDEX_ENTRY_SIZE);
      buf.writeInt32BE(this.#relOffsets[i]!, (i - from) * TIME_INDEX_ENTRY_SIZE + 8);
    }
    writeSync(this.#fd, buf, 0, buf.length, this.#fileLength);
    this.#fileLength += buf.length;
  }

  /** Largest entry with timestamp <= target, or (-1, baseOffset). */
  lookup(target: bigint): { timestamp: bigint; offset: bigint } {
    let lo = 0;
    let hi = this.#timestamps.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#timestamps[mid]! <= target) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? { timestamp: -1n, offset: this.baseOffset } : { timestamp: this.#timestamps[found]!, offset: this.baseOffset + BigInt(this.#relOffsets[found]!) };
  }

  /** Removes entries with offset >= `offset`. */
  truncateTo(offset: bigint): void {
    let n = this.#timestamps.length;
    while (n > 0 && this.baseOffset + BigInt(this.#relOffsets[n - 1]!) >= offset) n--;
    this.#timestamps.length = n;
    this.#relOffsets.length = n;
    // Entries not written yet just go; the file shrinks only if it held removed ones.
    if (n * TIME_INDEX_ENTRY_SIZE < this.#fileLength) {
      this.#fileLength = n * TIME_INDEX_ENTRY_SIZE;
      ftruncateSync(this.#fd, this.#fileLength);
    }
  }

  reset(): void {
    this.truncateTo(this.baseOffset - 1n);
  }

  flush(): void {
    this.writePending();
    fdatasyncSync(this.#fd);
  }

  get fd(): number {
    return this.#fd;
  }

  renameTo(path: string): void {
    renameSync(this.#path, path);
    this.#path = path;
  }

  /** Closes the file; entries not written yet are lost, as in a crash (LogSegment.close writes them first). */
  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
  }

  delete(): void {
    this.close();
    if (existsSync(this.#path)) unlinkSync(this.#path);
  }
}
