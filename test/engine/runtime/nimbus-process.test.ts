import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, submitBody } from './fixtures/cluster-harness.js';
import { waitFor } from '../../helpers/wait-for.js';

// nimbus-main and supervisor-main as real processes (from dist/), with the fake worker.
describe('nimbus REST API', () => {
  const h = new Harness();

  beforeAll(async () => {
    await h.startNimbus();
    await h.startSupervisor('supervisor-1', 4);
  });
  afterAll(async () => {
    await h.close();
  });

  const topologyByName = async (name: string) => {
    const s = await h.get<{ topologies: Array<Record<string, any>> }>('/api/v1/topology/summary');
    return s.topologies.find((t) => t.name === name);
  };
  const allWorkersUp = async (id: string) => {
    const d = await h.get(`/api/v1/topology/${id}`);
    return d.workers.length > 0 && d.workers.every((w: any) => w.alive && w.assignmentVersion === d.assignmentVersion) ? d : undefined;
  };

  it('answers the cluster summary with the registered supervisor and its slots', async () => {
    const s = await h.get('/api/v1/cluster/summary');
    expect(s).toMatchObject({ supervisors: 1, slotsTotal: 4, topologies: expect.any(Number) });
    const sup = await h.get('/api/v1/supervisor/summary');
    expect(sup.supervisors[0]).toMatchObject({ id: 'supervisor-1', host: '127.0.0.1', slotsTotal: 4 });
  });

  it('submits a topology with a Storm-style id, fixed tasks including __acker, and runs its workers', async () => {
    const res = await h.post('/internal/v1/submit', submitBody('wc', { conf: { 'topology.workers': 2 } }));
    expect(res.status).toBe(200);
    expect(res.body.topologyId).toMatch(/^wc-\d+-\d{10}$/);
    const d = await waitFor('workers up', () => allWorkersUp(res.body.topologyId));
    expect(d.status).toBe('ACTIVE');
    // 2 ackers (one per worker) + 1 spout task + 4 bolt tasks; __acker sorts before lower-case ids.
    expect(d.taskToComponent).toEqual({ 1: '__acker', 2: '__acker', 3: 'count', 4: 'count', 5: 'count', 6: 'count', 7: 'words' });
    expect(d.tasksTotal).toBe(7);
    expect(d.workersTotal).toBe(2);
    expect(d.executorsTotal).toBe(5);
    expect(d.configuration['topology.acker.executors']).toBe(2);
  });

  it('rejects a taken name with a clear error', async () => {
    await waitFor('wc present', () => topologyByName('wc'));
    const res = await h.post('/internal/v1/submit', submitBody('wc'));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'ALREADY_EXISTS', errorMessage: "Topology with name 'wc' already exists on cluster" });
  });

  it('rejects a name Storm does not allow', async () => {
    const res = await h.post('/internal/v1/submit', submitBody('a/b'));
    expect(res.status).toBe(400);
    expect(res.body.errorMessage).toMatch(/Topology name 'a\/b' is not valid/);
  });

  it('aggregates worker heartbeats into Storm-named component metrics', async () => {
    const t = (await waitFor('wc present', () => topologyByName('wc')))!;
    const d = await waitFor('metrics', async () => {
      const x = await h.get(`/api/v1/topology/${t.id}`);
      return x.bolts[0].executed > 0 && x.spouts[0].emitted > 0 ? x : undefined;
    });
    expect(d.spouts[0]).toMatchObject({ spoutId: 'words', executors: 1, tasks: 1, completeLatency: '2.000', completeLatencyP99: '5.000' });
    expect(d.bolts[0]).toMatchObject({ boltId: 'count', executors: 2, tasks: 4, executeLatency: '1.000', capacity: '0.250' });
    expect(d.topologyStats.map((s: any) => s.window)).toEqual(['600', ':all-time']);
    const c = await h.get(`/api/v1/topology/${t.id}/component/count`);
    expect(c).toMatchObject({ id: 'count', componentType: 'BOLT', executors: 2, tasks: 4, topologyStatus: 'ACTIVE' });
    expect(c.executorStats.map((e: any) => e.id).sort()).toEqual(['[3-4]', '[5-6]']);
  });

  it('deactivates and activates, and workers see the new status', async () => {
    await h.post('/internal/v1/submit', submitBody('toggle'));
    const t = (await waitFor('toggle', () => topologyByName('toggle')))!;
    await waitFor('workers up', () => allWorkersUp(t.id));
    const off = await h.post(`/api/v1/topology/${t.id}/deactivate`);
    expect(off.body).toEqual({ topologyOperation: 'deactivate', topologyId: t.id, status: 'success' });
    expect((await topologyByName('toggle'))!.status).toBe('INACTIVE');
    const hb = await h.post('/internal/v1/worker-heartbeat', { workerId: 'probe', topologyId: t.id, supervisorId: 'x', host: '127.0.0.1', port: 1, pid: 1, assignmentVersion: 1, uptimeSecs: 0, logFile: '', executors: [], errors: [] });
    expect(hb.body.status).toBe('INACTIVE');
    await h.post(`/api/v1/topology/${t.id}/activate`);
    expect((await topologyByName('toggle'))!.status).toBe('ACTIVE');
  });

  it('kills with a wait: KILLED during the wait, then removed and its workers stopped', async () => {
    await h.post('/internal/v1/submit', submitBody('doomed'));
    const t = (await waitFor('doomed', () => topologyByName('doomed')))!;
    await waitFor('workers up', () => allWorkersUp(t.id));
    const started = Date.now();
    const res = await h.post(`/api/v1/topology/${t.id}/kill/2`);
    expect(res.body).toMatchObject({ topologyOperation: 'kill', status: 'success' });
    expect((await topologyByName('doomed'))!.status).toBe('KILLED');
    // A second activate during the wait has no transition.
    const bad = await h.post(`/api/v1/topology/${t.id}/activate`);
    expect(bad.body.errorMessage).toBe(`No transition for event: ACTIVATE, status: KILLED storm-id: ${t.id}`);
    await waitFor('removed', async () => ((await topologyByName('doomed')) === undefined ? true : undefined));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    const sup = await h.get('/api/v1/supervisor/summary');
    await waitFor('worker stopped', async () => {
      const s = await h.get('/api/v1/supervisor/summary');
      return s.supervisors[0].runningWorkers.every((w: any) => w.topologyId !== t.id) || undefined;
    });
    expect(sup.supervisors).toHaveLength(1);
  });

  it('refuses a rebalance asking for more executors than tasks', async () => {
    const t = (await waitFor('wc', () => topologyByName('wc')))!;
    const res = await h.post(`/api/v1/topology/${t.id}/rebalance/0`, { rebalanceOptions: { executors: { count: 5 } } });
    expect(res.status).toBe(400);
    expect(res.body.errorMessage).toMatch(/count has 4 task\(s\); it cannot run 5 executors/);
    expect((await topologyByName('wc'))!.status).toBe('ACTIVE');
  });

  it('rebalances executors after the wait, keeps tasks fixed and restores the previous status', async () => {
    await h.post('/internal/v1/submit', submitBody('rb', { inactive: true }));
    const t = (await waitFor('rb', () => topologyByName('rb')))!;
    expect(t.status).toBe('INACTIVE');
    const before = await waitFor('workers up', () => allWorkersUp(t.id));
    const res = await h.post(`/api/v1/topology/${t.id}/rebalance/1`, { rebalanceOptions: { executors: { count: 4 }, numWorkers: 1 } });
    expect(res.body).toMatchObject({ topologyOperation: 'rebalance', status: 'success' });
    expect((await topologyByName('rb'))!.status).toBe('REBALANCING');
    const after = await waitFor('rebalanced', async () => {
      const d = await h.get(`/api/v1/topology/${t.id}`);
      return d.status === 'INACTIVE' && d.bolts[0].executors === 4 ? d : undefined;
    });
    expect(after.taskToComponent).toEqual(before.taskToComponent);
    expect(after.tasksTotal).toBe(before.tasksTotal);
    expect(after.assignmentVersion).toBeGreaterThan(before.assignmentVersion);
  });

  it('answers unknown topologies with 404 and Storm error fields', async () => {
    const res = await h.fetch('/api/v1/topology/nope-1-1');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: '404 Not Found', code: 'NOT_FOUND' });
  });

  it('answers malformed HTTP requests with 400 and keeps serving in the same process', async () => {
    const pid = h.nimbus!.pid;
    const raw = (bytes: string | Buffer) =>
      new Promise<string>((resolve) => {
        const sock = net.connect({ host: '127.0.0.1', port: h.nimbusPort });
        const got: Buffer[] = [];
        sock.on('data', (d) => got.push(d));
        sock.on('error', () => {});
        sock.on('close', () => resolve(Buffer.concat(got).toString('latin1')));
        sock.on('connect', () => sock.end(bytes));
      });
    // With the token: these must fail on their malformed parts, not on authentication.
    const host = `Host: 127.0.0.1:${h.nimbusPort}\r\nAuthorization: Bearer ${h.token}\r\n`;
    expect(await raw(Buffer.concat([Buffer.alloc(4), Buffer.from('\xff\xfe garbage\r\n\r\n', 'latin1')]))).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(`GET /api/v1/topology/%E0%A4%A HTTP/1.1\r\n${host}Connection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(`GET /api/v1/topology/x/component/y?window=%%% HTTP/1.1\r\n${host}Connection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 4\d\d/);
    expect(await raw(`POST /api/v1/topology/x/kill/%ZZ HTTP/1.1\r\n${host}Content-Length: 5\r\nConnection: close\r\n\r\n{{{{{`)).toMatch(/^HTTP\/1\.1 4\d\d/);
    expect(await raw(`GET /api/v1/cluster/summary HTTP/1.1\r\n${host}Content-Length: -1\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/);
    const summary = await h.fetch('/api/v1/cluster/summary');
    expect(summary.status).toBe(200);
    expect(h.nimbus!.pid).toBe(pid);
    expect(h.nimbus!.exitCode).toBeNull();
  });
});
