// Transactions in the partition log: transactional batches, commit/abort markers, the first
// unstable offset (last stable offset), the aborted-transaction index (.txnindex) and its
// rebuild on recovery, truncation and retention.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { iterateBatchPositions, isControl, isTransactional } from '../../../src/engine/protocol/records/record-batch.js';
import { ControlRecordType, controlTypeOf, markerCoordinatorEpoch } from '../../../src/engine/protocol/records/control-records.js';
import { RecordsErrorCode } from '../../../src/engine/protocol/records/records-error.js';
import { batch, config, kafkaCode, makeTempDir, openLog } from './helpers.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => (tmp = makeTempDir()));
afterEach(() => tmp.cleanup());

const P1 = 1000n;
const P2 = 2000n;

function txnBatch(producerId: bigint, baseSequence: number, count = 2, producerEpoch = 0): Buffer {
  return batch(count, { producerId, producerEpoch, baseSequence, transactional: true, start: baseSequence });
}

function marker(producerId: bigint, commit: boolean, producerEpoch = 0, coordinatorEpoch = 0) {
  return { producerId, producerEpoch, coordinatorEpoch, commit };
}

describe('transactions in the partition log', () => {
  it('writes a control batch in Kafka format for a marker', () => {
    const log = openLog(tmp.dir);
    log.appendAsLeader(txnBatch(P1, 0), 0);
    const info = log.appendEndTxnMarker(marker(P1, true, 0, 7), 0);
    expect(info.firstOffset).toBe(2n);
    const { records } = log.read(2n, 1 << 20);
    const [b] = [...iterateBatchPositions(records)];
    expect(isControl(b!.header.attributes) && isTransactional(b!.header.attributes)).toBe(true);
    expect(b!.header.producerId).toBe(P1);
    expect(b!.header.baseSequence).toBe(-1);
    expect(controlTypeOf(records, b!)).toBe(ControlRecordType.Commit);
    expect(markerCoordinatorEpoch(records, b!)).toBe(7);
    log.close();
  });

  it('holds the last stable offset at the first offset of the oldest open transaction', () => {
    const log = openLog(tmp.dir);
    log.appendAsLeader(batch(3), 0); // 0-2 plain
    log.appendAsLeader(txnBatch(P1, 0), 0); // 3-4
    log.appendAsLeader(txnBatch(P2, 0), 0); // 5-6
    log.updateHighWatermark(log.logEndOffset);
    expect(log.firstUnstableOffset()).toBe(3n);
    log.appendEndTxnMarker(marker(P1, true), 0); // 7
    // The marker is not below the high watermark yet: the transaction stays unstable.
    expect(log.firstUnstableOffset()).toBe(3n);
    log.updateHighWatermark(log.logEndOffset);
    expect(log.firstUnstableOffset()).toBe(5n);
    log.appendEndTxnMarker(marker(P2, false), 0); // 8
    log.updateHighWatermark(log.logEndOffset);
    expect(log.firstUnstableOffset()).toBeUndefined();
    log.close();
  });

  it('indexes aborted transactions and lists those overlapping a fetch range', () => {
    const log = openLog(tmp.dir);
    log.appendAsLeader(txnBatch(P1, 0), 0); // 0-1
    log.appendAsLeader(txnBatch(P2, 0), 0); // 2-3
    log.appendEndTxnMarker(marker(P1, false), 0); // 4 abort
    log.appendEndTxnMarker(marker(P2, true), 0); // 5 commit
    log.appendAsLeader(txnBatch(P1, 2), 0); // 6-7
    log.appendEndTxnMarker(marker(P1, false), 0); // 8 abort
    expect(log.collectAbortedTransactions(0n, 9n).map((t) => [t.producerId, t.firstOffset, t.lastOffset])).toEqual([
      [P1, 0n, 4n],
      [P1, 6n, 8n],
    ]);
    expect(log.collectAbortedTransactions(5n, 6n)).toEqual([]);
    expect(log.collectAbortedTransactions(7n, 9n).map((t) => t.firstOffset)).toEqual([6n]);
    expect(statSync(join(log.dir, '00000000000000000000.txnindex')).size).toBe(2 * 34);
    log.close();
  });

  it('refuses a plain batch from a producer with an open transaction and a marker with an old epoch', () => {
    const log = openLog(tmp.dir);
    log.appendAsLeader(txnBatch(P1, 0, 2, 3), 0);
    expect(kafkaCode(() => log.appendAsLeader(batch(1, { producerId: P1, producerEpoch: 3, baseSequence: 2 }), 0))).toBe(RecordsErrorCode.INVALID_TXN_STATE);
    expect(kafkaCode(() => log.appendEndTxnMarker(marker(P1, false, 2), 0))).toBe(RecordsErrorCode.INVALID_PRODUCER_EPOCH);
    log.appendEndTxnMarker(marker(P1, false, 4, 5), 0); // an abort by the coordinator with a bumped epoch fences epoch 3
    expect(kafkaCode(() => log.appendAsLeader(txnBatch(P1, 2, 1, 3), 0))).toBe(RecordsErrorCode.INVALID_PRODUCER_EPOCH);
    expect(kafkaCode(() => log.appendEndTxnMarker(marker(P1, true, 4, 4), 0))).toBe(RecordsErrorCode.TRANSACTION_COORDINATOR_FENCED);
    log.close();
  });

  it('keeps open transactions and the index across a clean restart', () => {
    let log = openLog(tmp.dir);
    log.appendAsLeader(txnBatch(P1, 0), 0);
    log.appendEndTxnMarker(marker(P1, false), 0);
    log.appendAsLeader(txnBatch(P2, 0), 0); // 3-4 open
    log.close();
    log = openLog(tmp.dir, { hadCleanShutdown: true });
    expect(log.firstUnstableOffset()).toBe(3n);
    expect(log.collectAbortedTransactions(0n, 10n).map((t) => t.lastOffset)).toEqual([2n]);
    log.close();
  });

  it('rebuilds the transaction index and open transactions on recovery after a crash', () => {
    let log = openLog(tmp.dir, { config: config({ 'segment.bytes': '300' }) });
    for (let i = 0; i < 4; i++) {
      log.appendAsLeader(txnBatch(P1, i * 2), 0);
      log.appendEndTxnMarker(marker(P1, i % 2 === 0), 0);
    }
    log.appendAsLeader(txnBatch(P2, 0), 0);
    const before = log.collectAbortedTransactions(0n, 100n);
    const open = log.firstUnstableOffset();
    expect(before).toHaveLength(2);
    expect(log.numberOfSegments).toBeGreaterThan(1);
    log.closeWithoutFlush();
    for (const f of readdirSync(log.dir)) if (f.endsWith('.txnindex') || f.endsWith('.snapshot')) rmSync(join(log.dir, f));
    log = openLog(tmp.dir, { config: config({ 'segment.bytes': '300' }) });
    expect(log.collectAbortedTransactions(0n, 100n)).toEqual(before.map((t) => ({ ...t, lastStableOffset: t.lastOffset + 1n })));
    expect(log.firstUnstableOffset()).toBe(open);
    log.close();
  });

  it('drops index entries of truncated markers and reopens the transaction', () => {
    const log = openLog(tmp.dir);
    log.appendAsLeader(txnBatch(P1, 0), 0); // 0-1
    log.appendEndTxnMarker(marker(P1, false), 0); // 2
    log.updateHighWatermark(log.logEndOffset);
    expect(log.firstUnstableOffset()).toBeUndefined();
    log.truncateTo(2n);
    expect(log.collectAbortedTransactions(0n, 10n)).toEqual([]);
    expect(existsSync(join(log.dir, '00000000000000000000.txnindex'))).toBe(false);
    expect(log.firstUnstableOffset()).toBe(0n);
    log.close();
  });

  it('replicates markers to a follower log with the same producer state and index', () => {
    const leader = openLog(tmp.dir);
    leader.appendAsLeader(txnBatch(P1, 0), 0);
    leader.appendEndTxnMarker(marker(P1, false), 0);
    leader.appendAsLeader(txnBatch(P2, 0), 0);
    const follower = openLog(join(tmp.dir, 'f'));
    follower.appendAsFollower(leader.read(0n, 1 << 20, { minOneMessage: true }).records);
    expect(follower.collectAbortedTransactions(0n, 10n)).toEqual(leader.collectAbortedTransactions(0n, 10n));
    follower.updateHighWatermark(follower.logEndOffset);
    expect(follower.firstUnstableOffset()).toBe(3n);
    leader.close();
    follower.close();
  });
});
