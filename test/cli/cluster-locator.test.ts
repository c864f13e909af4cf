import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootstrapServersFromCluster, isDefaultClusterDir, nimbusUrlFromCluster, resolveClusterDir } from '../../src/cli/cluster-locator.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'locator-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cluster = (state: string) => ({
  version: 1, clusterId: 'c', host: '127.0.0.1', basePort: 9092, startedAt: 'x', daemon: { pid: 1 }, state,
  controller: { kind: 'controller', host: '127.0.0.1', port: 9192, pid: 1, status: 'running', logFile: 'l' },
  brokers: [1, 2].map((id) => ({ kind: 'broker', id, host: '127.0.0.1', port: 9091 + id, pid: 1, status: 'running', logFile: 'l' })),
  nimbus: null, supervisors: [],
});

describe('cluster locator', () => {
  it('defaults to ~/.streamctl/cluster when no --dir is given', () => {
    expect(resolveClusterDir(undefined)).toBe(join(homedir(), '.streamctl', 'cluster'));
    expect(isDefaultClusterDir(resolveClusterDir(undefined))).toBe(true);
    expect(resolveClusterDir(dir)).toBe(dir);
  });

  it('reads the brokers of a running cluster from cluster.json', () => {
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify(cluster('running')));
    expect(bootstrapServersFromCluster(dir)).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
  });

  it('says no cluster was found, with a hint, when cluster.json is missing', () => {
    expect(() => bootstrapServersFromCluster(dir)).toThrow(expect.objectContaining({ code: 'NOT_RUNNING', hint: expect.stringContaining('--bootstrap-server') }));
  });

  it('says the cluster is stopped when cluster.json records a stop', () => {
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify(cluster('stopped')));
    expect(() => bootstrapServersFromCluster(dir)).toThrow(/is stopped/);
  });

  it('says a cluster without Storm has no nimbus instead of falling back to a default port', () => {
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify(cluster('running')));
    expect(() => nimbusUrlFromCluster(dir)).toThrow(/has no nimbus \(it was started with --no-storm\)/);
  });

  it('reads the nimbus URL of a cluster with Storm', () => {
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify({ ...cluster('running'), nimbus: { kind: 'nimbus', host: '127.0.0.1', port: 9392 } }));
    expect(nimbusUrlFromCluster(dir)).toBe('http://127.0.0.1:9392');
  });

  it('gives the same no-cluster message to Storm-side and Kafka-side lookups', () => {
    const kafka = (() => { try { bootstrapServersFromCluster(dir); } catch (e) { return (e as Error).message; } })();
    const storm = (() => { try { nimbusUrlFromCluster(dir); } catch (e) { return (e as Error).message; } })();
    expect(storm).toBe(kafka);
    expect(storm).toBe(`No local cluster found in ${dir}.`);
  });
});
