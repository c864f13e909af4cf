// Owner-only file modes for everything a local cluster keeps on disk (see DESIGN.md, Trust
// model): directories 0700, files 0600. Every process main of the cluster calls
// usePrivateUmask() first so no file it creates (segments, SQLite databases and their
// -wal/-shm, logs, bundles) is readable by other users; the places that create files also
// pass the mode explicitly. tightenTree() fixes a directory made by an older version.
// Synchronous; called at start-up, not on hot paths.
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
/** Process umask that leaves group and other no permission bits. */
export const PRIVATE_UMASK = 0o077;

/** Sets this process's umask to 077 (children inherit it). */
export function usePrivateUmask(): void {
  process.umask(PRIVATE_UMASK);
}

/** mkdir -p with mode 0700, then chmod 0700 in case it already existed. */
export function ensurePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(path, PRIVATE_DIR_MODE);
}

/** Creates `path` empty with mode 0600 when it does not exist (so a library opening it later keeps that mode). */
export function touchPrivateFile(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
}

/**
 * Walks `root` (not following symlinks) and removes every group/other permission bit:
 * directories become 0700 at most and files 0600 (0700 when the owner could execute them).
 * Returns how many entries were changed.
 */
export function tightenTree(root: string): number {
  let changed = 0;
  const visit = (path: string): void => {
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      return; // removed while we walk
    }
    if (stat.isSymbolicLink()) return;
    const mode = stat.mode & 0o777;
    let wanted: number | undefined;
    if (stat.isDirectory()) wanted = PRIVATE_DIR_MODE;
    else if (stat.isFile()) wanted = mode & 0o100 ? 0o700 : PRIVATE_FILE_MODE;
    else if (stat.isSocket()) wanted = PRIVATE_FILE_MODE;
    if (wanted !== undefined && mode !== wanted) {
      chmodSync(path, wanted);
      changed++;
    }
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(root);
  return changed;
}
