// `cluster health` against a real 2-broker cluster: healthy exits 0; a killed broker makes
// it exit 1 naming the broker (local and --bootstrap-server); --exit-when-healthy waits
// through the restart and exits 0, or exits 1 at --timeout. One cluster for the file.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type EmbeddedCluster } from '../../../src/embedded/start-cluster.js';
import { checkHealth } from '../../../src/engine/cluster/cluster-health.js';
import { streamctl } from '../kafka-cli-helpers.js';
import { waitFor } from '../../helpers/wait-for.js';

const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
let cluster: EmbeddedCluster;

beforeAll(async () => {
  cluster = await startCluster({ brokers: 2, config: { 'broker.session.timeout.ms': 3000, 'replica.lag.time.max.ms': 3000 } });
  await cluster.createTopic('replicated', { partitions: 2, replicationFactor: 2 });
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('cluster health', () => {
  it('reports a healthy cluster in rpk\'s layout and exits 0', async () => {
    await waitFor('a healthy cluster', async () => (await checkHealth({ kind: 'local', dir: cluster.dir })).healthy);
    const r = await streamctl(['cluster', 'health', '--dir', cluster.dir]);
    expect(r.stdout).toMatch(/^CLUSTER HEALTH OVERVIEW\n=+\nHealthy: +true\nUnhealthy reasons: +\[\]\nController ID: +\d+\nAll nodes: +\[1 2\]\nNodes down: +\[\]\n/);
    const json = await streamctl(['cluster', 'health', '--dir', cluster.dir, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ healthy: true, allNodes: [1, 2], nodesDown: [] });
  });

  it('exits 1 naming a killed broker, then --exit-when-healthy waits for its restart', async () => {
    await cluster.killBroker(2);
    const local = await streamctl(['cluster', 'health', '--dir', cluster.dir]);
    expect(local.exitCode).toBe(1);
    expect(local.stdout).toMatch(/Healthy: +false\n/);
    expect(local.stdout).toMatch(/Nodes down: +\[2\]\n/);
    // A remote view learns of broker 2 from the replicas it is missing from.
    await waitFor('Metadata without broker 2', async () => {
      const r = await streamctl(['cluster', 'health', '--bootstrap-server', cluster.bootstrapServers.split(',')[0]!, '--json']);
      return r.exitCode === 1 && (JSON.parse(r.stdout) as { nodesDown: number[] }).nodesDown.includes(2);
    });
    const timedOut = await streamctl(['cluster', 'health', '--dir', cluster.dir, '--exit-when-healthy', '--timeout', '300']);
    expect(timedOut.exitCode).toBe(1);
    expect(timedOut.stderr).toContain('Timed out after 300 ms waiting for a healthy cluster.');

    const waiting = execa('node', [BIN, 'cluster', 'health', '--dir', cluster.dir, '--exit-when-healthy', '--timeout', '60000'], { reject: false, env: { NODE_NO_WARNINGS: '1' } });
    let seen = '';
    waiting.stdout?.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    await waitFor('the first (unhealthy) overview', () => seen.includes('Leaders per broker'));
    await cluster.startBroker(2);
    const done = await waiting;
    expect(done.exitCode).toBe(0);
    const overviews = String(done.stdout).split('CLUSTER HEALTH OVERVIEW').slice(1);
    expect(overviews[0]).toMatch(/Healthy: +false/);
    expect(overviews.at(-1)).toMatch(/Healthy: +true\n[\s\S]*Nodes down: +\[\]\n[\s\S]*Under-replicated partitions \(0\): +\[\]/);
  });

  it('refuses a bad --timeout as a usage error', async () => {
    const r = await streamctl(['cluster', 'health', '--dir', cluster.dir, '--timeout', '-5']);
    expect(r.exitCode).toBe(2);
  });
});
