import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusterDir } from '../../../src/engine/cluster/cluster-dir.js';
import { restartDelayMs } from '../../../src/engine/cluster/cluster-daemon.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cluster-dir-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('ClusterDir', () => {
  it('generates the cluster id once and keeps it', () => {
    const dir = new ClusterDir(root);
    dir.ensure();
    const id = dir.ensureClusterId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new ClusterDir(root).ensureClusterId()).toBe(id);
  });

  it('lays out per-process data, log and config paths', () => {
    const dir = new ClusterDir(root);
    expect(dir.dataDir('broker-2')).toBe(join(root, 'broker-2'));
    expect(dir.logFile('controller')).toBe(join(root, 'logs', 'controller.log'));
    expect(dir.configFile('nimbus')).toBe(join(root, 'config', 'nimbus.json'));
    expect(dir.clusterFile).toBe(join(root, 'cluster.json'));
  });

  it('writes cluster.json through a rename, leaving no temp file', () => {
    const dir = new ClusterDir(root);
    dir.ensure();
    const file = {
      version: 1 as const, clusterId: 'x', host: '127.0.0.1', basePort: 1, startedAt: 'now', daemon: { pid: 1 },
      controller: { kind: 'controller' as const, host: 'h', port: 1, pid: null, status: 'stopped' as const, logFile: 'l' },
      brokers: [], nimbus: null, supervisors: [],
    };
    dir.writeClusterFile(file);
    expect(dir.readClusterFile()).toEqual(file);
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('moves the control socket to the temp dir when the path is too long for a socket', () => {
    const dir = new ClusterDir(join(root, 'x'.repeat(120)));
    expect(dir.controlSocket.startsWith(tmpdir())).toBe(true);
    expect(Buffer.byteLength(dir.controlSocket)).toBeLessThan(100);
  });
});

describe('restartDelayMs', () => {
  it('doubles the delay per consecutive crash up to the cap', () => {
    const t = { initialBackoffMs: 500, maxBackoffMs: 3000 };
    expect([1, 2, 3, 4, 5].map((n) => restartDelayMs(n, t))).toEqual([500, 1000, 2000, 3000, 3000]);
  });
});
