// Shapes that cross process boundaries in the Storm side (the topology spec itself lives in
// topology/topology-spec.ts): assignments (nimbus → supervisor → worker), the worker's config
// file and its heartbeat to nimbus. Plain JSON-serializable data only; no behaviour here.
// Changing a shape means changing both sides (nimbus/supervisor and worker) together.

import type { TopologySpec } from '../topology/topology-spec.js';

/** Storm's executor id: an inclusive range of task ids run by one executor (thread). */
export interface ExecutorSpec {
  component: string;
  startTask: number;
  endTask: number;
}

export interface WorkerAssignment {
  supervisorId: string;
  host: string;
  /** The worker's slot port: it listens here for tuples from other workers. */
  port: number;
  executors: ExecutorSpec[];
}

export interface Assignment {
  topologyId: string;
  /** Increases whenever the assignment changes (rebalance, reassignment after a failure). */
  version: number;
  /** Task id → component id, including system components such as __acker. */
  taskToComponent: Record<number, string>;
  workers: WorkerAssignment[];
}

export type TopologyStatus = 'ACTIVE' | 'INACTIVE' | 'REBALANCING' | 'KILLED';

/**
 * Written by the supervisor as JSON; its path is the only argument of worker-main
 * (`node dist/engine/runtime/worker-main.js <worker-config.json>`).
 */
export interface WorkerConfig {
  workerId: string;
  topologyId: string;
  topologyName: string;
  supervisorId: string;
  host: string;
  port: number;
  /** Absolute path of the esbuild bundle (ESM); its default export is the Topology. */
  bundlePath: string;
  /**
   * Set by the supervisor: the worker rewrites this file every 500 ms from its event loop
   * (Storm's local worker heartbeat); a stale file means a hung worker, which is killed.
   */
  localHeartbeatFile?: string;
  /** Code dir of shell components (the submitted resources/); default: `resources` beside bundlePath. */
  codeDir?: string;
  spec: TopologySpec;
  /** Effective topology config: defaults < spec.config < submit -c overrides. */
  stormConf: Record<string, unknown>;
  assignment: Assignment;
  /** Status the topology had when the worker was (re)started. */
  initialStatus: TopologyStatus;
  /** e.g. http://127.0.0.1:9292 */
  nimbusUrl: string;
  /** Set by the supervisor: file with nimbus's API token, sent on every heartbeat. */
  nimbusTokenFile?: string;
  logFile: string;
  /** Set by the supervisor: port of the worker's Prometheus /metrics endpoint. */
  metricsPort?: number;
}

export interface LatencyStats {
  count: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Cumulative counters since the worker started, per executor. */
export interface ExecutorStats {
  component: string;
  kind: 'spout' | 'bolt' | 'acker' | 'system';
  startTask: number;
  endTask: number;
  /** Tuples emitted, by stream id. */
  emitted: Record<string, number>;
  /** Tuples sent to tasks (one emit to N tasks counts N), by stream id. */
  transferred: Record<string, number>;
  acked: number;
  failed: number;
  /** Bolts: tuples executed. */
  executed: number;
  /** Spouts: time from emit to full ack of the tuple tree. */
  completeLatency?: LatencyStats;
  /** Bolts: time spent in execute(). */
  executeLatency?: LatencyStats;
  /** Bolts: time from a tuple's arrival to its ack. */
  processLatency?: LatencyStats;
  /** Bolts: fraction of the last window spent executing (Storm's capacity). */
  capacity?: number;
}

export interface ComponentError {
  component: string;
  taskId: number;
  timeSecs: number;
  error: string;
}

/** Worker → nimbus, POST {nimbusUrl}/internal/v1/worker-heartbeat every 500 ms. */
export interface WorkerHeartbeat {
  workerId: string;
  topologyId: string;
  supervisorId: string;
  host: string;
  port: number;
  pid: number;
  assignmentVersion: number;
  uptimeSecs: number;
  logFile: string;
  executors: ExecutorStats[];
  /** Errors reported since the previous heartbeat (collector.reportError, thrown errors). */
  errors: ComponentError[];
}

/** Nimbus's answer to a worker heartbeat: what the worker should do now. */
export interface WorkerHeartbeatResponse {
  status: TopologyStatus;
  /** The current assignment version; a worker with an older one is about to be replaced, unless... */
  assignmentVersion: number;
  /**
   * ...its slot and executors are unchanged (same worker id): then this is the new
   * assignment, and the worker updates its peers in place instead of restarting.
   */
  assignment?: Assignment;
  /** Named log levels in force for the topology (set_log_level); absent or {}: the configured ones. */
  logConfig?: Record<string, { targetLevel: string; expiresAtMs: number | null }>;
}
