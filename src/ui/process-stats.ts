// CPU and memory of a local process from Linux's /proc (broker detail, and the dashboard's own
// CPU check): cumulative CPU seconds and resident memory, plus the CPU share between two
// samples. Returns null where /proc is missing (other OSes) or the process is gone.
import { readFileSync } from 'node:fs';

export interface ProcessSample {
  /** utime + stime, in seconds. */
  cpuSeconds: number;
  rssBytes: number;
  atMs: number;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on every Linux this runs on). */
const TICKS_PER_SEC = 100;
const PAGE_BYTES = 4096;

/** Parses /proc/<pid>/stat (the command name may hold spaces and parentheses) and statm. */
export function parseProcStat(stat: string, statm: string, atMs: number): ProcessSample | null {
  const end = stat.lastIndexOf(')');
  if (end < 0) return null;
  const fields = stat.slice(end + 2).split(' ');
  // fields[0] is the state (field 3): utime is field 14, stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rssPages = Number(statm.split(' ')[1]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime) || !Number.isFinite(rssPages)) return null;
  return { cpuSeconds: (utime + stime) / TICKS_PER_SEC, rssBytes: rssPages * PAGE_BYTES, atMs };
}

export function sampleProcess(pid: number, nowMs = Date.now()): ProcessSample | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), readFileSync(`/proc/${pid}/statm`, 'utf8'), nowMs);
  } catch {
    return null;
  }
}

/** CPU use between two samples as a percentage of one core; null without two samples. */
export function cpuPercent(before: ProcessSample | null | undefined, after: ProcessSample | null | undefined): number | null {
  if (!before || !after || after.atMs <= before.atMs) return null;
  return (100 * (after.cpuSeconds - before.cpuSeconds)) / ((after.atMs - before.atMs) / 1000);
}
