// What the broker offers to the modules it composes but that must not import it (the group
// coordinator, its API handlers): where partitions lead, appends to and reads from internal
// topics (`__consumer_offsets`), leadership-change notifications. The broker implements it;
// `createGroupHandlers(deps)` receives it. Concurrency: one event loop; listeners are called
// synchronously after the broker's own state has changed.
import type { Logger } from '../common/logger.js';

export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
}

export interface BrokerMetadataView {
  /** Current leader of a partition, or null when the topic/partition is unknown or leaderless. */
  leaderFor(topic: string, partition: number): BrokerNode | null;
  /** Number of partitions of a topic, or 0 when the topic is unknown. */
  partitionCount(topic: string): number;
  /** True when this broker leads the partition right now. */
  isLocalLeader(topic: string, partition: number): boolean;
  /** The topic's id, or null when unknown. */
  topicId(topic: string): string | null;
  /** Live brokers known to this broker (from the controller's metadata). */
  liveBrokers(): BrokerNode[];
}

export type AppendResult = { errorCode: 0; baseOffset: bigint } | { errorCode: number; errorMessage?: string };

export interface InternalReadResult {
  errorCode: number;
  /** Raw magic-2 batches as stored (may be empty). Decode with protocol/records/record-codec. */
  records: Buffer;
  highWatermark: bigint;
  logStartOffset: bigint;
}

export type LeadershipListener = (topic: string, partition: number, isLeader: boolean, leaderEpoch: number) => void;

export interface BrokerServices {
  readonly brokerId: number;
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
  readonly metadata: BrokerMetadataView;
  /**
   * Appends raw magic-2 batches (built with record-codec's buildRecordBatch) to a partition
   * this broker leads. acks=-1 resolves once the ISR has them (or with an error code:
   * NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT, ...).
   */
  appendToInternalTopic(topic: string, partition: number, records: Buffer, acks: -1 | 1): Promise<AppendResult>;
  /** Reads stored batches from `fromOffset` up to the high watermark, at most about maxBytes. */
  readInternalTopic(topic: string, partition: number, fromOffset: bigint, maxBytes: number): InternalReadResult;
  /** Log end offset of a local partition replica, or -1n when not hosted here. */
  logEndOffset(topic: string, partition: number): bigint;
  /** High watermark of a local partition replica, or -1n when not hosted here. */
  highWatermark(topic: string, partition: number): bigint;
  /**
   * Called when this broker becomes leader or stops leading a partition (new epoch).
   * Returns an unsubscribe function. Listeners must not throw.
   */
  onLeadershipChange(listener: LeadershipListener): () => void;
  /**
   * Makes sure an internal topic exists (asks the controller to create it with the given
   * partitions and replication factor capped at the live broker count, compacted config).
   * Resolves when the controller answered (created or already there).
   */
  ensureInternalTopic(topic: string, options: { partitions: number; replicationFactor: number; configs?: Record<string, string> }): Promise<void>;
}

/** What a module that contributes API handlers gets at broker start. */
export interface HandlerDeps {
  services: BrokerServices;
  /** Broker settings (Kafka dotted keys) from the process config. */
  settings: Record<string, string>;
  logger: Logger;
}
