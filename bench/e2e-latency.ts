// End-to-end latency probe for the broker benchmark (issue 3): produce -> replicate -> consume
// on one RF-3 partition, with our codec client (not a real client: one connection that
// pipelines Produce requests, one that long-polls Fetch on the leader).
// Method: 20 acks=all round trips and a pause let a fresh partition's followers start
// fetching; then 100-record batches are sent, acks=-1, paced by a timer ticking once per
// batch interval (2 ms at 50,000 records/s; no busy loop: the machine has 2 cores and 3
// brokers). The first WARMUP_SECONDS of that load are not measured: every process on the path
// is still being JIT-compiled then (measured: the first second's p99 is 2-3x the steady
// state's, and it dominated the result). One producer connection and one partition keep the
// log in send order, so the i-th batch the consumer sees is the i-th one sent: latency =
// receive time - send time, both from performance.now() (sub-millisecond, no clock
// rounding). Records become visible only below the high watermark, so this includes
// replication to the ISR.
import { KafkaConnection } from '../src/engine/network/connection.js';
import { ApiKey } from '../src/engine/protocol/api-keys.js';
import type { Message } from '../src/engine/protocol/codec.js';
import { iterateBatchPositions } from '../src/engine/protocol/records/record-batch.js';
import { buildRecordBatch } from '../src/engine/protocol/records/record-codec.js';
import { sendPaced } from './paced-sender.js';
import { summarizeLatencies, type LatencySummary } from './percentile.js';

export interface LatencyResult extends LatencySummary {
  rate: number;
  seconds: number;
  batches: number;
  /** CPU the probe itself (producer, consumer, timers) used while measuring, in % of one core. */
  probeCpuPercent: number;
}

const PER_BATCH = 100;
const WARMUP_BATCHES = 20;
/** Seconds of load at the full rate before measuring (JIT warm-up of every process on the path). */
const WARMUP_SECONDS = 5;

/** Sends one batch with acks=-1; returns its base offset. */
async function produce(conn: KafkaConnection, topic: string, records: Buffer): Promise<bigint> {
  const res = await conn.send(ApiKey.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  const r = (res.responses as Message[])[0]!.partitionResponses[0] as Message;
  if (r.errorCode !== 0) throw new Error(`produce failed with error ${r.errorCode}`);
  return r.baseOffset as bigint;
}

/** Measures produce-to-consume latency on partition 0 of `topic`, whose leader listens on `port`. */
export async function endToEndLatency(port: number, topic: string, rate: number, seconds: number, recordBytes = 100): Promise<LatencyResult> {
  const producer = await KafkaConnection.connect({ host: '127.0.0.1', port, requestTimeoutMs: 60_000 });
  const consumer = await KafkaConnection.connect({ host: '127.0.0.1', port, requestTimeoutMs: 60_000 });
  const value = Buffer.alloc(recordBytes - 14, 120);
  try {
    let start = 0n;
    for (let i = 0; i < WARMUP_BATCHES; i++) start = (await produce(producer, topic, buildRecordBatch([{ key: null, value }]))) + 1n;
    await new Promise((r) => setTimeout(r, 1000));

    const skip = Math.ceil((rate * WARMUP_SECONDS) / PER_BATCH);
    const total = skip + Math.ceil((rate * seconds) / PER_BATCH);
    const sentAt: number[] = [];
    const latencies: number[] = [];
    let failure: Error | undefined;
    const consume = (async () => {
      let offset = start;
      while (latencies.length < total && !failure) {
        const res = await consumer.send(ApiKey.Fetch, 11, {
          replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: 1 << 24, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
          topics: [{ topic, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 22, currentLeaderEpoch: -1, logStartOffset: -1n }] }],
          forgottenTopicsData: [], rackId: '',
        });
        const now = performance.now();
        const data = ((res.responses as Message[])[0]!.partitions[0] as Message).records as Buffer | null;
        if (!data) continue;
        for (const b of iterateBatchPositions(data)) {
          offset = b.header.baseOffset + BigInt(b.header.lastOffsetDelta) + 1n;
          latencies.push(now - sentAt[latencies.length]!);
        }
      }
    })().catch((error: Error) => {
      failure ??= error;
    });
    // One batch encoded up front and copied per send (the load generator should take as
    // little of the 2 cores as it can; encoding 100 records per send made it 24 % of a core).
    // Send times are taken after any client work, so encoding is not part of the latency.
    const prebuilt = buildRecordBatch(Array.from({ length: PER_BATCH }, () => ({ key: null, value })));
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    await sendPaced(rate, PER_BATCH, total, () => {
      const batch = Buffer.from(prebuilt);
      sentAt.push(performance.now());
      produce(producer, topic, batch).catch((error: Error) => (failure ??= error));
    });
    await Promise.race([consume, new Promise((r) => setTimeout(r, 15_000))]);
    const cpu = process.cpuUsage(cpu0);
    const probeCpuPercent = ((cpu.user + cpu.system) / 1000 / (performance.now() - started)) * 100;
    if (failure) throw failure;
    if (latencies.length < total) throw new Error(`consumed ${latencies.length} of ${total} batches`);
    const measured = latencies.slice(skip);
    return { rate, seconds, batches: measured.length, ...summarizeLatencies(measured), probeCpuPercent };
  } finally {
    producer.close();
    consumer.close();
  }
}
