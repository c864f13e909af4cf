// Sparse offset index of one segment (`.index`): 8-byte entries of (int32 offset relative to
// the segment's base offset, int32 position in the .log file), appended every
// index.interval.bytes; lookup of the largest entry at or below an offset. The file handling
// (entries kept in memory because Node has no mmap, written in runs, always a prefix of whole
// entries, nothing preallocated) is AbstractIndex's. `maxIndexSize` (segment.index.bytes) only
// decides isFull, which rolls the segment like Kafka. Owned by one LogSegment; single-threaded.
import { StreamctlError } from '../common/errors.js';
import { AbstractIndex } from './abstract-index.js';

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export class OffsetIndex extends AbstractIndex {
  #relOffsets = new Int32Array(64);
  #positions = new Int32Array(64);
  #count = 0;

  private constructor(path: string, baseOffset: bigint, maxIndexSize: number) {
    super(path, baseOffset, maxIndexSize, OFFSET_INDEX_ENTRY_SIZE);
  }

  /** Opens (or creates) an index file and loads its entries. Does not validate them: see sanityCheck. */
  static open(path: string, baseOffset: bigint, maxIndexSize: number): OffsetIndex {
    const index = new OffsetIndex(path, baseOffset, maxIndexSize);
    index.load();
    return index;
  }

  protected decodeEntries(data: Buffer, n: number): void {
    this.#ensureCapacity(n);
    for (let i = 0; i < n; i++) {
      this.#relOffsets[i] = data.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE);
      this.#positions[i] = data.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE + 4);
    }
    this.#count = n;
  }

  protected encodeEntry(buf: Buffer, i: number, at: number): void {
    buf.writeInt32BE(this.#relOffsets[i]!, at);
    buf.writeInt32BE(this.#positions[i]!, at + 4);
  }

  protected dropEntriesFrom(n: number): void {
    this.#count = n;
  }

  get entries(): number {
    return this.#count;
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
    const fail = (why: string) => new StreamctlError('STORAGE', `Corrupt index found, index file (${this.path}) ${why}`);
    if (this.fileLength % OFFSET_INDEX_ENTRY_SIZE !== 0) throw fail(`has size ${this.fileLength}, not a multiple of ${OFFSET_INDEX_ENTRY_SIZE}`);
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
      throw new StreamctlError('INTERNAL', `offset index ${this.path}: entry (${offset}, ${position}) does not follow the last entry`);
    }
    this.#ensureCapacity(this.#count + 1);
    this.#relOffsets[this.#count] = rel;
    this.#positions[this.#count] = position;
    this.#count++;
    this.maybeWritePending();
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
    this.truncateToEntries(n);
  }

  /** Removes entries whose position is >= `position` (log truncated there). */
  truncateToPosition(position: number): void {
    let n = this.#count;
    while (n > 0 && this.#positions[n - 1]! >= position) n--;
    this.truncateToEntries(n);
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
}
