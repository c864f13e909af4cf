import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointFile, OffsetCheckpointFile, writeFileAtomically } from '../../../src/engine/storage/checkpoint-file.js';
import { makeTempDir } from './helpers.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => tmp.cleanup());

describe('checkpoint files', () => {
  it('writes Kafka\'s text format: version, count, then topic partition offset lines', () => {
    const file = new OffsetCheckpointFile(join(tmp.dir, 'recovery-point-offset-checkpoint'));
    file.write([
      { topic: 'my.topic_a-b', partition: 0, offset: 42n },
      { topic: 'other', partition: 11, offset: 9007199254740993n },
    ]);
    expect(readFileSync(file.path, 'utf8')).toBe('0\n2\nmy.topic_a-b 0 42\nother 11 9007199254740993\n');
    expect(file.readMap()).toEqual(new Map([['my.topic_a-b-0', 42n], ['other-11', 9007199254740993n]]));
  });

  it('replaces the file by rename, leaving no temp file behind and ignoring a stale one', () => {
    const path = join(tmp.dir, 'cp');
    writeFileSync(`${path}.tmp`, 'half-written garbage');
    const file = new CheckpointFile(path);
    file.write(['a']);
    expect(existsSync(`${path}.tmp`)).toBe(false);
    file.write(['b', 'c']);
    expect(file.read()).toEqual(['b', 'c']);
  });

  it('reads a missing file as empty and rejects a malformed one', () => {
    const file = new OffsetCheckpointFile(join(tmp.dir, 'x'));
    expect(file.read()).toEqual([]);
    writeFileAtomically(file.path, '0\n3\nt 0 1\n');
    expect(() => file.read()).toThrow(/expected 3 entries/);
    writeFileAtomically(file.path, '1\n0\n');
    expect(() => file.read()).toThrow(/version/);
    writeFileAtomically(file.path, '0\n1\nt zero 1\n');
    expect(() => file.read()).toThrow(/bad entry/);
  });
});
