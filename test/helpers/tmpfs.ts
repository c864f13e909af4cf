// Test helper: a small tmpfs mounted on a fresh temp folder, to make a disk fill up for real
// (ENOSPC). Needs root (mount -t tmpfs); mountTmpfs returns undefined with the reason when
// mounting is not permitted, so a test can say why it skips. unmount() always cleans up.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  path: string;
  unmount(): void;
}

export function mountTmpfs(sizeMb: number): Tmpfs | { unavailable: string } {
  const path = mkdtempSync(join(tmpdir(), 'streamctl-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', path], { stdio: 'pipe' });
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    return { unavailable: `mount -t tmpfs is not permitted here: ${(error as Error).message.split('\n')[0]}` };
  }
  return {
    path,
    unmount: () => {
      try {
        execFileSync('umount', ['-l', path], { stdio: 'pipe' });
      } finally {
        rmSync(path, { recursive: true, force: true });
      }
    },
  };
}

/** Writes `path` until the filesystem is full (ENOSPC); returns the bytes written. */
export function fillDisk(path: string): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  let total = 0;
  try {
    for (;;) {
      try {
        total += writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return total;
        throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Frees the space a filler took. */
export function freeDisk(path: string): void {
  writeFileSync(path, '');
  rmSync(path, { force: true });
}
