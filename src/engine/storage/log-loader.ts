// Loading and recovery of one partition log when it is opened (Kafka's LogLoader): removes
// leftover temporary files and orphan indexes, finishes a cleaner swap a crash interrupted,
// opens every segment (rebuilding a missing or corrupt index), and after an unclean shutdown
// re-validates every batch from the recovery point, truncating a torn or corrupt tail; after
// a clean one it checks only the active segment's tail. Then fixes the log start/end
// offsets, trims the leader epoch cache, loads the aborted-transaction index and rebuilds
// producer state (also after a truncation: rebuildProducerState), re-adding to the index
// the aborts the replayed tail holds. Synchronous; runs before the log serves anything.
import { existsSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../common/logger.js';
import { FileRecords } from './file-records.js';
import type { LeaderEpochCache } from './leader-epoch-cache.js';
import { INDEX_FILE_SUFFIX, LOG_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, offsetFileName, type LogSegment } from './log-segment.js';
import { TEMP_SUFFIXES, type LogSegments } from './log-segments.js';
import type { ProducerStateManager } from './producer-state.js';
import type { TransactionIndex } from './transaction-index.js';
import { isControl } from '../protocol/records/record-batch.js';
import { controlTypeOf, markerCoordinatorEpoch } from '../protocol/records/control-records.js';
import { checkSegmentTail } from './segment-check.js';

export interface LogLoaderOptions {
  dir: string;
  segments: LogSegments;
  leaderEpochCache: LeaderEpochCache;
  producerState: ProducerStateManager;
  txnIndex?: TransactionIndex;
  logger: Logger;
  /** Offset below which data is known flushed (recovery-point-offset-checkpoint). */
  recoveryPoint: bigint;
  /** From log-start-offset-checkpoint; undefined: the first segment's base offset. */
  logStartOffset: bigint | undefined;
  /** The broker shut down cleanly (marker present): skip full recovery. */
  hadCleanShutdown: boolean;
}

export interface LoadedOffsets {
  logStartOffset: bigint;
  logEndOffset: bigint;
}

/** Loads the segments of `options.dir` into `options.segments`; returns the log's offsets. */
export function loadLog(options: LogLoaderOptions): LoadedOffsets {
  const { dir, segments, logger, recoveryPoint, hadCleanShutdown } = options;
  completeInterruptedSwaps(dir, logger);
  const bases: bigint[] = [];
  const files = readdirSync(dir);
  for (const f of files) {
    if (TEMP_SUFFIXES.some((s) => f.endsWith(s))) {
      unlinkSync(join(dir, f));
      continue;
    }
    const m = /^(\d{20})(\.log|\.index|\.timeindex)$/.exec(f);
    if (!m) continue;
    if (m[2] === LOG_FILE_SUFFIX) bases.push(BigInt(m[1]!));
    else if (!files.includes(m[1]! + LOG_FILE_SUFFIX)) {
      unlinkSync(join(dir, f)); // orphan index without its log
    }
  }
  bases.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const opened: LogSegment[] = [];
  for (let i = 0; i < bases.length; i++) {
    const baseOffset = bases[i]!;
    // Segments holding offsets >= the recovery point are fully recovered below anyway.
    const willRecover = !hadCleanShutdown && (i + 1 >= bases.length || bases[i + 1]! > recoveryPoint);
    const name = join(dir, offsetFileName(baseOffset));
    const indexMissing = !existsSync(name + INDEX_FILE_SUFFIX) || !existsSync(name + TIME_INDEX_FILE_SUFFIX);
    const segment = segments.open(baseOffset);
    opened.push(segment);
    if (willRecover) continue;
    if (indexMissing && segment.size > 0) {
      logger.warn('rebuilding missing index', { segment: baseOffset.toString() });
      segment.recover();
      continue;
    }
    try {
      segment.sanityCheck();
    } catch (error) {
      logger.warn('rebuilding corrupt index', { segment: baseOffset.toString(), error });
      segment.recover();
    }
  }
  if (opened.length === 0) opened.push(segments.open(options.logStartOffset ?? 0n));
  segments.reset(opened);

  if (!hadCleanShutdown) recoverUnflushed(options, recoveryPoint);
  else checkActiveSegmentTail(options);

  const logEndOffset = segments.active.readNextOffset();
  const firstBase = segments.first.baseOffset;
  let logStartOffset = options.logStartOffset !== undefined && options.logStartOffset > firstBase ? options.logStartOffset : firstBase;
  if (logStartOffset > logEndOffset) logStartOffset = logEndOffset;

  options.leaderEpochCache.truncateFromEnd(logEndOffset);
  options.leaderEpochCache.truncateFromStart(logStartOffset);
  if (options.txnIndex) {
    options.txnIndex.load(segments.all.map((s) => s.baseOffset));
    options.txnIndex.truncateTo(logEndOffset);
  }
  rebuildProducerState(options.producerState, segments, logStartOffset, logEndOffset, options.txnIndex);
  logger.debug('log loaded', { logStartOffset, logEndOffset, segments: segments.count, hadCleanShutdown });
  return { logStartOffset, logEndOffset };
}

/**
 * Loads the newest producer snapshot <= logEndOffset and replays batch headers after it
 * (control batches are read whole for their marker type). Aborts found that the index lacks
 * are added to it (an index write lost to a crash).
 */
export function rebuildProducerState(producerState: ProducerStateManager, segments: LogSegments, logStartOffset: bigint, logEndOffset: bigint, txnIndex?: TransactionIndex): void {
  const snapshotOffset = producerState.loadLatestSnapshot(logEndOffset);
  const from = snapshotOffset ?? logStartOffset;
  if (from < logEndOffset) {
    const info = producerState.prepareUpdate();
    for (const segment of segments.all) {
      if (segment.readNextOffset() <= from) continue;
      segment.scanHeaders(from > segment.baseOffset ? from : segment.baseOffset, (h, position) => {
        if (h.baseOffset + BigInt(h.lastOffsetDelta) < from) return;
        if (!isControl(h.attributes)) {
          info.append(h);
          return;
        }
        const bytes = segment.log.read(position, h.batchLength + 12);
        const batch = { position: 0, header: h };
        const type = controlTypeOf(bytes, batch);
        const done = info.append(h, type === undefined ? undefined : { type, coordinatorEpoch: markerCoordinatorEpoch(bytes, batch) });
        if (done?.isAborted && txnIndex && !txnIndex.has(done.producerId, done.lastOffset)) {
          txnIndex.append(segment.baseOffset, { producerId: done.producerId, firstOffset: done.firstOffset, lastOffset: done.lastOffset, lastStableOffset: done.lastOffset + 1n });
        }
      });
    }
    producerState.commit(info, logEndOffset);
  }
  producerState.mapEndOffset = logEndOffset;
}

/**
 * A crash during a cleaner swap can leave `<base>.log.swap` (complete cleaned data) with or
 * without the segments it replaces: finish the swap (Kafka does the same). Swap indexes
 * are dropped and rebuilt.
 */
function completeInterruptedSwaps(dir: string, logger: Logger): void {
  for (const f of readdirSync(dir)) {
    const m = /^(\d{20})\.log\.swap$/.exec(f);
    if (!m) continue;
    const swapBase = BigInt(m[1]!);
    const swapPath = join(dir, f);
    const records = FileRecords.open(swapPath);
    let last = swapBase;
    records.scanBatches(0, (b) => {
      last = b.lastOffset;
      return true;
    });
    records.close();
    for (const g of readdirSync(dir)) {
      const seg = /^(\d{20})\.(log|index|timeindex)$/.exec(g);
      if (seg && BigInt(seg[1]!) >= swapBase && BigInt(seg[1]!) <= last) unlinkSync(join(dir, g));
    }
    renameSync(swapPath, swapPath.slice(0, -'.swap'.length));
    logger.warn('completed an interrupted cleaner swap', { segment: swapBase.toString() });
  }
}

/**
 * After a clean shutdown the log is trusted, but bytes written after the stop (a stray
 * writer, a disk fault) would be served and appended after: check the active segment's
 * tail cheaply and, when it is bad, recover that segment (truncating at the last valid batch).
 */
function checkActiveSegmentTail(options: LogLoaderOptions): void {
  const segment = options.segments.active;
  const problem = checkSegmentTail(segment);
  if (!problem) return;
  const sizeBefore = segment.size;
  recoverUnflushed(options, segment.baseOffset);
  options.logger.error('CORRUPT LOG TAIL after a clean shutdown: truncated to the last valid batch', {
    segment: segment.baseOffset.toString(),
    problem,
    truncatedBytes: sizeBefore - segment.size,
  });
}

/** Recovers every segment holding offsets >= recoveryPoint; a corrupt one ends the log. */
function recoverUnflushed(options: LogLoaderOptions, recoveryPoint: bigint): void {
  const { segments, leaderEpochCache, logger } = options;
  const all = segments.all;
  for (let i = 0; i < all.length; i++) {
    const segment = all[i]!;
    const next = all[i + 1];
    if (next && next.baseOffset <= recoveryPoint) continue;
    const truncated = segment.recover((h) => {
      if (h.partitionLeaderEpoch >= 0 && h.partitionLeaderEpoch > leaderEpochCache.latestEpoch) {
        leaderEpochCache.assign(h.partitionLeaderEpoch, h.baseOffset);
      }
    });
    if (truncated > 0) {
      logger.warn('truncated a corrupt or torn log tail during recovery', { segment: segment.baseOffset.toString(), truncatedBytes: truncated });
      const removed = all.slice(i + 1);
      segments.reset(all.slice(0, i + 1));
      for (const s of removed) {
        logger.warn('deleting segment after a corrupt one', { segment: s.baseOffset.toString() });
        s.delete();
      }
      break;
    }
  }
  // An empty segment after a non-empty one whose data was truncated is fine; an empty log
  // keeps its single (possibly empty) segment.
}
