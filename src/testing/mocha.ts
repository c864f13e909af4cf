// `streamctl/testing/mocha`: mocha's global fixtures (load with `--require streamctl/testing/mocha`).
import { setupTestCluster, teardownTestCluster } from './index.js';

export async function mochaGlobalSetup(): Promise<void> {
  await setupTestCluster();
}

export const mochaGlobalTeardown = teardownTestCluster;
