// A log sink that appends JSON lines to a file, rotates it by size (log4j's
// RollingFileAppender: <file> → <file>.1 → ... → <file>.<maxFiles>, the oldest dropped) and
// never throws: a failed write (ENOSPC, EIO, a removed folder) is dropped and counted, and
// the count is reported in the first line that gets through again. A process must not die
// because its log disk is full. Synchronous, single-threaded (one sink per process file).
import { appendFileSync, existsSync, mkdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-files.js';
import { dirname } from 'node:path';

export interface RotatingFileSinkOptions {
  /** Rotate when the file would grow past this many bytes (default 10 MiB). */
  maxBytes?: number;
  /** Rotated files kept besides the current one (default 4: five files in all). */
  maxFiles?: number;
}

export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_LOG_MAX_FILES = 4;

/** The sink function; `dropped` counts lines lost to write errors since the last success. */
export interface RotatingFileSink {
  (line: string): void;
  readonly dropped: number;
}

export function rotatingFileSink(path: string, options: RotatingFileSinkOptions = {}): RotatingFileSink {
  const maxBytes = options.maxBytes ?? DEFAULT_LOG_MAX_BYTES;
  const maxFiles = options.maxFiles ?? DEFAULT_LOG_MAX_FILES;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  } catch {
    // reported by the first failed write
  }
  let size = currentSize(path);
  let dropped = 0;
  const rotate = () => {
    try {
      const oldest = `${path}.${maxFiles}`;
      if (existsSync(oldest)) unlinkSync(oldest);
      for (let i = maxFiles - 1; i >= 1; i--) {
        if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
      }
      if (maxFiles >= 1) renameSync(path, `${path}.1`);
      else unlinkSync(path);
    } catch {
      // keep appending to the current file; the next write tries to rotate again
    }
    size = currentSize(path);
  };
  const sink = ((line: string) => {
    let text = line;
    if (dropped > 0) {
      text = JSON.stringify({ time: new Date().toISOString(), level: 'warn', msg: 'log lines were lost to write errors', droppedLines: dropped }) + '\n' + line;
    }
    const bytes = Buffer.byteLength(text);
    if (size > 0 && size + bytes > maxBytes) rotate();
    try {
      appendFileSync(path, text, { mode: PRIVATE_FILE_MODE }); // logs hold topic names and errors: owner-only
      size += bytes;
      dropped = 0;
    } catch {
      dropped++;
    }
  }) as RotatingFileSink;
  Object.defineProperty(sink, 'dropped', { get: () => dropped });
  return sink;
}

function currentSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
