// A broker whose log dir fills up (its own small tmpfs) answers KAFKA_STORAGE_ERROR, gives up
// leadership to an in-sync replica, stops without taking anything else down, loses no
// acknowledged record, and after space is freed `cluster broker start` brings it back in sync.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { brokerControl, clusterStatus, startCluster, stopCluster } from '../../src/engine/cluster/local-cluster.js';
import { findFreeBasePort } from '../../src/engine/cluster/ports.js';
import type { ClusterFile } from '../../src/engine/cluster/process-configs.js';
import { ErrorCode } from '../../src/engine/protocol/error-codes.js';
import { isPidAlive } from '../helpers/pid.js';
import { fillDisk, mountTmpfs } from '../helpers/tmpfs.js';
import { createOnThree, partitionState, produceValues, readAll } from './helpers/raw-kafka.js';
import { waitFor } from '../helpers/wait-for.js';

const settings = { 'broker.heartbeat.interval.ms': '200', 'broker.session.timeout.ms': '3000', 'replica.lag.time.max.ms': '3000' };
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('a broker whose log dir is full', () => {
  it('answers KAFKA_STORAGE_ERROR, hands leadership to an in-sync replica, loses nothing acknowledged and catches up after broker start', async (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), 'full-broker-'));
    mkdirSync(join(dir, 'broker-1'));
    const fs = mountTmpfs(16);
    if ('unavailable' in fs) {
      rmSync(dir, { recursive: true, force: true });
      return ctx.skip(fs.unavailable);
    }
    // Broker 1's data dir is its own small tmpfs (bind the mount there).
    execFileSync('mount', ['--bind', fs.path, join(dir, 'broker-1')]);
    cleanup = async () => {
      await stopCluster(dir, { timeoutMs: 20_000 }).catch(() => undefined);
      try {
        execFileSync('umount', ['-l', join(dir, 'broker-1')]);
      } finally {
        fs.unmount();
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const basePort = await findFreeBasePort({ brokers: 3, supervisors: 0, slotsPerSupervisor: 1 });
    const { cluster } = await startCluster({ dir, brokers: 3, storm: false, basePort, settings, timings: { initialBackoffMs: 200, maxBackoffMs: 2000, stopTimeoutMs: 5000 } });
    const port = (id: number) => cluster.brokers.find((b) => b.id === id)!.port;
    expect(await createOnThree(cluster.controller.port, 'full', { 'min.insync.replicas': '2' })).toBe(0);
    await waitFor('broker 1 leads with a full ISR', async () => {
      const p = await partitionState(port(1), 'full');
      return p.leaderId === 1 && (p.isrNodes as number[]).length === 3;
    });

    // Leave ~1 MiB free on broker 1's disk, then produce until it runs out.
    const filler = join(fs.path, 'filler');
    fillDisk(filler);
    truncateSync(filler, Math.max(0, statSync(filler).size - 1024 * 1024));
    const acked: string[] = [];
    let code = ErrorCode.NONE as number;
    for (let i = 0; i < 200 && code === ErrorCode.NONE; i++) {
      const values = Array.from({ length: 20 }, (_, j) => `r${i}-${j}-${'x'.repeat(1000)}`);
      code = await produceValues(port(1), 'full', values);
      if (code === ErrorCode.NONE) acked.push(...values);
    }
    expect(code).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect(acked.length).toBeGreaterThan(0);

    // Leadership moves to an in-sync replica; broker 1 stops itself; nothing else does.
    const moved = await waitFor('a new leader without broker 1', async () => {
      const p = await partitionState(port(2), 'full');
      return p.leaderId !== 1 && p.leaderId > 0 && !(p.isrNodes as number[]).includes(1) ? p : undefined;
    });
    const status = await waitFor('broker 1 stopped', async () => {
      const s = await clusterStatus(dir);
      return s.processes.find((p) => p.kind === 'broker' && p.id === 1)?.status === 'stopped' ? s : undefined;
    });
    expect(status.running).toBe(true);
    const file = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as ClusterFile;
    for (const pid of [file.daemon.pid, file.controller.pid, file.brokers[1]!.pid, file.brokers[2]!.pid]) expect(isPidAlive(pid)).toBe(true);

    // Every acknowledged record is on the new leader, which takes new writes.
    const leader = moved.leaderId as number;
    // (its high watermark reaches the old leader's once the other follower fetched again)
    const missing = await waitFor('every acknowledged record readable on the new leader', async () => {
      const read = new Set(await readAll(port(leader), 'full'));
      const gone = acked.filter((v) => !read.has(v)).map((v) => v.slice(0, 12));
      return gone.length === 0 ? gone : undefined;
    }, 20_000).catch(async () => {
      const read = new Set(await readAll(port(leader), 'full'));
      return acked.filter((v) => !read.has(v)).map((v) => v.slice(0, 12));
    });
    expect(missing).toEqual([]);
    expect(await produceValues(port(leader), 'full', ['after-the-move'])).toBe(ErrorCode.NONE);

    // Space returns: broker start loads its log, catches up and rejoins the ISR.
    rmSync(filler);
    await brokerControl(dir, 'start', 1);
    await waitFor('broker 1 back in the ISR', async () => ((await partitionState(port(2), 'full')).isrNodes as number[]).includes(1), 60_000);
  });
});
