// Log compaction for cleanup.policy=compact (Kafka's LogCleaner, simplified): for one log,
// build a map key → last offset over the dirty section (from the cleaner checkpoint to the
// first uncleanable segment: the active one, the one holding the high watermark, or a dirty
// one newer than min.compaction.lag.ms), then rewrite every segment before that point
// keeping only the latest record per key (original offsets kept; batches whose records all
// survive are copied byte for byte), with KIP-534 delete horizons for tombstones (see
// cleaner-batch-filter.ts), grouping small cleaned segments up to segment.bytes. New
// segments are swapped in crash-safely (.cleaned → .swap → final, PartitionLog).
//
// Concurrency: runs on the broker's event loop but never holds it for long. The work is
// cut into slices of at most `sliceMs` of CPU (measured with performance.now(): this is
// about responsiveness, not semantics, so it does not use the injected clock) with a
// setImmediate yield between slices, so appends, reads and network I/O run while a pass is
// in progress. Only the swap (flush of an already-synced file, renames, deleting the old
// files, replacing the in-memory segment list) is synchronous. The active segment is never
// touched. Before each swap the pass checks that the segments it read are unchanged
// (same objects, same sizes, same successor: no retention, DeleteRecords or follower
// truncation ran meanwhile) and otherwise abandons the pass; it also stops when the log is
// closed or `isAborted()` says so. One pass per log at a time (the LogManager serialises).
import { open } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, hasDeleteHorizon, isControl, validateRecordBatches } from '../protocol/records/record-batch.js';
import { decodeRecordBatch } from '../protocol/records/record-codec.js';
import { filterBatch } from './cleaner-batch-filter.js';
import type { LogSegment } from './log-segment.js';
import type { PartitionLog } from './partition-log.js';

export interface CleanableRange {
  firstDirtyOffset: bigint;
  /** Exclusive: base offset of the first uncleanable segment. */
  firstUncleanableOffset: bigint;
  cleanBytes: number;
  dirtyBytes: number;
  dirtyRatio: number;
}

export interface CleanOptions {
  /** "Now" for min.compaction.lag.ms and delete horizons; default clock.now(). */
  nowMs?: number;
  /** Clean even below min.cleanable.dirty.ratio. */
  force?: boolean;
  /** Polled between slices; true abandons the pass (e.g. the LogManager is closing). */
  isAborted?: () => boolean;
}

export interface CleanResult {
  segmentsBefore: number;
  segmentsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  recordsRead: number;
  recordsRetained: number;
  tombstonesRemoved: number;
  /** New cleaner checkpoint: everything below it is clean. */
  firstDirtyOffset: bigint;
  /** Earliest delete horizon (ms) of the tombstones still in the cleaned part; undefined when none. */
  pendingDeleteHorizonMs: number | undefined;
  /** Wall time of the pass, its number of slices and the longest slice (ms). */
  durationMs: number;
  slices: number;
  maxSliceMs: number;
  /** Process CPU time of the longest slice (ms; all threads, so GC helpers count too). */
  maxSliceCpuMs: number;
}

export interface LogCleanerOptions {
  logger: Logger;
  clock: Clock;
  /** Longest stretch of work before yielding to the event loop (default 8 ms). */
  sliceMs?: number;
  /**
   * Most keys in one pass's offset map (Kafka's log.cleaner.dedupe.buffer.size); when
   * reached, the pass cleans up to the segment where the map filled (default 4,000,000).
   */
  maxOffsetMapEntries?: number;
}

const READ_CHUNK = 1024 * 1024;

class CleaningAborted extends Error {}

/** Cuts work into slices of at most `budgetMs`, yielding to the event loop between them. */
class Slicer {
  readonly #budgetMs: number;
  readonly #shouldStop: () => string | undefined;
  #sliceStart = performance.now();
  #sliceCpu = process.cpuUsage();
  slices = 1;
  maxSliceMs = 0;
  maxSliceCpuMs = 0;

  constructor(budgetMs: number, shouldStop: () => string | undefined) {
    this.#budgetMs = budgetMs;
    this.#shouldStop = shouldStop;
  }

