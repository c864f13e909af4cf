// Children that die with their owner. A process started with STREAMCTL_LIFELINE_PID=<pid>[,<pid>]
// in its environment (an ephemeral cluster's controller, brokers, nimbus, supervisors and, by
// inheritance, their workers) checks every 200 ms that each owner still runs; once one is gone
// (the test runner was killed, even with SIGKILL) it stops itself the way SIGTERM would, and
// exits hard if that takes longer than half a second (an owner that died takes no more
// requests; kill -9 of any process loses no acknowledged data anyway). Linux has PR_SET_PDEATHSIG for this, but
// Node does not expose it, and it would not cover grandchildren (workers).
import { existsSync, readFileSync } from 'node:fs';

export const LIFELINE_ENV = 'STREAMCTL_LIFELINE_PID';

const CHECK_INTERVAL_MS = 200;
const HARD_EXIT_AFTER_MS = 500;

/**
 * The processes an embedded cluster lives with: this one and, when this one is an IPC child
 * (a vitest or jest fork, a mocha parallel worker), its parent too: a test runner killed or
 * interrupted can leave its workers running for many seconds, and the cluster should not wait
 * for them.
 */
export function lifelineOwners(proc: Pick<NodeJS.Process, 'pid' | 'ppid' | 'channel'> = process): number[] {
  return proc.channel && proc.ppid > 1 ? [proc.pid, proc.ppid] : [proc.pid];
}

/** Starts watching the owners named by STREAMCTL_LIFELINE_PID, if any. Call once, after the SIGTERM handler is installed. */
export function exitWithLifeline(env: NodeJS.ProcessEnv = process.env): void {
  const owners = (env[LIFELINE_ENV] ?? '')
    .split(',')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 1);
  if (owners.length === 0) return;
  const identities = owners.map((pid) => procStat(pid)?.startTime);
  const timer = setInterval(() => {
    if (owners.every((pid, i) => isRunning(pid, identities[i]))) return;
    clearInterval(timer);
    setTimeout(() => process.exit(1), HARD_EXIT_AFTER_MS).unref();
    process.kill(process.pid, 'SIGTERM');
  }, CHECK_INTERVAL_MS);
  timer.unref();
}

/**
 * Alive, not a zombie (a SIGKILLed owner stays one until its parent reaps it, and kill(0)
 * still succeeds on it), and still the same process (its start time; pids are reused).
 */
export function isRunning(pid: number, startTime?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(pid);
  if (!stat) return !existsSync('/proc/self/stat'); // no /proc: kill(0) is all we know
  return stat.state !== 'Z' && stat.state !== 'X' && (startTime === undefined || stat.startTime === startTime);
}

/** State and start time (clock ticks since boot) from /proc/<pid>/stat, or undefined. */
function procStat(pid: number): { state: string; startTime: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ... starttime(22nd field)"; comm may hold spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', startTime: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}
