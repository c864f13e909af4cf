// Clean-up of an ephemeral cluster, whatever way its owner ends:
// - stop(): the owner kills the processes and removes the dir itself (killProcessesUnder);
// - process exit, SIGINT, SIGTERM of the owner: hooks do the same synchronously
//   (registerOwnerHooks), then let the signal take its default course;
// - SIGKILL of the owner (no hook runs): the children notice through their lifeline
//   (common/lifeline.ts) and stop; a detached reaper (/bin/sh, ~1 MB, not a node process)
//   started with the cluster waits for the owner to die, gives the children two seconds,
//   SIGKILLs whatever still runs from the cluster dir (workers included) and removes the
//   dir and the port lease.
// Processes are found by their command line, which names a config file inside the cluster
// dir (pid-reuse safe). Linux (/proc); elsewhere only the lifeline applies.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';

/** Pids (not this process) whose command line mentions a path inside `dir`. */
export function processesUnder(dir: string): number[] {
  if (!existsSync('/proc')) return [];
  const needle = dir.endsWith('/') ? dir : `${dir}/`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) pids.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** SIGKILLs every process running from `dir`; returns how many were signalled. */
export function killProcessesUnder(dir: string): number {
  let n = 0;
  for (const pid of processesUnder(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
      n++;
    } catch {
      // already gone
    }
  }
  return n;
}

// The reaper gets its paths through the environment, so its own command line does not
// mention the dir (it would otherwise find and kill itself).
const REAPER_SCRIPT = `
# every owner alive and not a zombie (a SIGKILLed owner is one until its parent reaps it)
alive() {
  for o in $STREAMCTL_OWNER; do
    [ "$(sed 's/^.*) //' "/proc/$o/stat" 2>/dev/null | cut -d' ' -f1)" != Z ] && kill -0 "$o" 2>/dev/null || return 1
  done
}
while alive; do sleep 0.2; done
i=0
while [ $i -lt 10 ]; do
  found=0
  for p in /proc/[0-9]*; do
    case "$(tr '\\000' ' ' < "$p/cmdline" 2>/dev/null)" in *"$STREAMCTL_DIR/"*) found=1;; esac
  done
  [ $found -eq 0 ] && break
  sleep 0.2; i=$((i+1))
done
for p in /proc/[0-9]*; do
  case "$(tr '\\000' ' ' < "$p/cmdline" 2>/dev/null)" in *"$STREAMCTL_DIR/"*) kill -9 "\${p#/proc/}" 2>/dev/null;; esac
done
rm -rf "$STREAMCTL_DIR"
[ -n "$STREAMCTL_LOCK" ] && rm -rf "$STREAMCTL_LOCK"
exit 0
`;

export interface Reaper {
  /** Stops the reaper (the owner cleaned up itself). */
  cancel(): void;
}

/** Starts the detached reaper for `dir` (and the port lease at `lockPath`), watching the owners (it acts once one is gone). */
export function startReaper(options: { ownerPids: readonly number[]; dir: string; lockPath?: string }): Reaper {
  if (!existsSync('/proc') || !existsSync('/bin/sh')) return { cancel: () => undefined };
  const child = spawn('/bin/sh', ['-c', REAPER_SCRIPT], {
    detached: true,
    stdio: 'ignore',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', STREAMCTL_OWNER: options.ownerPids.join(' '), STREAMCTL_DIR: options.dir, STREAMCTL_LOCK: options.lockPath ?? '' },
  });
  child.unref();
  const pid = child.pid;
  return {
    cancel: () => {
      if (pid === undefined) return;
      try {
        process.kill(-pid, 'SIGKILL'); // its process group: the shell and its sleep
      } catch {
        // already gone
      }
    },
  };
}

/**
 * Runs `cleanup` (synchronous, best effort) when this process exits or receives SIGINT or
 * SIGTERM, or, in an IPC child (a test runner's worker), when the channel to its parent closes
 * (the runner is gone); after a signal, re-raises it when nobody else listens for it, so the
 * process ends as it would have. Returns a function that removes the hooks.
 */
export function registerOwnerHooks(cleanup: () => void): () => void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    try {
      cleanup();
    } catch {
      // exiting anyway
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    run();
    unregister();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const unregister = () => {
    process.off('exit', run);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('disconnect', run);
  };
  if (process.channel) process.on('disconnect', run);
  process.on('exit', run);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return unregister;
}

/** Removes `path` recursively, ignoring errors (a process may still be writing there). */
export function removeTree(path: string): void {
  for (let i = 0; i < 3; i++) {
    try {
      rmSync(path, { recursive: true, force: true, maxRetries: 2 });
      return;
    } catch {
      // a process still writing: retry
    }
  }
}
