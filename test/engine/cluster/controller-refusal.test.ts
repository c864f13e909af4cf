// `cluster start` reports the controller's refusal (a damaged database; a new database over
// the brokers' data) instead of timing out on a broker.
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startCluster, stopCluster } from '../../../src/engine/cluster/local-cluster.js';
import { findFreeBasePort } from '../../../src/engine/cluster/ports.js';

const FAKE_BROKER = fileURLToPath(new URL('./fixtures/fake-broker.mjs', import.meta.url));
const mains = { broker: FAKE_BROKER };
let dir: string | undefined;
afterEach(async () => {
  if (dir) {
    await stopCluster(dir).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  dir = undefined;
});

async function startOnce(d: string, basePort: number, force = false): Promise<void> {
  await startCluster({ dir: d, brokers: 1, storm: false, basePort, mains, force, timings: { readyTimeoutMs: 20_000 } });
}

describe('cluster start with a bad controller database', () => {
  it('names the damaged database file instead of blaming a broker', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-refusal-'));
    const basePort = await findFreeBasePort({ brokers: 1, supervisors: 0, slotsPerSupervisor: 1 });
    await startOnce(dir, basePort);
    await stopCluster(dir);
    const db = join(dir, 'controller', 'metadata.db');
    rmSync(`${db}-wal`, { force: true });
    rmSync(`${db}-shm`, { force: true });
    const fd = openSync(db, 'r+');
    writeSync(fd, Buffer.alloc(Math.max(4096, statSync(db).size), 0x5a), 0, undefined, 0);
    closeSync(fd);
    await expect(startOnce(dir, basePort)).rejects.toMatchObject({
      message: expect.stringMatching(new RegExp(`controller exited while starting: controller: The controller database ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged`)),
    });
  });

  it('refuses a deleted database while the brokers hold data, and starts with force', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-refusal-'));
    const basePort = await findFreeBasePort({ brokers: 1, supervisors: 0, slotsPerSupervisor: 1 });
    await startOnce(dir, basePort);
    await stopCluster(dir);
    rmSync(join(dir, 'controller'), { recursive: true, force: true });
    mkdirSync(join(dir, 'broker-1', 'orders-0'), { recursive: true });
    await expect(startOnce(dir, basePort)).rejects.toMatchObject({ message: expect.stringContaining('partition folder(s) it does not know') });
    await startOnce(dir, basePort, true);
  });
});
