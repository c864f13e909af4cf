// The cluster directory is private (DESIGN.md, Trust model): after a real cluster with Storm
// has produced data (a topic with records, a submitted topology with a worker), every
// directory under it is 0700, every file 0600 (segments, indexes, checkpoints, SQLite
// databases with -wal/-shm, cluster.json, logs, bundles, the token) and the daemon socket is
// 0600. A directory left world-readable by an older version is tightened on start.
// Build first (`npm run build`).
import { Admin, Producer, ProduceAcks, stringSerializers } from '@platformatic/kafka';
import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../helpers/cluster.js';
import { waitFor } from '../../helpers/wait-for.js';
import { sampleSpec } from '../runtime/fixtures/cluster-harness.js';

const mode = (p: string) => statSync(p).mode & 0o777;

/** Every entry under root: relative path → [kind, mode]. */
function walk(root: string): Map<string, { kind: 'dir' | 'file' | 'socket' | 'other'; mode: number }> {
  const out = new Map<string, { kind: 'dir' | 'file' | 'socket' | 'other'; mode: number }>();
  const visit = (path: string) => {
    const s = lstatSync(path);
    const kind = s.isDirectory() ? 'dir' : s.isFile() ? 'file' : s.isSocket() ? 'socket' : 'other';
    out.set(relative(root, path) || '.', { kind, mode: s.mode & 0o777 });
    if (s.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(root);
  return out;
}

describe('cluster directory permissions', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster({
      brokers: 1,
      supervisors: 1,
      storm: true,
      // What an older version left behind: a world-readable dir with readable files.
      prepareDir: (dir) => {
        mkdirSync(join(dir, 'logs'));
        writeFileSync(join(dir, 'logs', 'old-run.log'), 'secret\n');
        chmodSync(join(dir, 'logs', 'old-run.log'), 0o644);
        chmodSync(join(dir, 'logs'), 0o755);
        chmodSync(dir, 0o755);
      },
    });
    const bootstrapBrokers = cluster.bootstrap.split(',');
    const admin = new Admin({ clientId: 'perm-admin', bootstrapBrokers });
    const producer = new Producer({ clientId: 'perm-producer', bootstrapBrokers, serializers: stringSerializers });
    try {
      await admin.createTopics({ topics: ['private-data'], partitions: 2, replicas: 1 });
      await producer.send({ messages: Array.from({ length: 20 }, (_, i) => ({ topic: 'private-data', key: `k${i}`, value: `v${i}` })), acks: ProduceAcks.ALL });
    } finally {
      await producer.close();
      await admin.close();
    }
    const res = await fetch(`${cluster.nimbusUrl}/internal/v1/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${cluster.nimbusToken}` },
      body: JSON.stringify({ name: 'perm', spec: sampleSpec(), conf: { 'topology.workers': 1 }, bundleBase64: Buffer.from('export default {};\n').toString('base64') }),
    });
    expect(res.status).toBe(200);
    await waitFor('a worker directory with its log', () => walk(cluster.dir).has(join('supervisor-1', 'workers')) && [...walk(cluster.dir).keys()].some((p) => p.endsWith('worker.out')), 30_000);
  });
  afterAll(() => cluster?.stop());

  it('makes the cluster directory 0700', () => {
    expect(mode(cluster.dir)).toBe(0o700);
  });

  it('keeps every directory under it 0700 and every file 0600', () => {
    const entries = walk(cluster.dir);
    const wrong = [...entries].filter(([, e]) => (e.kind === 'dir' ? e.mode !== 0o700 : e.kind === 'file' ? e.mode !== 0o600 : false));
    expect(wrong.map(([p, e]) => `${p} ${e.kind} ${e.mode.toString(8)}`)).toEqual([]);
    // The walk saw the kinds of file the issue names.
    const names = [...entries.keys()];
    for (const pattern of [/\.log$/, /\.index$/, /\.timeindex$/, /checkpoint/, /\.sqlite$/, /\.db$/, /-wal$/, /-shm$/, /^cluster\.json$/, /topology\.mjs$/, /^nimbus\.token$/, /worker\.out$/]) {
      expect(names.some((n) => pattern.test(n)), `a file matching ${pattern}`).toBe(true);
    }
  });

  it('makes the daemon socket 0600', () => {
    const socket = cluster.clusterFile.daemon.controlSocket!;
    expect(lstatSync(socket).isSocket()).toBe(true);
    expect(mode(socket)).toBe(0o600);
  });

  it('tightens a directory an older version left world-readable', () => {
    expect(mode(join(cluster.dir, 'logs'))).toBe(0o700);
    expect(mode(join(cluster.dir, 'logs', 'old-run.log'))).toBe(0o600);
  });
});
