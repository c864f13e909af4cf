// Transactions with real clients as separate processes (kafkajs, confluent-kafka-python on
// librdkafka) against one started broker: read_committed consumers see exactly the committed
// records in order and nothing aborted; consume-transform-produce with sendOffsets outputs
// every input once; a transactional producer killed with kill -9 mid-transaction is aborted
// after its timeout, and a new producer with the same id fences it and goes on.
import { execa, type ResultPromise } from 'execa';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type EmbeddedCluster } from '../../src/embedded/start-cluster.js';
import { ApiKey } from '../../src/engine/protocol/api-keys.js';
import { send } from './helpers/raw-kafka.js';
import { waitFor } from '../helpers/wait-for.js';

const KAFKAJS = fileURLToPath(new URL('./fixtures/kafkajs_txn.mjs', import.meta.url));
const PYTHON = fileURLToPath(new URL('./fixtures/confluent_txn.py', import.meta.url));

async function client(...args: string[]): Promise<Record<string, unknown>> {
  const r = await execa('node', [KAFKAJS, ...args], { timeout: 60_000, reject: false });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return JSON.parse(String(r.stdout).trim().split('\n').pop()!) as Record<string, unknown>;
}

interface Seen {
  partition: number;
  offset: string;
  key: string;
  value: string;
}

/** ListOffsets latest with read_committed (the LSO) and read_uncommitted (the HW) of partition 0. */
async function stableAndHigh(port: number, topic: string): Promise<[bigint, bigint]> {
  const ask = async (isolationLevel: number) => {
    const res = await send(port, ApiKey.ListOffsets, 5, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }] });
    return res.topics[0]!.partitions[0]!.offset;
  };
  return [await ask(1), await ask(0)];
}

describe('transactions with real clients', () => {
  let cluster: EmbeddedCluster;
  let port: number;
  beforeAll(async () => {
    cluster = await startCluster({
      brokers: 1,
      config: { 'transaction.abort.timed.out.transaction.cleanup.interval.ms': 200, 'transaction.state.log.num.partitions': 5, 'offsets.topic.num.partitions': 5 },
    });
    port = Number(cluster.brokers[0]!.split(':')[1]);
    for (const t of ['kjs', 'py', 'in', 'out']) await cluster.createTopic(t, { partitions: 6 });
    await cluster.createTopic('zombie', { partitions: 1 });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('kafkajs: a read_committed consumer sees exactly the committed transactions, in order', async () => {
    const txns = 60;
    const perTxn = 5;
    const produced = await client('produce', cluster.bootstrapServers, 'kjs', String(txns), String(perTxn), 'kjs');
    const committed = Number(produced.committed);
    expect(committed).toBe(40);
    const { seen } = (await client('consume', cluster.bootstrapServers, 'kjs', String(committed * perTxn), 'kjs-reader')) as { seen: Seen[] };
    expect(seen).toHaveLength(committed * perTxn);
    const keys = new Set(seen.map((s) => s.key));
    for (let i = 0; i < txns; i++) {
      for (let j = 0; j < perTxn; j++) expect(keys.has(`kjs-${i}-${j}`), `kjs-${i}-${j}`).toBe(i % 3 !== 2);
    }
    // Per partition, records come in offset order and in the order they were sent.
    for (let p = 0; p < 6; p++) {
      const mine = seen.filter((s) => s.partition === p);
      const offsets = mine.map((s) => BigInt(s.offset));
      expect([...offsets].sort((a, b) => (a < b ? -1 : 1))).toEqual(offsets);
      const order = mine.map((s) => s.value.split(':').map(Number) as [number, number]);
      for (let k = 1; k < order.length; k++) expect(order[k]![0] * 100 + order[k]![1]).toBeGreaterThan(order[k - 1]![0] * 100 + order[k - 1]![1]);
    }
    expect(new Set(seen.map((s) => s.partition)).size).toBe(6);
  }, 60_000);

  it('confluent-kafka-python: transactional producer and read_committed consumer', async () => {
    const r = await execa('/usr/bin/python3', [PYTHON, cluster.bootstrapServers, 'py', '40', '4'], { timeout: 60_000, reject: false });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const out = JSON.parse(String(r.stdout).trim().split('\n').pop()!) as { committed: number; seen: Array<[number, number, string, string]> };
    expect(out.committed).toBe(30);
    const keys = out.seen.map((s) => s[2]).sort();
    const expected: string[] = [];
    for (let i = 0; i < 40; i++) if (i % 4 !== 3) for (let j = 0; j < 4; j++) expected.push(`py-${i}-${j}`);
    expect(keys).toEqual(expected.sort());
  }, 60_000);

  it('consume-transform-produce with sendOffsets outputs every input exactly once', async () => {
    await client('produce', cluster.bootstrapServers, 'in', '12', '10', 'in');
    const inputs = 8 * 10; // 12 transactions, every third aborted
    const r = await client('transform', cluster.bootstrapServers, 'in', 'out', 'ctp', 'ctp-txn');
    expect(r.records).toBe(inputs);
    const { seen } = (await client('consume', cluster.bootstrapServers, 'out', String(inputs), 'out-reader')) as { seen: Seen[] };
    expect(seen.map((s) => s.key).sort()).toEqual([...new Set(seen.map((s) => s.key))].sort());
    expect(seen).toHaveLength(inputs);
    for (const s of seen) expect(s.value).toMatch(/^T\(\d+:\d+\)$/);
  }, 60_000);

  it('a producer killed mid-transaction is aborted after its timeout; a new one with its id fences it', async () => {
    const hung: ResultPromise = execa('node', [KAFKAJS, 'hang', cluster.bootstrapServers, 'zombie', 'zombie-txn', '1500'], { reject: false });
    try {
      await new Promise<void>((resolve, reject) => {
        hung.stdout!.on('data', (d: Buffer) => String(d).includes('"sent"') && resolve());
        void hung.then((r) => reject(new Error(`hang exited early: ${String(r.stderr)}`)));
      });
      const [lso, hw] = await stableAndHigh(port, 'zombie');
      expect(lso).toBe(0n); // the open transaction holds the LSO
      expect(hw).toBe(1n);
    } finally {
      hung.kill('SIGKILL');
      await hung;
    }
    // The coordinator aborts it once transaction.timeout.ms has passed: the LSO moves past the marker.
    await waitFor('the LSO to pass the abort marker', async () => (await stableAndHigh(port, 'zombie'))[0] === 2n, 10_000);
    const describe = await send(port, ApiKey.DescribeTransactions, 0, { transactionalIds: ['zombie-txn'] });
    expect(describe.transactionStates[0]).toMatchObject({ errorCode: 0, transactionState: 'CompleteAbort', topics: [] });
    expect(await client('fence', cluster.bootstrapServers, 'zombie', 'zombie-txn')).toEqual({ committed: 1 });
    const { seen } = (await client('consume', cluster.bootstrapServers, 'zombie', '1', 'zombie-reader')) as { seen: Seen[] };
    expect(seen.map((s) => s.key)).toEqual(['successor']);
    const producers = await send(port, ApiKey.DescribeProducers, 0, { topics: [{ name: 'zombie', partitionIndexes: [0] }] });
    expect(producers.topics[0]!.partitions[0]!.activeProducers.every((p) => p.currentTxnStartOffset === -1n)).toBe(true);
  }, 60_000);
});
