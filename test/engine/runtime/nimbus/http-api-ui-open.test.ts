// `cluster start --ui-open` on a real started cluster: nimbus's read-only Storm UI GETs
// answer without the token, while actions, submit and the Host/Origin checks stay as
// without the flag. Build first (`npm run build`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterStatus } from '../../../../src/engine/cluster/local-cluster.js';
import { startTestCluster, type TestCluster } from '../../../helpers/cluster.js';

describe('nimbus HTTP API with --ui-open', () => {
  let cluster: TestCluster;
  const url = (path: string) => `${cluster.nimbusUrl}${path}`;

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 0, supervisors: 1, storm: true, uiOpen: true });
  });
  afterAll(() => cluster?.stop());

  it('serves the read-only Storm UI GETs without a token', async () => {
    for (const path of ['/api/v1/cluster/summary', '/api/v1/supervisor/summary', '/api/v1/topology/summary']) {
      expect((await fetch(url(path))).status).toBe(200);
    }
  });

  it('still needs the token for actions and submit', async () => {
    const headers = { 'content-type': 'application/json' };
    expect((await fetch(url('/api/v1/topology/x-1-1/kill/0'), { method: 'POST', headers })).status).toBe(401);
    expect((await fetch(url('/internal/v1/submit'), { method: 'POST', headers, body: '{}' })).status).toBe(401);
  });

  it('still refuses a foreign Origin on the open GETs', async () => {
    const res = await fetch(url('/api/v1/cluster/summary'), { headers: { origin: 'http://attacker.example' } });
    expect(res.status).toBe(403);
  });

  it('reports the open UI in cluster status', async () => {
    expect((await clusterStatus(cluster.dir)).nimbusUiOpen).toBe(true);
  });
});
