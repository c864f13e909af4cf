import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { brokerControl, clusterStatus, startCluster, stopCluster } from '../../../src/engine/cluster/local-cluster.js';
import { KafkaConnection } from '../../../src/engine/network/connection.js';
import { ApiKey } from '../../../src/engine/protocol/api-keys.js';
import type { ApiKeyNumber, Encodable, RequestOf } from '../../../src/engine/protocol/codec.js';
import { startTestCluster, type TestCluster } from '../../helpers/cluster.js';
import { isPidAlive } from '../../helpers/pid.js';
import { waitFor } from '../../helpers/wait-for.js';

const FAKE_BROKER = fileURLToPath(new URL('./fixtures/fake-broker.mjs', import.meta.url));
const mains = { broker: FAKE_BROKER };
const fastSettings = { 'broker.heartbeat.interval.ms': '100', 'broker.session.timeout.ms': '1500' };

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function controllerRequest<K extends ApiKeyNumber>(c: TestCluster, apiKey: K, version: number, body: Encodable<RequestOf<K>>) {
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: c.clusterFile.controller.port });
  try {
    return await conn.send(apiKey, version, body);
  } finally {
    conn.close();
  }
}


describe('local cluster', () => {
  it('starts a controller and two brokers and records them as running in cluster.json', async () => {
    cluster = await startTestCluster({ brokers: 2, mains, settings: fastSettings });
    const file = cluster.readClusterFile();
    expect(file.state).toBe('running');
    expect(file.brokers.map((b) => [b.id, b.port, b.status])).toEqual([
      [1, cluster.basePort, 'running'],
      [2, cluster.basePort + 1, 'running'],
    ]);
    expect(file.controller).toMatchObject({ port: cluster.basePort + 100, status: 'running' });
    expect(cluster.bootstrap).toBe(`127.0.0.1:${cluster.basePort},127.0.0.1:${cluster.basePort + 1}`);
    for (const p of [file.controller, ...file.brokers]) expect(isPidAlive(p.pid)).toBe(true);
  });

  it('reports health with live brokers, leader counts and no under-replicated partitions', async () => {
    cluster = await startTestCluster({ brokers: 2, mains, settings: fastSettings });
    const created = await controllerRequest(cluster, ApiKey.CreateTopics, 7, {
      topics: [{ name: 'orders', numPartitions: 4, replicationFactor: 2, assignments: [], configs: [] }], timeoutMs: 15_000, validateOnly: false,
    });
    expect(created.topics[0]?.errorCode).toBe(0);
    const status = await clusterStatus(cluster.dir);
    expect(status.running).toBe(true);
    expect(status.health).toMatchObject({ healthy: true, allNodes: [1, 2], nodesDown: [], underReplicatedPartitions: [], leaderlessPartitions: [], partitions: 4 });
    expect(status.health!.leaderCounts).toEqual({ '1': 2, '2': 2 });
  });

  it('answers a second start with alreadyRunning and the running cluster', async () => {
    cluster = await startTestCluster({ brokers: 1, mains });
    const again = await startCluster({ dir: cluster.dir, mains });
    expect(again.alreadyRunning).toBe(true);
    expect(again.cluster.daemon.pid).toBe(cluster.clusterFile.daemon.pid);
  });

  it('stops every process and keeps cluster id and topics across a restart', async () => {
    cluster = await startTestCluster({ brokers: 1, mains, settings: fastSettings });
    await controllerRequest(cluster, ApiKey.CreateTopics, 7, {
      topics: [{ name: 'kept', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 15_000, validateOnly: false,
    });
    const before = cluster.readClusterFile();
    const stopped = await stopCluster(cluster.dir);
    expect(stopped.wasRunning).toBe(true);
    for (const p of [before.controller, ...before.brokers]) expect(isPidAlive(p.pid)).toBe(false);
    expect(isPidAlive(before.daemon.pid)).toBe(false);
    expect((await clusterStatus(cluster.dir)).running).toBe(false);

    const restarted = await startCluster({ dir: cluster.dir, mains, timings: { initialBackoffMs: 200 } });
    expect(restarted.alreadyRunning).toBe(false);
    expect(restarted.cluster.clusterId).toBe(before.clusterId);
    expect(restarted.cluster.basePort).toBe(before.basePort);
    const md = await controllerRequest(cluster, ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(md.topics.map((t) => t.name)).toEqual(['kept']);
  });

  it('restarts a controller killed with SIGKILL, which keeps its topics', async () => {
    cluster = await startTestCluster({ brokers: 1, mains, settings: fastSettings });
    await controllerRequest(cluster, ApiKey.CreateTopics, 7, {
      topics: [{ name: 'durable', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 15_000, validateOnly: false,
    });
    const oldPid = cluster.readClusterFile().controller.pid!;
    process.kill(oldPid, 'SIGKILL');
    const c = cluster;
    const restarted = await waitFor('controller restart', () => {
      const f = c.readClusterFile();
      return f.controller.status === 'running' && f.controller.pid !== oldPid ? f.controller : undefined;
    }, 20_000);
    expect(isPidAlive(restarted.pid)).toBe(true);
    const md = await controllerRequest(cluster, ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(md.topics.map((t) => t.name)).toEqual(['durable']);
    // the broker keeps its session across the controller restart
    await waitFor('broker listed again', async () => {
      const m = await controllerRequest(c, ApiKey.Metadata, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      return m.brokers.length === 1 ? true : undefined;
    }, 20_000);
  });

  it('keeps a killed broker down until it is started again, electing new leaders meanwhile', async () => {
    cluster = await startTestCluster({ brokers: 2, mains, settings: fastSettings });
    await controllerRequest(cluster, ApiKey.CreateTopics, 7, {
      topics: [{ name: 't', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [2, 1] }], configs: [] }], timeoutMs: 15_000, validateOnly: false,
    });
    const oldPid = cluster.readClusterFile().brokers[1]!.pid;
    const killed = await brokerControl(cluster.dir, 'kill', 2);
    expect(killed).toMatchObject({ id: 2, status: 'killed', pid: null });
    expect(isPidAlive(oldPid)).toBe(false);
    const c = cluster;
    const status = await waitFor('broker 2 fenced', async () => {
      const s = await clusterStatus(c.dir);
      return s.health?.nodesDown.includes(2) ? s : undefined;
    }, 20_000);
    expect(status.health).toMatchObject({ healthy: false, underReplicatedPartitions: ['t/0'], leaderCounts: { '1': 1 } });
    // stays down: no restart by the daemon (deliberately time: nothing restarts it within 1 s)
    await new Promise((r) => setTimeout(r, 1000));
    expect(cluster.readClusterFile().brokers[1]).toMatchObject({ status: 'killed', pid: null });

    const started = await brokerControl(cluster.dir, 'start', 2);
    expect(started).toMatchObject({ id: 2, status: 'running' });
    expect(isPidAlive(started.pid)).toBe(true);
  });

  it('refuses to start when a port it needs is busy, naming the port', async () => {
    const { findFreeBasePort } = await import('../../../src/engine/cluster/ports.js');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const base = await findFreeBasePort({ brokers: 1, supervisors: 0, slotsPerSupervisor: 1 });
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(base + 100, '127.0.0.1', r));
    const dir = mkdtempSync(join(tmpdir(), 'busy-'));
    try {
      await expect(startCluster({ dir, brokers: 1, storm: false, basePort: base, mains })).rejects.toMatchObject({
        code: 'PORT_IN_USE',
        message: expect.stringContaining(`Port ${base + 100} on 127.0.0.1 is already in use; it is needed for controller`),
      });
    } finally {
      await new Promise((r) => blocker.close(r));
      await stopCluster(dir).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops the processes left behind when the daemon itself was killed', async () => {
    cluster = await startTestCluster({ brokers: 1, mains, settings: fastSettings });
    const file = cluster.readClusterFile();
    process.kill(file.daemon.pid, 'SIGKILL');
    const c = cluster;
    await waitFor('daemon gone', () => (isPidAlive(file.daemon.pid) ? undefined : true), 20_000);
    const status = await clusterStatus(c.dir);
    expect(status.state).toBe('orphaned');
    await expect(startCluster({ dir: c.dir, mains })).rejects.toMatchObject({ code: 'ALREADY_EXISTS', hint: expect.stringContaining('cluster stop') });
    const stopped = await stopCluster(c.dir);
    expect(stopped.wasRunning).toBe(true);
    for (const p of [file.controller, ...file.brokers]) expect(isPidAlive(p.pid)).toBe(false);
    expect((await clusterStatus(c.dir)).state).toBe('stopped');
  });
});
