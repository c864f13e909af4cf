// Real worker processes (built dist/) exchanging tuples over sockets, driven by a fake nimbus.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResultPromise } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTopology } from '../../../src/engine/topology/load-topology.js';
import { FakeNimbus, STREAMCTL_URL, spawnWorker, writeWorkerConfigs } from './fixtures/worker-harness.js';
import { waitFor } from '../../helpers/wait-for.js';

const TOPOLOGY = `
import { BaseRichSpout, BaseBasicBolt, TopologyBuilder } from '${STREAMCTL_URL}';
class Numbers extends BaseRichSpout {
  open(_c, _x, collector) { this.collector = collector; this.n = 0; }
  nextTuple() { for (let i = 0; i < 10; i++) { const n = this.n++; this.collector.emit(['k' + (n % 97), n], n); } }
  declareOutputFields(d) { d.declare(['key', 'n']); }
}
class Count extends BaseBasicBolt {
  execute(t, c) { this.seen = (this.seen ?? 0) + 1; c.emit([t.getStringByField('key')]); }
  declareOutputFields(d) { d.declare(['key']); }
}
class Sink extends BaseBasicBolt { execute() {} }
const b = new TopologyBuilder();
b.setSpout('numbers', () => new Numbers(), 1);
b.setBolt('count', () => new Count(), 2).setNumTasks(4).fieldsGrouping('numbers', ['key']);
b.setBolt('sink', () => new Sink(), 2).shuffleGrouping('count');
export default b.createTopology({ 'topology.max.spout.pending': 2000 });
`;

let dir: string;
let nimbus: FakeNimbus;
const children: ResultPromise[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'worker-main-'));
  nimbus = await FakeNimbus.start();
});

