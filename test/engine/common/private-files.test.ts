import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensurePrivateDir, tightenTree, touchPrivateFile } from '../../../src/engine/common/private-files.js';

const mode = (p: string) => statSync(p).mode & 0o777;

describe('private files', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'streamctl-private-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('tightens a world-readable tree to 0700 directories and 0600 files, keeping owner execute bits', () => {
    const root = tmp();
    mkdirSync(join(root, 'broker-1', 'demo-0'), { recursive: true });
    writeFileSync(join(root, 'cluster.json'), '{}');
    writeFileSync(join(root, 'broker-1', 'demo-0', '00000000000000000000.log'), 'x');
    writeFileSync(join(root, 'run.sh'), '#!/bin/sh\n');
    chmodSync(root, 0o755);
    chmodSync(join(root, 'broker-1'), 0o755);
    chmodSync(join(root, 'broker-1', 'demo-0'), 0o775);
    chmodSync(join(root, 'cluster.json'), 0o644);
    chmodSync(join(root, 'broker-1', 'demo-0', '00000000000000000000.log'), 0o666);
    chmodSync(join(root, 'run.sh'), 0o755);
    expect(tightenTree(root)).toBe(6);
    expect(mode(root)).toBe(0o700);
    expect(mode(join(root, 'broker-1'))).toBe(0o700);
    expect(mode(join(root, 'broker-1', 'demo-0'))).toBe(0o700);
    expect(mode(join(root, 'cluster.json'))).toBe(0o600);
    expect(mode(join(root, 'broker-1', 'demo-0', '00000000000000000000.log'))).toBe(0o600);
    expect(mode(join(root, 'run.sh'))).toBe(0o700);
    expect(tightenTree(root)).toBe(0);
  });

  it('does not follow symlinks out of the tree', () => {
    const root = tmp();
    const outside = tmp();
    writeFileSync(join(outside, 'shared.txt'), 'x');
    chmodSync(join(outside, 'shared.txt'), 0o644);
    symlinkSync(join(outside, 'shared.txt'), join(root, 'link'));
    tightenTree(root);
    expect(mode(join(outside, 'shared.txt'))).toBe(0o644);
  });

  it('creates private directories and files regardless of the umask', () => {
    const root = tmp();
    const old = process.umask(0o022);
    try {
      ensurePrivateDir(join(root, 'a', 'b'));
      touchPrivateFile(join(root, 'a', 'b', 'f'));
    } finally {
      process.umask(old);
    }
    expect(mode(join(root, 'a', 'b'))).toBe(0o700);
    expect(mode(join(root, 'a', 'b', 'f'))).toBe(0o600);
  });
});
