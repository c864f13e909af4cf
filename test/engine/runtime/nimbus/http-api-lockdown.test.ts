// Nimbus's HTTP API on a real started cluster (startTestCluster with Storm): requests
// without the token, with a wrong one, with a foreign Host or Origin, and text/plain POSTs
// are refused before anything runs; with the token everything works. A submitted bundle
// that writes a marker file when a worker imports it shows whether a submit ran code.
// Build first (`npm run build`).
import { execa } from 'execa';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterStatus } from '../../../../src/engine/cluster/local-cluster.js';
import { startTestCluster, type TestCluster } from '../../../helpers/cluster.js';
import { waitFor } from '../../../helpers/wait-for.js';
import { REPO_ROOT, sampleSpec } from '../fixtures/cluster-harness.js';

interface RawResponse {
  status: number;
  body: Record<string, unknown>;
}

describe('nimbus HTTP API lockdown', () => {
  let cluster: TestCluster;
  let port: number;
  const markers = mkdtempSync(join(tmpdir(), 'streamctl-markers-'));

  /** One request with exactly the given headers (Host included: node:http does not add one). */
  const raw = (method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawResponse> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers, setHost: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown> }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const own = () => ({ host: `127.0.0.1:${port}` });
  const authed = () => ({ ...own(), authorization: `Bearer ${cluster.nimbusToken}` });
  const json = { 'content-type': 'application/json' };

  /** A submit body whose bundle writes `marker` as soon as a worker imports it. */
  const markerSubmit = (name: string, marker: string) =>
    JSON.stringify({
      name,
      spec: sampleSpec(),
      conf: { 'topology.workers': 1 },
      bundleBase64: Buffer.from(`import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport default {};\n`).toString('base64'),
    });
  const topologies = async () => ((await raw('GET', '/api/v1/topology/summary', authed())).body.topologies as Array<{ id: string; name: string; status: string }>);

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 0, supervisors: 1, slots: 4, storm: true });
    port = Number(new URL(cluster.nimbusUrl!).port);
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(markers, { recursive: true, force: true });
  });

  it('answers a request without a token with 401 and a Storm-style error', async () => {
    const res = await raw('GET', '/api/v1/cluster/summary', own());
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: '401 Unauthorized', code: 'ACCESS_DENIED' });
    expect(res.body.errorMessage).toMatch(/Authorization: Bearer/);
  });

  it('answers a wrong token with 401', async () => {
    const res = await raw('GET', '/api/v1/cluster/summary', { ...own(), authorization: `Bearer ${'x'.repeat(43)}` });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: '401 Unauthorized', code: 'ACCESS_DENIED' });
  });

  it('answers a foreign Host with 403 even with the token (DNS rebinding)', async () => {
    const res = await raw('GET', '/api/v1/cluster/summary', { ...authed(), host: 'attacker.example' });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: '403 Forbidden', code: 'ACCESS_DENIED' });
  });

  it('serves the API with the token on any of its own host names', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const res = await raw('GET', '/api/v1/cluster/summary', { ...authed(), host });
      expect(res.status).toBe(200);
      expect(res.body).toHaveProperty('supervisors', 1);
    }
  });

  it('refuses a kill from a foreign Origin with 403 and the topology keeps running', async () => {
    const sub = await raw('POST', '/internal/v1/submit', { ...authed(), ...json }, markerSubmit('bystander', join(markers, 'bystander')));
    expect(sub.status).toBe(200);
    const id = sub.body.topologyId as string;
    const res = await raw('POST', `/api/v1/topology/${id}/kill/0`, { ...authed(), ...json, origin: 'http://attacker.example' });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: '403 Forbidden', code: 'ACCESS_DENIED' });
    expect((await topologies()).find((t) => t.id === id)?.status).toBe('ACTIVE');
    // The same kill from nimbus's own origin, with the token, goes through.
    const ok = await raw('POST', `/api/v1/topology/${id}/kill/0`, { ...authed(), ...json, origin: `http://127.0.0.1:${port}` });
    expect(ok.status).toBe(200);
    await waitFor('bystander killed', async () => !(await topologies()).some((t) => t.id === id && t.status === 'ACTIVE'));
  });

  it('rejects a text/plain submit before reading it: the topology never appears and its code never runs', async () => {
    const marker = join(markers, 'text-plain');
    const plainHeaders = { ...own(), 'content-type': 'text/plain;charset=UTF-8', origin: 'http://attacker.example' };
    expect((await raw('POST', '/internal/v1/submit', plainHeaders, markerSubmit('csrf', marker))).status).toBe(403);
    const { origin: _origin, ...sameOrigin } = plainHeaders;
    expect((await raw('POST', '/internal/v1/submit', sameOrigin, markerSubmit('csrf', marker))).status).toBe(415);
    const withToken = await raw('POST', '/internal/v1/submit', { ...authed(), 'content-type': 'text/plain' }, markerSubmit('csrf', marker));
    expect(withToken.status).toBe(415);
    expect(withToken.body).toMatchObject({ error: '415 Unsupported Media Type' });
    // Control: the same body as JSON with the token runs; by the time its marker exists, a
    // refused submit that had been accepted would have run too.
    const control = join(markers, 'control');
    const ok = await raw('POST', '/internal/v1/submit', { ...authed(), ...json }, markerSubmit('control', control));
    expect(ok.status).toBe(200);
    await waitFor('the control topology ran its bundle', () => existsSync(control), 30_000);
    expect(existsSync(marker)).toBe(false);
    expect((await topologies()).map((t) => t.name)).not.toContain('csrf');
    expect((await raw('POST', `/api/v1/topology/${ok.body.topologyId as string}/kill/0`, { ...authed(), ...json })).status).toBe(200);
  });

  it('refuses a submit without the token even as JSON', async () => {
    const marker = join(markers, 'no-token');
    const res = await raw('POST', '/internal/v1/submit', { ...own(), ...json }, markerSubmit('no-token', marker));
    expect(res.status).toBe(401);
    expect((await topologies()).map((t) => t.name)).not.toContain('no-token');
  });

  it('lets the topology commands work with the token read from --dir', async () => {
    const r = await execa('node', [join(REPO_ROOT, 'bin/run.js'), 'topology', 'list', '--dir', cluster.dir, '--json'], { reject: false });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('topologies');
  });

  it('tells a topology command without the token where the token is', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'streamctl-no-token-'));
    try {
      const r = await execa('node', [join(REPO_ROOT, 'bin/run.js'), 'topology', 'list', '--dir', elsewhere, '--nimbus-url', cluster.nimbusUrl!], { reject: false });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/Authorization: Bearer/);
      expect(r.stderr).toContain(join(elsewhere, 'nimbus.token'));
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('says in cluster status where the token file is', async () => {
    const status = await clusterStatus(cluster.dir);
    expect(status.nimbusTokenFile).toBe(join(cluster.dir, 'nimbus.token'));
    const r = await execa('node', [join(REPO_ROOT, 'bin/run.js'), 'cluster', 'status', '--dir', cluster.dir, '--json'], { reject: false });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ nimbusTokenFile: join(cluster.dir, 'nimbus.token'), nimbusUiOpen: false });
    const text = await execa('node', [join(REPO_ROOT, 'bin/run.js'), 'cluster', 'status', '--dir', cluster.dir], { reject: false });
    expect(text.stdout).toContain(`TOKEN    ${join(cluster.dir, 'nimbus.token')}`);
  });
});
