// Shared fixtures for storage tests: temp dirs, batch builders, log openers.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/engine/common/clock.js';
import { silentLogger } from '../../../src/engine/common/logger.js';
import { toLogConfig, type LogConfig } from '../../../src/engine/common/topic-config.js';
import { validateRecordBatches } from '../../../src/engine/protocol/records/record-batch.js';
import { buildRecordBatch, decodeRecordBatch, type BuildRecordBatchOptions } from '../../../src/engine/protocol/records/record-codec.js';
import { PartitionLog } from '../../../src/engine/storage/partition-log.js';

export function makeTempDir(prefix = 'streamctl-storage-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A batch of `count` records with values `v<start+i>`, timestamps ts + i. */
export function batch(count: number, opts: BuildRecordBatchOptions & { start?: number; ts?: bigint; valueSize?: number } = {}): Buffer {
  const start = opts.start ?? 0;
  const ts = opts.ts ?? 1_700_000_000_000n;
  const records = Array.from({ length: count }, (_, i) => ({
    key: Buffer.from(`k${start + i}`),
    value: opts.valueSize ? Buffer.alloc(opts.valueSize, 97 + ((start + i) % 26)) : Buffer.from(`v${start + i}`),
    timestamp: ts + BigInt(i),
  }));
  return buildRecordBatch(records, opts);
}

export function config(overrides: Record<string, string> = {}): LogConfig {
  return toLogConfig(overrides);
}

export function openLog(dir: string, opts: { config?: LogConfig; clock?: ManualClock; recoveryPoint?: bigint; hadCleanShutdown?: boolean; logStartOffset?: bigint } = {}): PartitionLog {
  return PartitionLog.open({
    dir: join(dir, 'topic-0'),
    topic: 'topic',
    partition: 0,
    topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
    config: opts.config ?? config(),
    logger: silentLogger,
    clock: opts.clock ?? new ManualClock(1_700_000_000_000),
    recoveryPoint: opts.recoveryPoint,
    hadCleanShutdown: opts.hadCleanShutdown,
    logStartOffset: opts.logStartOffset,
  });
}

export function kafkaCode(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { kafkaErrorCode?: number }).kafkaErrorCode;
  }
  return undefined;
}

/** XORs one byte of a file with 0xff (damage for corruption tests). */
export function flipByte(path: string, position: number): void {
  const fd = openSync(path, 'r+');
  const one = Buffer.alloc(1);
  readSync(fd, one, 0, 1, position);
  one[0]! ^= 0xff;
  writeSync(fd, one, 0, 1, position);
  closeSync(fd);
}

/** Every record value of a log, read from its start through PartitionLog.read. */
export function readValues(l: PartitionLog): string[] {
  const out: string[] = [];
  let offset = l.logStartOffset;
  while (offset < l.logEndOffset) {
    const r = l.read(offset, 1 << 20, { minOneMessage: true });
    for (const b of validateRecordBatches(r.records).batches) out.push(...decodeRecordBatch(r.records, b.position).records.map((x) => x.value!.toString()));
    offset = r.nextOffset;
  }
  return out;
}