  /** Yields when the current slice used its budget; throws CleaningAborted when told to stop. */
  async tick(): Promise<void> {
    if (performance.now() - this.#sliceStart < this.#budgetMs) return;
    await this.yield();
  }

  async yield(): Promise<void> {
    this.#endSlice();
    await yieldToEventLoop();
    this.slices++;
    this.#sliceStart = performance.now();
    this.#sliceCpu = process.cpuUsage();
    const reason = this.#shouldStop();
    if (reason) throw new CleaningAborted(reason);
  }

  /** Ends the running slice, awaits `work` (I/O off the event loop), then starts a new one. */
  async wait<T>(work: Promise<T>): Promise<T> {
    this.#endSlice();
    const result = await work;
    this.slices++;
    this.#sliceStart = performance.now();
    this.#sliceCpu = process.cpuUsage();
    const reason = this.#shouldStop();
    if (reason) throw new CleaningAborted(reason);
    return result;
  }

  /** Records the running slice (call at the end of the pass). */
  finish(): void {
    this.#endSlice();
  }

  #endSlice(): void {
    const ms = performance.now() - this.#sliceStart;
    if (ms > this.maxSliceMs) this.maxSliceMs = ms;
    const cpu = process.cpuUsage(this.#sliceCpu);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    if (cpuMs > this.maxSliceCpuMs) this.maxSliceCpuMs = cpuMs;
  }
}

/** Every whole batch of a segment as (buffer, position, size), reading in chunks. */
function* segmentBatches(segment: LogSegment, endPosition: number): Generator<{ buf: Buffer; position: number; size: number }> {
  let pos = 0;
  while (pos + BATCH_HEADER_SIZE <= endPosition) {
    // Deleted meanwhile (retention, DeleteRecords, truncation, log closed): its fd is gone.
    if (segment.log.fd < 0) throw new CleaningAborted(`segment ${segment.baseOffset} went away`);
    const chunk = segment.log.read(pos, Math.min(READ_CHUNK, endPosition - pos));
    let at = 0;
    while (at + BATCH_HEADER_SIZE <= chunk.length) {
      const batchSize = chunk.readInt32BE(at + 8) + LOG_OVERHEAD;
      if (batchSize < BATCH_HEADER_SIZE) throw new Error(`bad batch length at position ${pos + at} of ${segment.log.path}`);
      if (at + batchSize > chunk.length) break;
      yield { buf: chunk, position: at, size: batchSize };
      at += batchSize;
    }
    if (at === 0) {
      if (chunk.length < BATCH_HEADER_SIZE) return;
      const batchSize = chunk.readInt32BE(8) + LOG_OVERHEAD;
      const whole = segment.log.read(pos, batchSize);
      if (whole.length < batchSize) return;
      yield { buf: whole, position: 0, size: batchSize };
      at = batchSize;
    }
    pos += at;
  }
}

/**
 * fdatasync of a segment's three files on the libuv pool (through fresh descriptors: a sync
 * applies to the file, whichever descriptor asks).
 */
async function flushSegmentFiles(segment: LogSegment): Promise<void> {
  for (const path of [segment.log.path, segment.offsetIndex.path, segment.timeIndex.path]) {
    const handle = await open(path, 'r');
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }
}

export class LogCleaner {
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #sliceMs: number;
  readonly #maxOffsetMapEntries: number;
  readonly #slowSwapMs = 50;
  /**
   * Per open log: earliest delete horizon of the tombstones in its cleaned part (null: none;
   * absent: unknown yet, found by a header scan of the delete-horizon attribute).
   */
  readonly #pendingHorizons = new WeakMap<PartitionLog, number | null>();

  constructor(options: LogCleanerOptions) {
    this.#logger = options.logger;
    this.#clock = options.clock;
    this.#sliceMs = options.sliceMs ?? 8;
    this.#maxOffsetMapEntries = options.maxOffsetMapEntries ?? 4_000_000;
  }

