// The transaction coordinator against in-memory broker services: producer ids and epoch
// bumps, fencing (PRODUCER_FENCED), the state table, EndTxn sending markers then writing
// Complete, timed-out transactions aborted with a bumped epoch, and state reloaded by a new
// coordinator that finishes a transaction left in PrepareCommit.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/common/clock.js';
import { silentLogger } from '../../../src/engine/common/logger.js';
import { TransactionCoordinator } from '../../../src/engine/coordinator/transaction-coordinator.js';
import { TRANSACTION_STATE_TOPIC } from '../../../src/engine/coordinator/transaction-log-records.js';
import type { TopicPartitionRef, TxnMarker } from '../../../src/engine/coordinator/transaction-markers.js';
import { TXN_TRANSITIONS, canTransition } from '../../../src/engine/coordinator/transaction-state.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { FakeCluster } from './fake-broker-services.js';

const PARTITIONS = 3;

interface Harness {
  cluster: FakeCluster;
  clock: ManualClock;
  markers: Array<{ leader: number; marker: TxnMarker; partitions: TopicPartitionRef[] }>;
  /** When set, partition leaders answer NOT_LEADER_OR_FOLLOWER to markers (the sender retries). */
  blockMarkers: boolean;
  coordinator(brokerId: number): TransactionCoordinator;
}

