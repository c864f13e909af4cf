// Package entry of 'streamctl' for topology files and their tests:
//   import { TopologyBuilder, BaseRichSpout, BaseBasicBolt, Fields, Values } from 'streamctl';
// esbuild bundles this (tree-shaken) into submitted topologies; LocalRunner runs a
// topology in-process (Storm's LocalCluster) for unit tests.
export * from './engine/topology/index.js';
export { LocalRunner, type LocalRunnerOptions } from './engine/runtime/local-runner.js';
export type { TopologySpec, ComponentSpec, GroupingSpec, StreamSpec, ExecutorStats, LatencyStats, TopologyStatus } from './engine/runtime/contracts.js';
