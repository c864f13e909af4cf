// CPU time the hypervisor gave to other guests ("steal" in /proc/stat) while a benchmark ran:
// on a shared VM it shows up as stalls of several milliseconds in every process at once, so
// latency percentiles are only comparable when it is near 0. Linux only; null elsewhere.
import { readFileSync } from 'node:fs';

export interface CpuTimes {
  total: number;
  steal: number;
}

export function cpuTimes(): CpuTimes | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith('cpu '));
    if (!line) return null;
    // user nice system idle iowait irq softirq steal guest guest_nice
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    return { total: f.slice(0, 8).reduce((a, b) => a + b, 0), steal: f[7] ?? 0 };
  } catch {
    return null;
  }
}

/** Steal as a percentage of all CPU time between two readings, formatted; '' when unknown. */
export function stealSince(before: CpuTimes | null): string {
  const after = cpuTimes();
  if (!before || !after || after.total <= before.total) return '';
  return `${((100 * (after.steal - before.steal)) / (after.total - before.total)).toFixed(0)}% CPU steal`;
}