afterEach(async () => {
  for (const c of children.splice(0)) {
    c.kill('SIGKILL');
    await c;
  }
  await nimbus.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startTwoWorkers(stormConf: Record<string, unknown> = {}) {
  const bundlePath = join(dir, 'topology.mjs');
  writeFileSync(bundlePath, TOPOLOGY);
  const topology = await loadTopology(bundlePath);
  const configs = await writeWorkerConfigs({ dir, spec: topology.spec, bundlePath, numWorkers: 2, nimbusUrl: nimbus.url, stormConf });
  for (const c of configs) children.push(spawnWorker(c.path));
  return configs;
}

describe('worker-main', () => {
  it('two worker processes exchange tuples over sockets, ack across workers, and INACTIVE stops nextTuple within 1 s', async () => {
    const configs = await startTwoWorkers();
    const spoutWorker = configs.find((c) => c.config.assignment.workers.find((w) => w.port === c.config.port)!.executors.some((e) => e.component === 'numbers'))!;
    // Both workers run count tasks, fed by the one spout: tuples crossed the socket.
    await waitFor(
      'tuples processed and acked in both workers',
      () =>
        nimbus.latest.size === 2 &&
        [...nimbus.latest.values()].every(({ body }) => body.executors.some((e) => e.component === 'count' && e.executed > 100)) &&
        nimbus.total('numbers', (e) => e.acked) > 1000,
      20_000,
    );
    const hb = nimbus.latest.get(spoutWorker.config.workerId)!.body;
    expect(hb).toMatchObject({ topologyId: 'test-1-1', supervisorId: 'sup-1', port: spoutWorker.config.port, assignmentVersion: 1 });
    const spoutStats = hb.executors.find((e) => e.component === 'numbers')!;
    expect(spoutStats.completeLatency!.count).toBeGreaterThan(0);
    expect(spoutStats.failed).toBe(0);

    nimbus.status = 'INACTIVE';
    const t0 = Date.now();
    await waitFor('heartbeat 1 s after deactivation', () => nimbus.heartbeats.some((h) => h.atMs >= t0 + 1100 && h.body.workerId === spoutWorker.config.workerId), 5_000);
    const at = nimbus.heartbeats.filter((h) => h.atMs >= t0 + 1100 && h.body.workerId === spoutWorker.config.workerId)[0]!;
    const emittedAt = at.body.executors.find((e) => e.component === 'numbers')!.emitted.default!;
    // Deliberately time, not a condition: the inactive spout must emit nothing for 1.2 s.
    await new Promise((r) => setTimeout(r, 1200));
    const later = nimbus.latest.get(spoutWorker.config.workerId)!.body.executors.find((e) => e.component === 'numbers')!.emitted.default!;
    expect(later).toBe(emittedAt);

    nimbus.status = 'ACTIVE';
    await waitFor('spout resumed', () => nimbus.latest.get(spoutWorker.config.workerId)!.body.executors.find((e) => e.component === 'numbers')!.emitted.default! > later, 5_000);
  });

  it('reconnects to a peer worker that restarts (lost trees time out and fail), and exits cleanly on SIGTERM', async () => {
    // Trees in flight to the killed worker are lost; with max.spout.pending the spout waits
    // for their timeout (2 s here) before emitting again.
    const configs = await startTwoWorkers({ 'topology.message.timeout.secs': 2 });
    const spoutIndex = configs.findIndex((c) => c.config.assignment.workers.find((w) => w.port === c.config.port)!.executors.some((e) => e.component === 'numbers'));
    const other = 1 - spoutIndex;
    await waitFor('acks', () => nimbus.total('numbers', (e) => e.acked) > 1000, 20_000);
    children[other]!.kill('SIGKILL');
    await children[other];
    children[other] = spawnWorker(configs[other]!.path);
    const restartedAt = Date.now();
    await waitFor(
      'the restarted worker receives tuples again',
      () => {
        const h = nimbus.latest.get(configs[other]!.config.workerId);
        return !!h && h.atMs > restartedAt && h.body.executors.some((e) => e.component === 'count' && e.executed > 100);
      },
      20_000,
    );
    await waitFor('lost trees failed by timeout', () => nimbus.total('numbers', (e) => e.failed) > 0, 10_000);
    const child = children[spoutIndex]!;
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(0);
    const log = readFileSync(configs[spoutIndex]!.config.logFile, 'utf8');
    expect(log).toContain('worker shutting down');
    expect(log).toContain('worker stopped');
  });

  it('keeps running with the last status while nimbus is down, and heartbeats again when it is back', async () => {
    const configs = await startTwoWorkers();
    await waitFor('acks', () => nimbus.total('numbers', (e) => e.acked) > 500, 20_000);
    const port = Number(new URL(nimbus.url).port);
    const spoutWorkerId = [...nimbus.latest.values()].find((h) => h.body.executors.some((e) => e.component === 'numbers'))!.body.workerId;
    const ackedBeforeOutage = nimbus.latest.get(spoutWorkerId)!.body.executors.find((e) => e.component === 'numbers')!.acked;
    await nimbus.close();
    const downAt = Date.now();
    await waitFor('workers notice nimbus is gone', () => configs.every((c) => readFileSync(c.config.logFile, 'utf8').includes('nimbus unreachable')), 5_000);
    // Deliberately time: the outage under test lasts a second.
    await new Promise((r) => setTimeout(r, 1000));
    nimbus = await FakeNimbus.start(port);
    await waitFor('heartbeats to the restarted nimbus', () => nimbus.latest.size === 2, 10_000);
    // The spout kept emitting and acking while nimbus was away (about 1.5 s of work).
    const first = nimbus.heartbeats.find((h) => h.body.executors.some((e) => e.component === 'numbers'))!;
    const acked = first.body.executors.find((e) => e.component === 'numbers')!.acked;
    expect(first.body.uptimeSecs).toBeGreaterThanOrEqual(1);
    expect(first.body.workerId).toBe(spoutWorkerId);
    expect(acked).toBeGreaterThan(ackedBeforeOutage + 500);
    const before = acked;
    await waitFor('still processing', () => nimbus.total('numbers', (e) => e.acked) > before + 1000, 10_000);
    expect(Date.now() - downAt).toBeGreaterThan(1000);
  });
});
