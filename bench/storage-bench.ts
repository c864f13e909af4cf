// Storage micro-benchmark: append and read throughput of PartitionLog for 100-byte records
// in ~16 KiB batches (the broker's hot path: header/CRC validation, in-place offset
// assignment, raw appends; reads serve stored bytes). Run: npx tsx bench/storage-bench.ts
// [totalRecords]. Prints records/s and MB/s; not a test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/engine/common/clock.js';
import { silentLogger } from '../src/engine/common/logger.js';
import { toLogConfig } from '../src/engine/common/topic-config.js';
import { RECORD_COUNT_OFFSET, BATCH_LENGTH_OFFSET, LOG_OVERHEAD } from '../src/engine/protocol/records/record-batch.js';
import { buildRecordBatch } from '../src/engine/protocol/records/record-codec.js';
import { PartitionLog } from '../src/engine/storage/partition-log.js';

const TOTAL = Number(process.argv[2] ?? 2_000_000);
const RECORD_SIZE = 100;
const BATCH_BYTES = 16 * 1024;

function makeBatch(producer?: { producerId: bigint; baseSequence: number }): { buf: Buffer; count: number } {
  const perRecord = RECORD_SIZE + 10; // value + record framing (length, attributes, deltas, key, headers)
  const count = Math.floor((BATCH_BYTES - 61) / perRecord);
  const records = Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.alloc(RECORD_SIZE, 65 + (i % 26)) }));
  const buf = buildRecordBatch(records, producer ? { producerId: producer.producerId, producerEpoch: 0, baseSequence: producer.baseSequence } : {});
  return { buf, count };
}

function run(label: string, overrides: Record<string, string>): void {
  const dir = mkdtempSync(join(tmpdir(), 'streamctl-bench-'));
  try {
    const log = PartitionLog.open({ dir: join(dir, 'bench-0'), topic: 'bench', partition: 0, config: toLogConfig(overrides), logger: silentLogger, clock: systemClock });
    const { buf, count } = makeBatch();
    const batches = Math.ceil(TOTAL / count);
    let t0 = performance.now();
    for (let i = 0; i < batches; i++) log.appendAsLeader(buf, 0);
    let ms = performance.now() - t0;
    const appended = batches * count;
    const bytes = log.size;
    console.log(`${label} append: ${fmt(appended / (ms / 1000))} records/s, ${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s (${appended} records, ${batches} batches of ${buf.length} B, ${log.numberOfSegments} segments)`);

    for (const maxBytes of [1024 * 1024, 64 * 1024]) {
      t0 = performance.now();
      let offset = 0n;
      let records = 0;
      let served = 0;
      while (offset < log.logEndOffset) {
        const r = log.read(offset, maxBytes, { minOneMessage: true, maxOffset: log.logEndOffset });
        let p = 0;
        while (p < r.records.length) {
          records += r.records.readInt32BE(p + RECORD_COUNT_OFFSET);
          p += r.records.readInt32BE(p + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
        }
        served += r.records.length;
        offset = r.nextOffset;
      }
      ms = performance.now() - t0;
      console.log(`${label} read (fetch max ${maxBytes / 1024} KiB): ${fmt(records / (ms / 1000))} records/s, ${(served / 1e6 / (ms / 1000)).toFixed(0)} MB/s`);
    }
    log.close();

    // Idempotent producer: a new sequence per batch (patch baseSequence and CRC-free fields only).
    const idem = PartitionLog.open({ dir: join(dir, 'idem-0'), topic: 'idem', partition: 0, config: toLogConfig(overrides), logger: silentLogger, clock: systemClock });
    const batchesIdem: Buffer[] = [];
    const n = Math.min(batches, 4000);
    for (let i = 0; i < n; i++) batchesIdem.push(makeBatch({ producerId: 1n, baseSequence: i * count }).buf);
    t0 = performance.now();
    for (const b of batchesIdem) idem.appendAsLeader(b, 0);
    ms = performance.now() - t0;
    console.log(`${label} idempotent append: ${fmt((n * count) / (ms / 1000))} records/s`);
    idem.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

run('default (1 GiB segments)', {});
run('64 MiB segments', { 'segment.bytes': String(64 * 1024 * 1024) });
