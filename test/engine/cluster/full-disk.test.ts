// A full disk under the cluster dir (a small tmpfs) must not take the cluster down: the
// daemon and the other processes keep running, cluster.json stays whole, status tells the
// truth. Brokers are the fake fixture here (they store nothing); the real broker's storage
// errors are covered by the broker's own full-disk test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { brokerControl, clusterStatus } from '../../../src/engine/cluster/local-cluster.js';
import type { ClusterFile } from '../../../src/engine/cluster/process-configs.js';
import { startTestCluster, type TestCluster } from '../../helpers/cluster.js';
import { isPidAlive } from '../../helpers/pid.js';
import { fillDisk, freeDisk, mountTmpfs, type Tmpfs } from '../../helpers/tmpfs.js';
import { waitFor } from '../../helpers/wait-for.js';

const FAKE_BROKER = fileURLToPath(new URL('./fixtures/fake-broker.mjs', import.meta.url));
const fastSettings = { 'broker.heartbeat.interval.ms': '100', 'broker.session.timeout.ms': '1500' };

let cluster: TestCluster | undefined;
let fs: Tmpfs | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
  fs?.unmount();
  fs = undefined;
});

describe('a full disk under the cluster dir', () => {
  it('keeps the daemon and the other processes running when a broker dies, and cluster.json whole', async (ctx) => {
    const mounted = mountTmpfs(48);
    if ('unavailable' in mounted) return ctx.skip(mounted.unavailable);
    fs = mounted;
    cluster = await startTestCluster({ brokers: 2, mains: { broker: FAKE_BROKER }, settings: fastSettings, parentDir: fs.path });
    const before = cluster.readClusterFile();
    const filler = join(fs.path, 'filler');
    fillDisk(filler);

    process.kill(before.brokers[0]!.pid!, 'SIGKILL');
    // The daemon restarts it although it cannot rewrite cluster.json; status asks the daemon.
    const status = await waitFor('broker 1 restarted', async () => {
      const s = await clusterStatus(cluster!.dir);
      const b1 = s.processes.find((p) => p.kind === 'broker' && p.id === 1);
      return b1?.status === 'running' && b1.pid !== before.brokers[0]!.pid ? s : undefined;
    });
    expect(status.state).toBe('running');
    for (const pid of [before.daemon.pid, before.controller.pid, before.brokers[1]!.pid]) expect(isPidAlive(pid)).toBe(true);
    const onDisk = JSON.parse(readFileSync(join(cluster.dir, 'cluster.json'), 'utf8')) as ClusterFile;
    expect(onDisk.state).toBe('running');

    freeDisk(filler);
    await brokerControl(cluster.dir, 'stop', 2);
    const after = cluster.readClusterFile();
    expect(after.brokers.map((b) => b.status)).toEqual(['running', 'stopped']);
    expect(after.brokers[0]!.pid).toBe(status.processes.find((p) => p.kind === 'broker' && p.id === 1)!.pid);
  });

  it('reports a cluster whose daemon died as crashed, not running', async () => {
    cluster = await startTestCluster({ brokers: 1, mains: { broker: FAKE_BROKER }, settings: fastSettings });
    const file = cluster.readClusterFile();
    for (const pid of [file.daemon.pid, file.controller.pid, file.brokers[0]!.pid]) process.kill(pid!, 'SIGKILL');
    await waitFor('all gone', () => [file.daemon.pid, file.controller.pid, file.brokers[0]!.pid].every((p) => !isPidAlive(p)));
    expect(cluster.readClusterFile().state).toBe('running');
    const status = await clusterStatus(cluster.dir);
    expect(status.running).toBe(false);
    expect(status.state).toBe('crashed');
    expect(status.processes.map((p) => [p.kind, p.status, p.pid])).toEqual([
      ['controller', 'stopped', null],
      ['broker', 'stopped', null],
    ]);
  });
});
