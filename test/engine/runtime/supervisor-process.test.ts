import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTopology } from '../../../src/engine/topology/load-topology.js';
import { REPO_ROOT } from './fixtures/cluster-harness.js';
import { STREAMCTL_URL } from './fixtures/worker-harness.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, submitBody } from './fixtures/cluster-harness.js';
import { waitFor } from '../../helpers/wait-for.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('supervisor and recovery', () => {
  let h: Harness;
  const extraPids: number[] = [];

  afterEach(async () => {
    await h.close();
    for (const pid of extraPids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  const workerPids = async (id: string): Promise<number[] | undefined> => {
    const d = await h.get(`/api/v1/topology/${id}`);
    if (d.workers.length === 0 || !d.workers.every((w: any) => w.alive && w.assignmentVersion === d.assignmentVersion)) return undefined;
    return d.workers.map((w: any) => w.pid as number).sort();
  };

  const submit = async (name: string, workers = 1) => {
    const res = await h.post('/internal/v1/submit', submitBody(name, { conf: { 'topology.workers': workers } }));
    expect(res.status).toBe(200);
    return res.body.topologyId as string;
  };

  it('restarts a worker killed with -9 within a couple of seconds', async () => {
    h = new Harness();
    await h.startNimbus();
    await h.startSupervisor('supervisor-1', 2);
    const id = await submit('victim');
    const [pid] = (await waitFor('worker up', () => workerPids(id)))!;
    process.kill(pid!, 'SIGKILL');
    const started = Date.now();
    const [newPid] = (await waitFor('worker restarted', async () => {
      const pids = await workerPids(id);
      return pids && pids[0] !== pid ? pids : undefined;
    }))!;
    expect(newPid).not.toBe(pid);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(readFileSync(join(h.dir, 'logs', 'supervisor-1.log'), 'utf8')).toMatch(/worker died/);
  });

  it('keeps workers running while nimbus is killed with -9, and nimbus comes back with its state', async () => {
    h = new Harness();
    await h.startNimbus();
    await h.startSupervisor('supervisor-1', 4);
    const a = await submit('keep-a', 2);
    const b = await submit('keep-b', 1);
    await h.post(`/api/v1/topology/${b}/deactivate`);
    const pidsA = (await waitFor('a up', () => workerPids(a)))!;
    const pidsB = (await waitFor('b up', () => workerPids(b)))!;
    const before = await h.get(`/api/v1/topology/${a}`);

    await h.killNimbus('SIGKILL');
    await waitFor('supervisor notices nimbus is gone', () => readFileSync(join(h.dir, 'logs', 'supervisor-1.log'), 'utf8').includes('nimbus unreachable') || undefined);
    for (const pid of [...pidsA, ...pidsB]) expect(alive(pid)).toBe(true);

    await h.startNimbus();
    const summary = await h.get<{ topologies: Array<{ id: string; status: string }> }>('/api/v1/topology/summary');
    expect(summary.topologies.map((t) => [t.id, t.status]).sort()).toEqual([
      [a, 'ACTIVE'],
      [b, 'INACTIVE'],
    ]);
    expect(await waitFor('a heartbeats again', () => workerPids(a))).toEqual(pidsA);
    expect(await waitFor('b heartbeats again', () => workerPids(b))).toEqual(pidsB);
    const after = await h.get(`/api/v1/topology/${a}`);
    expect(after.assignmentVersion).toBe(before.assignmentVersion);
    // The counter survives: a new submit gets the next id.
    const c = await submit('keep-c');
    expect(c).toMatch(/^keep-c-3-/);
  });

  it('reassigns the workers of a dead supervisor to a live one', async () => {
    h = new Harness();
    await h.startNimbus();
    await h.startSupervisor('supervisor-1', 1);
    await h.startSupervisor('supervisor-2', 1);
    const id = await submit('spread', 2);
    await waitFor('two workers up', () => workerPids(id));
    const d = await h.get(`/api/v1/topology/${id}`);
    expect(d.workers.map((w: any) => w.supervisorId).sort()).toEqual(['supervisor-1', 'supervisor-2']);
    const orphan = d.workers.find((w: any) => w.supervisorId === 'supervisor-2').pid as number;
    extraPids.push(orphan);
    await h.stopSupervisor('supervisor-2', 'SIGKILL');
    const moved = await waitFor(
      'reassigned',
      async () => {
        const x = await h.get(`/api/v1/topology/${id}`);
        return x.workers.length > 0 && x.workers.every((w: any) => w.supervisorId === 'supervisor-1' && w.alive && w.assignmentVersion === x.assignmentVersion) ? x : undefined;
      },
      20_000,
    );
    // One slot left: every executor now runs in the one worker on supervisor-1.
    expect(moved.workers).toHaveLength(1);
    expect(moved.executorsTotal).toBe(d.executorsTotal);
  });

  it('stops its workers when it gets SIGTERM', async () => {
    h = new Harness();
    await h.startNimbus();
    await h.startSupervisor('supervisor-1', 2);
    const id = await submit('term', 2);
    const pids = (await waitFor('workers up', () => workerPids(id)))!;
    await h.stopSupervisor('supervisor-1', 'SIGTERM');
    for (const pid of pids) expect(alive(pid)).toBe(false);
    const workerDirs = readdirSync(join(h.dir, 'supervisor-1', 'workers'));
    expect(workerDirs).toHaveLength(2);
    expect(readFileSync(join(h.dir, 'supervisor-1', 'workers', workerDirs[0]!, 'worker.log'), 'utf8')).toMatch(/fake worker stopping/);
  });

  it('kills and restarts a real worker whose heartbeats stop (SIGSTOP) after supervisor workerTimeoutMs', async () => {
    h = new Harness();
    await h.startNimbus();
    await h.startSupervisor('supervisor-1', 1, { workerMain: join(REPO_ROOT, 'dist/engine/runtime/worker-main.js'), workerTimeoutMs: 2_000 });
    const bundle = `
import { BaseRichSpout, BaseBasicBolt, TopologyBuilder } from '${STREAMCTL_URL}';
class Words extends BaseRichSpout {
  open(_c, _x, collector) { this.collector = collector; this.n = 0; }
  nextTuple() { if (this.n < 1000) this.collector.emit(['w' + (this.n++ % 10)], this.n); }
  declareOutputFields(d) { d.declare(['word']); }
}
class Count extends BaseBasicBolt { execute() {} }
const b = new TopologyBuilder();
b.setSpout('words', () => new Words(), 1);
b.setBolt('count', () => new Count(), 1).shuffleGrouping('words');
export default b.createTopology();
`;
    const file = join(h.dir, 'hung.mjs');
    writeFileSync(file, bundle);
    const spec = JSON.parse(JSON.stringify((await loadTopology(file)).spec));
    const res = await h.post('/internal/v1/submit', { name: 'hung', spec, conf: {}, bundleBase64: Buffer.from(bundle).toString('base64') });
    expect(res.status).toBe(200);
    const id = res.body.topologyId as string;
    const [pid] = (await waitFor('worker up', () => workerPids(id), 20_000))!;
    extraPids.push(pid!);
    // Still running fine past the timeout: heartbeats keep it alive.
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await workerPids(id))?.[0]).toBe(pid);
    process.kill(pid!, 'SIGSTOP');
    const stoppedAt = Date.now();
    const [newPid] = (await waitFor(
      'hung worker replaced',
      async () => {
        const pids = await workerPids(id);
        return pids && pids[0] !== pid ? pids : undefined;
      },
      20_000,
    ))!;
    expect(newPid).not.toBe(pid);
    expect(alive(pid!)).toBe(false);
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(2_000);
    expect(readFileSync(join(h.dir, 'logs', 'supervisor-1.log'), 'utf8')).toMatch(/worker heartbeat timed out; killing it/);
  });

  it('rebalancing one component restarts only the workers whose executors changed; a kept worker adopts the new assignment in place', async () => {
    h = new Harness();
    await h.startNimbus();
    await h.startSupervisor('supervisor-1', 3, { workerMain: join(REPO_ROOT, 'dist/engine/runtime/worker-main.js') });
    const bundle = `
import { BaseRichSpout, BaseBasicBolt, TopologyBuilder } from '${STREAMCTL_URL}';
class Numbers extends BaseRichSpout {
  open(_c, _x, collector) { this.collector = collector; this.n = 0; }
  nextTuple() { this.collector.emit([this.n % 100], this.n++); }
  declareOutputFields(d) { d.declare(['n']); }
}
class Pass extends BaseBasicBolt {
  execute(t, c) { c.emit([t.getValue(0)]); }
  declareOutputFields(d) { d.declare(['n']); }
}
class Sink extends BaseBasicBolt { execute() {} }
const b = new TopologyBuilder();
b.setSpout('a', () => new Numbers(), 1);
b.setBolt('b', () => new Pass(), 1).shuffleGrouping('a');
b.setBolt('c', () => new Sink(), 1).setNumTasks(2).shuffleGrouping('b');
export default b.createTopology({ 'topology.workers': 3, 'topology.max.spout.pending': 200 });
`;
    const file = join(h.dir, 'rebalance.mjs');
    writeFileSync(file, bundle);
    const spec = JSON.parse(JSON.stringify((await loadTopology(file)).spec));
    const res = await h.post('/internal/v1/submit', { name: 'partial', spec, conf: {}, bundleBase64: Buffer.from(bundle).toString('base64') });
    expect(res.status).toBe(200);
    const id = res.body.topologyId as string;
    type W = { pid: number; port: number; executors: Array<{ component: string; startTask: number; endTask: number }> };
    const workers = async (): Promise<W[] | undefined> => {
      const d = await h.get(`/api/v1/topology/${id}`);
      if (d.workers.length !== 3 || !d.workers.every((w: any) => w.alive && w.assignmentVersion === d.assignmentVersion)) return undefined;
      return d.workers as W[];
    };
    const acked = async () => ((await h.get(`/api/v1/topology/${id}`)).spouts as Array<{ acked: number }>)[0]!.acked;
    const before = (await waitFor('three workers up', () => workers(), 20_000))!;
    await waitFor('tuples acked', async () => ((await acked()) > 500 ? true : undefined), 20_000);
    // Executors in task order: ackers 1-3, a 4, b 5, c [6-7], round-robin over 3 workers:
    // the worker with b (ack 2 + b) keeps exactly its executors when c gets 2 executors.
    const bWorker = before.find((w) => w.executors.some((e) => e.component === 'b'))!;
    expect(bWorker.executors.map((e) => e.component).sort()).toEqual(['__acker', 'b']);
    const versionBefore = (await h.get(`/api/v1/topology/${id}`)).assignmentVersion as number;
    const r = await h.post(`/api/v1/topology/${id}/rebalance/0`, { rebalanceOptions: { executors: { c: 2 } } });
    expect(r.status).toBe(200);
    const after = (await waitFor(
      'rebalanced workers up',
      async () => {
        const d = await h.get(`/api/v1/topology/${id}`);
        return d.assignmentVersion > versionBefore ? workers() : undefined;
      },
      20_000,
    ))!;
    expect(after.flatMap((w) => w.executors.filter((e) => e.component === 'c'))).toHaveLength(2);
    const kept = after.find((w) => w.port === bWorker.port)!;
    expect(kept.executors).toEqual(bWorker.executors);
    expect(kept.pid).toBe(bWorker.pid);
    for (const w of after.filter((x) => x.port !== bWorker.port)) expect(before.map((x) => x.pid)).not.toContain(w.pid);
    // The kept worker routes to the new workers: tuples keep being acked end to end.
    const ackedAt = await acked();
    await waitFor('acking continues after the rebalance', async () => ((await acked()) > ackedAt + 500 ? true : undefined), 20_000);
    const keptLog = readdirSync(join(h.dir, 'supervisor-1', 'workers'))
      .map((d) => join(h.dir, 'supervisor-1', 'workers', d, 'worker.log'))
      .map((f) => readFileSync(f, 'utf8'))
      .find((text) => text.includes('assignment updated in place'));
    expect(keptLog).toBeDefined();
  });
});
