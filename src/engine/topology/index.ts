// Public API for topology files: everything user code imports from 'streamctl'.
export { Fields } from './fields.js';
export { Values } from './values.js';
export type { Tuple, MessageId } from './tuple.js';
export type { SpoutOutputCollector, OutputCollector, BasicOutputCollector, TupleValues, Anchors } from './collectors.js';
export type { OutputFieldsDeclarer } from './output-fields-declarer.js';
export { DEFAULT_STREAM } from './output-fields-declarer.js';
export type { TopologyContext } from './topology-context.js';
export { BaseRichSpout, type Spout } from './spout.js';
export { BaseRichBolt, BaseBasicBolt, type Bolt, type BasicBolt } from './bolt.js';
export type { CustomStreamGrouping } from './custom-stream-grouping.js';
export { FailedException, ReportedFailedException } from './failed-exception.js';
export { TopologyBuilder, TopologyConfig, type BoltDeclarer, type SpoutDeclarer, type ComponentConfigurationDeclarer } from './topology-builder.js';
export { Topology, type TopologyLike, type InstanceSource, type ComponentInstance } from './topology.js';
export { ShellBolt, type ShellStreamDeclaration } from './shell-bolt.js';
export { ShellSpout } from './shell-spout.js';
// Windowed bolts (Storm's windowing API).
export { BaseWindowedBolt, type WindowedBolt, type TimestampExtractor } from './windowing/base-windowed-bolt.js';
export { Count, Duration, WindowConfig, windowSettingsOf, describeWindow, topologyWindowError, type WindowSettings } from './windowing/window-config.js';
export type { Window, TupleWindow } from './windowing/tuple-window.js';
export { WindowedBoltExecutor, LATE_TUPLE_FIELD, type LateTuple } from './windowing/windowed-bolt-executor.js';
// Stateful bolts and checkpointing (Storm's state API).
export { BaseStatefulBolt, type StatefulBolt } from './state/base-stateful-bolt.js';
export type { State, KeyValueState } from './state/key-value-state.js';
export { StatefulBoltExecutor, type CheckpointInfo } from './state/stateful-bolt-executor.js';
export { CheckpointSpout, CHECKPOINT_COMPONENT_ID, CHECKPOINT_STREAM_ID } from './state/checkpoint-spout.js';
export { CheckpointTupleForwarder } from './state/checkpoint-tuple-forwarder.js';
export { StateConfig, getState, stateProviderOf, type StateProviderName } from './state/state-factory.js';
export { wrapBolt } from './topology-builder.js';
