// Reads the lines appended to a set of log files since the last read (`tail -F` without the
// waiting): whole lines only (a partial last line waits for its newline), starting over
// when a file shrinks (truncated or rotated), files that do not exist yet are skipped.
// Synchronous file reads; single-threaded.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

export class LogTail {
  readonly #files: readonly string[];
  /** By path, so a file listed twice is read once. */
  readonly #offsets = new Map<string, number>();
  readonly #partial = new Map<string, string>();

  constructor(files: readonly string[]) {
    this.#files = files;
  }

  /** New complete lines of every file, in file order; `index` is the file's position in the list. */
  read(): Array<{ index: number; line: string }> {
    const out: Array<{ index: number; line: string }> = [];
    this.#files.forEach((file, index) => {
      if (!existsSync(file)) return;
      const size = statSync(file).size;
      let at = this.#offsets.get(file) ?? 0;
      if (size < at) at = 0;
      if (size === at) return;
      const fd = openSync(file, 'r');
      const buf = Buffer.alloc(size - at);
      readSync(fd, buf, 0, buf.length, at);
      closeSync(fd);
      this.#offsets.set(file, size);
      const parts = ((this.#partial.get(file) ?? '') + buf.toString('utf8')).split('\n');
      this.#partial.set(file, parts.pop() ?? '');
      for (const line of parts) out.push({ index, line });
    });
    return out;
  }
}
