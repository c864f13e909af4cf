// A leader whose older segment is damaged on disk answers KAFKA_STORAGE_ERROR for the bad
// range (not bytes that fail in the client) and hands leadership to an in-sync replica, from
// which every record reads intact.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/engine/protocol/error-codes.js';
import { flipByte } from '../engine/storage/helpers.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { createOnThree, fetchFrom, partitionState, produceValues, readAll } from './helpers/raw-kafka.js';
import { waitFor } from '../helpers/wait-for.js';

const settings = { 'broker.heartbeat.interval.ms': '200', 'broker.session.timeout.ms': '3000', 'auto.leader.rebalance.enable': 'false' };
let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

describe('a leader with a damaged older segment', () => {
  it('answers KAFKA_STORAGE_ERROR and hands leadership to an in-sync replica with good data', async () => {
    cluster = await startTestCluster({ brokers: 3, settings });
    const file = cluster.readClusterFile();
    const port = (id: number) => file.brokers.find((b) => b.id === id)!.port;
    expect(await createOnThree(file.controller.port, 'damaged', { 'segment.bytes': '4096' })).toBe(0);
    await waitFor('broker 1 leads with a full ISR', async () => {
      const p = await partitionState(port(1), 'damaged');
      return p.leaderId === 1 && (p.isrNodes as number[]).length === 3;
    });
    const values: string[] = [];
    for (let i = 0; i < 40; i++) {
      const batchValues = Array.from({ length: 10 }, (_, j) => `v${i}-${j}-${'y'.repeat(40)}`);
      expect(await produceValues(port(1), 'damaged', batchValues)).toBe(0);
      values.push(...batchValues);
    }
    const partitionDir = join(cluster.dir, 'broker-1', 'damaged-0');
    const segments = readdirSync(partitionDir).filter((f) => f.endsWith('.log')).sort();
    expect(segments.length).toBeGreaterThan(2);
    // Damage a byte inside the first (older, on-disk) segment of the leader only.
    flipByte(join(partitionDir, segments[0]!), 300);

    const p = await fetchFrom(port(1), 'damaged', 0n);
    expect(p.errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    const moved = await waitFor('leadership moved off broker 1', async () => {
      const st = await partitionState(port(2), 'damaged');
      return st.leaderId !== 1 && st.leaderId > 0 ? st : undefined;
    });
    // The new leader's high watermark reaches the old one's once the other follower fetched again.
    const read = await waitFor('all records readable on the new leader', async () => {
      const got = await readAll(port(moved.leaderId as number), 'damaged');
      return got.length >= values.length ? got : undefined;
    });
    expect(read).toEqual(values);
  });
});
