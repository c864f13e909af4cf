import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopCluster } from '../../../src/engine/cluster/local-cluster.js';
import { findFreeBasePort } from '../../../src/engine/cluster/ports.js';
import type { ClusterFile } from '../../../src/engine/cluster/process-configs.js';

// Commands run through oclif as a user would (node bin/run.js cluster ...), with real
// controller and broker processes from dist/.
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = (args: string[], dir: string) =>
  execa('node', [join(REPO_ROOT, 'bin/run.js'), 'cluster', ...args, '--dir', dir], { reject: false, env: { STREAMCTL_DIR: '' } });

function killAll(dir: string): void {
  try {
    const f = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as ClusterFile;
    for (const pid of [f.daemon.pid, f.controller.pid, ...f.brokers.map((b) => b.pid)]) {
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  } catch {
    // no cluster.json
  }
}

describe('cluster commands', () => {
  let dir: string;
  let base: number;
  let startOutput: { stdout: string; exitCode?: number };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cluster-cmd-'));
    base = await findFreeBasePort({ brokers: 2, supervisors: 0, slotsPerSupervisor: 1 });
    startOutput = await run(['start', '--brokers', '2', '--no-storm', '--base-port', String(base)], dir);
  }, 120_000);

  afterAll(async () => {
    await stopCluster(dir).catch(() => undefined);
    killAll(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('cluster start prints the process table and how to connect', () => {
    expect(startOutput.exitCode).toBe(0);
    const out = startOutput.stdout;
    expect(out).toContain(`Cluster started in ${dir}`);
    expect(out).toMatch(/NAME\s+ID\s+PID\s+ADDRESS\s+STATUS/);
    expect(out).toMatch(new RegExp(`controller\\s+-\\s+\\d+\\s+127\\.0\\.0\\.1:${base + 100}\\s+running`));
    expect(out).toMatch(new RegExp(`broker\\s+2\\s+\\d+\\s+127\\.0\\.0\\.1:${base + 1}\\s+running`));
    expect(out).toContain(`--bootstrap-server 127.0.0.1:${base},127.0.0.1:${base + 1}`);
    expect(out).toContain(`export STREAMCTL_DIR=${dir}`);
    expect(out).toContain(`kcat -b 127.0.0.1:${base},127.0.0.1:${base + 1} -L`);
  });

  it('cluster start on a running cluster says so and exits 0', async () => {
    const r = await run(['start'], dir);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`A cluster is already running in ${dir}`);
  });

  it('cluster status --json reports running processes and a healthy cluster', async () => {
    const r = await run(['status', '--json'], dir);
    expect(r.exitCode).toBe(0);
    const status = JSON.parse(r.stdout);
    expect(status.running).toBe(true);
    expect(status.processes.map((p: { kind: string; status: string }) => `${p.kind}:${p.status}`)).toEqual(['controller:running', 'broker:running', 'broker:running']);
    expect(status.health).toMatchObject({ healthy: true, allNodes: [1, 2], nodesDown: [] });
  });

  it('cluster status prints the health overview', async () => {
    const r = await run(['status'], dir);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('CLUSTER HEALTH OVERVIEW');
    expect(r.stdout).toMatch(/Healthy:\s+true/);
    expect(r.stdout).toMatch(/All nodes:\s+\[1 2\]/);
  });

  it('cluster broker kill leaves the broker down and cluster broker start brings it back', async () => {
    const killed = await run(['broker', 'kill', '2', '--json'], dir);
    expect(killed.exitCode).toBe(0);
    expect(JSON.parse(killed.stdout)).toMatchObject({ id: 2, status: 'killed', pid: null });
    const down = JSON.parse((await run(['status', '--json'], dir)).stdout);
    expect(down.processes[2]).toMatchObject({ status: 'killed' });
    const started = await run(['broker', 'start', '2'], dir);
    expect(started.exitCode).toBe(0);
    expect(started.stdout).toMatch(/broker\s+2\s+\d+\s+\S+\s+running/);
  });

  it('cluster broker stop names an unknown broker id', async () => {
    const r = await run(['broker', 'stop', '9'], dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('No broker 9 in this cluster');
  });

  it('cluster start on a busy port exits 1 naming the port', async () => {
    const other = mkdtempSync(join(tmpdir(), 'cluster-cmd-busy-'));
    try {
      const r = await run(['start', '--no-storm', '--base-port', String(base)], other);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain(`Port ${base} on 127.0.0.1 is already in use; it is needed for broker 1`);
    } finally {
      killAll(other);
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('cluster stop stops every process, then status exits 1', async () => {
    const before = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as ClusterFile;
    const r = await run(['stop'], dir);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`Cluster in ${dir} stopped.`);
    for (const pid of [before.daemon.pid, before.controller.pid, ...before.brokers.map((b) => b.pid)]) {
      expect(() => process.kill(pid!, 0)).toThrow();
    }
    const status = await run(['status'], dir);
    expect(status.exitCode).toBe(1);
    expect(status.stdout).toContain('STATE    stopped');
    // the port is free again
    await new Promise<void>((resolve, reject) => {
      const s = net.createServer().once('error', reject).listen(base, '127.0.0.1', () => s.close(() => resolve()));
    });
  });
});
