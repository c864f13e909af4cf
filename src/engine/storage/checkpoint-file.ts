// Kafka's text checkpoint files, written atomically: write `<file>.tmp`, fsync, rename over
// the old file, fsync the directory. Formats: a version line, a count line, then one entry
// per line. OffsetCheckpointFile holds `topic partition offset` lines
// (recovery-point-offset-checkpoint, log-start-offset-checkpoint,
// replication-offset-checkpoint). Synchronous; callers serialise writes to one file.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { StreamctlError } from '../common/errors.js';

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

/**
 * Atomically replaces `path` with `content` (write temp, fsync, rename, fsync dir). With
 * fsync:false the rename is still atomic against process crashes, not against power loss.
 */
export function writeFileAtomically(path: string, content: string | Buffer, options: { fsync?: boolean } = {}): void {
  const durable = options.fsync ?? true;
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    let written = 0;
    while (written < data.length) written += writeSync(fd, data, written, data.length - written);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  if (durable) fsyncDirectory(dirname(path));
}

/** A versioned line-based checkpoint file (Kafka's CheckpointFile). */
export class CheckpointFile {
  readonly path: string;
  readonly version: number;

  constructor(path: string, version = 0) {
    this.path = path;
    this.version = version;
  }

  write(lines: string[]): void {
    writeFileAtomically(this.path, `${this.version}\n${lines.length}\n${lines.map((l) => `${l}\n`).join('')}`);
  }

  /** The entry lines, or [] when the file does not exist. Throws STORAGE on a malformed file. */
  read(): string[] {
    if (!existsSync(this.path)) return [];
    const text = readFileSync(this.path, 'utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const bad = (why: string) => new StreamctlError('STORAGE', `Malformed checkpoint file ${this.path}: ${why}`);
    if (lines.length < 2) throw bad('missing version or count line');
    const version = Number(lines[0]);
    if (version !== this.version) throw bad(`unrecognised version ${lines[0]}`);
    const count = Number(lines[1]);
    if (!Number.isInteger(count) || count < 0) throw bad(`bad count line ${lines[1]}`);
    const entries = lines.slice(2);
    if (entries.length !== count) throw bad(`expected ${count} entries, found ${entries.length}`);
    return entries;
  }

  delete(): void {
    if (existsSync(this.path)) unlinkSync(this.path);
  }
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

/** Map key for a topic-partition: `topic-partition` (as Kafka's TopicPartition.toString()). */
export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** `topic partition offset` checkpoint (version 0). */
export class OffsetCheckpointFile {
  readonly #file: CheckpointFile;

  constructor(path: string) {
    this.#file = new CheckpointFile(path, 0);
  }

  get path(): string {
    return this.#file.path;
  }

  write(entries: Iterable<TopicPartitionOffset>): void {
    const lines: string[] = [];
    for (const e of entries) lines.push(`${e.topic} ${e.partition} ${e.offset}`);
    this.#file.write(lines);
  }

  read(): TopicPartitionOffset[] {
    return this.#file.read().map((line) => {
      const parts = line.split(' ');
      if (parts.length !== 3 || !/^\d+$/.test(parts[1]!) || !/^-?\d+$/.test(parts[2]!)) {
        throw new StreamctlError('STORAGE', `Malformed checkpoint file ${this.#file.path}: bad entry "${line}"`);
      }
      return { topic: parts[0]!, partition: Number(parts[1]), offset: BigInt(parts[2]!) };
    });
  }

  /** Entries keyed by topicPartitionKey. */
  readMap(): Map<string, bigint> {
    return new Map(this.read().map((e) => [topicPartitionKey(e.topic, e.partition), e.offset]));
  }
}
