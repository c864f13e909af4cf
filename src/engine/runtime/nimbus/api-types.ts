// The nimbus REST API's request and response shapes (Storm UI REST API names), shared by
// nimbus's views and HTTP layer and by the CLI's TopologyClient, so both sides agree on one
// definition. Plain JSON data only; no behaviour here.
import type { ComponentError, ExecutorSpec, TopologyStatus, WorkerConfig } from '../contracts.js';
import type { ResourceFile } from '../resources.js';
import type { TopologySpec } from '../../topology/topology-spec.js';

/** Body of POST /internal/v1/submit. */
export interface SubmitBody {
  name: string;
  spec: TopologySpec;
  conf?: Record<string, unknown>;
  inactive?: boolean;
  owner?: string;
  /** The esbuild bundle, base64. */
  bundleBase64: string;
  /** The topology's resources/ folder (code dir of shell components). */
  resources?: ResourceFile[];
}

/** Answer to POST /internal/v1/submit. */
export interface SubmitResponse {
  topologyOperation: 'submit';
  topologyId: string;
  topologyName: string;
  status: 'success';
  topologyStatus: TopologyStatus;
}

/** Body of POST /api/v1/topology/:id/rebalance[/:wait]. */
export interface RebalanceBody {
  rebalanceOptions?: { numWorkers?: number; executors?: Record<string, number> };
}

/** Answer to POST /api/v1/topology/:id/{activate,deactivate,kill,rebalance}. */
export interface TopologyActionResponse {
  topologyOperation: string;
  topologyId: string;
  status: 'success';
}

/** GET /api/v1/cluster/summary. */
export interface ClusterSummary {
  stormVersion: string;
  nimbusUptime: string;
  nimbusUptimeSeconds: number;
  supervisors: number;
  topologies: number;
  slotsTotal: number;
  slotsUsed: number;
  slotsFree: number;
  executorsTotal: number;
  tasksTotal: number;
  schedulerDisplayResource: boolean;
}

/** A worker a supervisor reports running. */
export interface RunningWorker {
  workerId: string;
  topologyId: string;
  port: number;
  pid: number | null;
}

export interface SupervisorSummaryRow {
  id: string;
  host: string;
  uptime: string;
  uptimeSeconds: number;
  slotsTotal: number;
  slotsUsed: number;
  slotsFree: number;
  slotPorts: number[];
  lastHeartbeatMsAgo: number;
  runningWorkers: RunningWorker[];
}

/** GET /api/v1/supervisor/summary. */
export interface SupervisorSummary {
  supervisors: SupervisorSummaryRow[];
  schedulerDisplayResource: boolean;
}

/** One topology in GET /api/v1/topology/summary (also the head of the topology detail). */
export interface TopologySummaryRow {
  id: string;
  name: string;
  status: TopologyStatus;
  owner: string;
  uptime: string;
  uptimeSeconds: number;
  tasksTotal: number;
  workersTotal: number;
  executorsTotal: number;
  replicationCount: number;
  assignmentVersion: number;
  /** A delayed KILL/REBALANCE action and the seconds until it fires. */
  pendingAction: { event: string; inSecs: number } | null;
}

/** GET /api/v1/topology/summary. */
export interface TopologySummary {
  topologies: TopologySummaryRow[];
  schedulerDisplayResource: boolean;
}

/** One worker of a topology: its assignment joined with its latest heartbeat. */
export interface WorkerSummary {
  topologyId: string;
  topologyName: string;
  workerId: string;
  supervisorId: string;
  host: string;
  port: number;
  executorsTotal: number;
  componentNumTasks: Record<string, number>;
  executors: ExecutorSpec[];
  uptime: string;
  uptimeSeconds: number;
  pid: number | null;
  logFile: string | null;
  assignmentVersion: number | null;
  alive: boolean;
  lastHeartbeatMsAgo: number | null;
}

/** A latency as Storm's UI shows it: mean, p50, p99 and max, each with 3 decimals. */
export type LatencyFields<N extends string> = { [K in N | `${N}P50` | `${N}P99` | `${N}Max`]: string };

