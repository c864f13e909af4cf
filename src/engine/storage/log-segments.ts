// The ordered segments of one partition log (Kafka's LogSegments): creating a segment file
// set, finding the segment holding an offset, reading whole batches across them up to an
// exclusive bound, timestamp search, picking the deletable prefix for retention, swapping in
// cleaned segments, retention rules, and flush/close/delete over all of them. Knows nothing of offsets
// beyond the segments themselves: the log start/end offsets and recovery point are
// PartitionLog's. Owned by one PartitionLog; single-threaded, synchronous file I/O.
import type { Clock } from '../common/clock.js';
import { StreamctlError } from '../common/errors.js';
import type { LogConfig } from '../common/topic-config.js';
import type { BatchHeader } from '../protocol/records/record-batch.js';
import { LogSegment, type SegmentReadResult } from './log-segment.js';
import { verifyBatchCrcs } from './segment-check.js';

/** Files of a segment the cleaner is still writing. */
export const CLEANED_SUFFIX = '.cleaned';
/** Files of a cleaned segment being swapped in (see LogLoader for the crash case). */
export const SWAP_SUFFIX = '.swap';
/** Leftovers removed when a log is loaded. */
export const TEMP_SUFFIXES = ['.deleted', CLEANED_SUFFIX, SWAP_SUFFIX, '.tmp'];

export type SegmentPredicate = (segment: LogSegment, next: LogSegment | undefined) => boolean;

/**
 * cleanup.policy=delete retention, in Kafka's order: segments whose largest timestamp is
 * older than retention.ms, then the oldest segments while the log exceeds retention.bytes
 * (`sizeInBytes` is asked when that rule's predicate is made, after the first rule ran).
 */
export function retentionRules(config: LogConfig, nowMs: number, sizeInBytes: () => number): Array<{ reason: string; predicate: () => SegmentPredicate }> {
  const rules: Array<{ reason: string; predicate: () => SegmentPredicate }> = [];
  if (!config.cleanupPolicy.delete) return rules;
  if (config.retentionMs >= 0) {
    rules.push({ reason: `retention time ${config.retentionMs}ms breach`, predicate: () => (segment) => nowMs - segment.largestTimestamp > config.retentionMs });
  }
  if (config.retentionBytes >= 0) {
    rules.push({
      reason: `retention size ${config.retentionBytes} breach`,
      predicate: () => {
        let diff = sizeInBytes() - config.retentionBytes;
        return (segment) => {
          if (diff - segment.size < 0) return false;
          diff -= segment.size;
          return true;
        };
      },
    });
  }
  return rules;
}

export class LogSegments {
  readonly #dir: string;
  readonly #clock: Clock;
  readonly #config: () => LogConfig;
  #segments: LogSegment[] = [];
  /** Cache of the position bounding reads at maxOffset: [segment, offset, position]. */
  #boundCache: { segment: LogSegment; offset: bigint; position: number } | undefined;

  constructor(options: { dir: string; clock: Clock; config: () => LogConfig }) {
    this.#dir = options.dir;
    this.#clock = options.clock;
    this.#config = options.config;
  }