const open: TransactionCoordinator[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

function harness(): Harness {
  const cluster = new FakeCluster({ orders: 2 });
  cluster.leaders.set('orders-0', 1);
  cluster.leaders.set('orders-1', 1);
  const clock = new ManualClock();
  const markers: Harness['markers'] = [];
  let nextId = 1000n;
  const h: Harness = {
    cluster,
    clock,
    markers,
    blockMarkers: false,
    coordinator(brokerId) {
      const c = new TransactionCoordinator({
        services: cluster.broker(brokerId),
        logger: silentLogger,
        clock,
        config: { stateLogPartitions: PARTITIONS, abortTimedOutIntervalMs: 1000 },
        nextProducerId: () => nextId++,
        writeTxnMarkers: async (leader, marker, partitions) => {
          if (h.blockMarkers) return partitions.map((tp) => ({ ...tp, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER }));
          markers.push({ leader, marker, partitions });
          return partitions.map((tp) => ({ ...tp, errorCode: ErrorCode.NONE }));
        },
        offsetsPartitionFor: () => 0,
      });
      open.push(c);
      return c;
    },
  };
  return h;
}

/** Creates the state topic led by `leader` and waits until `c` has loaded it. */
async function ready(h: Harness, c: TransactionCoordinator): Promise<void> {
  expect((await c.findCoordinator('any')).errorCode).toBe(ErrorCode.NONE);
  for (let i = 0; i < 100; i++) {
    if (c.listTransactions([], [], -1n).errorCode === ErrorCode.NONE) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('not loaded');
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

describe('TransactionCoordinator', () => {
  it('keeps Kafka\'s transition table', () => {
    expect(canTransition('Ongoing', 'PrepareCommit')).toBe(true);
    expect(canTransition('Empty', 'PrepareCommit')).toBe(false);
    expect(canTransition('PrepareEpochFence', 'PrepareAbort')).toBe(true);
    expect(TXN_TRANSITIONS.CompleteCommit).toEqual(['PrepareCommit']);
  });

  it('gives a new transactional id a producer id and bumps the epoch on each init', async () => {
    const h = harness();
    const c = h.coordinator(1);
    await ready(h, c);
    expect(await c.initProducerId('t1', 60_000, -1n, -1)).toEqual({ errorCode: ErrorCode.NONE, producerId: 1000n, producerEpoch: 0 });
    expect(await c.initProducerId('t1', 60_000, -1n, -1)).toEqual({ errorCode: ErrorCode.NONE, producerId: 1000n, producerEpoch: 1 });
    expect((await c.initProducerId('t1', 0, -1n, -1)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect((await c.initProducerId('t1', 900_001, -1n, -1)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  });

  it('fences the older producer of a transactional id', async () => {
    const h = harness();
    const c = h.coordinator(1);
    await ready(h, c);
    const old = await c.initProducerId('t1', 60_000, -1n, -1);
    const next = await c.initProducerId('t1', 60_000, -1n, -1);
    expect(await c.addPartitionsToTxn('t1', old.producerId, old.producerEpoch, [{ topic: 'orders', partition: 0 }])).toBe(ErrorCode.PRODUCER_FENCED);
    expect(await c.endTxn('t1', old.producerId, old.producerEpoch, true)).toBe(ErrorCode.PRODUCER_FENCED);
    expect(await c.addPartitionsToTxn('t1', 9n, next.producerEpoch, [{ topic: 'orders', partition: 0 }])).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(await c.addPartitionsToTxn('t1', next.producerId, next.producerEpoch, [{ topic: 'orders', partition: 0 }])).toBe(ErrorCode.NONE);
  });

  it('commits: PrepareCommit answers EndTxn, markers go to the leaders, then CompleteCommit', async () => {
    const h = harness();
    const c = h.coordinator(1);
    await ready(h, c);
    const p = await c.initProducerId('t1', 60_000, -1n, -1);
    expect(await c.addPartitionsToTxn('t1', p.producerId, p.producerEpoch, [{ topic: 'orders', partition: 0 }, { topic: 'orders', partition: 1 }])).toBe(ErrorCode.NONE);
    expect(c.verifyPartitions('t1', p.producerId, p.producerEpoch, [{ topic: 'orders', partition: 1 }])[0]!.errorCode).toBe(ErrorCode.NONE);
    expect(c.describeTransactions(['t1'])[0]).toMatchObject({ transactionState: 'Ongoing', topics: [{ topic: 'orders', partitions: [0, 1] }] });
    expect(await c.endTxn('t1', p.producerId, p.producerEpoch, true)).toBe(ErrorCode.NONE);
    await settle();
    expect(h.markers).toEqual([{ leader: 1, marker: { producerId: p.producerId, producerEpoch: p.producerEpoch, coordinatorEpoch: expect.any(Number), commit: true }, partitions: [{ topic: 'orders', partition: 0 }, { topic: 'orders', partition: 1 }] }]);
    expect(c.describeTransactions(['t1'])[0]).toMatchObject({ transactionState: 'CompleteCommit', topics: [] });
    expect(await c.endTxn('t1', p.producerId, p.producerEpoch, true)).toBe(ErrorCode.NONE); // a retried commit
    expect(await c.endTxn('t1', p.producerId, p.producerEpoch, false)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(c.verifyPartitions('t1', p.producerId, p.producerEpoch, [{ topic: 'orders', partition: 1 }])[0]!.errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('aborts a transaction open past its timeout with a bumped epoch, fencing its producer', async () => {
    const h = harness();
    const c = h.coordinator(1);
    await ready(h, c);
    const p = await c.initProducerId('t1', 5_000, -1n, -1);
    await c.addPartitionsToTxn('t1', p.producerId, p.producerEpoch, [{ topic: 'orders', partition: 0 }]);
    h.clock.advance(6_000);
    await settle();
    expect(h.markers.map((m) => m.marker)).toEqual([{ producerId: p.producerId, producerEpoch: p.producerEpoch + 1, coordinatorEpoch: expect.any(Number), commit: false }]);
    expect(c.describeTransactions(['t1'])[0]).toMatchObject({ transactionState: 'CompleteAbort', producerEpoch: p.producerEpoch + 1 });
    expect(await c.endTxn('t1', p.producerId, p.producerEpoch, true)).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('a new producer of an id with an open transaction aborts it and retries after CONCURRENT_TRANSACTIONS', async () => {
    const h = harness();
    const c = h.coordinator(1);
    await ready(h, c);
    const p = await c.initProducerId('t1', 60_000, -1n, -1);
    await c.addPartitionsToTxn('t1', p.producerId, p.producerEpoch, [{ topic: 'orders', partition: 1 }]);
    expect((await c.initProducerId('t1', 60_000, -1n, -1)).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    await settle();
    expect(h.markers[0]!.marker.commit).toBe(false);
    expect(await c.initProducerId('t1', 60_000, -1n, -1)).toEqual({ errorCode: ErrorCode.NONE, producerId: p.producerId, producerEpoch: p.producerEpoch + 2 });
  });

  it('a new coordinator reloads the state and finishes a transaction left in PrepareCommit', async () => {
    const h = harness();
    const c1 = h.coordinator(1);
    await ready(h, c1);
    const c2 = h.coordinator(2);
    const p = await c1.initProducerId('t1', 60_000, -1n, -1);
    await c1.addPartitionsToTxn('t1', p.producerId, p.producerEpoch, [{ topic: 'orders', partition: 0 }]);
    h.blockMarkers = true;
    expect(await c1.endTxn('t1', p.producerId, p.producerEpoch, true)).toBe(ErrorCode.NONE);
    await settle();
    expect(c1.describeTransactions(['t1'])[0]!.transactionState).toBe('PrepareCommit');
    expect(h.markers).toEqual([]);
    // The state partitions move to broker 2, which reloads them and resends the markers.
    h.blockMarkers = false;
    for (let i = 0; i < PARTITIONS; i++) {
      h.cluster.leaders.set(`${TRANSACTION_STATE_TOPIC}-${i}`, 2);
      h.cluster.broker(1).notify(TRANSACTION_STATE_TOPIC, i, false);
      h.cluster.broker(2).notify(TRANSACTION_STATE_TOPIC, i, true);
    }
    h.clock.advance(1000); // the old coordinator's retry wakes, sees it lost the id and stops
    await settle();
    expect(c1.describeTransactions(['t1'])[0]!.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(h.markers.map((m) => m.marker.commit)).toEqual([true]);
    expect(c2.describeTransactions(['t1'])[0]).toMatchObject({ transactionState: 'CompleteCommit', producerId: p.producerId });
    expect(c2.listTransactions(['CompleteCommit'], [], -1n).transactionStates).toEqual([{ transactionalId: 't1', producerId: p.producerId, transactionState: 'CompleteCommit' }]);
  });
});
