// `streamctl log verify`: reads every segment of a local cluster's broker log dirs
// (`<dir>/broker-<n>/<topic>-<p>/<base>.log|.index|.timeindex`) and reports what is wrong:
// batches with a bad length, magic, CRC or offset, bytes after the last batch, index entries
// that do not point at a batch (kafka-dump-log's deep iteration plus index verification).
// Read-only. Best run on a stopped cluster: a running broker's active segment may be in the
// middle of an append. Synchronous.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StreamctlError } from '../common/errors.js';
import { verifySegmentFiles } from '../storage/segment-check.js';
import { ClusterDir } from './cluster-dir.js';

export interface LogVerifyProblem {
  broker: string;
  partition: string;
  file: string;
  /** Byte position in the file, where it applies. */
  position?: number;
  problem: string;
}

export interface LogVerifyResult {
  dir: string;
  partitions: number;
  segments: number;
  batches: number;
  problems: LogVerifyProblem[];
}

const PARTITION_DIR = /^(.+)-(\d+)$/;
const SEGMENT_LOG = /^(\d{20})\.log$/;

function listDirs(path: string): string[] {
  return readdirSync(path)
    .filter((n) => {
      try {
        return statSync(join(path, n)).isDirectory();
      } catch {
        return false;
      }
    })
    .sort();
}

/** Verifies every partition (or only those of `topic`) in every broker dir of the cluster dir. */
export function verifyClusterLogs(dirPath: string, options: { topic?: string } = {}): LogVerifyResult {
  const dir = new ClusterDir(dirPath);
  let brokers: string[];
  try {
    brokers = listDirs(dir.root).filter((n) => /^broker-\d+$/.test(n));
  } catch (error) {
    throw new StreamctlError('NOT_FOUND', `Cannot read the cluster directory ${dir.root}: ${(error as Error).message}`, { cause: error });
  }
  const result: LogVerifyResult = { dir: dir.root, partitions: 0, segments: 0, batches: 0, problems: [] };
  for (const broker of brokers) {
    const brokerDir = join(dir.root, broker);
    for (const partition of listDirs(brokerDir)) {
      const m = PARTITION_DIR.exec(partition);
      if (!m || partition.endsWith('-delete')) continue;
      if (options.topic !== undefined && m[1] !== options.topic) continue;
      result.partitions++;
      const partitionDir = join(brokerDir, partition);
      const logs = readdirSync(partitionDir).filter((f) => SEGMENT_LOG.test(f)).sort();
      for (const log of logs) {
        result.segments++;
        const base = BigInt(SEGMENT_LOG.exec(log)![1]!);
        try {
          const { batches, problems } = verifySegmentFiles(join(partitionDir, log), base);
          result.batches += batches;
          for (const p of problems) result.problems.push({ broker, partition, ...p });
        } catch (error) {
          result.problems.push({ broker, partition, file: join(partitionDir, log), problem: `cannot be read: ${(error as Error).message}` });
        }
      }
    }
  }
  return result;
}

/** Text report: one line per problem, then a summary. */
export function renderLogVerify(r: LogVerifyResult): string {
  const lines = r.problems.map((p) => `${p.broker} ${p.partition} ${p.file.split('/').pop()}${p.position === undefined ? '' : ` position ${p.position}`}: ${p.problem}`);
  lines.push(
    `Verified ${r.partitions} partition(s), ${r.segments} segment(s), ${r.batches} batch(es) in ${r.dir}: ${r.problems.length === 0 ? 'no problems found' : `${r.problems.length} problem(s)`}.`,
  );
  return lines.join('\n') + '\n';
}
