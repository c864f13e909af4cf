// Broker benchmark (`npm run build && npx tsx bench/broker-bench.ts [records]`): starts a
// real controller + one broker from dist/, then
//   1. kcat (librdkafka) produces N 100-byte records, acks=1, from a pre-generated file;
//   2. "codec producer" (ours, clearly not a real client): pipelined Produce requests of
//      pre-built 1,000-record batches, acks=1 — request latency p50/p99 and throughput;
//   3. kcat consumes everything from the beginning to /dev/null.
// Prints records/s for each and the latency percentiles. Targets (issue 2): >= 1,000,000
// records/s produced, >= 2,000,000 consumed on 2 cores. Then (issue 3) three brokers, RF 3,
// a fresh cluster per measurement: kcat and the codec producer with acks=all and acks=1 over
// 3 partitions, and the end-to-end latency probe (bench/e2e-latency.ts). Not a test: it
// asserts nothing.
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { closeSync, createWriteStream, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaConnection } from '../src/engine/network/connection.js';
import { ApiKey } from '../src/engine/protocol/api-keys.js';
import type { Message } from '../src/engine/protocol/codec.js';
import { buildRecordBatch } from '../src/engine/protocol/records/record-codec.js';
import { iterateBatchPositions } from '../src/engine/protocol/records/record-batch.js';
import { createTopic, metadataOf, partitionsOf, startKafka } from '../test/interop/helpers/kafka-processes.js';
import { cpuTimes, stealSince } from './cpu-steal.js';
import { endToEndLatency } from './e2e-latency.js';
import { floorLatency, formatFloor } from './floor-latency.js';
import { percentile } from './percentile.js';

const N = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 2_000_000);
/** `--only=single` or `--only=replicated` runs one half; `--only=latency` only the end-to-end probe. */
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const RECORD_BYTES = 100;

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

async function writeRecordsFile(path: string, n: number): Promise<void> {
  const line = 'x'.repeat(RECORD_BYTES - 1) + '\n';
  const chunk = line.repeat(10_000);
  const out = createWriteStream(path);
  for (let i = 0; i < n; i += 10_000) {
    if (!out.write(i + 10_000 <= n ? chunk : line.repeat(n - i))) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(r));
}

/**
 * Produces every line of `file` as one record with kcat (linger 5 ms, 10k records a batch).
 * kcat -P reads one record per line from stdin (a file argument would be ONE message). The
 * file's descriptor is handed to kcat itself (spawn with the descriptor as stdin): execa's
 * `inputFile` streams the file through this process, which cost it 0.6-1.0 CPU-seconds per
 * 2 M records, taken from the two cores the brokers and kcat share (measured: 720-810 k ->
 * 915-930 k records/s, RF 3 acks=1).
 */
