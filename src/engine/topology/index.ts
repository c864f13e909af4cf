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
