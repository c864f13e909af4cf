// Log-validator micro-benchmark: the cost of walking every record of produced batches
// (storage/log-validator) next to the framing + CRC-32C check alone that the leader did
// before, for 1 M 100-byte records in 100-record batches, uncompressed and per codec.
// Run: npx tsx bench/log-validator-bench.ts [totalRecords]. Prints the best of 5 rounds; not a test.
import { toLogConfig } from '../src/engine/common/topic-config.js';
import { CompressionType, COMPRESSION_NAMES, validateRecordBatches } from '../src/engine/protocol/records/record-batch.js';
import { buildRecordBatch } from '../src/engine/protocol/records/record-codec.js';
import { validateRecordsAsLeader } from '../src/engine/storage/log-validator.js';

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const PER_BATCH = 100;
const RECORD_SIZE = 100;
const config = toLogConfig({});

function makeBatch(codec: CompressionType): Buffer {
  const now = BigInt(Date.now());
  const records = Array.from({ length: PER_BATCH }, (_, i) => ({ key: Buffer.from(`key-${i}`), value: Buffer.alloc(RECORD_SIZE - 6, 65 + (i % 26)), timestamp: now + BigInt(i) }));
  return buildRecordBatch(records, { compression: codec });
}

const ROUNDS = 5;

/** Best of ROUNDS runs over `batchCount` batches (the VM is shared: the best run is the least disturbed). */
function time(label: string, batchCount: number, fn: () => void): number {
  for (let i = 0; i < Math.min(batchCount, 500); i++) fn(); // warm-up
  let ms = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = performance.now();
    for (let i = 0; i < batchCount; i++) fn();
    ms = Math.min(ms, performance.now() - t0);
  }
  const records = batchCount * PER_BATCH;
  console.log(`${label.padEnd(34)} ${fmt(records / (ms / 1000)).padStart(6)} records/s  ${((ms * 1e6) / records).toFixed(0).padStart(5)} ns/record  (best of ${ROUNDS}: ${ms.toFixed(0)} ms)`);
  return ms;
}

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : `${(n / 1e3).toFixed(0)}k`;
}

const batches = Math.ceil(TOTAL / PER_BATCH);
const options = { topicPartition: 'bench-0', config, nowMs: Date.now() };
console.log(`${batches * PER_BATCH} records of ${RECORD_SIZE} B in batches of ${PER_BATCH}`);
const plain = makeBatch(CompressionType.None);
const crcOnly = time('none: framing + CRC only (before)', batches, () => validateRecordBatches(plain));
const full = time('none: full validation (now)', batches, () => validateRecordsAsLeader(plain, options));
console.log(`  record walk adds ${(((full - crcOnly) * 1e6) / (batches * PER_BATCH)).toFixed(0)} ns/record (${((full / crcOnly - 1) * 100).toFixed(0)} % over CRC only)`);
const compacted = { ...options, config: toLogConfig({ 'cleanup.policy': 'compact', 'message.timestamp.before.max.ms': '3600000' }) };
time('none: compacted + timestamp bounds', batches, () => validateRecordsAsLeader(plain, compacted));
for (const codec of [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
  const b = makeBatch(codec);
  time(`${COMPRESSION_NAMES[codec]}: full validation`, Math.ceil(batches / 4), () => validateRecordsAsLeader(b, options));
}
