// Config files the cluster daemon writes for the controller and broker processes, with the
// schemas their mains validate them against (common/config-schema; the dotted settings have
// their own schemas beside each process), and the shape of cluster.json (the cluster
// directory's index: ports, pids, status). Each process main takes the path of its config
// JSON as its only argument. Plain data; no behaviour here.
import type { FieldSchema } from '../common/config-schema.js';

/** Kafka-style dotted settings (`auto.create.topics.enable`, `num.partitions`, ...). */
export type Settings = Record<string, string>;

export interface ControllerProcessConfig {
  clusterId: string;
  host: string;
  port: number;
  dataDir: string;
  logFile: string;
  /** broker.session.timeout.ms, num.partitions, default.replication.factor, auto.leader.rebalance.enable, ... */
  settings: Settings;
  /** The brokers' data dirs: a new, empty metadata store refuses to start over partitions in them... */
  brokerDataDirs?: string[];
  /** ...unless forced (cluster start --force). */
  force?: boolean;
  /** Port of the Prometheus /metrics endpoint (absent: none). */
  metricsPort?: number;
}

export interface BrokerProcessConfig {
  brokerId: number;
  clusterId: string;
  host: string;
  port: number;
  dataDir: string;
  logFile: string;
  controller: { host: string; port: number };
  /** auto.create.topics.enable, socket.request.max.bytes, log.retention.check.interval.ms, log.* defaults, ... */
  settings: Settings;
  /** Port of the Prometheus /metrics endpoint (absent: none). */
  metricsPort?: number;
}

export const CONTROLLER_PROCESS_CONFIG: FieldSchema<ControllerProcessConfig> = {
  clusterId: { type: 'string', nonEmpty: true },
  host: { type: 'string', nonEmpty: true },
  port: { type: 'port' },
  dataDir: { type: 'string', nonEmpty: true },
  logFile: { type: 'string', nonEmpty: true },
  settings: { type: 'settings' },
  brokerDataDirs: { type: 'strings', optional: true },
  force: { type: 'boolean', optional: true },
  metricsPort: { type: 'port', optional: true },
};

export const BROKER_PROCESS_CONFIG: FieldSchema<BrokerProcessConfig> = {
  brokerId: { type: 'integer', min: 0 },
  clusterId: { type: 'string', nonEmpty: true },
  host: { type: 'string', nonEmpty: true },
  port: { type: 'port' },
  dataDir: { type: 'string', nonEmpty: true },
  logFile: { type: 'string', nonEmpty: true },
  controller: { type: 'object', fields: { host: { type: 'string', nonEmpty: true }, port: { type: 'port' } } },
  settings: { type: 'settings' },
  metricsPort: { type: 'port', optional: true },
};

export type ProcessKind = 'controller' | 'broker' | 'nimbus' | 'supervisor';
export type ProcessStatus = 'starting' | 'running' | 'stopped' | 'crashed' | 'killed';

export interface ProcessInfo {
  kind: ProcessKind;
  /** Broker id or supervisor number; absent for singletons. */
  id?: number;
  host: string;
  port: number;
  pid: number | null;
  status: ProcessStatus;
  logFile: string;
}

/** `<cluster dir>/cluster.json`, kept up to date by the cluster daemon. */
export interface ClusterFile {
  version: 1;
  clusterId: string;
  host: string;
  basePort: number;
  startedAt: string;
  daemon: { pid: number; controlSocket?: string };
  controller: ProcessInfo;
  brokers: ProcessInfo[];
  nimbus: ProcessInfo | null;
  supervisors: ProcessInfo[];
  /** Daemon lifecycle (added by the cluster daemon): starting → running → stopping → stopped; failed. */
  state?: ClusterState;
  /** Worker slots per supervisor and the settings the cluster was started with. */
  slotsPerSupervisor?: number;
  settings?: Settings;
  /** "127.0.0.1:9092,127.0.0.1:9093" — what Kafka clients connect to. */
  bootstrapServers?: string;
  /** "http://127.0.0.1:9292" — nimbus REST API, or null without Storm. */
  nimbusUrl?: string | null;
  /** File with the bearer token nimbus's API requires (0600), or null without Storm. */
  nimbusTokenFile?: string | null;
  /** True when nimbus serves its read-only GET /api/v1/... without the token (`--ui-open`). */
  nimbusUiOpen?: boolean;
}

export type ClusterState = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** What a cluster start asks for (flags, else the previous run's cluster.json). */
export interface ClusterSpec {
  dir: string;
  host: string;
  basePort: number;
  brokers: number;
  /** Start nimbus and supervisors. */
  storm: boolean;
  supervisors: number;
  slotsPerSupervisor: number;
  /** Kafka-style settings for the controller and brokers (num.partitions, ...). */
  settings: Settings;
  /** Serve nimbus's read-only GET /api/v1/... without the token (`--ui-open`). */
  uiOpen?: boolean;
  /** Start even when a new, empty controller store would ignore partitions on the brokers' disks. */
  force?: boolean;
}
