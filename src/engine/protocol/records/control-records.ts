// Kafka's control records (ControlRecordType, EndTransactionMarker): the commit/abort markers
// a transaction coordinator has partition leaders append to end a producer's transaction.
// A marker is a batch with the control and transactional attributes, the producer's id and
// epoch, no sequence (-1) and one record whose key is (version int16 = 0, type int16: 0 abort,
// 1 commit) and whose value is (version int16 = 0, coordinatorEpoch int32). Pure functions.
import { isControl, type BatchPosition } from './record-batch.js';
import { buildRecordBatch, decodeRecordBatch } from './record-codec.js';

export const ControlRecordType = { Abort: 0, Commit: 1 } as const;
export type ControlRecordType = (typeof ControlRecordType)[keyof typeof ControlRecordType];

export interface EndTxnMarker {
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  commit: boolean;
}

/** One control batch holding the marker (offset 0; the leader assigns the real one). */
export function buildEndTxnMarkerBatch(marker: EndTxnMarker, timestampMs: bigint): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(marker.commit ? ControlRecordType.Commit : ControlRecordType.Abort, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(marker.coordinatorEpoch, 2);
  return buildRecordBatch([{ key, value, timestamp: timestampMs }], {
    producerId: marker.producerId,
    producerEpoch: marker.producerEpoch,
    baseSequence: -1,
    transactional: true,
    control: true,
    timestamp: timestampMs,
  });
}

/**
 * The control type of a control batch (Abort/Commit; other types such as leader change
 * markers give their number), or undefined for a data batch or an unreadable record.
 */
export function controlTypeOf(buf: Buffer, batch: Pick<BatchPosition, 'position' | 'header'>): number | undefined {
  if (!isControl(batch.header.attributes)) return undefined;
  try {
    const first = decodeRecordBatch(buf, batch.position).records[0];
    if (!first?.key || first.key.length < 4) return undefined;
    return first.key.readInt16BE(2);
  } catch {
    return undefined;
  }
}

/** The coordinator epoch of a marker's value (-1 when absent). */
export function markerCoordinatorEpoch(buf: Buffer, batch: Pick<BatchPosition, 'position'>): number {
  try {
    const first = decodeRecordBatch(buf, batch.position).records[0];
    return first?.value && first.value.length >= 6 ? first.value.readInt32BE(2) : -1;
  } catch {
    return -1;
  }
}
