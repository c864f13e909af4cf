// Notices that nobody reads our stdout pipe any more, without writing to it: `streamctl
// consume ... | head -1` must end even when no further record arrives (EPIPE only shows on
// the next write). Linux only, through /proc: it finds the processes (in our session or among
// our ancestors) holding the read end of the pipe on fd 1; when every one of them has let go
// and a scan finds no other reader, the reader is gone. It never concludes anything unless it
// saw a reader first (a reader it cannot see, e.g. outside a container or owned by another
// user, leaves the watch inactive), and a known reader it can no longer inspect counts as
// still reading.
// Concurrency: one timer per process; each tick is a few synchronous /proc reads.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

interface Holder {
  pid: string;
  fd: string;
}

/** Starts watching; `onGone` is called once. Returns a function that stops the watch. */
export function watchStdoutReader(onGone: () => void, intervalMs = 300): () => void {
  if (process.platform !== 'linux') return () => undefined;
  let pipe: string;
  try {
    pipe = readlinkSync('/proc/self/fd/1');
  } catch {
    return () => undefined;
  }
  if (!/^pipe:\[\d+\]$/.test(pipe)) return () => undefined;
  let readers: Holder[] = [];
  let seen = false;
  let searches = 0;
  const tick = () => {
    if (seen && readers.some((h) => holdsReadEnd(h, pipe) !== false)) return;
    const found = scanReaders(pipe);
    if (found === undefined) {
      // Cannot tell: assume still read; without a reader seen, stop searching after a while.
      if (!seen && ++searches >= MAX_SEARCHES) clearInterval(timer);
      return;
    }
    if (found.length > 0) {
      seen = true;
      readers = found;
      return;
    }
    if (seen) {
      clearInterval(timer);
      onGone();
    } else if (++searches >= MAX_SEARCHES) {
      clearInterval(timer); // the reader is out of sight (another namespace or user): rely on EPIPE
    }
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return () => clearInterval(timer);
}

/** Full scans made while no reader has been seen yet, before giving up on this watch. */
const MAX_SEARCHES = 10;

/**
 * Every reader of `pipe` among the processes of our session and our ancestors (where a
 * pipeline's other end lives) that it can inspect, other than this process; undefined when
 * /proc cannot be read.
 */
function scanReaders(pipe: string): Holder[] | undefined {
  let pids: string[];
  let session: string | undefined;
  try {
    session = statFields(String(process.pid))?.session;
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name) && name !== String(process.pid));
  } catch {
    return undefined;
  }
  if (session === undefined) return undefined;
  const ancestors = new Set<string>();
  for (let pid = String(process.ppid); pid !== '0' && !ancestors.has(pid); ) {
    ancestors.add(pid);
    pid = statFields(pid)?.ppid ?? '0';
  }
  const found: Holder[] = [];
  for (const pid of pids) {
    if (!ancestors.has(pid) && statFields(pid)?.session !== session) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch (error) {
      continue; // gone, going, or not ours to look at
    }
    for (const fd of fds) if (holdsReadEnd({ pid, fd }, pipe) === true) found.push({ pid, fd });
  }
  return found;
}

/** Parent pid and session id from /proc/<pid>/stat (fields 4 and 6). */
function statFields(pid: string): { ppid: string; session: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: rest[1]!, session: rest[3]! };
  } catch {
    return undefined;
  }
}

/** True if the holder's fd is the read end of `pipe`, false if not, undefined when unknown. */
function holdsReadEnd(h: Holder, pipe: string): boolean | undefined {
  try {
    if (readlinkSync(`/proc/${h.pid}/fd/${h.fd}`) !== pipe) return false;
    const flags = /^flags:\s+(\d+)/m.exec(readFileSync(`/proc/${h.pid}/fdinfo/${h.fd}`, 'utf8'));
    return flags ? (parseInt(flags[1]!, 8) & 3) !== 1 : undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? false : undefined;
  }
}
