// A process given a bad setting fails at start, naming the key and the value: the broker and
// controller mains exit 1, and `cluster start --set` refuses it as a usage error (exit 2)
// before starting anything.
import { execa } from 'execa';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findFreeBasePort } from '../../../src/engine/cluster/ports.js';

const DIST = fileURLToPath(new URL('../../../dist/engine/', import.meta.url));
const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bad-settings-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function runMain(main: string, config: object) {
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(config));
  return execa('node', [join(DIST, main), path], { reject: false, timeout: 30_000 });
}

describe('bad settings', () => {
  it('a broker started with log.retention.ms=abc exits non-zero naming the key and value', async () => {
    const port = await findFreeBasePort({ brokers: 1, supervisors: 0, slotsPerSupervisor: 1 });
    const result = await runMain('broker/broker-main.js', {
      brokerId: 1,
      clusterId: 'c',
      host: '127.0.0.1',
      port,
      dataDir: join(dir, 'data'),
      logFile: join(dir, 'broker.log'),
      controller: { host: '127.0.0.1', port: port + 100 },
      settings: { 'log.retention.ms': 'abc' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Invalid value abc for configuration log.retention.ms: Not a number of type LONG');
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('a controller started with a bad session timeout exits non-zero naming it', async () => {
    const port = await findFreeBasePort({ brokers: 1, supervisors: 0, slotsPerSupervisor: 1 });
    const result = await runMain('controller/controller-main.js', {
      clusterId: 'c',
      host: '127.0.0.1',
      port: port + 100,
      dataDir: join(dir, 'data'),
      logFile: join(dir, 'controller.log'),
      settings: { 'broker.session.timeout.ms': 'soon' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Invalid value soon for configuration broker.session.timeout.ms');
  });

  it('a broker config file with a bad field exits non-zero naming the field', async () => {
    const result = await runMain('broker/broker-main.js', { brokerId: 1, clusterId: 'c', host: '127.0.0.1', port: 'ninety', dataDir: dir, logFile: join(dir, 'b.log'), controller: { host: 'h', port: 1 }, settings: {} });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('broker config: port must be a port number (0-65535), got "ninety"');
  });

  it('cluster start --set log.retention.ms=abc is a usage error and starts nothing', async () => {
    const clusterDir = join(dir, 'cluster');
    const result = await execa('node', [BIN, 'cluster', 'start', '--dir', clusterDir, '--no-storm', '--set', 'log.retention.ms=abc'], {
      reject: false,
      timeout: 60_000,
      env: { STREAMCTL_DIR: '', NODE_NO_WARNINGS: '1' },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('log.retention.ms');
    expect(result.stderr).toContain('abc');
    expect(existsSync(join(clusterDir, 'cluster.json'))).toBe(false);
  });
});
