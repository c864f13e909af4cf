// The broker's copy of cluster metadata as last polled from the controller (Metadata api):
// live brokers, controller id, cluster id, topics with ids, and per partition the leader,
// leader epoch, replicas and ISR; plus the topic config overrides fetched with
// DescribeConfigs. Serves client Metadata answers and leader lookups; kept when the
// controller is unreachable so produce and fetch go on. Single-threaded.
import type { MetadataResponse } from '../protocol/codec.js';
import type { BrokerNode } from './broker-services.js';

export interface PartitionMetadata {
  partition: number;
  leaderId: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface TopicMetadata {
  name: string;
  topicId: string;
  isInternal: boolean;
  partitions: PartitionMetadata[];
}

export class MetadataCache {
  #clusterId: string;
  #controllerId = -1;
  #brokers = new Map<number, BrokerNode>();
  #topics = new Map<string, TopicMetadata>();
  #topicsById = new Map<string, TopicMetadata>();
  #configs = new Map<string, Record<string, string>>();
  #version = 0;

  constructor(options: { clusterId: string }) {
    this.#clusterId = options.clusterId;
  }

  /** Bumped on every update (tests, change detection). */
  get version(): number {
    return this.#version;
  }
  get clusterId(): string {
    return this.#clusterId;
  }
  get controllerId(): number {
    return this.#controllerId;
  }

  /**
   * Live (unfenced) brokers as the controller last listed them. This broker is among them
   * only once the controller has unfenced it, as in Kafka: until then clients (and
   * `cluster start`'s readiness check) do not see it.
   */
  brokers(): BrokerNode[] {
    return [...this.#brokers.values()].sort((a, b) => a.nodeId - b.nodeId);
  }

  broker(id: number): BrokerNode | undefined {
    return this.#brokers.get(id);
  }

  topics(): TopicMetadata[] {
    return [...this.#topics.values()];
  }

  topic(name: string): TopicMetadata | undefined {
    return this.#topics.get(name);
  }

  topicById(topicId: string): TopicMetadata | undefined {
    return this.#topicsById.get(topicId);
  }

  partition(topic: string, partition: number): PartitionMetadata | undefined {
    return this.#topics.get(topic)?.partitions[partition];
  }

  topicConfig(topic: string): Record<string, string> | undefined {
    return this.#configs.get(topic);
  }

  setTopicConfig(topic: string, config: Record<string, string>): void {
    this.#configs.set(topic, config);
  }

  /** Replaces the cache with a controller Metadata response (all topics). */
  update(response: MetadataResponse): void {
    if (response.clusterId) this.#clusterId = response.clusterId;
    this.#controllerId = response.controllerId;
    const brokers = new Map<number, BrokerNode>();
    for (const b of response.brokers) brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port });
    this.#brokers = brokers;
    const topics = new Map<string, TopicMetadata>();
    const byId = new Map<string, TopicMetadata>();
    for (const t of response.topics) {
      if (t.errorCode !== 0 || t.name === null) continue;
      const partitions: PartitionMetadata[] = [];
      for (const p of t.partitions) {
        partitions[p.partitionIndex] = {
          partition: p.partitionIndex,
          leaderId: p.leaderId,
          leaderEpoch: p.leaderEpoch,
          replicas: [...p.replicaNodes],
          isr: [...p.isrNodes],
          offlineReplicas: [...p.offlineReplicas],
        };
      }
      const topic: TopicMetadata = { name: t.name, topicId: t.topicId, isInternal: t.isInternal, partitions };
      topics.set(topic.name, topic);
      byId.set(topic.topicId, topic);
    }
    this.#topics = topics;
    this.#topicsById = byId;
    this.#version++;
  }

  /** Locally applies an ISR the controller accepted (before the next poll shows it). */
  updateIsr(topic: string, partition: number, isr: number[], leaderEpoch: number): void {
    const p = this.partition(topic, partition);
    if (p && p.leaderEpoch === leaderEpoch) p.isr = [...isr];
  }
}
