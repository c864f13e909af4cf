// Time index of one segment (`.timeindex`): 12-byte entries of (int64 timestamp, int32 offset
// relative to the base offset), appended only when the segment's max timestamp so far grows,
// at the same points as offset index entries and once more when the segment becomes inactive
// or is closed (so the last entry carries the segment's largest timestamp); lookup of the
// largest entry at or below a timestamp. File handling is AbstractIndex's (see there for why
// a crash loses nothing). Owned by one LogSegment; single-threaded.
import { StreamctlError } from '../common/errors.js';
import { AbstractIndex } from './abstract-index.js';

export const TIME_INDEX_ENTRY_SIZE = 12;

export class TimeIndex extends AbstractIndex {
  #timestamps: bigint[] = [];
  #relOffsets: number[] = [];

  private constructor(path: string, baseOffset: bigint, maxIndexSize: number) {
    super(path, baseOffset, maxIndexSize, TIME_INDEX_ENTRY_SIZE);
  }

  static open(path: string, baseOffset: bigint, maxIndexSize: number): TimeIndex {
    const index = new TimeIndex(path, baseOffset, maxIndexSize);
    index.load();
    return index;
  }

  protected decodeEntries(data: Buffer, n: number): void {
    for (let i = 0; i < n; i++) {
      this.#timestamps.push(data.readBigInt64BE(i * TIME_INDEX_ENTRY_SIZE));
      this.#relOffsets.push(data.readInt32BE(i * TIME_INDEX_ENTRY_SIZE + 8));
    }
  }

  protected encodeEntry(buf: Buffer, i: number, at: number): void {
    buf.writeBigInt64BE(this.#timestamps[i]!, at);
    buf.writeInt32BE(this.#relOffsets[i]!, at + 8);
  }

  protected dropEntriesFrom(n: number): void {
    this.#timestamps.length = n;
    this.#relOffsets.length = n;
  }

  get entries(): number {
    return this.#timestamps.length;
  }
  /** The last entry, or undefined when empty. */
  get lastEntry(): { timestamp: bigint; offset: bigint } | undefined {
    const n = this.#timestamps.length;
    return n === 0 ? undefined : { timestamp: this.#timestamps[n - 1]!, offset: this.baseOffset + BigInt(this.#relOffsets[n - 1]!) };
  }

  /** Throws STORAGE on a partial entry, decreasing timestamps/offsets or offsets below base. */
  sanityCheck(): void {
    const fail = (why: string) => new StreamctlError('STORAGE', `Corrupt time index found, time index file (${this.path}) ${why}`);
    if (this.fileLength % TIME_INDEX_ENTRY_SIZE !== 0) throw fail(`has size ${this.fileLength}, not a multiple of ${TIME_INDEX_ENTRY_SIZE}`);
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
    this.maybeWritePending();
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
    this.truncateToEntries(n);
  }
}
