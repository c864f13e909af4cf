// The per-batch decision of the log cleaner (Kafka's MemoryRecords.filterTo with the
// cleaner's RecordFilter): which records of one stored batch survive compaction, and the
// bytes to write for them. A record survives when it is the latest for its key in the
// offset map (or its key is not in the map) and, for a tombstone, while the batch's delete
// horizon has not passed. KIP-534 delete horizon: the first clean that retains a tombstone
// in a batch without a horizon rewrites the batch with the delete-horizon attribute set and
// baseTimestamp = now + delete.retention.ms (record timestamp deltas are re-encoded so every
// record keeps its timestamp); a later clean drops the tombstone once now >= that horizon.
// Control batches are dropped (no transactions here). Pure function; no shared state.
import { compressionOf, hasDeleteHorizon, isControl, isLogAppendTime, isTransactional, type BatchHeader } from '../protocol/records/record-batch.js';
import { buildRecordBatch, decodeRecordBatch } from '../protocol/records/record-codec.js';

export interface BatchFilterContext {
  /** key (latin1 string of its bytes) → offset of its latest record in the dirty section. */
  offsetMap: ReadonlyMap<string, bigint>;
  nowMs: number;
  deleteRetentionMs: number;
}

export interface BatchFilterResult {
  header: BatchHeader;
  /** Bytes to write (the original batch, or a rebuilt one); undefined when nothing survives. */
  batch: Buffer | undefined;
  recordsRead: number;
  recordsRetained: number;
  tombstonesRemoved: number;
  /** The delete horizon (ms) of the tombstones this batch still holds; undefined when none. */
  tombstoneHorizonMs: number | undefined;
}

/** Applies compaction to the batch at `position` (size `size`) of `buf`. */
export function filterBatch(buf: Buffer, position: number, size: number, ctx: BatchFilterContext): BatchFilterResult {
  const { header, records } = decodeRecordBatch(buf, position);
  const result: BatchFilterResult = { header, batch: undefined, recordsRead: records.length, recordsRetained: 0, tombstonesRemoved: 0, tombstoneHorizonMs: undefined };
  if (isControl(header.attributes)) return result;
  const horizon = hasDeleteHorizon(header.attributes) ? header.baseTimestamp : undefined;
  const now = BigInt(ctx.nowMs);
  let tombstones = 0;
  const kept = records.filter((r) => {
    if (r.key === null) return false;
    const latest = ctx.offsetMap.get(r.key.toString('latin1'));
    if (latest !== undefined && r.offset < latest) return false;
    if (r.value === null) {
      if (horizon !== undefined && now >= horizon) {
        result.tombstonesRemoved++;
        return false;
      }
      tombstones++;
    }
    return true;
  });
  result.recordsRetained = kept.length;
  if (kept.length === 0) return result;
  const needsHorizon = tombstones > 0 && horizon === undefined;
  const newHorizon = needsHorizon ? now + BigInt(ctx.deleteRetentionMs) : horizon;
  if (tombstones > 0) result.tombstoneHorizonMs = Number(newHorizon);
  if (kept.length === records.length && !needsHorizon) {
    result.batch = Buffer.from(buf.subarray(position, position + size));
    return result;
  }
  result.batch = buildRecordBatch(
    kept.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: r.offsetDelta })),
    {
      compression: compressionOf(header.attributes),
      baseOffset: header.baseOffset,
      partitionLeaderEpoch: header.partitionLeaderEpoch,
      producerId: header.producerId,
      producerEpoch: header.producerEpoch,
      baseSequence: header.baseSequence,
      transactional: isTransactional(header.attributes),
      // With a delete horizon, baseTimestamp carries the horizon (KIP-534).
      baseTimestamp: newHorizon ?? header.baseTimestamp,
      deleteHorizon: newHorizon !== undefined,
      maxTimestamp: header.maxTimestamp,
      lastOffsetDelta: header.lastOffsetDelta,
      logAppendTime: isLogAppendTime(header.attributes),
    },
  );
  return result;
}
