// What an append does to a partition's transaction bookkeeping (Kafka's
// UnifiedLog.analyzeAndValidateProducerState + updateTxnIndex): every appended batch goes
// into producer state (a control batch's marker type and coordinator epoch are read from its
// record, ending the producer's open transaction), the state is committed at the new log end,
// and each aborted transaction is added to the aborted-transaction index of the segment
// holding its marker, with the last stable offset right after it. Pure over its inputs;
// called by PartitionLog on the broker's event loop.
import { controlTypeOf, markerCoordinatorEpoch } from '../protocol/records/control-records.js';
import { isControl, type BatchPosition } from '../protocol/records/record-batch.js';
import type { CompletedTxn, ProducerAppendInfo, ProducerStateManager } from './producer-state.js';
import type { TransactionIndex } from './transaction-index.js';

export interface AppendedBatches {
  records: Buffer;
  batches: readonly BatchPosition[];
  info: ProducerAppendInfo;
  producerState: ProducerStateManager;
  txnIndex: TransactionIndex;
  /** Base offset of the segment the batches were written to. */
  segmentBase: bigint;
  /** The log end offset after the append. */
  endOffset: bigint;
}

export function applyAppendedBatches(a: AppendedBatches): void {
  const completed: CompletedTxn[] = [];
  for (const b of a.batches) {
    if (isControl(b.header.attributes)) {
      const type = controlTypeOf(a.records, b);
      const done = a.info.append(b.header, type === undefined ? undefined : { type, coordinatorEpoch: markerCoordinatorEpoch(a.records, b) });
      if (done) completed.push(done);
    } else {
      a.info.append(b.header);
    }
  }
  a.producerState.commit(a.info, a.endOffset);
  for (const txn of completed) {
    if (!txn.isAborted) continue;
    const unstable = a.producerState.firstUnstableOffset();
    const lastStableOffset = unstable !== undefined && unstable < txn.firstOffset ? unstable : txn.lastOffset + 1n;
    a.txnIndex.append(a.segmentBase, { producerId: txn.producerId, firstOffset: txn.firstOffset, lastOffset: txn.lastOffset, lastStableOffset });
  }
}
