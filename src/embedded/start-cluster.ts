// The programmatic cluster for test suites and scripts:
//
//   const cluster = await startCluster({ brokers: 3 });
//   ... new Kafka({ brokers: cluster.brokers }) ...
//   await cluster.killBroker(2);
//   await cluster.stop();
//
// Ephemeral by default: a new temporary directory and a leased free port range
// (cluster/port-lock.ts, so parallel test files never clash), the cluster daemon running in
// this process (no extra daemon process), children that die with this process
// (common/lifeline.ts) and a reaper that removes the directory even after a SIGKILL
// (cluster/ephemeral-cleanup.ts). stop() kills everything and removes the directory; so do
// process exit, SIGINT and SIGTERM. With `dir`, the data is kept there and stop() is graceful.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ClusterDaemon, type DaemonTimings } from '../engine/cluster/cluster-daemon.js';
import { ClusterDir } from '../engine/cluster/cluster-dir.js';
import { killProcessesUnder, registerOwnerHooks, removeTree, startReaper } from '../engine/cluster/ephemeral-cleanup.js';
import { leaseBasePort } from '../engine/cluster/port-lock.js';
import type { ClusterFile, ProcessInfo } from '../engine/cluster/process-configs.js';
import { StreamctlError } from '../engine/common/errors.js';
import { lifelineOwners } from '../engine/common/lifeline.js';
import { createLogger, fileSink } from '../engine/common/logger.js';
import { readNimbusToken } from '../engine/common/nimbus-token.js';
import type { TopologyLike } from '../engine/topology/index.js';
// Type-only: the clients and the topology runner are loaded on first use (dynamic import), so
// a process that only starts the cluster (`cluster start --ephemeral`) stays small and quick.
import type { KafkaConveniences, ProduceRecord, ReadRecord, ReadTopicOptions, TopicOptions } from './kafka-conveniences.js';
import type { SubmitTopologyOptions, TopologyHandle } from './topologies.js';

export interface StartClusterOptions {
  /** Number of brokers (default 1). */
  brokers?: number;
  /** Start nimbus and supervisors for topology files (default false: Kafka only). */
  storm?: boolean;
  /** Supervisors when storm is on (default 1). */
  supervisors?: number;
  /** Worker slots per supervisor (default 4). */
  slots?: number;
  /** Kafka-style broker and controller settings: { 'num.partitions': 3, 'auto.create.topics.enable': false }. */
  config?: Record<string, string | number | boolean>;
  /** Keep the cluster's data in this directory (not removed; stop() is graceful). Default: a new temporary directory. */
  dir?: string;
  /** Use the fixed port scheme from this base (broker i on P+i-1, ...) instead of a free range. */
  basePort?: number;
  /** How long each process may take to become ready (default 30 s). */
  startTimeoutMs?: number;
  /** Install exit/SIGINT/SIGTERM clean-up hooks in this process (default true). */
  exitHooks?: boolean;
}

