import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomically } from '../../../src/engine/common/atomic-file.js';
import { ClusterDir } from '../../../src/engine/cluster/cluster-dir.js';
import { fillDisk, mountTmpfs } from '../../helpers/tmpfs.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'atomic-'));
  dirs.push(d);
  return d;
}

describe('writeFileAtomically', () => {
  it('keeps the old content and leaves no temp file when the disk is full', (ctx) => {
    const fs = mountTmpfs(1);
    if ('unavailable' in fs) return ctx.skip(fs.unavailable);
    try {
      const path = join(fs.path, 'cluster.json');
      writeFileSync(path, '{"old":true}\n');
      fillDisk(join(fs.path, 'filler'));
      expect(() => writeFileAtomically(path, JSON.stringify({ big: 'x'.repeat(64 * 1024) }))).toThrow(/ENOSPC/);
      expect(readFileSync(path, 'utf8')).toBe('{"old":true}\n');
      expect(readdirSync(fs.path).sort()).toEqual(['cluster.json', 'filler']);
    } finally {
      fs.unmount();
    }
  });

  it('a half-written temp file left by a crash is ignored by the reader', () => {
    const dir = new ClusterDir(tempDir());
    dir.ensure();
    dir.writeJson(dir.clusterFile, { version: 1, state: 'stopped' });
    writeFileSync(`${dir.clusterFile}.4242.tmp`, '{"version": 1, "sta');
    expect(dir.readClusterFile()).toMatchObject({ state: 'stopped' });
  });
});
