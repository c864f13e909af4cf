// `streamctl/testing`: a throwaway cluster for a test suite.
//
// vitest (vitest.config.ts):   test: { globalSetup: ['streamctl/testing/global-setup'] }
// jest (jest.config.js):       globalSetup: 'streamctl/testing/global-setup',
//                              globalTeardown: 'streamctl/testing/global-teardown'
// mocha (.mocharc):            require: ['streamctl/testing/mocha']
//
// One cluster per test run; its address reaches the tests through the environment
// (KAFKA_BOOTSTRAP_SERVERS, STREAMCTL_BOOTSTRAP_SERVERS, STREAMCTL_NIMBUS_URL,
// STREAMCTL_NIMBUS_TOKEN, STREAMCTL_DIR so `streamctl` commands find it). Shape it with
// STREAMCTL_TEST_BROKERS / STREAMCTL_TEST_STORM=1, or write a setup file that exports
// `createGlobalSetup({ brokers: 3, config: {...} })`. A cluster per file or per worker is
// startCluster() in beforeAll and stop() in afterAll.
import { startCluster, type EmbeddedCluster, type StartClusterOptions } from '../embedded/start-cluster.js';

export { startCluster, type EmbeddedCluster, type StartClusterOptions } from '../embedded/start-cluster.js';
export type { ProduceRecord, ReadRecord, ReadTopicOptions, TopicOptions } from '../embedded/kafka-conveniences.js';
export type { ComponentTotals, SubmitTopologyOptions, TopologyHandle } from '../embedded/topologies.js';

const GLOBAL_KEY = Symbol.for('streamctl.testing.cluster');
type Holder = { [GLOBAL_KEY]?: EmbeddedCluster };

/** Options from STREAMCTL_TEST_BROKERS, STREAMCTL_TEST_STORM, STREAMCTL_TEST_SUPERVISORS. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): StartClusterOptions {
  const out: StartClusterOptions = {};
  if (env.STREAMCTL_TEST_BROKERS) out.brokers = Number(env.STREAMCTL_TEST_BROKERS);
  if (env.STREAMCTL_TEST_STORM) out.storm = env.STREAMCTL_TEST_STORM === '1' || env.STREAMCTL_TEST_STORM === 'true';
  if (env.STREAMCTL_TEST_SUPERVISORS) out.supervisors = Number(env.STREAMCTL_TEST_SUPERVISORS);
  return out;
}

/** Puts the cluster's address into the environment that test workers inherit. */
export function exportToEnv(cluster: EmbeddedCluster, env: NodeJS.ProcessEnv = process.env): void {
  env.KAFKA_BOOTSTRAP_SERVERS = cluster.bootstrapServers;
  env.STREAMCTL_BOOTSTRAP_SERVERS = cluster.bootstrapServers;
  env.STREAMCTL_DIR = cluster.dir;
  if (cluster.nimbusUrl) env.STREAMCTL_NIMBUS_URL = cluster.nimbusUrl;
  if (cluster.nimbusToken) env.STREAMCTL_NIMBUS_TOKEN = cluster.nimbusToken;
}

/** Starts the run's cluster (once), exports its address and returns the teardown. */
export async function setupTestCluster(options: StartClusterOptions = optionsFromEnv()): Promise<() => Promise<void>> {
  const holder = globalThis as Holder;
  const cluster = (holder[GLOBAL_KEY] ??= await startCluster(options));
  exportToEnv(cluster);
  return teardownTestCluster;
}

/** Stops the run's cluster, if one was started by setupTestCluster. */
export async function teardownTestCluster(): Promise<void> {
  const holder = globalThis as Holder;
  const cluster = holder[GLOBAL_KEY];
  delete holder[GLOBAL_KEY];
  await cluster?.stop();
}

/** A global-setup function (vitest returns its teardown; jest ignores it and calls global-teardown). */
export function createGlobalSetup(options?: StartClusterOptions): () => Promise<() => Promise<void>> {
  return () => setupTestCluster(options ?? optionsFromEnv());
}
