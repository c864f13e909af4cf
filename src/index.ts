// Package entry of 'streamctl' for topology files and their tests:
//   import { TopologyBuilder, BaseRichSpout, BaseBasicBolt, Fields, Values } from 'streamctl';
// esbuild bundles this (tree-shaken) into submitted topologies; LocalRunner runs a
// topology in-process (Storm's LocalCluster) for unit tests.
export * from './engine/topology/index.js';
export { LocalRunner, type LocalRunnerOptions } from './engine/runtime/local-runner.js';
export type { ExecutorStats, LatencyStats, TopologyStatus } from './engine/runtime/contracts.js';
export type { TopologySpec, ComponentSpec, GroupingSpec, StreamSpec } from './engine/topology/topology-spec.js';
// Kafka connectors (Storm's storm-kafka-client analogues).
export { KafkaSpout, type KafkaSpoutOptions, type KafkaMessageId, type KafkaSpoutRecord, type FirstPollOffsetStrategy } from './engine/connectors/kafka-spout.js';
export { KafkaBolt, type KafkaBoltOptions, toKafkaBytes } from './engine/connectors/kafka-bolt.js';
export { OffsetTracker, type TopicPartitionOffset } from './engine/connectors/offset-tracker.js';
// Flux topologies (YAML): the generated entry of a Flux bundle builds its topology with this.
export { buildFluxTopology, type FluxModules } from './engine/flux/flux-builder.js';
export type { FluxTopologyDef } from './engine/flux/flux-model.js';
