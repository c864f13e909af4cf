// The topology spec: what TopologyBuilder produces from user code and nimbus stores (Storm's
// StormTopology): components, their parallelism and tasks, inputs with groupings, declared
// streams and per-component config. Plain JSON-serializable data only; no behaviour here.

export type GroupingType =
  | 'shuffle'
  | 'fields'
  | 'all'
  | 'global'
  | 'none'
  | 'direct'
  | 'local-or-shuffle'
  | 'partial-key'
  | 'custom';

export interface GroupingSpec {
  type: GroupingType;
  /** For fields and partial-key groupings. */
  fields?: string[];
  /** For custom groupings: the name the component registered its CustomStreamGrouping under. */
  customName?: string;
}

export interface InputSpec {
  /** Source component id. */
  component: string;
  /** Source stream id ('default' unless named). */
  stream: string;
  grouping: GroupingSpec;
}

export interface StreamSpec {
  fields: string[];
  direct: boolean;
}

export interface ComponentSpec {
  id: string;
  kind: 'spout' | 'bolt';
  /** Initial executor count (parallelism hint). */
  parallelism: number;
  /** Task count, fixed for the topology's life. Defaults to parallelism. */
  numTasks: number;
  inputs: InputSpec[];
  /** Declared output streams by stream id. */
  streams: Record<string, StreamSpec>;
  /** Per-component config (Storm's addConfiguration). */
  config: Record<string, unknown>;
  /** A stateful bolt (run by a StatefulBoltExecutor under the checkpoint protocol). */
  stateful?: boolean;
}

export interface TopologySpec {
  components: ComponentSpec[];
  /** Topology-level config set in code (topology.* keys); -c flags on submit override it. */
  config: Record<string, unknown>;
}
