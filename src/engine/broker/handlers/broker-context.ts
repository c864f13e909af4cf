// What the broker's own API handlers get from the composition (broker.ts): the replica
// manager, the metadata cache, the controller channel for forwarding, producer id
// allocation and settings. Declared below the handlers so they do not import Broker.
// Single-threaded: handlers run on the broker's event loop.
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { ApiKeyNumber, Encodable, RequestOf, ResponseOf } from '../../protocol/codec.js';
import type { BrokerConfigLayers } from '../broker-configs.js';
import type { BrokerNode } from '../broker-services.js';
import type { BrokerStats } from '../broker-stats.js';
import type { MetadataCache } from '../metadata-cache.js';
import type { ProducerIdManager } from '../producer-id-manager.js';
import type { ReplicaManager } from '../replica-manager.js';

export interface ControllerForwarder {
  /** Sends a request to the controller (null when unreachable or not served). */
  forward<K extends ApiKeyNumber>(apiKey: K, version: number, body: Encodable<RequestOf<K>>): Promise<ResponseOf<K> | null>;
  /** Resolves true once a metadata poll that started after the call was applied, false on timeout. */
  refreshMetadata(timeoutMs?: number): Promise<boolean>;
}

export interface BrokerContext {
  readonly brokerId: number;
  readonly self: BrokerNode;
  readonly settings: Record<string, string>;
  /** The broker's log dir (DescribeLogDirs). */
  readonly logDir: string;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly replicaManager: ReplicaManager;
  readonly metadata: MetadataCache;
  readonly controller: ControllerForwarder;
  readonly producerIds: ProducerIdManager;
  /** Metric counters (bytes out to consumers, client telemetry). */
  readonly stats: BrokerStats;
  /** Bytes fetch responses may still take before unread responses exceed their bound. */
  fetchMemoryAvailable(): number;
  /** Refreshes topic configs and dynamic broker configs from the controller (after an AlterConfigs). */
  refreshTopicConfigs(): Promise<void>;
  /** This broker's static settings and dynamic configs, for DescribeConfigs. */
  brokerConfigLayers(): BrokerConfigLayers;
}
