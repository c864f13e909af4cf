// A leader partition over a real PartitionLog with transactions: the last stable offset
// stays at an open transaction's first offset, moves past a committed one as soon as the
// followers have its marker (not at the next high-watermark checkpoint), and read_committed
// fetches stop there and list aborted transactions.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Partition } from '../../../src/engine/broker/partition.js';
import { batch, makeTempDir, openLog } from '../storage/helpers.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => (tmp = makeTempDir()));
afterEach(() => tmp.cleanup());

const fetch = (p: Partition, replicaId: number, fetchOffset: bigint, isolationLevel = 0) =>
  p.fetchRecords({ replicaId, fetchOffset, maxBytes: 1 << 20, minOneMessage: true, currentLeaderEpoch: -1, isolationLevel, updateFetchState: true, nowMs: 1000 });

describe('Partition with transactions', () => {
  it('moves the LSO with the high watermark and serves read_committed up to it', () => {
    const log = openLog(tmp.dir);
    const p = new Partition({ topic: 'topic', partition: 0, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', localBrokerId: 1, log });
    p.makeLeader({ leaderId: 1, leaderEpoch: 0, replicas: [1, 2], isr: [1, 2] }, 1000);
    p.appendAsLeader(batch(2)); // 0-1 plain
    p.appendAsLeader(batch(2, { producerId: 5n, producerEpoch: 0, baseSequence: 0, transactional: true })); // 2-3
    fetch(p, 2, 4n); // the follower has everything: HW 4
    expect(p.highWatermark).toBe(4n);
    expect(p.lastStableOffset).toBe(2n);
    const committedRead = fetch(p, -1, 0n, 1);
    expect(committedRead.abortedTransactions).toEqual([]);
    expect(committedRead.records.length).toBeGreaterThan(0);
    expect(fetch(p, -1, 2n, 1).records.length).toBe(0); // nothing visible at the LSO yet

    p.appendEndTxnMarker({ producerId: 5n, producerEpoch: 0, coordinatorEpoch: 0, commit: false }); // 4
    expect(p.lastStableOffset).toBe(2n); // the marker is not replicated yet
    fetch(p, 2, 5n);
    expect(p.highWatermark).toBe(5n);
    expect(p.lastStableOffset).toBe(5n);
    expect(fetch(p, -1, 2n, 1).abortedTransactions).toEqual([{ producerId: 5n, firstOffset: 2n }]);
    expect(fetch(p, -1, 2n, 0).abortedTransactions).toBeUndefined();
    log.close();
  });
});
