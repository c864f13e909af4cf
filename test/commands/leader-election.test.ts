import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLeaderElection, summarize } from '../../src/engine/client/leader-election.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { streamctl } from './kafka-cli-helpers.js';
import { waitFor } from '../helpers/wait-for.js';

describe('leader-election output', () => {
  it('prints kafka-leader-election lines for elected, already-elected and failed partitions', () => {
    const r = summarize('PREFERRED', {
      replicaElectionResults: [
        {
          topic: 'orders',
          partitionResult: [
            { partitionId: 0, errorCode: 0, errorMessage: null },
            { partitionId: 1, errorCode: 84, errorMessage: 'Leader election not needed for topic partition.' },
            { partitionId: 2, errorCode: 80, errorMessage: 'preferred replica 3 is not live and in sync.' },
          ],
        },
      ],
    });
    expect(formatLeaderElection(r)).toBe(
      'Successfully completed leader election (PREFERRED) for partitions orders-0\n' +
        'Valid replica already elected for partitions orders-1\n' +
        'Error completing leader election (PREFERRED) for partition: orders-2: preferred replica 3 is not live and in sync.\n',
    );
  });
});

describe('leader-election against a real cluster', () => {
  let cluster: TestCluster;
  const b = () => ['--bootstrap-server', cluster.bootstrap];

  beforeAll(async () => {
    cluster = await startTestCluster({
      brokers: 3,
      settings: { 'auto.leader.rebalance.enable': 'false', 'broker.session.timeout.ms': '2000', 'broker.heartbeat.interval.ms': '200' },
    });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function describeLine(): Promise<string> {
    const r = await streamctl(['topics', 'describe', '--topic', 'elect', ...b()]);
    return r.stdout.split('\n').find((l) => l.includes('Partition: 0')) ?? '';
  }

  async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 45_000): Promise<void> {
    await waitFor(what, fn, timeoutMs, 250);
  }

  it('moves leadership back to the preferred replica on demand', async () => {
    const created = await streamctl(['topics', 'create', '--topic', 'elect', '--replica-assignment', '1:2:3', ...b()]);
    expect(created.exitCode).toBe(0);
    await until('leader 1 with a full ISR', async () => /Leader: 1\tReplicas: 1,2,3\tIsr: [123],[123],[123]/.test(await describeLine()));

    expect((await streamctl(['cluster', 'broker', 'stop', '1', '--dir', cluster.dir])).exitCode).toBe(0);
    await until('another leader', async () => /Leader: [23]\t/.test(await describeLine()));
    expect((await streamctl(['cluster', 'broker', 'start', '1', '--dir', cluster.dir])).exitCode).toBe(0);
    await until('broker 1 back in the ISR, not leading', async () => {
      const line = await describeLine();
      return /Leader: [23]\t/.test(line) && /Isr: [123],[123],[123]/.test(line);
    });

    const r = await streamctl(['leader-election', '--election-type', 'PREFERRED', '--topic', 'elect', '--partition', '0', ...b()]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('Successfully completed leader election (PREFERRED) for partitions elect-0\n');
    await until('preferred leader 1', async () => /Leader: 1\t/.test(await describeLine()));

    const again = await streamctl(['leader-election', '--election-type', 'PREFERRED', '--all-topic-partitions', '--json', ...b()]);
    expect(again.exitCode).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ electionType: 'PREFERRED', succeeded: [], failed: [] });
  }, 120_000);

  it('refuses a call without partitions to elect', async () => {
    const r = await streamctl(['leader-election', '--election-type', 'PREFERRED', ...b()]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--all-topic-partitions');
  });
});
