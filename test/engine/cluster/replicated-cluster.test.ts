import { afterEach, describe, expect, it } from 'vitest';
import { KafkaConnection } from '../../../src/engine/network/connection.js';
import { ApiKey } from '../../../src/engine/protocol/api-keys.js';
import { startTestCluster, type TestCluster } from '../../helpers/cluster.js';
import { waitFor } from '../../helpers/wait-for.js';

// The real broker processes with the controller: leader failover after kill -9, the daemon's
// restart, and the ISR and preferred leader coming back.
let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

interface PartitionView {
  partitionIndex: number;
  leaderId: number;
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
}

async function partitionsFrom(port: number, topic: string): Promise<PartitionView[] | undefined> {
  let conn: KafkaConnection | undefined;
  try {
    conn = await KafkaConnection.connect({ host: '127.0.0.1', port, connectTimeoutMs: 1000, requestTimeoutMs: 3000 });
    const md = await conn.send(ApiKey.Metadata, 12, { topics: [{ name: topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    return md.topics[0]?.errorCode === 0 ? (md.topics[0].partitions as PartitionView[]) : undefined;
  } catch {
    return undefined;
  } finally {
    conn?.close();
  }
}

describe('replicated local cluster', () => {
  it('elects a new leader when the leader broker is killed and restores the preferred leader after the daemon restarts it', async () => {
    // The daemon waits 5 s before restarting a crashed broker: longer than the 2 s session
    // timeout, so the failover to another replica is observable before broker 2 comes back.
    cluster = await startTestCluster({
      brokers: 3,
      settings: { 'broker.session.timeout.ms': '2000', 'broker.heartbeat.interval.ms': '200' },
      timings: { initialBackoffMs: 5000, maxBackoffMs: 5000 },
    });
    const c = cluster;
    const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: c.clusterFile.controller.port });
    const created = await conn.send(ApiKey.CreateTopics, 7, {
      topics: [{ name: 'failover', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [2, 3, 1] }], configs: [] }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    conn.close();
    expect(created.topics[0]?.errorCode).toBe(0);
    const broker1 = c.clusterFile.brokers[0]!.port;
    const initial = await waitFor('topic on broker 1', async () => {
      const p = await partitionsFrom(broker1, 'failover');
      return p?.[0]?.leaderId === 2 && p[0].isrNodes.length === 3 ? p[0] : undefined;
    }, 30_000, 150);

    const leaderPid = c.readClusterFile().brokers[1]!.pid!;
    process.kill(leaderPid, 'SIGKILL');
    const failedOver = await waitFor('new leader', async () => {
      const p = (await partitionsFrom(broker1, 'failover'))?.[0];
      return p && p.leaderId !== 2 && p.leaderId !== -1 ? p : undefined;
    }, 30_000, 150);
    expect(failedOver.leaderId).toBe(3);
    expect(failedOver.leaderEpoch).toBeGreaterThan(initial.leaderEpoch);
    expect(failedOver.isrNodes).not.toContain(2);

    // The daemon restarts broker 2 (it crashed, nobody stopped it); it catches up, rejoins
    // the ISR and becomes leader again as the preferred replica.
    const back = await waitFor('preferred leader restored', async () => {
      const p = (await partitionsFrom(broker1, 'failover'))?.[0];
      return p && p.leaderId === 2 && p.isrNodes.length === 3 ? p : undefined;
    }, 45_000);
    expect(back.leaderEpoch).toBeGreaterThan(failedOver.leaderEpoch);
    expect(c.readClusterFile().brokers[1]!.pid).not.toBe(leaderPid);
  });
});
