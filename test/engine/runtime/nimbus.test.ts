import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/common/clock.js';
import type { WorkerHeartbeat } from '../../../src/engine/runtime/contracts.js';
import { Nimbus } from '../../../src/engine/runtime/nimbus.js';
import { sampleSpec } from './fixtures/cluster-harness.js';

// Nimbus in-process with a manual clock: Storm's wait times without sleeping.
describe('Nimbus', () => {
  let dir: string;
  let clock: ManualClock;
  let nimbus: Nimbus;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'streamctl-nimbus-'));
    clock = new ManualClock();
    nimbus = Nimbus.open({ dataDir: dir, nimbusUrl: 'http://127.0.0.1:1', clock });
    nimbus.supervisorHeartbeat({ supervisorId: 's1', host: '127.0.0.1', slotPorts: [7000, 7001], uptimeSecs: 0, runningWorkers: [] });
  });
  afterEach(() => {
    nimbus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const submit = (name: string, conf: Record<string, unknown> = {}) =>
    nimbus.submit({ name, spec: sampleSpec() as never, conf, bundle: Buffer.from('export default 1'), owner: 'me' });
  const step = (ms: number) => {
    clock.advance(ms);
    nimbus.supervisorHeartbeat({ supervisorId: 's1', host: '127.0.0.1', slotPorts: [7000, 7001], uptimeSecs: 0, runningWorkers: [] });
    nimbus.tick();
  };

  it('stores uploaded resources in a resources folder beside the bundle (the workers\' code dir)', () => {
    const t = nimbus.submit({
      name: 'shell',
      spec: sampleSpec() as never,
      bundle: Buffer.from('export default 1'),
      resources: [{ path: 'lib/split.py', mode: 0o755, base64: Buffer.from('print(1)').toString('base64') }],
    });
    expect(readFileSync(join(dirname(t.bundlePath), 'resources', 'lib', 'split.py'), 'utf8')).toBe('print(1)');
    expect(() =>
      nimbus.submit({ name: 'evil', spec: sampleSpec() as never, bundle: Buffer.from('x'), resources: [{ path: '../../x', mode: 0o644, base64: '' }] }),
    ).toThrow(/leaves the resources folder/);
    expect(() => nimbus.getTopology('evil')).toThrow(/not found/);
  });

  it('kills after topology.message.timeout.secs when no wait is given', () => {
    const t = submit('wc', { 'topology.message.timeout.secs': 10 });
    nimbus.kill('wc');
    step(9_900);
    expect(nimbus.getTopology(t.id).status).toBe('KILLED');
    step(200);
    expect(() => nimbus.getTopology(t.id)).toThrow(/not found/);
  });

  it('frees the name and the slots of a removed topology', () => {
    submit('wc', { 'topology.workers': 2 });
    nimbus.kill('wc', 0);
    step(1);
    const again = submit('wc', { 'topology.workers': 2 });
    expect(again.assignment.workers).toHaveLength(2);
  });

  it('re-kill reschedules the removal with the new wait', () => {
    const t = submit('wc');
    nimbus.kill('wc', 100);
    nimbus.kill('wc', 1);
    step(1_100);
    expect(() => nimbus.getTopology(t.id)).toThrow(/not found/);
  });

  it('waits the rebalance delay, then applies it and restores ACTIVE', () => {
    const t = submit('wc');
    const v0 = t.assignment.version;
    nimbus.rebalance('wc', 5, { numWorkers: 2, executors: { count: 1 } });
    step(4_000);
    expect(nimbus.getTopology(t.id).status).toBe('REBALANCING');
    step(1_001);
    const after = nimbus.getTopology(t.id);
    expect(after.status).toBe('ACTIVE');
    expect(after.assignment.workers).toHaveLength(2);
    expect(after.assignment.version).toBeGreaterThan(v0);
    expect(after.assignment.workers.flatMap((w) => w.executors).filter((e) => e.component === 'count')).toEqual([{ component: 'count', startTask: 2, endTask: 5 }]);
  });

  it('does not let a topology take more slots than exist, and grows when slots appear', () => {
    const t = submit('big', { 'topology.workers': 3 });
    expect(nimbus.getTopology(t.id).assignment.workers).toHaveLength(2);
    nimbus.supervisorHeartbeat({ supervisorId: 's2', host: '127.0.0.1', slotPorts: [8000], uptimeSecs: 0, runningWorkers: [] });
    expect(nimbus.getTopology(t.id).assignment.workers).toHaveLength(3);
  });

  it('tells each supervisor exactly the workers assigned to it', () => {
    const t = submit('wc', { 'topology.workers': 2 });
    const res = nimbus.supervisorHeartbeat({ supervisorId: 's1', host: '127.0.0.1', slotPorts: [7000, 7001], uptimeSecs: 1, runningWorkers: [] });
    expect(res.workers.map((w) => w.port).sort()).toEqual([7000, 7001]);
    expect(res.workers[0]).toMatchObject({ topologyId: t.id, topologyName: 'wc', initialStatus: 'ACTIVE', nimbusUrl: 'http://127.0.0.1:1' });
    expect(res.workers[0]!.stormConf['topology.name']).toBe('wc');
  });

  it('answers heartbeats of removed topologies with KILLED', () => {
    const hb = { workerId: 'w', topologyId: 'gone-1-1', supervisorId: 's1', host: 'h', port: 1, pid: 1, assignmentVersion: 1, uptimeSecs: 1, logFile: '', executors: [], errors: [] };
    expect(nimbus.workerHeartbeat(hb)).toEqual({ status: 'KILLED', assignmentVersion: -1 });
  });

  const spoutBeat = (t: { id: string; assignment: { version: number } }, pid: number, emitted: number): WorkerHeartbeat => ({
    workerId: 'w1',
    topologyId: t.id,
    supervisorId: 's1',
    host: '127.0.0.1',
    port: 7000,
    pid,
    assignmentVersion: t.assignment.version,
    uptimeSecs: 1,
    logFile: '',
    executors: [{ component: 'words', kind: 'spout', startTask: 7, endTask: 7, emitted: { default: emitted }, transferred: { default: emitted }, acked: emitted, failed: 0, executed: 0 }],
    errors: [],
  });
  const allTime = (id: string) => (nimbus.views.topologyDetail(id) as any).spouts[0] as { emitted: number; acked: number };

  it('keeps all-time counts when a worker restarts and windows the last 10 minutes', () => {
    const t = submit('wc');
    const hb = (pid: number, emitted: number) => spoutBeat(t, pid, emitted);
    nimbus.workerHeartbeat(hb(100, 50));
    step(700_000);
    nimbus.workerHeartbeat(hb(100, 80));
    nimbus.workerHeartbeat(hb(200, 5)); // restarted: counts start again
    const all = nimbus.views.topologyDetail(t.id) as any;
    expect(all.spouts[0].emitted).toBe(85);
    const recent = nimbus.views.topologyDetail(t.id, '600') as any;
    expect(recent.spouts[0].emitted).toBe(35);
  });

  it('keeps all-time counts when an executor’s counters restart from zero in the same process', () => {
    const t = submit('wc');
    nimbus.workerHeartbeat(spoutBeat(t, 100, 80));
    nimbus.workerHeartbeat(spoutBeat(t, 100, 5));
    expect(allTime(t.id)).toMatchObject({ emitted: 85, acked: 85 });
    nimbus.workerHeartbeat(spoutBeat(t, 100, 9));
    expect(allTime(t.id)).toMatchObject({ emitted: 89, acked: 89 });
  });

  it('keeps all-time counts across a nimbus restart, for the same worker process and for one that restarted meanwhile', () => {
    const t = submit('wc');
    nimbus.workerHeartbeat(spoutBeat(t, 100, 50));
    nimbus.workerHeartbeat(spoutBeat(t, 200, 30)); // worker restarted: 80 in all
    step(3_000); // nimbus saves its totals
    nimbus.close();
    nimbus = Nimbus.open({ dataDir: dir, nimbusUrl: 'http://127.0.0.1:1', clock });
    expect(allTime(t.id)).toMatchObject({ emitted: 80 });
    nimbus.workerHeartbeat(spoutBeat(t, 200, 40)); // the same process goes on
    expect(allTime(t.id)).toMatchObject({ emitted: 90 });
    step(3_000);
    nimbus.close();
    nimbus = Nimbus.open({ dataDir: dir, nimbusUrl: 'http://127.0.0.1:1', clock });
    nimbus.workerHeartbeat(spoutBeat(t, 300, 5)); // restarted while nimbus was down
    expect(allTime(t.id)).toMatchObject({ emitted: 95 });
  });

  it('records the errors a supervisor reports for its workers (memory limit kills) as component errors', () => {
    const t = submit('wc');
    nimbus.supervisorHeartbeat({
      supervisorId: 's1', host: '127.0.0.1', slotPorts: [7000, 7001], uptimeSecs: 1, runningWorkers: [],
      workerErrors: [
        { topologyId: t.id, port: 7000, component: 'count', taskId: 3, timeSecs: 1, error: 'Worker w (pid 9) used 300 MB of memory (RSS), over its limit' },
        { topologyId: 'gone-1-1', port: 7001, component: 'x', taskId: 1, timeSecs: 1, error: 'ignored' },
      ],
    });
    expect((nimbus.views.topologyDetail(t.id) as any).bolts[0]).toMatchObject({ boltId: 'count', lastError: expect.stringMatching(/over its limit/), errorPort: 7000 });
  });

  it('refuses a topology whose worker memory settings are not numbers', () => {
    expect(() => submit('wc', { 'worker.heap.memory.mb': 'big' })).toThrow(/worker.heap.memory.mb must be a positive number/);
  });

  it('records reported errors as the component’s last error', () => {
    const t = submit('wc');
    nimbus.workerHeartbeat({
      workerId: 'w1', topologyId: t.id, supervisorId: 's1', host: '127.0.0.1', port: 7000, pid: 1, assignmentVersion: 1, uptimeSecs: 1, logFile: '', executors: [],
      errors: [{ component: 'count', taskId: 3, timeSecs: 1, error: 'Error: boom' }],
    });
    const d = nimbus.views.topologyDetail(t.id) as any;
    expect(d.bolts[0]).toMatchObject({ boltId: 'count', lastError: 'Error: boom', errorPort: 7000 });
    expect((nimbus.views.componentDetail(t.id, 'count') as any).componentErrors[0]).toMatchObject({ error: 'Error: boom' });
  });

  it('serves the component graph with its groupings as Storm\'s visualization data', () => {
    const t = submit('wc');
    expect(nimbus.views.topologyVisualization(t.name)).toEqual({
      count: { ':type': 'bolt', ':inputs': [{ ':component': 'words', ':stream': 'default', ':sani-stream': 'default', ':grouping': 'fields' }] },
      words: { ':type': 'spout', ':inputs': [] },
    });
  });
});