  /** The dirty section of a log and its dirty ratio (Kafka's LogToClean / cleanableOffsets). */
  cleanableRange(log: PartitionLog, checkpoint: bigint, nowMs = this.#clock.now()): CleanableRange {
    const segments = log.segments;
    const upper = log.highWatermark ?? log.logEndOffset;
    const minLag = log.config.minCompactionLagMs;
    // An invalid checkpoint (below the log start, or past the end after a truncation) restarts at the log start.
    const firstDirtyCandidate = checkpoint < log.logStartOffset || checkpoint > log.logEndOffset ? log.logStartOffset : checkpoint;
    let firstUncleanable = log.activeSegment.baseOffset;
    for (let i = 0; i < segments.length - 1; i++) {
      const s = segments[i]!;
      const next = segments[i + 1]!;
      if (next.baseOffset > upper) {
        firstUncleanable = s.baseOffset;
        break;
      }
      // min.compaction.lag.ms applies to dirty segments only (Kafka).
      if (minLag > 0 && next.baseOffset > firstDirtyCandidate && s.largestTimestamp > nowMs - minLag) {
        firstUncleanable = s.baseOffset;
        break;
      }
    }
    const firstDirty = firstDirtyCandidate > firstUncleanable ? firstUncleanable : firstDirtyCandidate;
    let cleanBytes = 0;
    let dirtyBytes = 0;
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i]!;
      if (s.baseOffset >= firstUncleanable) break;
      const next = segments[i + 1];
      const end = next ? next.baseOffset : log.logEndOffset;
      if (end <= firstDirty) cleanBytes += s.size;
      else dirtyBytes += s.size;
    }
    const total = cleanBytes + dirtyBytes;
    return { firstDirtyOffset: firstDirty, firstUncleanableOffset: firstUncleanable, cleanBytes, dirtyBytes, dirtyRatio: total === 0 ? 0 : dirtyBytes / total };
  }

  /**
   * Earliest delete horizon of tombstones in the log's cleaned part, if known or findable
   * (a sliced header scan the first time a log is seen).
   */
  async pendingDeleteHorizon(log: PartitionLog, isAborted?: () => boolean): Promise<number | undefined> {
    const known = this.#pendingHorizons.get(log);
    if (known !== undefined) return known ?? undefined;
    const slicer = new Slicer(this.#sliceMs, () => (log.closed ? 'log closed' : isAborted?.() ? 'aborted' : undefined));
    let earliest: number | undefined;
    try {
      for (const segment of log.segments.slice(0, -1)) {
        let position = 0;
        while (position < segment.size) {
          let visited = 0;
          let next = segment.size;
          segment.log.scanBatches(
            position,
            (b) => {
              if (visited++ >= 1000) {
                next = b.position;
                return false;
              }
              const h = b.header!;
              if (hasDeleteHorizon(h.attributes) && (earliest === undefined || Number(h.baseTimestamp) < earliest)) earliest = Number(h.baseTimestamp);
              return true;
            },
            undefined,
            true,
          );
          position = next;
          await slicer.tick();
        }
      }
    } catch (error) {
      if (error instanceof CleaningAborted) return undefined;
      throw error;
    }
    if (!log.closed) this.#pendingHorizons.set(log, earliest ?? null);
    return earliest;
  }

  /**
   * Cleans `log` if it is compacted and its dirty ratio exceeds min.cleanable.dirty.ratio,
   * or a tombstone's delete horizon has passed, or `force`. Resolves to undefined when there
   * was nothing to do or the pass was abandoned (log changed, closed, or aborted).
   */
  async clean(log: PartitionLog, checkpoint: bigint, options: CleanOptions = {}): Promise<CleanResult | undefined> {
    if (!log.config.cleanupPolicy.compact || log.closed) return undefined;
    const nowMs = options.nowMs ?? this.#clock.now();
    const range = this.cleanableRange(log, checkpoint, nowMs);
    if (range.firstUncleanableOffset <= log.segments[0]!.baseOffset) return undefined;
    // Kafka cleans a log whose cleanable ratio is strictly above min.cleanable.dirty.ratio.
    let due = range.dirtyBytes > 0 && (options.force === true || range.dirtyRatio > log.config.minCleanableDirtyRatio);
    if (!due) {
      const horizon = await this.pendingDeleteHorizon(log, options.isAborted);
      due = horizon !== undefined && nowMs >= horizon;
      if (due) this.#logger.debug('cleaning for expired tombstones', { log: log.name, horizon });
    }
    if (!due || log.closed) return undefined;

    const started = performance.now();
    const slicer = new Slicer(this.#sliceMs, () => (log.closed ? 'log closed' : options.isAborted?.() ? 'aborted' : undefined));
    const pending: { cleaned?: LogSegment | undefined } = {};
    try {
      const result = await this.#cleanSegments(log, this.cleanableRange(log, checkpoint, nowMs), nowMs, slicer, (s) => (pending.cleaned = s));
      slicer.finish();
      if (!result) return undefined;
      const full: CleanResult = { ...result, durationMs: Math.round(performance.now() - started), slices: slicer.slices, maxSliceMs: Math.round(slicer.maxSliceMs * 10) / 10, maxSliceCpuMs: Math.round(slicer.maxSliceCpuMs * 10) / 10 };
      this.#logger.info('cleaned log', { log: log.name, ...full, firstDirtyOffset: full.firstDirtyOffset.toString() });
      return full;
    } catch (error) {
      if (error instanceof CleaningAborted) {
        this.#logger.info('cleaning abandoned', { log: log.name, reason: error.message });
        return undefined;
      }
      if (log.closed || options.isAborted?.()) {
        // Closed or deleted under the pass (e.g. a file could not be opened any more).
        this.#logger.info('cleaning abandoned', { log: log.name, reason: 'log closed', error });
        return undefined;
      }
      throw error;
    } finally {
      // A cleaned segment not swapped in (abandoned or failed pass) is removed; after a
      // successful swap it was reset to undefined.
      if (pending.cleaned) {
        try {
          pending.cleaned.delete();
        } catch (error) {
          this.#logger.warn('could not remove an abandoned cleaned segment', { log: log.name, error });
        }
      }
    }
  }

  async #cleanSegments(
    log: PartitionLog,
    range: CleanableRange,
    nowMs: number,
    slicer: Slicer,
    trackCleaned: (s: LogSegment | undefined) => void,
  ): Promise<Omit<CleanResult, 'durationMs' | 'slices' | 'maxSliceMs' | 'maxSliceCpuMs'> | undefined> {
    const all = log.segments;
    let toClean = all.filter((s) => s.baseOffset < range.firstUncleanableOffset);
    if (toClean.length === 0) return undefined;
    // What the pass read, to detect retention/truncation running meanwhile.
    const sizes = new Map(toClean.map((s) => [s, s.size]));
    const successor = new Map<LogSegment, LogSegment | undefined>(toClean.map((s, i) => [s, all[i + 1]]));
    const segmentsBefore = log.numberOfSegments;
    const bytesBefore = log.size;

    // 1. Offset map over the dirty section: key → last offset.
    const offsetMap = new Map<string, bigint>();
    let upper = range.firstUncleanableOffset;
    for (let i = 0; i < toClean.length; i++) {
      const s = toClean[i]!;
      const next = toClean[i + 1];
      if (next && next.baseOffset <= range.firstDirtyOffset) continue;
      for (const b of segmentBatches(s, sizes.get(s)!)) {
        const { header, records } = decodeRecordBatch(b.buf, b.position);
        if (header.baseOffset + BigInt(header.lastOffsetDelta) >= range.firstDirtyOffset && !isControl(header.attributes)) {
          for (const r of records) if (r.key !== null && r.offset >= range.firstDirtyOffset) offsetMap.set(r.key.toString('latin1'), r.offset);
        }
        await slicer.tick();
      }
      if (next && offsetMap.size >= this.#maxOffsetMapEntries) {
        upper = next.baseOffset;
        this.#logger.info('offset map full; cleaning part of the dirty section', { log: log.name, keys: offsetMap.size, upTo: upper.toString() });
        break;
      }
    }
    toClean = toClean.filter((s) => s.baseOffset < upper);

    // 2. Rewrite in groups of consecutive segments fitting in segment.bytes.
    const groups: LogSegment[][] = [];
    for (const s of toClean) {
      const group = groups.at(-1);
      const groupSize = group?.reduce((n, g) => n + sizes.get(g)!, 0) ?? 0;
      if (group && groupSize + sizes.get(s)! <= log.config.segmentBytes && s.baseOffset - group[0]!.baseOffset < 0x7fffffffn) group.push(s);
      else groups.push([s]);
    }
    const ctx = { offsetMap, nowMs, deleteRetentionMs: log.config.deleteRetentionMs };
    let recordsRead = 0;
    let recordsRetained = 0;
    let tombstonesRemoved = 0;
    let pendingHorizon: number | undefined;
    for (const group of groups) {
      const cleaned = log.newCleanedSegment(group[0]!.baseOffset);
      trackCleaned(cleaned);
      for (const s of group) {
        for (const b of segmentBatches(s, sizes.get(s)!)) {
          const r = filterBatch(b.buf, b.position, b.size, ctx);
          recordsRead += r.recordsRead;
          recordsRetained += r.recordsRetained;
          tombstonesRemoved += r.tombstonesRemoved;
          if (r.tombstoneHorizonMs !== undefined && (pendingHorizon === undefined || r.tombstoneHorizonMs < pendingHorizon)) pendingHorizon = r.tombstoneHorizonMs;
          if (r.batch) cleaned.append(r.batch, validateRecordBatches(r.batch, { verifyCrc: false }).batches);
          await slicer.tick();
        }
      }
      // fdatasync off the event loop, so the swap's own flush has nothing left to write.
      cleaned.onBecomeInactiveSegment();
      await slicer.wait(flushSegmentFiles(cleaned));
      const changed = this.#changedSince(log, group, sizes, successor);
      if (changed) {
        this.#logger.info('log changed during cleaning; abandoning this pass', { log: log.name, reason: changed });
        return undefined;
      }
      // The swap: synchronous, short.
      const swapStarted = performance.now();
      const swapCpu = process.cpuUsage();
      const swapped = log.replaceSegments(group, cleaned);
      const swapMs = performance.now() - swapStarted;
      if (swapMs > this.#slowSwapMs) {
        const cpu = process.cpuUsage(swapCpu);
        this.#logger.warn('slow cleaner swap', { log: log.name, ms: Math.round(swapMs), cpuMs: Math.round((cpu.user + cpu.system) / 1000) });
      }
      if (!swapped) {
        trackCleaned(undefined); // replaceSegments deleted it
        this.#logger.info('log changed during cleaning; abandoning this pass', { log: log.name });
        return undefined;
      }
      trackCleaned(undefined);
    }
    if (!log.closed) this.#pendingHorizons.set(log, pendingHorizon ?? null);
    return {
      segmentsBefore,
      segmentsAfter: log.numberOfSegments,
      bytesBefore,
      bytesAfter: log.size,
      recordsRead,
      recordsRetained,
      tombstonesRemoved,
      firstDirtyOffset: upper,
      pendingDeleteHorizonMs: pendingHorizon,
    };
  }

  /** Why `group` can no longer be replaced as read, or undefined when it still can. */
  #changedSince(log: PartitionLog, group: readonly LogSegment[], sizes: ReadonlyMap<LogSegment, number>, successor: ReadonlyMap<LogSegment, LogSegment | undefined>): string | undefined {
    if (log.closed) return 'log closed';
    const segments = log.segments;
    const first = segments.indexOf(group[0]!);
    if (first < 0) return 'segments deleted';
    for (let i = 0; i < group.length; i++) {
      const s = group[i]!;
      if (segments[first + i] !== s) return 'segments deleted';
      if (s.size !== sizes.get(s)) return 'segment truncated';
    }
    const last = group.at(-1)!;
    if (segments[first + group.length] !== successor.get(last)) return 'log truncated';
    return undefined;
  }
}
