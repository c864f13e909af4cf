// streamctl/testing as test runners load it:
// - vitest: a project whose config names `streamctl/testing/global-setup` (the fixture
//   runner-project, resolved through the package's own exports) runs two test files against
//   one 3-broker cluster, kafkajs included, and leaves nothing behind;
// - jest and mocha: their global setup/teardown entry points start the cluster, export its
//   address to the environment and stop it.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { processesUnder } from '../../src/engine/cluster/ephemeral-cleanup.js';

const PROJECT = fileURLToPath(new URL('./fixtures/runner-project/', import.meta.url));
const VITEST = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

const ourDirs = () => new Set(readdirSync(tmpdir()).filter((d) => /^streamctl-[A-Za-z0-9]{6}$/.test(d)));

describe('streamctl/testing', () => {
  it('vitest globalSetup: one cluster for the run, reachable from every test file, removed after', async () => {
    const before = ourDirs();
    const env: NodeJS.ProcessEnv = { ...process.env, STREAMCTL_TEST_BROKERS: '3', NO_COLOR: '1', FORCE_COLOR: '0' };
    delete env.VITEST; // a clean nested run, not this run's worker state
    delete env.VITEST_POOL_ID;
    delete env.VITEST_WORKER_ID;
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, [VITEST, 'run'], { cwd: PROJECT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, out).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(out.replace(/\u001b\[[0-9;]*m/g, '')).toMatch(/Tests\s+2 passed/);
    const leftovers = [...ourDirs()].filter((d) => !before.has(d));
    expect(leftovers).toEqual([]);
  }, 240_000);

  it('jest and mocha entry points start, export and stop the cluster', async () => {
    const setup = (await import('../../src/testing/global-setup.js')).default;
    const teardown = (await import('../../src/testing/global-teardown.js')).default;
    const saved = { ...process.env };
    try {
      const returned = await setup();
      const dir = process.env.STREAMCTL_DIR!;
      expect(process.env.KAFKA_BOOTSTRAP_SERVERS).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(existsSync(dir)).toBe(true);
      expect(processesUnder(dir).length).toBe(2);
      expect(typeof returned).toBe('function'); // vitest's teardown
      await teardown(); // jest's globalTeardown
      expect(existsSync(dir)).toBe(false);

      const mocha = await import('../../src/testing/mocha.js');
      await mocha.mochaGlobalSetup();
      const mochaDir = process.env.STREAMCTL_DIR!;
      expect(mochaDir).not.toBe(dir);
      expect(processesUnder(mochaDir).length).toBe(2);
      await mocha.mochaGlobalTeardown();
      expect(existsSync(mochaDir)).toBe(false);
    } finally {
      await teardown();
      process.env = saved;
    }
  }, 120_000);
});
