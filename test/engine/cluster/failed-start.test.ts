import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isPidAlive } from '../../helpers/pid.js';
import { startCluster, stopCluster } from '../../../src/engine/cluster/local-cluster.js';
import { findFreeBasePort } from '../../../src/engine/cluster/ports.js';
import type { ClusterFile } from '../../../src/engine/cluster/process-configs.js';

const EXIT_AT_ONCE = fileURLToPath(new URL('./fixtures/exit-at-once.mjs', import.meta.url));


describe('a failed cluster start', () => {
  it('reports which process exited and leaves no process running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'failed-start-'));
    const basePort = await findFreeBasePort({ brokers: 1, supervisors: 0, slotsPerSupervisor: 1 });
    try {
      await expect(startCluster({ dir, brokers: 1, storm: false, basePort, mains: { broker: EXIT_AT_ONCE } })).rejects.toMatchObject({
        code: 'NOT_RUNNING',
        message: expect.stringContaining('broker-1 exited while starting'),
      });
      const file = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as ClusterFile;
      expect(file.state).toBe('failed');
      for (const pid of [file.daemon.pid, file.controller.pid, ...file.brokers.map((b) => b.pid)]) expect(isPidAlive(pid)).toBe(false);
      expect(readFileSync(join(dir, 'logs', 'broker-1.out'), 'utf8')).toContain('fixture: refusing to start');
    } finally {
      await stopCluster(dir).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