export interface EmbeddedCluster {
  /** "127.0.0.1:p1,127.0.0.1:p2": Kafka's bootstrap.servers. */
  readonly bootstrapServers: string;
  /** The same as an array, for clients that take a list (kafkajs). */
  readonly brokers: string[];
  /** Nimbus's URL, or null without Storm. */
  readonly nimbusUrl: string | null;
  /** The bearer token nimbus's API requires, or undefined without Storm. */
  readonly nimbusToken: string | undefined;
  readonly dir: string;
  readonly clusterId: string;
  /** True for a temporary cluster (removed by stop()). */
  readonly ephemeral: boolean;
  /** The cluster description (what `cluster status --json` and `cluster start --ephemeral --json` show). */
  describe(): ClusterFile;
  killBroker(id: number): Promise<ProcessInfo>;
  stopBroker(id: number): Promise<ProcessInfo>;
  startBroker(id: number): Promise<ProcessInfo>;
  createTopic(name: string, options?: TopicOptions): Promise<void>;
  produce(topic: string, records: ReadonlyArray<ProduceRecord | string>): Promise<void>;
  readTopic(topic: string, options?: ReadTopicOptions): Promise<ReadRecord[]>;
  /** A topology file (submitted to nimbus) or a topology object (run in this process). */
  submitTopology(topology: string | TopologyLike, options: SubmitTopologyOptions): Promise<TopologyHandle>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const EPHEMERAL_TIMINGS: Partial<DaemonTimings> = { initialBackoffMs: 200, maxBackoffMs: 2000, stopTimeoutMs: 5000 };

function checkCount(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new StreamctlError('USAGE', `${name} must be an integer from ${min} to ${max}, got ${v}.`);
}

export async function startCluster(options: StartClusterOptions = {}): Promise<EmbeddedCluster> {
  const brokers = options.brokers ?? 1;
  const storm = options.storm ?? false;
  const supervisors = storm ? (options.supervisors ?? 1) : 0;
  const slots = options.slots ?? 4;
  checkCount('brokers', brokers, 1, 99);
  checkCount('supervisors', supervisors, storm ? 1 : 0, 50);
  checkCount('slots', slots, 1, 100);
  const settings = Object.fromEntries(Object.entries(options.config ?? {}).map(([k, v]) => [k, String(v)]));
  const ephemeral = options.dir === undefined;
  const root = ephemeral ? mkdtempSync(join(tmpdir(), 'streamctl-')) : resolve(options.dir!);
  const dir = new ClusterDir(root);
  dir.ensure();

  const lease =
    options.basePort === undefined
      ? await leaseBasePort({ brokers, supervisors, slotsPerSupervisor: slots })
      : { basePort: options.basePort, lockPath: undefined, release: () => undefined };
  // Ephemeral: the reaper removes the dir and the lease if this process (or, in a test runner's
  // worker, the runner) dies without stop().
  const owners = lifelineOwners();
  const reaper = ephemeral ? startReaper({ ownerPids: owners, dir: root, ...(lease.lockPath ? { lockPath: lease.lockPath } : {}) }) : { cancel: () => undefined };
  // Synchronous, for exit and signal hooks. Only an ephemeral dir is ours alone: in a given
  // dir another cluster may run, so there the children's lifeline does the rest.
  const hardCleanup = () => {
    if (ephemeral) {
      killProcessesUnder(root);
      removeTree(root);
    }
    lease.release();
    reaper.cancel();
  };
  const unhook = options.exitHooks === false ? () => undefined : registerOwnerHooks(hardCleanup);

  let daemon: ClusterDaemon;
  try {
    daemon = await ClusterDaemon.start({
      spec: { dir: root, host: '127.0.0.1', basePort: lease.basePort, brokers, storm, supervisors, slotsPerSupervisor: slots, settings },
      logger: createLogger({ sink: fileSink(dir.daemonLog), fields: { proc: 'daemon', pid: process.pid } }),
      timings: { ...EPHEMERAL_TIMINGS, ...(options.startTimeoutMs ? { readyTimeoutMs: options.startTimeoutMs } : {}) },
      lifelinePids: owners,
    });
  } catch (error) {
    unhook();
    hardCleanup();
    throw error;
  }

  const file = daemon.clusterFile();
  const bootstrapServers = file.bootstrapServers ?? '';
  const nimbusToken = storm ? readNimbusToken(dir.nimbusTokenFile) : undefined;
  let kafkaClients: Promise<KafkaConveniences> | undefined;
  const kafka = () => (kafkaClients ??= import('./kafka-conveniences.js').then((m) => new m.KafkaConveniences(bootstrapServers.split(','))));
  const topologies: TopologyHandle[] = [];
  let stopping: Promise<void> | undefined;

  const stop = () => {
    stopping ??= (async () => {
      await Promise.allSettled(topologies.filter((t) => t.mode === 'local').map((t) => t.kill()));
      if (kafkaClients) await (await kafkaClients).close();
      if (ephemeral) await daemon.kill();
      else await daemon.stop(); // supervisors stop their workers
      unhook();
      hardCleanup(); // ephemeral: the workers too, which outlive a killed supervisor by design
    })();
    return stopping;
  };

  return {
    bootstrapServers,
    brokers: bootstrapServers.split(','),
    nimbusUrl: file.nimbusUrl ?? null,
    nimbusToken,
    dir: root,
    clusterId: daemon.clusterId,
    ephemeral,
    describe: () => daemon.clusterFile(),
    killBroker: (id) => daemon.brokerControl('kill', id),
    stopBroker: (id) => daemon.brokerControl('stop', id),
    startBroker: (id) => daemon.brokerControl('start', id),
    createTopic: async (name, o) => (await kafka()).createTopic(name, o),
    produce: async (topic, records) => (await kafka()).produce(topic, records),
    readTopic: async (topic, o) => (await kafka()).readTopic(topic, o),
    submitTopology: async (topology, o) => {
      const { submitFile, submitLocal } = await import('./topologies.js');
      const handle =
        typeof topology === 'string'
          ? await submitFile(topology, o, { nimbusUrl: file.nimbusUrl ?? null, nimbusToken, bootstrapServers })
          : await submitLocal(topology, o, bootstrapServers);
      topologies.push(handle);
      return handle;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
