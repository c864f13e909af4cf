// Sparse offset index of one segment (`.index`): 8-byte entries of (int32 offset relative to
// the segment's base offset, int32 position in the .log file), appended every
// index.interval.bytes. Entries are kept in memory (Node has no mmap) and written to the file
// in runs of WRITE_BATCH_ENTRIES, when the segment is flushed, recovered or becomes inactive
// (Kafka's mmap'd index costs no system call per entry either). The file is always a prefix of
// whole entries; no preallocation, hence nothing to trim on close. Entries not yet written when
// the process dies are rebuilt by recovery: they only exist past the recovery point, and every
// segment there is re-read on an unclean start. `maxIndexSize` (segment.index.bytes) only
// decides isFull, which rolls the segment like Kafka. Owned by one LogSegment; single-threaded.
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, fdatasyncSync } from 'node:fs';
import { PRIVATE_FILE_MODE } from '../common/private-files.js';
import { StreamctlError } from '../common/errors.js';

export const OFFSET_INDEX_ENTRY_SIZE = 8;
/** Pending entries written in one go (4 KiB). */
const WRITE_BATCH_ENTRIES = 512;

export class OffsetIndex {
  #path: string;
  readonly baseOffset: bigint;
  readonly #maxEntries: number;
  #fd: number;
  #relOffsets: Int32Array;
  #positions: Int32Array;
  #count = 0;

  private constructor(path: string, baseOffset: bigint, maxIndexSize: number, fd: number) {
    this.#path = path;
    this.baseOffset = baseOffset;
    this.#maxEntries = Math.max(1, Math.floor(maxIndexSize / OFFSET_INDEX_ENTRY_SIZE));
    this.#fd = fd;
    this.#relOffsets = new Int32Array(64);
    this.#positions = new Int32Array(64);
  }

  /** Opens (or creates) an index file and loads its entries. Does not validate them: see sanityCheck. */
  static open(path: string, baseOffset: bigint, maxIndexSize: number): OffsetIndex {
    const existed = existsSync(path);
    const fd = openSync(path, existed ? 'r+' : 'w+', PRIVATE_FILE_MODE);
    const index = new OffsetIndex(path, baseOffset, maxIndexSize, fd);
    if (existed) {
      const data = readFileSync(path);
      const n = Math.floor(data.length / OFFSET_INDEX_ENTRY_SIZE);
      index.#ensureCapacity(n);
      for (let i = 0; i < n; i++) {
        index.#relOffsets[i] = data.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE);
        index.#positions[i] = data.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE + 4);
      }
      index.#count = n;
      index.#fileLength = data.length;
    }
    return index;
  }

  #fileLength = 0;

  get path(): string {
    return this.#path;
  }
  get entries(): number {
    return this.#count;
  }
  get isFull(): boolean {
    return this.#count >= this.#maxEntries;
  }
  get sizeInBytes(): number {
    return this.#count * OFFSET_INDEX_ENTRY_SIZE;
  }
  /** Offset of the last entry, or the base offset when empty. */
  get lastOffset(): bigint {
    return this.#count === 0 ? this.baseOffset : this.baseOffset + BigInt(this.#relOffsets[this.#count - 1]!);
  }
  get lastPosition(): number {
    return this.#count === 0 ? 0 : this.#positions[this.#count - 1]!;
  }

