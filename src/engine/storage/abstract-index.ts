// What the two segment indexes (`.index`, `.timeindex`) share (Kafka's AbstractIndex): the
// file, fixed-size entries kept in memory and written to the file in runs (the file is always
// a prefix of whole entries; entries not yet written when the process dies are rebuilt by
// recovery), isFull against segment.index.bytes, truncation, flush, rename, close and delete.
// Subclasses hold the entries and say how one is encoded. Owned by one LogSegment;
// single-threaded.
import { closeSync, existsSync, fdatasyncSync, ftruncateSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { PRIVATE_FILE_MODE } from '../common/private-files.js';

/** Pending entries written in one go. */
const WRITE_BATCH_ENTRIES = 512;

export abstract class AbstractIndex {
  #path: string;
  readonly baseOffset: bigint;
  readonly #entrySize: number;
  readonly #maxEntries: number;
  readonly #existed: boolean;
  #fd: number;
  /** Bytes of whole entries in the file (always a prefix of the entries in memory). */
  #fileLength = 0;

  protected constructor(path: string, baseOffset: bigint, maxIndexSize: number, entrySize: number) {
    this.#path = path;
    this.baseOffset = baseOffset;
    this.#entrySize = entrySize;
    this.#maxEntries = Math.max(1, Math.floor(maxIndexSize / entrySize));
    this.#existed = existsSync(path);
    this.#fd = openSync(path, this.#existed ? 'r+' : 'w+', PRIVATE_FILE_MODE);
  }

  /** Number of entries (in memory, written or not). */
  abstract get entries(): number;
  /** Loads `n` entries from the file's bytes (called once, by load()). */
  protected abstract decodeEntries(data: Buffer, n: number): void;
  /** Encodes entry `i` at `at` in `buf`. */
  protected abstract encodeEntry(buf: Buffer, i: number, at: number): void;
  /** Drops the in-memory entries from `n` on. */
  protected abstract dropEntriesFrom(n: number): void;

  /** Reads the entries of an existing file (subclasses' open() call it after construction). */
  protected load(): void {
    if (!this.#existed) return;
    const data = readFileSync(this.#path);
    this.decodeEntries(data, Math.floor(data.length / this.#entrySize));
    this.#fileLength = data.length;
  }

  get path(): string {
    return this.#path;
  }
  get fd(): number {
    return this.#fd;
  }
  get isFull(): boolean {
    return this.entries >= this.#maxEntries;
  }
  get sizeInBytes(): number {
    return this.entries * this.#entrySize;
  }
  /** Length of the file as loaded or written (for the sanity check of a partial entry). */
  protected get fileLength(): number {
    return this.#fileLength;
  }

  /** Writes the file once a run of entries is pending (called after each append). */
  protected maybeWritePending(): void {
    if (this.entries - this.#fileLength / this.#entrySize >= WRITE_BATCH_ENTRIES) this.writePending();
  }

  /** Writes the entries made since the last write to the file (one system call). */
  writePending(): void {
    const from = this.#fileLength / this.#entrySize;
    const n = this.entries;
    if (from >= n || this.#fd < 0) return;
    const buf = Buffer.allocUnsafe((n - from) * this.#entrySize);
    for (let i = from; i < n; i++) this.encodeEntry(buf, i, (i - from) * this.#entrySize);
    writeSync(this.#fd, buf, 0, buf.length, this.#fileLength);
    this.#fileLength += buf.length;
  }

  /** Keeps the first `n` entries. */
  protected truncateToEntries(n: number): void {
    this.dropEntriesFrom(n);
    // Entries not written yet just go; the file shrinks only if it held removed ones.
    if (n * this.#entrySize < this.#fileLength) {
      this.#fileLength = n * this.#entrySize;
      ftruncateSync(this.#fd, this.#fileLength);
    }
  }

  /** Removes every entry. */
  reset(): void {
    this.truncateToEntries(0);
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
