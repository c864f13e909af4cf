// The aborted-transaction index of one partition log (Kafka's TransactionIndex): one
// `<20-digit base offset>.txnindex` file per segment, holding an entry per transaction
// aborted by a marker in that segment, in Kafka's layout (34 bytes: version int16 = 0,
// producerId int64, firstOffset int64, lastOffset int64, lastStableOffset int64).
// read_committed fetches ask it which aborted transactions overlap the records they return.
// Entries are also kept in memory (aborted transactions are few). Files are appended
// synchronously (a crash of the process loses nothing the OS got); truncation rewrites with
// write-then-rename; a file of a size that is not a whole number of entries is cut to the
// last whole one; entries lost to a crash are re-added when recovery replays the log tail
// (LogLoader). Owned by one PartitionLog; single-threaded.
import { appendFileSync, existsSync, readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from '../common/private-files.js';
import { writeFileAtomically } from './checkpoint-file.js';
import { offsetFileName } from './log-segment.js';

export const TXN_INDEX_FILE_SUFFIX = '.txnindex';
const ENTRY_SIZE = 34;

export interface AbortedTxn {
  producerId: bigint;
  firstOffset: bigint;
  /** Offset of the abort marker. */
  lastOffset: bigint;
  /** The partition's last stable offset right after the abort. */
  lastStableOffset: bigint;
}

function encode(txn: AbortedTxn): Buffer {
  const b = Buffer.alloc(ENTRY_SIZE);
  b.writeInt16BE(0, 0);
  b.writeBigInt64BE(txn.producerId, 2);
  b.writeBigInt64BE(txn.firstOffset, 10);
  b.writeBigInt64BE(txn.lastOffset, 18);
  b.writeBigInt64BE(txn.lastStableOffset, 26);
  return b;
}

export class TransactionIndex {
  readonly #dir: string;
  /** Segment base offset → its aborted transactions in marker order. */
  readonly #bySegment = new Map<bigint, AbortedTxn[]>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  #path(segmentBase: bigint): string {
    return join(this.#dir, offsetFileName(segmentBase) + TXN_INDEX_FILE_SUFFIX);
  }

  /** Reads every `.txnindex` file of the folder; files of segments not in `segmentBases` are deleted. */
  load(segmentBases: readonly bigint[]): void {
    this.#bySegment.clear();
    const keep = new Set(segmentBases);
    if (!existsSync(this.#dir)) return;
    for (const f of readdirSync(this.#dir)) {
      const m = /^(\d{20})\.txnindex$/.exec(f);
      if (!m) continue;
      const base = BigInt(m[1]!);
      if (!keep.has(base)) {
        this.#unlink(base);
        continue;
      }
      const bytes = readFileSync(join(this.#dir, f));
      const entries: AbortedTxn[] = [];
      for (let pos = 0; pos + ENTRY_SIZE <= bytes.length; pos += ENTRY_SIZE) {
        if (bytes.readInt16BE(pos) !== 0) break;
        entries.push({ producerId: bytes.readBigInt64BE(pos + 2), firstOffset: bytes.readBigInt64BE(pos + 10), lastOffset: bytes.readBigInt64BE(pos + 18), lastStableOffset: bytes.readBigInt64BE(pos + 26) });
      }
      if (entries.length * ENTRY_SIZE !== bytes.length) this.#rewrite(base, entries);
      if (entries.length > 0) this.#bySegment.set(base, entries);
    }
  }

  /** Whether an abort of `producerId` with its marker at `lastOffset` is indexed. */
  has(producerId: bigint, lastOffset: bigint): boolean {
    for (const entries of this.#bySegment.values()) if (entries.some((e) => e.producerId === producerId && e.lastOffset === lastOffset)) return true;
    return false;
  }

  /** Adds an aborted transaction to the index of the segment holding its marker. */
  append(segmentBase: bigint, txn: AbortedTxn): void {
    let entries = this.#bySegment.get(segmentBase);
    if (!entries) this.#bySegment.set(segmentBase, (entries = []));
    entries.push(txn);
    appendFileSync(this.#path(segmentBase), encode(txn), { mode: PRIVATE_FILE_MODE });
  }

  /** Aborted transactions overlapping [fetchOffset, upperBoundOffset), by first offset. */
  collect(fetchOffset: bigint, upperBoundOffset: bigint): AbortedTxn[] {
    const out: AbortedTxn[] = [];
    for (const entries of this.#bySegment.values()) {
      for (const e of entries) if (e.lastOffset >= fetchOffset && e.firstOffset < upperBoundOffset) out.push(e);
    }
    return out.sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  }

  /** Every entry, by marker offset (tests, DescribeProducers tooling). */
  all(): AbortedTxn[] {
    return this.collect(-1n, 2n ** 63n - 1n);
  }

  /** Drops entries whose marker is at or after `offset` (log truncation). */
  truncateTo(offset: bigint): void {
    for (const [base, entries] of this.#bySegment) {
      const kept = entries.filter((e) => e.lastOffset < offset);
      if (kept.length === entries.length) continue;
      if (kept.length === 0) {
        this.#bySegment.delete(base);
        this.#unlink(base);
      } else {
        this.#bySegment.set(base, kept);
        this.#rewrite(base, kept);
      }
    }
  }

  /** Forgets the indexes of segments that no longer exist (retention, cleaning, truncation). */
  retainSegments(segmentBases: readonly bigint[]): void {
    const keep = new Set(segmentBases);
    for (const base of [...this.#bySegment.keys()]) {
      if (keep.has(base)) continue;
      this.#bySegment.delete(base);
      this.#unlink(base);
    }
  }

  /**
   * Moves entries to the segment now holding their marker (after segments were merged by
   * the cleaner: entries of vanished segments go to the floor segment).
   */
  remapTo(segmentBases: readonly bigint[]): void {
    const sorted = [...segmentBases].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const keep = new Set(sorted);
    for (const [base, entries] of [...this.#bySegment]) {
      if (keep.has(base)) continue;
      this.#bySegment.delete(base);
      this.#unlink(base);
      for (const e of entries) {
        const floor = sorted.filter((b) => b <= e.lastOffset).at(-1);
        if (floor !== undefined) this.append(floor, e);
      }
    }
  }

  deleteAll(): void {
    for (const base of [...this.#bySegment.keys()]) this.#unlink(base);
    this.#bySegment.clear();
  }

  #rewrite(base: bigint, entries: AbortedTxn[]): void {
    writeFileAtomically(this.#path(base), Buffer.concat(entries.map(encode)), { fsync: false });
  }

  #unlink(base: bigint): void {
    try {
      unlinkSync(this.#path(base));
    } catch {
      // already gone
    }
  }
}
