// Topologies in tests, Storm's LocalCluster style, on an embedded cluster:
// - submitTopology('path/to/topology.ts', { name }) bundles and submits the file to the
//   cluster's nimbus (real supervisor and worker processes, as `topology submit` does);
// - submitTopology(builder.createTopology(), { name }) runs the topology object in this
//   process (LocalRunner, like Storm's LocalCluster), wired to the cluster's Kafka.
// Both return a handle that reads per-component totals, waits until a component has
// processed N tuples (bolts: executed; spouts: acked, i.e. fully processed) and kills it.
import type { TopologyLike } from '../engine/topology/index.js';
import { StreamctlError } from '../engine/common/errors.js';
import { LocalRunner } from '../engine/runtime/local-runner.js';
import { TopologyClient } from '../engine/runtime/topology-client.js';

export interface SubmitTopologyOptions {
  name: string;
  /** Storm config overriding the topology's own (like `topology submit -c`). */
  config?: Record<string, unknown>;
  /** Files only: workers' start-up wait (default 60 s). */
  startTimeoutMs?: number;
}

export interface ComponentTotals {
  kind: 'spout' | 'bolt';
  emitted: number;
  transferred: number;
  acked: number;
  failed: number;
  executed: number;
}

export interface TopologyHandle {
  readonly name: string;
  /** 'cluster' (submitted to nimbus) or 'local' (in this process). */
  readonly mode: 'cluster' | 'local';
  /** Totals of one component since the topology started. */
  totals(component: string): Promise<ComponentTotals>;
  /** Resolves once `component` has processed `count` tuples (bolts: executed, spouts: acked). */
  waitForProcessed(component: string, count: number, options?: { timeoutMs?: number }): Promise<ComponentTotals>;
  kill(): Promise<void>;
}

/** Defaults for topologies in tests: every count exact and the cluster's own Kafka. */
function testDefaults(bootstrapServers: string): Record<string, unknown> {
  return { 'kafka.bootstrap.servers': bootstrapServers, 'topology.stats.sample.rate': 1 };
}

async function waitUntil(handle: TopologyHandle, component: string, count: number, timeoutMs: number): Promise<ComponentTotals> {
  const deadline = Date.now() + timeoutMs;
  let last: ComponentTotals | undefined;
  for (;;) {
    last = await handle.totals(component);
    const processed = last.kind === 'spout' ? last.acked : last.executed;
    if (processed >= count) return last;
    if (Date.now() >= deadline) {
      throw new StreamctlError('TIMEOUT', `Topology ${handle.name}: ${component} processed ${processed} of ${count} tuples within ${timeoutMs} ms (${JSON.stringify(last)}).`);
    }
    await new Promise((resolve) => setTimeout(resolve, handle.mode === 'local' ? 10 : 100));
  }
}

export async function submitLocal(topology: TopologyLike, options: SubmitTopologyOptions, bootstrapServers: string): Promise<TopologyHandle> {
  const runner = await LocalRunner.start(topology, { conf: { ...testDefaults(bootstrapServers), ...(options.config ?? {}) }, topologyId: options.name });
  let killed = false;
  const handle: TopologyHandle = {
    name: options.name,
    mode: 'local',
    totals: async (component) => {
      const kind = runner.stats().find((x) => x.component === component)?.kind;
      if (kind !== 'spout' && kind !== 'bolt') throw new StreamctlError('NOT_FOUND', `Topology ${options.name} has no component ${component}.`);
      return { kind, ...runner.componentTotals(component) };
    },
    waitForProcessed: (component, count, o = {}) => waitUntil(handle, component, count, o.timeoutMs ?? 30_000),
    kill: async () => {
      if (killed) return;
      killed = true;
      await runner.close();
    },
  };
  return handle;
}

export async function submitFile(file: string, options: SubmitTopologyOptions, cluster: { nimbusUrl: string | null; nimbusToken: string | undefined; bootstrapServers: string }): Promise<TopologyHandle> {
  if (!cluster.nimbusUrl) {
    throw new StreamctlError('INVALID_STATE', 'This cluster runs without Storm: start it with { storm: true } to submit topology files, or pass a topology object to run it in this process.');
  }
  const client = new TopologyClient({ nimbusUrl: cluster.nimbusUrl, token: cluster.nimbusToken });
  await client.submit(file, {
    name: options.name,
    conf: options.config ?? {},
    defaultConf: testDefaults(cluster.bootstrapServers),
    waitTimeoutMs: options.startTimeoutMs ?? 60_000,
  });
  const handle: TopologyHandle = {
    name: options.name,
    mode: 'cluster',
    totals: async (component) => {
      const detail = await client.describe(options.name, ':all-time');
      const spout = detail.spouts.find((x) => x.spoutId === component);
      if (spout) return { kind: 'spout', emitted: spout.emitted, transferred: spout.transferred, acked: spout.acked, failed: spout.failed, executed: 0 };
      const bolt = detail.bolts.find((x) => x.boltId === component);
      if (!bolt) throw new StreamctlError('NOT_FOUND', `Topology ${options.name} has no component ${component}.`);
      return { kind: 'bolt', emitted: bolt.emitted, transferred: bolt.transferred, acked: bolt.acked, failed: bolt.failed, executed: bolt.executed };
    },
    waitForProcessed: (component, count, o = {}) => waitUntil(handle, component, count, o.timeoutMs ?? 60_000),
    kill: async () => {
      await client.kill(options.name, 0).catch((error: unknown) => {
        if (!(error instanceof StreamctlError && error.code === 'NOT_FOUND')) throw error;
      });
    },
  };
  return handle;
}
