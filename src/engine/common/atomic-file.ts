// Atomic file replacement: write `<file>.tmp`, fsync, rename over the old file, fsync the
// directory, so a reader (or a restart after a crash or a full disk) sees the old content or
// the new one, never half a file. A failed write removes its temp file and throws; a temp
// file left by a crash is never read (readers open only the real name). Synchronous.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** fsyncs a directory so a rename in it is durable; ignored where unsupported. */
export function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface AtomicWriteOptions {
  /** fsync the file and its directory (default true). Without, still atomic against crashes of this process. */
  fsync?: boolean;
  /** Temp file path (default `<path>.tmp`). */
  tmp?: string;
}

/** Atomically replaces `path` with `content` (write temp, fsync, rename, fsync dir). */
export function writeFileAtomically(path: string, content: string | Buffer, options: AtomicWriteOptions = {}): void {
  const durable = options.fsync ?? true;
  const tmp = options.tmp ?? `${path}.tmp`;
  try {
    const fd = openSync(tmp, 'w', 0o600);
    try {
      const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      let written = 0;
      while (written < data.length) written += writeSync(fd, data, written, data.length - written);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  if (durable) fsyncDirectory(dirname(path));
}