/** Fields every component row of the topology detail has. */
export interface ComponentRowBase {
  executors: number;
  tasks: number;
  emitted: number;
  transferred: number;
  acked: number;
  failed: number;
  lastError: string;
  errorHost: string;
  /** '' when there is no error. */
  errorPort: number | '';
  errorTime: number | null;
  errorLapsedSecs: number | null;
}

export type SpoutSummary = ComponentRowBase & { spoutId: string } & LatencyFields<'completeLatency'>;

export type BoltSummary = ComponentRowBase & {
  boltId: string;
  executed: number;
  capacity: string;
  /** streamctl: the window of a windowed bolt ("sliding 10 s every 2 s"), else null. */
  windowing?: string | null;
  /** streamctl: a stateful bolt (checkpointed state). */
  stateful?: boolean;
} & LatencyFields<'executeLatency'> &
  LatencyFields<'processLatency'>;

export interface TopologyStatsRow {
  windowPretty: string;
  window: string;
  emitted: number;
  transferred: number;
  completeLatency: string;
  completeLatencyP99: string;
  acked: number;
  failed: number;
}

/** GET /api/v1/topology/:id[?window=600|:all-time]. */
export interface TopologyDetail extends TopologySummaryRow {
  msgTimeout: number;
  window: string;
  windowHint: string;
  debug: boolean;
  samplingPct: number;
  topologyStats: TopologyStatsRow[];
  spouts: SpoutSummary[];
  bolts: BoltSummary[];
  workers: WorkerSummary[];
  taskToComponent: Record<number, string>;
  configuration: Record<string, unknown>;
}

/** One executor in the component detail. */
export interface ExecutorSummary {
  id: string;
  host: string;
  port: number;
  supervisorId: string;
  uptime: string;
  uptimeSeconds: number;
  emitted: number;
  transferred: number;
  acked: number;
  failed: number;
  executed: number;
  completeLatency: string;
  executeLatency: string;
  processLatency: string;
  capacity: string;
  workerLogFile: string | null;
}

/** A component's totals over one window (spoutSummary / boltStats entries). */
export type ComponentWindowStats = { window: string; windowPretty: string; emitted: number; transferred: number; acked: number; failed: number } & (
  | LatencyFields<'completeLatency'>
  | ({ executed: number; capacity: string } & LatencyFields<'executeLatency'> & LatencyFields<'processLatency'>)
);

/** GET /api/v1/topology/:id/component/:component[?window=...]. */
export interface ComponentDetail {
  id: string;
  name: string;
  componentType: 'SPOUT' | 'BOLT';
  executors: number;
  tasks: number;
  topologyId: string;
  topologyStatus: TopologyStatus;
  window: string;
  windowHint: string;
  debug: boolean;
  samplingPct: number;
  componentErrors: Array<{ errorTime: number; errorHost: string; errorPort: number; error: string; errorLapsedSecs: number }>;
  spoutSummary?: ComponentWindowStats[];
  boltStats?: ComponentWindowStats[];
  outputStats: Array<{ stream: string; emitted: number; transferred: number }>;
  executorStats: ExecutorSummary[];
}

/** Body of POST /internal/v1/supervisor-heartbeat. */
export interface SupervisorHeartbeatRequest {
  supervisorId: string;
  host: string;
  slotPorts: number[];
  uptimeSecs: number;
  /** Workers the supervisor currently runs. */
  runningWorkers: RunningWorker[];
  /** Errors the supervisor saw for its workers (memory limit kills, out-of-heap deaths) since its last heartbeat. */
  workerErrors?: Array<ComponentError & { topologyId: string; port: number }>;
}

/** Nimbus's answer to a supervisor heartbeat. */
export interface SupervisorHeartbeatResponse {
  /** Every worker this supervisor should run; it stops any other. */
  workers: WorkerConfig[];
}

/** One input of a component in GET /api/v1/topology/:id/visualization (Storm's keys). */
export interface VisualizationInput {
  ':component': string;
  ':stream': string;
  ':sani-stream': string;
  /** shuffle, fields, all, global, none, direct, local-or-shuffle, partial-key or custom. */
  ':grouping': string;
}

/** GET /api/v1/topology/:id/visualization: per component, its type and inputs (the graph). */
export type TopologyVisualization = Record<string, { ':type': 'spout' | 'bolt'; ':inputs': VisualizationInput[] }>;