async function kcatProduce(bootstrap: string, topic: string, acks: string, file: string, extra: string[] = []): Promise<void> {
  const args = ['-P', '-b', bootstrap, '-t', topic, ...extra, '-X', `acks=${acks}`, '-X', 'linger.ms=5', '-X', 'batch.num.messages=10000', '-X', `queue.buffering.max.messages=${Math.max(100_000, N)}`, '-X', 'queue.buffering.max.kbytes=2097151'];
  const fd = openSync(file, 'r');
  try {
    const child = spawn('kcat', args, { stdio: [fd, 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('close', resolve));
    if (code !== 0) throw new Error(`kcat ${args.join(' ')} exited with ${code}: ${stderr.trim()}`);
  } finally {
    closeSync(fd);
  }
}

async function codecProducer(port: number, topic: string, records: number, options: { partition?: number; acks?: number } = {}): Promise<{ seconds: number; latencies: number[] }> {
  const { partition = 0, acks = 1 } = options;
  const perBatch = 1000;
  const batch = buildRecordBatch(Array.from({ length: perBatch }, () => ({ key: null, value: Buffer.alloc(RECORD_BYTES - 14, 120) })));
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port, requestTimeoutMs: 30_000 });
  const latencies: number[] = [];
  const requests = Math.ceil(records / perBatch);
  let sent = 0;
  const started = performance.now();
  const worker = async () => {
    while (sent < requests) {
      sent++;
      // The broker patches offsets in place: every request needs its own copy.
      const records = Buffer.from(batch);
      const t0 = performance.now();
      const res = await conn.send(ApiKey.Produce, 9, { transactionalId: null, acks, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
      latencies.push(performance.now() - t0);
      const code = ((res.responses as Message[])[0]!.partitionResponses[0] as Message).errorCode;
      if (code !== 0) throw new Error(`produce failed with error ${code}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const seconds = (performance.now() - started) / 1000;
  conn.close();
  return { seconds, latencies: latencies.sort((a, b) => a - b) };
}

/** Ours, not a real client: sequential Fetch requests of up to `partitionMaxBytes`, headers walked (no record decode). */
async function codecConsumer(port: number, topic: string, partitionMaxBytes: number): Promise<{ seconds: number; records: number }> {
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port, requestTimeoutMs: 30_000 });
  let offset = 0n;
  let records = 0;
  const started = performance.now();
  for (;;) {
    const res = await conn.send(ApiKey.Fetch, 11, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 64 * 1024 * 1024,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes, currentLeaderEpoch: -1, logStartOffset: -1n }] }],
      forgottenTopicsData: [],
      rackId: '',
    });
    const data = ((res.responses as Message[])[0]!.partitions[0] as Message).records as Buffer | null;
    if (!data || data.length === 0) break;
    for (const b of iterateBatchPositions(data)) {
      offset = b.header.baseOffset + BigInt(b.header.lastOffsetDelta) + 1n;
      records += b.header.recordCount;
    }
  }
  conn.close();
  return { seconds: (performance.now() - started) / 1000, records };
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'broker-bench-'));
  const file = join(tmp, 'records.txt');
  await writeRecordsFile(file, N);
  try {
    if (ONLY === undefined || ONLY === 'single') await singleBrokerBench(file);
    if (ONLY !== 'single') await replicatedBench(file);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Issue 2: one broker, one partition, acks=1. */
async function singleBrokerBench(file: string): Promise<void> {
  const k = await startKafka({ brokers: 1 });
  try {
    await createTopic(k, 'bench', 1);
    await createTopic(k, 'bench-codec', 1);
    const bootstrap = k.bootstrap;

    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    const pid = k.broker(1).pid();
    let cpu0 = cpuSeconds(pid);
    let t0 = performance.now();
    await kcatProduce(bootstrap, 'bench', '1', file, ['-p', '0']);
    const produceSeconds = (performance.now() - t0) / 1000;
    const produceCpu = cpuSeconds(pid) - cpu0;

    cpu0 = cpuSeconds(pid);
    const codec = await codecProducer(k.broker(1).port, 'bench-codec', N);
    const codecCpu = cpuSeconds(pid) - cpu0;

    cpu0 = cpuSeconds(pid);
    t0 = performance.now();
    await execa('kcat', ['-C', '-b', bootstrap, '-t', 'bench', '-p', '0', '-o', 'beginning', '-e', '-q', '-X', 'fetch.message.max.bytes=10485760'], { stdout: 'ignore' });
    const consumeSeconds = (performance.now() - t0) / 1000;
    const consumeCpu = cpuSeconds(pid) - cpu0;
    cpu0 = cpuSeconds(pid);
    const codecRead = await codecConsumer(k.broker(1).port, 'bench', 4 * 1024 * 1024);
    const codecReadCpu = cpuSeconds(pid) - cpu0;
    const perCpu = (cpu: number) => `broker CPU ${cpu.toFixed(2)} s = ${fmt(N / cpu)} records per CPU-second`;

    console.log(`broker bench: ${fmt(N)} records of ${RECORD_BYTES} bytes, one broker, one partition, acks=1`);
    console.log(`  produce  kcat (librdkafka, linger 5 ms, 10k/batch)   ${fmt(N / produceSeconds).padStart(12)} records/s  (${produceSeconds.toFixed(2)} s; ${perCpu(produceCpu)})`);
    console.log(`  produce  codec producer (ours, pre-built 1k batches, 8 in flight) ${fmt(N / codec.seconds).padStart(12)} records/s  latency p50 ${percentile(codec.latencies, 50).toFixed(2)} ms  p99 ${percentile(codec.latencies, 99).toFixed(2)} ms  (${perCpu(codecCpu)})`);
    console.log(`  consume  kcat -C -o beginning -e                     ${fmt(N / consumeSeconds).padStart(12)} records/s  (${consumeSeconds.toFixed(2)} s; ${perCpu(consumeCpu)})`);
    console.log(`  consume  codec consumer (ours, sequential 4 MB fetches, no record decode) ${fmt(codecRead.records / codecRead.seconds).padStart(12)} records/s  (${perCpu(codecReadCpu)})`);
    console.log(`  machine load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores (figures are only comparable on an idle machine)`);
    console.log('  targets: produce >= 1,000,000 records/s, consume >= 2,000,000 records/s (issue 2, 2 cores)');
  } finally {
    await k.stop();
  }
}

/** Runs `fn` against a fresh three-broker cluster (each measurement starts from empty logs). */
async function withThreeBrokers<T>(fn: (k: Awaited<ReturnType<typeof startKafka>>) => Promise<T>): Promise<T> {
  const k = await startKafka({ brokers: 3 });
  try {
    return await fn(k);
  } finally {
    await k.stop();
  }
}

/** Issue 3: three brokers, RF 3; kcat with acks=all and acks=1, then the end-to-end probe. */
async function replicatedBench(file: string): Promise<void> {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const produce = (acks: string) =>
    withThreeBrokers(async (k) => {
      await createTopic(k, 'rf3', 3, 3, { 'min.insync.replicas': '2' });
      const t0 = performance.now();
      await kcatProduce(k.bootstrap, 'rf3', acks, file);
      return N / ((performance.now() - t0) / 1000);
    });
  // The same with our codec producer (pre-built 1k-record batches, 8 requests in flight to
  // each partition's leader): a client that costs almost no CPU, so on a 2-core machine the
  // brokers get the cores kcat (librdkafka, one produce call per line) otherwise takes.
  const produceCodec = (acks: number) =>
    withThreeBrokers(async (k) => {
      await createTopic(k, 'rf3', 3, 3, { 'min.insync.replicas': '2' });
      const partitions = await partitionsOf(k, 'rf3');
      const t0 = performance.now();
      await Promise.all(partitions.map((p) => codecProducer(k.broker(p.leaderId as number).port, 'rf3', Math.ceil(N / partitions.length), { partition: p.partitionIndex as number, acks })));
      return N / ((performance.now() - t0) / 1000);
    });
  console.log(`replicated bench: 3 brokers, RF 3, min.insync.replicas=2, ${RECORD_BYTES}-byte records, a fresh cluster per measurement`);
  if (ONLY !== 'latency') {
    const all = await produce('all');
    console.log(`  produce acks=all  ${fmt(all).padStart(12)} records/s   (kcat, ${fmt(N)} records over 3 partitions; target >= 500,000)`);
    const one = await produce('1');
    console.log(`  produce acks=1    ${fmt(one).padStart(12)} records/s   (kcat, ${fmt(N)} records over 3 partitions; target >= 800,000)`);
    const codecAll = await produceCodec(-1);
    console.log(`  produce acks=all  ${fmt(codecAll).padStart(12)} records/s   (codec producer, pre-built 1k batches, 8 in flight per leader)`);
    const codecOne = await produceCodec(1);
    console.log(`  produce acks=1    ${fmt(codecOne).padStart(12)} records/s   (codec producer, pre-built 1k batches, 8 in flight per leader)`);
  }
  const e2e = await withThreeBrokers(async (k) => {
    await createTopic(k, 'e2e', 1, 3, { 'min.insync.replicas': '2' });
    const meta = await metadataOf(k.broker(1).port, ['e2e']);
    const leader = ((meta.topics as Message[])[0]!.partitions as Message[])[0]!.leaderId as number;
    const before = cpuTimes();
    const result = await endToEndLatency(k.broker(leader).port, 'e2e', 50_000, 10, RECORD_BYTES);
    return { ...result, steal: stealSince(before) };
  });
  console.log(`  end-to-end (codec producer acks=all -> codec consumer long poll, ${fmt(e2e.rate)} records/s for ${e2e.seconds} s, ${fmt(e2e.batches)} batches of 100): p50 ${e2e.p50.toFixed(2)} ms  p99 ${e2e.p99.toFixed(2)} ms  p99.9 ${e2e.p999.toFixed(2)} ms  max ${e2e.max.toFixed(2)} ms   (target p99 <= 5 ms; the probe took ${e2e.probeCpuPercent.toFixed(0)} % of a core${e2e.steal ? `; ${e2e.steal} meanwhile` : ''})`);
  // The same message pattern between bare processes: what this machine allows at best.
  console.log(`  ${formatFloor(await floorLatency(true), true)}`);
  console.log(`  machine load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