  /** Opens (creating) the files of a segment at `baseOffset`; not added to the list. */
  open(baseOffset: bigint, fileSuffix = ''): LogSegment {
    const c = this.#config();
    return LogSegment.open({ dir: this.#dir, baseOffset, indexIntervalBytes: c.indexIntervalBytes, segmentIndexBytes: c.segmentIndexBytes, clock: this.#clock, fileSuffix });
  }

  get all(): readonly LogSegment[] {
    return this.#segments;
  }
  get count(): number {
    return this.#segments.length;
  }
  get first(): LogSegment {
    return this.#segments[0]!;
  }
  get active(): LogSegment {
    return this.#segments.at(-1)!;
  }
  /** Total bytes of all segments. */
  get sizeInBytes(): number {
    let total = 0;
    for (const s of this.#segments) total += s.size;
    return total;
  }

  /** Replaces the whole list (after loading, or a full truncation). */
  reset(segments: LogSegment[]): void {
    this.#segments = segments;
    this.#boundCache = undefined;
  }

  /**
   * Adds a new active segment at `newOffset`, above the current active one's base offset; the
   * old one gets its final time-index entry and pending index entries written.
   */
  roll(newOffset: bigint, logName: string): LogSegment {
    const previous = this.active;
    if (previous.baseOffset >= newOffset) {
      throw new StreamctlError('INTERNAL', `Trying to roll ${logName} to offset ${newOffset}, not above the active segment base ${previous.baseOffset}`);
    }
    previous.onBecomeInactiveSegment();
    const segment = this.open(newOffset);
    this.#segments.push(segment);
    return segment;
  }

  includes(segment: LogSegment): boolean {
    return this.#segments.includes(segment);
  }

  /** Forgets cached read positions (after anything that changes a segment's bytes). */
  invalidateReadCache(): void {
    this.#boundCache = undefined;
  }

  /** Index of the last segment whose base offset is <= `offset` (0 when none). */
  floorIndex(offset: bigint): number {
    let lo = 0;
    let hi = this.#segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.#segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Removes every batch at or after `offset` (>= the first segment's base offset): deletes
   * the segments above it and truncates the one holding it. Returns the new end offset.
   */
  truncateTo(offset: bigint): bigint {
    while (this.#segments.length > 1 && this.active.baseOffset > offset) this.#segments.pop()!.delete();
    this.active.truncateTo(offset);
    this.#boundCache = undefined;
    return this.active.readNextOffset();
  }

  /**
   * Reads whole stored batches from `fetchOffset`, never a batch containing `upper` or later
   * (`upper` <= logEndOffset), never across a segment boundary. Batches from a segment other
   * than the active one are CRC-checked before they are served (they come from disk, not from
   * the tail cache of recent appends), so a damaged replica is found here and not by a client.
   */
  read(fetchOffset: bigint, maxBytes: number, upper: bigint, logEndOffset: bigint, minOneMessage: boolean, logName: string): SegmentReadResult | undefined {
    const upperSegment = upper < logEndOffset ? this.#segments[this.floorIndex(upper)] : undefined;
    for (let i = this.floorIndex(fetchOffset); i < this.#segments.length; i++) {
      const segment = this.#segments[i]!;
      if (segment.baseOffset >= upper) break;
      const maxPosition = segment === upperSegment ? this.#boundPosition(segment, upper) : segment.size;
      const result = segment.read(fetchOffset, maxBytes, maxPosition, minOneMessage);
      if (result && segment !== this.active) verifyBatchCrcs(result.records, `segment ${segment.baseOffset} of ${logName}`);
      if (result) return result;
    }
    return undefined;
  }

  #boundPosition(segment: LogSegment, offset: bigint): number {
    const cached = this.#boundCache;
    if (cached && cached.segment === segment && cached.offset === offset) return cached.position;
    const batch = segment.translateOffset(offset);
    const position = batch ? batch.position : segment.size;
    this.#boundCache = { segment, offset, position };
    return position;
  }

  /** The record with the largest timestamp over all segments (ListOffsets -3), or null. */
  maxTimestampOffset(): { offset: bigint; timestamp: bigint } | null {
    let best: { offset: bigint; timestamp: bigint } | null = null;
    for (const s of this.#segments) {
      if (s.maxTimestampSoFar >= 0n && (!best || s.maxTimestampSoFar > best.timestamp)) best = { offset: s.offsetOfMaxTimestampSoFar, timestamp: s.maxTimestampSoFar };
    }
    return best;
  }

  /** The first record with timestamp >= `timestamp` at or after `startingOffset`, or null. */
  offsetForTimestamp(timestamp: bigint, startingOffset: bigint): { offset: bigint; timestamp: bigint } | null {
    for (const segment of this.#segments) {
      if (segment.maxTimestampSoFar < timestamp) continue;
      const found = segment.findOffsetByTimestamp(timestamp, startingOffset);
      if (found) return found;
    }
    return null;
  }

  /**
   * The oldest segments, in order, for which `predicate` holds, stopping at the first that
   * fails it, reaches past `upperBound` (the high watermark) or is the empty active segment.
   */
  deletablePrefix(predicate: SegmentPredicate, upperBound: bigint, logEndOffset: bigint): LogSegment[] {
    const deletable: LogSegment[] = [];
    for (let i = 0; i < this.#segments.length; i++) {
      const segment = this.#segments[i]!;
      const next = this.#segments[i + 1];
      const segmentEnd = next ? next.baseOffset : logEndOffset;
      const isLastAndEmpty = next === undefined && segment.size === 0;
      if (upperBound >= segmentEnd && !isLastAndEmpty && predicate(segment, next)) deletable.push(segment);
      else break;
    }
    return deletable;
  }

  /** Removes `segments` from the list and deletes their files. */
  remove(segments: readonly LogSegment[]): void {
    for (const segment of segments) {
      this.#segments.splice(this.#segments.indexOf(segment), 1);
      segment.delete();
    }
    this.#boundCache = undefined;
  }

  /**
   * Replaces consecutive non-active `oldSegments` by `cleaned` (opened with CLEANED_SUFFIX):
   * flush, rename .cleaned → .swap, delete the old files, rename .swap → final (crash-safe,
   * see LogLoader). Returns false (and deletes `cleaned`) when the old segments are no longer
   * all present (retention or truncation ran meanwhile).
   */
  replace(oldSegments: readonly LogSegment[], cleaned: LogSegment): boolean {
    const first = this.#segments.indexOf(oldSegments[0]!);
    const stillThere = first >= 0 && oldSegments.every((s, i) => this.#segments[first + i] === s) && this.#segments[first + oldSegments.length] !== undefined;
    if (!stillThere) {
      cleaned.delete();
      return false;
    }
    cleaned.onBecomeInactiveSegment();
    cleaned.flush();
    cleaned.changeFileSuffixes(CLEANED_SUFFIX, SWAP_SUFFIX);
    for (const s of oldSegments) s.delete();
    cleaned.changeFileSuffixes(SWAP_SUFFIX, '');
    this.#segments.splice(first, oldSegments.length, cleaned);
    this.#boundCache = undefined;
    return true;
  }

  /** fsyncs every segment holding offsets at or after `recoveryPoint`. */
  flushFrom(recoveryPoint: bigint): void {
    for (let i = 0; i < this.#segments.length; i++) {
      const next = this.#segments[i + 1];
      if (next && next.baseOffset <= recoveryPoint) continue;
      this.#segments[i]!.flush();
    }
  }

  closeAll(): void {
    for (const s of this.#segments) s.close();
  }

  /** Closes file handles without writing pending index entries (a simulated crash). */
  closeWithoutFlush(): void {
    for (const s of this.#segments) {
      s.log.close();
      s.offsetIndex.close();
      s.timeIndex.close();
    }
  }

  /** Deletes every segment's files and empties the list. */
  deleteAll(): void {
    for (const s of this.#segments) s.delete();
    this.#segments = [];
    this.#boundCache = undefined;
  }

  /** Header of every batch in offset order (debugging and tests; reads only headers). */
  batchHeaders(): BatchHeader[] {
    const out: BatchHeader[] = [];
    for (const s of this.#segments) s.scanHeaders(s.baseOffset, (h) => out.push(h));
    return out;
  }
}