  entry(i: number): { offset: bigint; position: number } {
    return { offset: this.baseOffset + BigInt(this.#relOffsets[i]!), position: this.#positions[i]! };
  }

  /**
   * Throws STORAGE when the index cannot be trusted: partial trailing entry, offsets or
   * positions not increasing, negative values, or positions beyond `logSize`.
   */
  sanityCheck(logSize: number): void {
    const fail = (why: string) => new StreamctlError('STORAGE', `Corrupt index found, index file (${this.#path}) ${why}`);
    if (this.#fileLength % OFFSET_INDEX_ENTRY_SIZE !== 0) throw fail(`has size ${this.#fileLength}, not a multiple of ${OFFSET_INDEX_ENTRY_SIZE}`);
    let prevOff = -1;
    let prevPos = -1;
    for (let i = 0; i < this.#count; i++) {
      const o = this.#relOffsets[i]!;
      const p = this.#positions[i]!;
      if (o < 0 || p < 0 || o <= prevOff || p <= prevPos) throw fail(`has a non-increasing entry ${i} (offset ${o}, position ${p})`);
      if (p >= logSize) throw fail(`entry ${i} points at position ${p} beyond the log size ${logSize}`);
      prevOff = o;
      prevPos = p;
    }
  }

  /** Appends an entry; offsets and positions must increase. */
  append(offset: bigint, position: number): void {
    const rel = Number(offset - this.baseOffset);
    if (this.#count > 0 && (rel <= this.#relOffsets[this.#count - 1]! || position <= this.#positions[this.#count - 1]!)) {
      throw new StreamctlError('INTERNAL', `offset index ${this.#path}: entry (${offset}, ${position}) does not follow the last entry`);
    }
    this.#ensureCapacity(this.#count + 1);
    this.#relOffsets[this.#count] = rel;
    this.#positions[this.#count] = position;
    this.#count++;
    if (this.#count - this.#fileLength / OFFSET_INDEX_ENTRY_SIZE >= WRITE_BATCH_ENTRIES) this.writePending();
  }

  /** Writes the entries made since the last write to the file (one system call). */
  writePending(): void {
    const from = this.#fileLength / OFFSET_INDEX_ENTRY_SIZE;
    if (from >= this.#count || this.#fd < 0) return;
    const buf = Buffer.allocUnsafe((this.#count - from) * OFFSET_INDEX_ENTRY_SIZE);
    for (let i = from; i < this.#count; i++) {
      buf.writeInt32BE(this.#relOffsets[i]!, (i - from) * OFFSET_INDEX_ENTRY_SIZE);
      buf.writeInt32BE(this.#positions[i]!, (i - from) * OFFSET_INDEX_ENTRY_SIZE + 4);
    }
    writeSync(this.#fd, buf, 0, buf.length, this.#fileLength);
    this.#fileLength += buf.length;
  }

  /** Largest entry with offset <= target, or (baseOffset, 0). */
  lookup(target: bigint): { offset: bigint; position: number } {
    const slot = this.#largestLowerBoundSlot(target);
    return slot < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(slot);
  }

  #largestLowerBoundSlot(target: bigint): number {
    const relBig = target - this.baseOffset;
    if (this.#count === 0 || relBig < BigInt(this.#relOffsets[0]!)) return -1;
    const rel = relBig > 0x7fffffffn ? 0x7fffffff : Number(relBig);
    let lo = 0;
    let hi = this.#count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.#relOffsets[mid]! <= rel) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Removes entries with offset >= `offset`. */
  truncateTo(offset: bigint): void {
    let n = this.#count;
    while (n > 0 && this.baseOffset + BigInt(this.#relOffsets[n - 1]!) >= offset) n--;
    this.#truncateToEntries(n);
  }

  /** Removes entries whose position is >= `position` (log truncated there). */
  truncateToPosition(position: number): void {
    let n = this.#count;
    while (n > 0 && this.#positions[n - 1]! >= position) n--;
    this.#truncateToEntries(n);
  }

  reset(): void {
    this.#truncateToEntries(0);
  }

  #truncateToEntries(n: number): void {
    this.#count = n;
    // Entries not written yet just go; the file shrinks only if it held removed ones.
    if (n * OFFSET_INDEX_ENTRY_SIZE < this.#fileLength) {
      this.#fileLength = n * OFFSET_INDEX_ENTRY_SIZE;
      ftruncateSync(this.#fd, this.#fileLength);
    }
  }

  #ensureCapacity(n: number): void {
    if (n <= this.#relOffsets.length) return;
    let cap = this.#relOffsets.length;
    while (cap < n) cap *= 2;
    const o = new Int32Array(cap);
    o.set(this.#relOffsets.subarray(0, this.#count));
    const p = new Int32Array(cap);
    p.set(this.#positions.subarray(0, this.#count));
    this.#relOffsets = o;
    this.#positions = p;
  }

  get fd(): number {
    return this.#fd;
  }

  flush(): void {
    this.writePending();
    fdatasyncSync(this.#fd);
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

  /** Closes and removes the file. */
  delete(): void {
    this.close();
    if (existsSync(this.#path)) unlinkSync(this.#path);
  }
}
