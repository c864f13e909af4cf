import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OffsetCheckpointFile } from '../../../src/engine/storage/checkpoint-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function file(): { path: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
  dirs.push(dir);
  return { dir, path: join(dir, 'replication-offset-checkpoint') };
}

describe('OffsetCheckpointFile.writeAsync', () => {
  it('writes the same checkpoint as the synchronous write, leaving no temp file', async () => {
    const { dir, path } = file();
    const ckpt = new OffsetCheckpointFile(path);
    await ckpt.writeAsync([{ topic: 'orders', partition: 3, offset: 42n }]);
    expect(ckpt.read()).toEqual([{ topic: 'orders', partition: 3, offset: 42n }]);
    expect(readdirSync(dir)).toEqual(['replication-offset-checkpoint']);
  });

  it('applies queued async writes in order', async () => {
    const { path } = file();
    const ckpt = new OffsetCheckpointFile(path);
    const writes = [1n, 2n, 3n].map((offset) => ckpt.writeAsync([{ topic: 't', partition: 0, offset }]));
    await Promise.all(writes);
    expect(ckpt.read()).toEqual([{ topic: 't', partition: 0, offset: 3n }]);
  });

  it('never replaces a newer synchronous write with an older async one', async () => {
    const { dir, path } = file();
    const ckpt = new OffsetCheckpointFile(path);
    const pending = ckpt.writeAsync([{ topic: 't', partition: 0, offset: 1n }]);
    ckpt.write([{ topic: 't', partition: 0, offset: 2n }]);
    await pending;
    expect(ckpt.read()).toEqual([{ topic: 't', partition: 0, offset: 2n }]);
    expect(readdirSync(dir)).toEqual(['replication-offset-checkpoint']);
  });
});
