// The `.log` file of one segment: appends raw batch bytes at the end, reads byte ranges with
// fs.readSync, and walks batch headers (without decoding records) to translate offsets and
// timestamps to positions. The in-memory size is the source of truth for readers, so a
// reader never sees bytes beyond the last whole appended batch. Owned by one LogSegment;
// single-threaded (a module-level scratch buffer is reused by synchronous scans).
//
// Tail cache: the buffers of the most recent leader and follower appends are kept (bounded),
// and a read that falls inside one of them returns a view of it: followers and tailing
// consumers fetch exactly what was just appended, and get it without a system call, a copy or
// an allocation (Kafka leaves this to the page cache and sendfile). Safe because an appended
// buffer is never written again (offsets are assigned before the append) and readers only
// read; truncation and closing drop the cache.
import { closeSync, existsSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { PRIVATE_FILE_MODE } from '../common/private-files.js';
import { BATCH_HEADER_SIZE, BATCH_LENGTH_OFFSET, LAST_OFFSET_DELTA_OFFSET, LOG_OVERHEAD, MAX_TIMESTAMP_OFFSET, readBatchHeader, type BatchHeader } from '../protocol/records/record-batch.js';

const SCAN_CHUNK = 16 * 1024;
/** The tail cache holds at most this many bytes of appends, in at most TAIL_CACHE_ENTRIES buffers. */
const TAIL_CACHE_BYTES = 1024 * 1024;
const TAIL_CACHE_ENTRIES = 32;
/** Appends bigger than this are not kept (they are read back from the file). */
const TAIL_CACHE_MAX_APPEND = 256 * 1024;
const scratch = Buffer.allocUnsafe(SCAN_CHUNK);

/** A batch located in a file by a header scan. */
export interface FileBatch {
  position: number;
  size: number;
  baseOffset: bigint;
  lastOffset: bigint;
  maxTimestamp: bigint;
  /** The full header, when the scan asked for it. */
  header?: BatchHeader;
}

export class FileRecords {
  #path: string;
  #fd: number;
  #size: number;
  #tail: Array<{ position: number; data: Buffer }> = [];
  #tailBytes = 0;

  private constructor(path: string, fd: number, size: number) {
    this.#path = path;
    this.#fd = fd;
    this.#size = size;
  }

  /** Opens or creates the file; its current length becomes the size. */
  static open(path: string): FileRecords {
    const fd = openSync(path, existsSync(path) ? 'r+' : 'w+', PRIVATE_FILE_MODE);
    return new FileRecords(path, fd, fstatSync(fd).size);
  }

  get path(): string {
    return this.#path;
  }
  get sizeInBytes(): number {
    return this.#size;
  }
  get fd(): number {
    return this.#fd;
  }

  lastModifiedMs(): number {
    return fstatSync(this.#fd).mtimeMs;
  }

  /**
   * Appends bytes at the end; returns the position they were written at. With `keep`, the
   * caller promises never to write to `data` again and it may serve later reads (tail cache).
   */
  append(data: Buffer, keep = false): number {
    const position = this.#size;
    let written = 0;
    while (written < data.length) written += writeSync(this.#fd, data, written, data.length - written, position + written);
    this.#size += data.length;
    // Not kept: big appends, and views that would pin a much larger buffer (one partition's
    // records inside a fetch response for many).
    if (keep && data.length > 0 && data.length <= TAIL_CACHE_MAX_APPEND && data.buffer.byteLength <= 2 * data.length + 4096) {
      this.#tail.push({ position, data });
      this.#tailBytes += data.length;
      while (this.#tailBytes > TAIL_CACHE_BYTES || this.#tail.length > TAIL_CACHE_ENTRIES) this.#tailBytes -= this.#tail.shift()!.data.length;
    }
    return position;
  }

  /** Forgets the tail cache (the segment stopped being active, or the file changed). */
  dropTailCache(): void {
    this.#tail = [];
    this.#tailBytes = 0;
  }

  /**
   * Reads up to `size` bytes at `position` (clamped to the file size). The result may be a
   * view of a recently appended buffer: callers must not write to it.
   */
  read(position: number, size: number): Buffer {
    const len = Math.max(0, Math.min(size, this.#size - position));
    for (let i = this.#tail.length - 1; i >= 0; i--) {
      const t = this.#tail[i]!;
      if (position < t.position) continue;
      const at = position - t.position;
      if (at + len <= t.data.length) return t.data.subarray(at, at + len);
      break;
    }
    const buf = Buffer.allocUnsafe(len);
    this.readInto(buf, 0, len, position);
    return buf;
  }

  /** Reads exactly `length` bytes (or to EOF) into `buf` at `offset`; returns bytes read. */
  readInto(buf: Buffer, offset: number, length: number, position: number): number {
    let done = 0;
    while (done < length) {
      const n = readSync(this.#fd, buf, offset + done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  /**
   * Walks batch headers from `startPosition` up to `endPosition` (default: size), calling
   * `visit` for each whole batch until it returns false. Stops at a malformed length.
   */
  scanBatches(startPosition: number, visit: (batch: FileBatch) => boolean, endPosition = this.#size, fullHeaders = false): void {
    let pos = startPosition;
    let chunkStart = -1;
    let chunkLen = 0;
    while (pos + BATCH_HEADER_SIZE <= endPosition) {
      if (chunkStart < 0 || pos < chunkStart || pos + BATCH_HEADER_SIZE > chunkStart + chunkLen) {
        chunkStart = pos;
        chunkLen = this.readInto(scratch, 0, Math.min(SCAN_CHUNK, endPosition - pos), pos);
        if (chunkLen < BATCH_HEADER_SIZE) return;
      }
      const at = pos - chunkStart;
      const size = scratch.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
      if (size < BATCH_HEADER_SIZE || pos + size > endPosition) return;
      const baseOffset = scratch.readBigInt64BE(at);
      const batch: FileBatch = {
        position: pos,
        size,
        baseOffset,
        lastOffset: baseOffset + BigInt(scratch.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET)),
        maxTimestamp: scratch.readBigInt64BE(at + MAX_TIMESTAMP_OFFSET),
      };
      if (fullHeaders) batch.header = readBatchHeader(scratch, at);
      if (!visit(batch)) return;
      pos += size;
    }
  }

  /** First batch at or after `startPosition` whose last offset >= target. */
  searchForOffset(target: bigint, startPosition: number): FileBatch | undefined {
    let found: FileBatch | undefined;
    this.scanBatches(startPosition, (b) => {
      if (b.lastOffset >= target) {
        found = b;
        return false;
      }
      return true;
    });
    return found;
  }

  /** First batch at or after `startPosition` whose max timestamp >= target. */
  searchForTimestamp(target: bigint, startPosition: number): FileBatch | undefined {
    let found: FileBatch | undefined;
    this.scanBatches(startPosition, (b) => {
      if (b.maxTimestamp >= target) {
        found = b;
        return false;
      }
      return true;
    });
    return found;
  }

  /** The full header of the batch at `position`. */
  readHeader(position: number): BatchHeader | undefined {
    if (position + BATCH_HEADER_SIZE > this.#size) return undefined;
    const buf = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
    if (this.readInto(buf, 0, BATCH_HEADER_SIZE, position) < BATCH_HEADER_SIZE) return undefined;
    return readBatchHeader(buf, 0);
  }

  /** Truncates the file to `size` bytes; returns the number of bytes removed. */
  truncateTo(size: number): number {
    const actual = fstatSync(this.#fd).size;
    if (size > actual) throw new RangeError(`cannot truncate ${this.#path} to ${size}: file has ${actual} bytes`);
    ftruncateSync(this.#fd, size);
    const removed = this.#size - size;
    this.#size = size;
    this.dropTailCache();
    return removed;
  }

  flush(): void {
    fdatasyncSync(this.#fd);
  }

  /** fdatasync off the event loop; errors (e.g. file closed meanwhile) are passed to `done`. */
  flushAsync(done: (error: Error | null) => void): void {
    fdatasync(this.#fd, done);
  }

  renameTo(path: string): void {
    renameSync(this.#path, path);
    this.#path = path;
  }

  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
    this.dropTailCache();
  }

  delete(): void {
    this.close();
    if (existsSync(this.#path)) unlinkSync(this.#path);
  }
}
