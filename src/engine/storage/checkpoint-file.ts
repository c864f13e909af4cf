// Kafka's text checkpoint files, written atomically: write `<file>.tmp`, fsync, rename over
// the old file, fsync the directory. Formats: a version line, a count line, then one entry
// per line. OffsetCheckpointFile holds `topic partition offset` lines
// (recovery-point-offset-checkpoint, log-start-offset-checkpoint,
// replication-offset-checkpoint). Synchronous; callers serialise writes to one file.
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { writeFileAtomically } from '../common/atomic-file.js';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StreamctlError } from '../common/errors.js';

export { fsyncDirectory, writeFileAtomically } from '../common/atomic-file.js';

/**
 * writeFileAtomically off the event loop (libuv's thread pool does the writes and fsyncs), for
 * periodic checkpoints on a serving process: a synchronous fsync can stall every request for
 * hundreds of milliseconds on a busy disk. `shouldRename` is asked before the rename, so a
 * newer synchronous write is never replaced by this older content.
 */
export async function writeFileAtomicallyAsync(path: string, content: string, tmp: string, shouldRename: () => boolean): Promise<void> {
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  if (!shouldRename()) {
    await unlink(tmp).catch(() => undefined);
    return;
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), 'r').catch(() => undefined);
  if (dir) await dir.sync().catch(() => undefined).finally(() => dir.close());
}

/** A versioned line-based checkpoint file (Kafka's CheckpointFile). */
export class CheckpointFile {
  readonly path: string;
  readonly version: number;

  constructor(path: string, version = 0) {
    this.path = path;
    this.version = version;
  }

  #generation = 0;
  #pending: Promise<void> = Promise.resolve();

  write(lines: string[]): void {
    this.#generation++;
    writeFileAtomically(this.path, this.#render(lines));
  }

  /**
   * The same, off the event loop. Async writes are serialised; a synchronous write made while
   * one is in flight wins (the async one then leaves the file alone).
   */
  writeAsync(lines: string[]): Promise<void> {
    const generation = ++this.#generation;
    const content = this.#render(lines);
    const run = () => writeFileAtomicallyAsync(this.path, content, `${this.path}.async.tmp`, () => this.#generation === generation);
    this.#pending = this.#pending.then(run, run);
    return this.#pending;
  }

  #render(lines: string[]): string {
    return `${this.version}\n${lines.length}\n${lines.map((l) => `${l}\n`).join('')}`;
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
    this.#file.write(OffsetCheckpointFile.#lines(entries));
  }

  /** write() off the event loop (see CheckpointFile.writeAsync). */
  writeAsync(entries: Iterable<TopicPartitionOffset>): Promise<void> {
    return this.#file.writeAsync(OffsetCheckpointFile.#lines(entries));
  }

  static #lines(entries: Iterable<TopicPartitionOffset>): string[] {
    const lines: string[] = [];
    for (const e of entries) lines.push(`${e.topic} ${e.partition} ${e.offset}`);
    return lines;
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
