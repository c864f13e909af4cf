// Transactions benchmark (`npm run bench -- transactions`): a 3-broker cluster (startCluster
// from dist/), a 6-partition topic with RF 3, then with kafkajs in this process:
//   1. idempotent producer (acks=all): N records in sends of 100 (the peer figure);
//   2. transactional producer: the same N records, one transaction per 100-record send;
//   3. read_uncommitted and read_committed consumers reading all 2 N records back.
// Prints records/s for each and the ratios the issue sets targets for (transactional >= 50 %
// of idempotent, read_committed >= 90 % of read_uncommitted). Not a test: it asserts nothing.
import kafkajs from 'kafkajs';
import { startCluster } from '../src/embedded/start-cluster.js';

const { Kafka, logLevel, Partitioners } = kafkajs;
const N = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 30_000);
const PER_TXN = 100;
const TOPIC = 'txn-bench';

const cluster = await startCluster({ brokers: 3 });
try {
  await cluster.createTopic(TOPIC, { partitions: 6, replicationFactor: 3 });
  const kafka = new Kafka({ brokers: cluster.brokers, logLevel: logLevel.NOTHING });
  const value = Buffer.alloc(100, 120);
  const batch = (i: number) => Array.from({ length: PER_TXN }, (_, j) => ({ key: String(i * PER_TXN + j), value }));

  const idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await idempotent.connect();
  let t0 = performance.now();
  for (let i = 0; i < N / PER_TXN; i++) await idempotent.send({ topic: TOPIC, acks: -1, messages: batch(i) });
  const idemRate = N / ((performance.now() - t0) / 1000);
  await idempotent.disconnect();

  const transactional = kafka.producer({ transactionalId: 'bench-txn', idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await transactional.connect();
  t0 = performance.now();
  for (let i = 0; i < N / PER_TXN; i++) {
    const txn = await transactional.transaction();
    await txn.send({ topic: TOPIC, messages: batch(i) });
    await txn.commit();
  }
  const txnRate = N / ((performance.now() - t0) / 1000);
  await transactional.disconnect();

  const consume = async (readUncommitted: boolean): Promise<number> => {
    const consumer = kafka.consumer({ groupId: `bench-${readUncommitted ? 'ru' : 'rc'}`, readUncommitted, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    let seen = 0;
    const start = performance.now();
    let end = start;
    await consumer.run({
      eachBatch: async ({ batch: b }) => {
        seen += b.messages.length;
        if (seen >= 2 * N) end = performance.now();
      },
    });
    while (seen < 2 * N) await new Promise((r) => setTimeout(r, 20));
    await consumer.disconnect();
    return (2 * N) / ((end - start) / 1000);
  };
  const ru = await consume(true);
  const rc = await consume(false);

  const f = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log(`3 brokers, RF 3, 6 partitions, kafkajs, ${N} records of 100 bytes, ${PER_TXN} records per send/transaction`);
  console.log(`idempotent producer (acks=all):   ${f(idemRate)} records/s`);
  console.log(`transactional producer:           ${f(txnRate)} records/s  (${((100 * txnRate) / idemRate).toFixed(0)} % of idempotent; target >= 50 %)`);
  console.log(`read_uncommitted consumer:        ${f(ru)} records/s`);
  console.log(`read_committed consumer:          ${f(rc)} records/s  (${((100 * rc) / ru).toFixed(0)} % of read_uncommitted; target >= 90 %)`);
} finally {
  await cluster.stop();
}
