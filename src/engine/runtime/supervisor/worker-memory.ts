// Memory limits of a worker process, from its topology conf with Storm's keys:
// - heap: `worker.heap.memory.mb` (Storm's default 768), capped by
//   `topology.worker.max.heap.size.mb` (768); passed to node as --max-old-space-size, so
//   V8 stops a worker whose JavaScript heap grows past it (the JVM's -Xmx).
// - hard RSS limit: what the supervisor enforces on the whole process (heap, young
//   generation, Buffers and other off-heap memory), Storm's supervisor memory
//   enforcement: max(heap × `storm.supervisor.hard.memory.limit.multiplier` (2.0),
//   heap + `storm.supervisor.hard.memory.limit.overage.mb` (2024)).
// Also reads a process's resident set size from /proc and recognises V8's out-of-heap
// message in a worker's output. Pure functions apart from the /proc read.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { StreamctlError } from '../../common/errors.js';

export interface WorkerMemoryLimits {
  /** V8 old-space limit (--max-old-space-size), MiB. */
  heapMb: number;
  /** Resident set size above which the supervisor kills and restarts the worker, MiB. */
  rssLimitMb: number;
}

export const WORKER_MEMORY_DEFAULTS = Object.freeze({
  'worker.heap.memory.mb': 768,
  'topology.worker.max.heap.size.mb': 768,
  'storm.supervisor.hard.memory.limit.multiplier': 2.0,
  'storm.supervisor.hard.memory.limit.overage.mb': 2024,
});

type Key = keyof typeof WORKER_MEMORY_DEFAULTS;

function setting(conf: Readonly<Record<string, unknown>>, key: Key, allowZero = false): number {
  const raw = conf[key];
  if (raw === undefined || raw === null) return WORKER_MEMORY_DEFAULTS[key];
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0) || raw === '' || typeof raw === 'boolean') {
    throw new StreamctlError('INVALID_CONFIG', `${key} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** The limits for a topology conf; throws INVALID_CONFIG for a bad value (nimbus checks at submit). */
export function workerMemoryLimits(conf: Readonly<Record<string, unknown>>): WorkerMemoryLimits {
  const heapMb = Math.floor(Math.min(setting(conf, 'worker.heap.memory.mb'), setting(conf, 'topology.worker.max.heap.size.mb')));
  if (heapMb < 16) throw new StreamctlError('INVALID_CONFIG', `worker.heap.memory.mb must be at least 16, got ${heapMb}`);
  const multiplier = setting(conf, 'storm.supervisor.hard.memory.limit.multiplier');
  const overage = setting(conf, 'storm.supervisor.hard.memory.limit.overage.mb', true);
  return { heapMb, rssLimitMb: Math.max(heapMb * multiplier, heapMb + overage) };
}

/** Resident set size of `pid` in MiB (VmRSS of /proc/<pid>/status); undefined when it is gone. */
export function residentMb(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Size of a file (0 when missing), to read what a process appends after this point. */
export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** True when the output a worker wrote from byte `from` on (at most the last 64 KiB) says V8 ran out of heap. */
export function ranOutOfHeap(outFile: string, from: number): boolean {
  const size = fileSize(outFile);
  const start = Math.max(from, size - 65_536);
  if (size <= start) return false;
  const fd = openSync(outFile, 'r');
  try {
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    return /JavaScript heap out of memory|Reached heap limit/.test(buf.toString('utf8'));
  } finally {
    closeSync(fd);
  }
}
