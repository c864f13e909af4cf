// `streamctl/testing/global-teardown`: jest's globalTeardown module (vitest needs none).
import { teardownTestCluster } from './index.js';

export default teardownTestCluster;
