// Composition of one broker process: metadata cache, controller channel, replica manager
// (with purgatories and replica fetchers), producer ids, the API handlers (ours plus the
// group coordinator's), the request router and the Kafka server. Implements BrokerServices
// for the group coordinator. start() listens first (so the registered port is the real
// one), then registers with the controller and polls metadata; close() shuts down in order
// (controlled shutdown, stop listening, stop replication, checkpoint high watermarks, close
// logs). Single-threaded: everything runs on the process's event loop.
import type { Clock } from '../common/clock.js';
import { systemClock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { StreamctlError } from '../common/errors.js';
import { toLogConfig } from '../common/topic-config.js';
import type { BrokerProcessConfig } from '../cluster/process-configs.js';
import { KafkaConnection } from '../network/connection.js';
import { KafkaServer } from '../network/server.js';
import { ApiKey } from '../protocol/api-keys.js';
import type { MetadataResponse } from '../protocol/codec.js';
import { ErrorCode, errorName } from '../protocol/error-codes.js';
import type { LogManager } from '../storage/log-manager.js';
import type { GroupCoordinator } from '../coordinator/group-coordinator.js';
import { TransactionCoordinator } from '../coordinator/transaction-coordinator.js';
import { parseTransactionCoordinatorConfig } from '../coordinator/transaction-coordinator-config.js';
import type {
  AppendResult,
  BrokerMetadataView,
  BrokerNode,
  BrokerServices,
  InternalReadResult,
  LeadershipListener,
} from './broker-services.js';
import { ControllerChannel } from './controller-channel.js';
import type { LogProvider } from './replica-log.js';
import { MetadataCache } from './metadata-cache.js';
import { ProducerIdManager } from './producer-id-manager.js';
import { ReplicaManager } from './replica-manager.js';
import { RequestRouter } from './request-router.js';
import type { BrokerContext } from './handlers/broker-context.js';
import { BROKER_SETTINGS } from './broker-settings.js';
import { effectiveSettings, type BrokerConfigLayers } from './broker-configs.js';
import { createGroupCoordinator } from './handlers/group-handlers.js';
import { createBrokerHandlers } from './broker-handlers.js';
import { BrokerStats } from './broker-stats.js';
import type { BrokerMetricsSource } from './broker-metrics.js';
import { writeMarkersLocally } from './handlers/txn-handlers.js';
import { TxnMarkerChannel } from './txn-marker-channel.js';

export interface BrokerOptions {
  config: BrokerProcessConfig;
  logManager: LogManager;
  logger: Logger;
  clock?: Clock;
  /** Overrides the log provider (tests); defaults to the LogManager. */
  logs?: LogProvider;
  /**
   * Called once the controller was told that the log dir failed (leaders moved away); the
   * process main exits (Kafka halts a broker whose last log dir failed).
   */
  onLogDirFailed?: () => void;
}

const CONFIG_REFRESH_EVERY_POLLS = 10;

export class Broker implements BrokerServices {
  readonly brokerId: number;
  readonly host: string;
  readonly logger: Logger;
  readonly metadata: BrokerMetadataView;
  /** Metric counters, read by broker-metrics.ts when scraped. */
  readonly stats = new BrokerStats();
  readonly #config: BrokerProcessConfig;
  /** The settings in effect: static, overlaid in place with the dynamic broker configs (shared with the replica manager). */
  readonly #settings: Record<string, string>;
  readonly #staticSettings: Readonly<Record<string, string>>;
  #dynamic: { dynamicDefault: Record<string, string>; dynamicBroker: Record<string, string> } = { dynamicDefault: {}, dynamicBroker: {} };
  readonly #clock: Clock;
  readonly #self: BrokerNode;
  readonly #cache: MetadataCache;
  readonly #channel: ControllerChannel;
  readonly #replicaManager: ReplicaManager;
  readonly #logManager: LogManager;
  readonly #logs: LogProvider;
  readonly #router: RequestRouter;
  readonly #coordinator: GroupCoordinator;
  readonly #txnCoordinator: TransactionCoordinator;
  readonly #txnMarkers: TxnMarkerChannel;
  #server: KafkaServer | null = null;
  /**
   * queued.max.response.bytes (streamctl's own; Kafka sends fetched data from files with
   * zero copy and has no such bound): response bytes that clients not reading may make this
   * process hold, summed over muted connections. Fetches shrink to fit (one batch at least).
   */
  readonly #unsentResponseLimit: number;
  #hwTimer: { cancel(): void } | undefined;
  #polls = 0;
  #knownConfigTopics = new Set<string>();
  #closing: Promise<void> | null = null;

  private constructor(options: BrokerOptions) {
    const { config } = options;
    this.#config = config;
    this.#settings = { ...config.settings };
    this.#staticSettings = { ...config.settings };
    BROKER_SETTINGS.validate(this.#settings); // a bad value fails the start, naming key and value
    this.#unsentResponseLimit = BROKER_SETTINGS.number(this.#settings, 'queued.max.response.bytes');
    this.#clock = options.clock ?? systemClock;
    this.brokerId = config.brokerId;
    this.host = config.host;
    this.logger = options.logger;
    this.#logManager = options.logManager;
    this.#logs = options.logs ?? options.logManager;
    this.#self = { nodeId: config.brokerId, host: config.host, port: config.port };
    this.#cache = new MetadataCache({ clusterId: config.clusterId });
    this.#channel = new ControllerChannel({
      brokerId: config.brokerId,
      clusterId: config.clusterId,
      listener: this.#self,
      controller: config.controller,
      heartbeatIntervalMs: BROKER_SETTINGS.number(this.#settings, 'broker.heartbeat.interval.ms'),
      logger: this.logger.child({ component: 'controller-channel' }),
      clock: this.#clock,
      onMetadata: (res, stamp) => this.#onMetadata(res, stamp),
      metadataStamp: () => this.#replicaManager.nextMetadataStamp(),
    });
    this.#replicaManager = new ReplicaManager({
      brokerId: config.brokerId,
      logs: this.#logs,
      metadata: this.#cache,
      controller: this.#channel,
      settings: this.#settings,
      clock: this.#clock,
      logger: this.logger.child({ component: 'replica-manager' }),
      connect: (leader) =>
        KafkaConnection.connect({
          host: leader.host,
          port: leader.port,
          clientId: `replica-fetcher-${config.brokerId}`,
          logger: this.logger,
          connectTimeoutMs: 3000,
          requestTimeoutMs: 60_000,
        }),
      onLogDirFailure: () => void this.#giveUpAfterLogDirFailure(options.onLogDirFailed),
      stats: this.stats,
    });
    const cache = this.#cache;
    const rm = this.#replicaManager;
    this.metadata = {
      leaderFor: (topic, partition) => {
        const p = cache.partition(topic, partition);
        if (!p || p.leaderId < 0) return null;
        return cache.broker(p.leaderId) ?? null;
      },
      partitionCount: (topic) => cache.topic(topic)?.partitions.length ?? 0,
      topicId: (topic) => cache.topic(topic)?.topicId ?? null,
      isLocalLeader: (topic, partition) => rm.partition(topic, partition)?.isLeader ?? false,
      liveBrokers: () => cache.brokers(),
    };
    const ctx: BrokerContext = {
      brokerId: config.brokerId,
      self: this.#self,
      settings: this.#settings,
      logDir: config.dataDir,
      logger: this.logger,
      clock: this.#clock,
      replicaManager: rm,
      metadata: cache,
      controller: this.#channel,
      producerIds: ProducerIdManager.open({ brokerId: config.brokerId, dataDir: config.dataDir }),
      stats: this.stats,
      refreshTopicConfigs: () => this.#refreshConfigs([...this.#knownConfigTopics], true),
      brokerConfigLayers: (): BrokerConfigLayers => ({ brokerId: this.brokerId, staticSettings: this.#staticSettings, ...this.#dynamic }),
      fetchMemoryAvailable: () => this.#unsentResponseLimit - (this.#server?.unsentResponseBytes ?? 0),
    };
    this.#coordinator = createGroupCoordinator({ services: this, settings: this.#settings, logger: this.logger, clock: this.#clock });
    const groups = this.#coordinator;
    this.#txnMarkers = new TxnMarkerChannel({
      brokerId: config.brokerId,
      logger: this.logger.child({ component: 'txn-markers' }),
      brokerNode: (id) => cache.broker(id) ?? undefined,
      writeLocally: (marker, partitions) => writeMarkersLocally(ctx, groups, marker, partitions),
    });
    this.#txnCoordinator = new TransactionCoordinator({
      services: this,
      logger: this.logger,
      config: parseTransactionCoordinatorConfig(this.#settings),
      clock: this.#clock,
      nextProducerId: () => ctx.producerIds.nextProducerId(),
      writeTxnMarkers: this.#txnMarkers.write,
      offsetsPartitionFor: (groupId) => groups.partitionFor(groupId),
    });
    const txns = this.#txnCoordinator;
    const handlers = createBrokerHandlers(
      ctx,
      { services: this, settings: this.#settings, logger: this.logger, clock: this.#clock, findTransactionCoordinator: (id) => txns.findCoordinator(id) },
      this.#coordinator,
      this.#txnCoordinator,
    );
    this.#router = new RequestRouter({ handlers, logger: this.logger.child({ component: 'router' }), stats: this.stats });
  }

  /** Listens, then registers with the controller and starts replication and log tasks. */
  static async start(options: BrokerOptions): Promise<Broker> {
    const broker = new Broker(options);
    await broker.#start();
    return broker;
  }

  get port(): number {
    return this.#self.port;
  }

  /** The metadata cache (tests, the CLI's status). */
  get metadataCache(): MetadataCache {
    return this.#cache;
  }

  get replicaManager(): ReplicaManager {
    return this.#replicaManager;
  }

  /** What the /metrics endpoint reads (broker-metrics.ts). */
  get metricsSource(): BrokerMetricsSource {
    const coordinator = this.#coordinator;
    return {
      stats: this.stats,
      partitions: () => this.#replicaManager.partitions(),
      topicExists: (topic) => this.#cache.topic(topic) !== undefined,
      groups: () => coordinator.listGroups().groups.flatMap((l) => coordinator.group(l.groupId) ?? []),
      highWatermark: (topic, partition) => this.highWatermark(topic, partition),
    };
  }

  async #start(): Promise<void> {
    this.#server = await KafkaServer.listen({
      host: this.#config.host,
      port: this.#config.port,
      logger: this.logger.child({ component: 'server' }),
      handle: this.#router.handle,
      supportedVersions: this.#router.supportedVersions(),
      maxRequestBytes: BROKER_SETTINGS.number(this.#settings, 'socket.request.max.bytes'),
    });
    this.#self.port = this.#server.port;
    this.#replicaManager.start();
    this.#logManager.startBackgroundTasks();
    const hwInterval = BROKER_SETTINGS.number(this.#settings, 'replica.high.watermark.checkpoint.interval.ms');
    // Written off the event loop: a synchronous fsync here stalled every request of the
    // broker for up to hundreds of milliseconds on a busy disk. The next one is scheduled when
    // this one is done, so writes never overlap; close() writes the final one synchronously.
    const checkpoint = () => {
      this.#replicaManager
        .checkpointHighWatermarksAsync()
        .catch((error: unknown) => this.logger.error('high watermark checkpoint failed', { error }))
        .finally(() => {
          if (this.#hwTimer) this.#hwTimer = this.#clock.setTimeout(checkpoint, hwInterval);
        });
    };
    this.#hwTimer = this.#clock.setTimeout(checkpoint, hwInterval);
    this.#channel.start();
    this.logger.info('broker listening', { host: this.host, port: this.port, brokerId: this.brokerId });
  }

  /** Waits until the broker has metadata from the controller (tests, main). */
  async waitForMetadata(timeoutMs = 10_000): Promise<void> {
    const deadline = this.#clock.now() + timeoutMs;
    while (this.#cache.version === 0) {
      if (this.#clock.now() > deadline) throw new StreamctlError('TIMEOUT', 'no metadata from the controller yet');
      await this.#channel.refreshMetadata(Math.max(1, deadline - this.#clock.now()));
    }
  }

  async #onMetadata(res: MetadataResponse, requestStamp: number): Promise<void> {
    // Configs of hosted topics first (needed before their logs are created), then the cache
    // and the replica manager together, so clients never see a leader that is not yet one.
    const hosted = res.topics
      .filter((t) => t.errorCode === ErrorCode.NONE && t.partitions.some((p) => p.replicaNodes.includes(this.brokerId)))
      .flatMap((t) => (t.name === null ? [] : [t.name]));
    const fresh = hosted.filter((t) => !this.#knownConfigTopics.has(t));
    this.#polls++;
    const brokerConfigsDue = this.#polls === 1 || this.#polls % CONFIG_REFRESH_EVERY_POLLS === 0;
    if (fresh.length > 0 || brokerConfigsDue) await this.#refreshConfigs(brokerConfigsDue ? hosted : fresh, brokerConfigsDue);
    const topicIds = new Map(this.#cache.topics().map((t) => [t.name, t.topicId]));
    this.#cache.update(res);
    // Deleted (or deleted and recreated) topics: their committed offsets go, as in Kafka.
    const deleted = [...topicIds].filter(([name, id]) => this.#cache.topic(name)?.topicId !== id).map(([name]) => name);
    if (deleted.length > 0) this.#coordinator.onTopicsDeleted(deleted).catch((error: unknown) => this.logger.error('removing offsets of deleted topics failed', { error }));
    this.#knownConfigTopics = new Set(hosted.filter((t) => this.#cache.topicConfig(t) !== undefined));
    try {
      this.#replicaManager.applyMetadata(requestStamp);
    } catch (error) {
      this.logger.error('applying metadata failed', { error });
    }
  }

  /**
   * Refreshes topic overrides of `topics` and, with `brokerConfigs`, the dynamic broker
   * configs; logs whose config may have changed get it at once.
   */
  async #refreshConfigs(topics: string[], brokerConfigs = false): Promise<void> {
    let settingsChanged = false;
    if (brokerConfigs) {
      const dynamic = await this.#channel.describeBrokerConfigs();
      if (dynamic && JSON.stringify(dynamic) !== JSON.stringify(this.#dynamic)) {
        this.#dynamic = dynamic;
        const next = effectiveSettings({ staticSettings: this.#staticSettings, ...dynamic });
        for (const key of Object.keys(this.#settings)) delete this.#settings[key];
        Object.assign(this.#settings, next);
        settingsChanged = true;
        this.logger.info('dynamic broker configs applied', { default: dynamic.dynamicDefault, broker: dynamic.dynamicBroker });
      }
    }
    const configs = topics.length > 0 ? await this.#channel.describeTopicConfigs(topics) : new Map<string, Record<string, string>>();
    if (!configs) return;
    for (const [topic, cfg] of configs) this.#cache.setTopicConfig(topic, cfg);
    for (const p of this.#replicaManager.partitions()) {
      const cfg = configs.get(p.topic) ?? (settingsChanged ? this.#cache.topicConfig(p.topic) : undefined);
      if (cfg) p.log.updateConfig(toLogConfig(cfg, this.#settings));
      else if (settingsChanged) p.log.updateConfig(toLogConfig({}, this.#settings));
    }
  }

  // ------------------------------------------------------------ BrokerServices

  get services(): BrokerServices {
    return this;
  }

  async appendToInternalTopic(topic: string, partition: number, records: Buffer, acks: -1 | 1): Promise<AppendResult> {
    const r = this.#replicaManager.appendToLocalLog(topic, partition, records, acks);
    if (r.errorCode !== ErrorCode.NONE || !r.info) return { errorCode: r.errorCode, errorMessage: r.errorMessage };
    if (acks === -1) {
      const timeoutMs = BROKER_SETTINGS.number(this.#settings, 'offsets.commit.timeout.ms');
      const [code] = await this.#replicaManager.waitForIsr([{ topic, partition, requiredOffset: r.info.lastOffset + 1n }], timeoutMs);
      if (code !== ErrorCode.NONE) return { errorCode: code!, errorMessage: errorName(code!) };
    }
    return { errorCode: 0, baseOffset: r.info.firstOffset };
  }

  readInternalTopic(topic: string, partition: number, fromOffset: bigint, maxBytes: number): InternalReadResult {
    const p = this.#replicaManager.partition(topic, partition);
    if (!p) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, records: Buffer.alloc(0), highWatermark: -1n, logStartOffset: -1n };
    try {
      const records = p.readCommitted(fromOffset, maxBytes);
      return { errorCode: ErrorCode.NONE, records, highWatermark: p.highWatermark, logStartOffset: p.logStartOffset };
    } catch (error) {
      const code = (error as { kafkaErrorCode?: number }).kafkaErrorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      return { errorCode: code, records: Buffer.alloc(0), highWatermark: p.highWatermark, logStartOffset: p.logStartOffset };
    }
  }

  logEndOffset(topic: string, partition: number): bigint {
    return this.#replicaManager.partition(topic, partition)?.logEndOffset ?? -1n;
  }

  highWatermark(topic: string, partition: number): bigint {
    return this.#replicaManager.partition(topic, partition)?.highWatermark ?? -1n;
  }

  onLeadershipChange(listener: LeadershipListener): () => void {
    return this.#replicaManager.onLeadershipChange(listener);
  }

  async ensureInternalTopic(topic: string, options: { partitions: number; replicationFactor: number; configs?: Record<string, string> }): Promise<void> {
    const live = this.#cache.brokers().length;
    const replicationFactor = Math.max(1, Math.min(options.replicationFactor, live));
    const res = await this.#channel.forward(ApiKey.CreateTopics, 5, {
      topics: [
        {
          name: topic,
          numPartitions: options.partitions,
          replicationFactor,
          assignments: [],
          configs: Object.entries(options.configs ?? {}).map(([name, value]) => ({ name, value })),
        },
      ],
      timeoutMs: 30_000,
      validateOnly: false,
    });
    if (!res) throw new StreamctlError('NOT_RUNNING', 'the controller is not reachable', { retriable: true });
    const code = res.topics[0]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    if (code !== ErrorCode.NONE && code !== ErrorCode.TOPIC_ALREADY_EXISTS) {
      throw new StreamctlError('KAFKA', `creating ${topic} failed: ${errorName(code)}`, { kafkaErrorCode: code });
    }
    await this.#channel.refreshMetadata(3000);
  }

  // ------------------------------------------------------------ shutdown

  /** Controlled shutdown toward the controller (fenced: leaders move, ISRs drop us), then the owner's exit. */
  async #giveUpAfterLogDirFailure(exit: (() => void) | undefined): Promise<void> {
    try {
      await this.#channel.close({ controlledShutdown: true });
    } catch (error) {
      this.logger.error('controlled shutdown after a log dir failure failed', { error });
    }
    this.logger.error('broker stopping: its log dir failed; free space or fix the disk, then `streamctl cluster broker start`', { brokerId: this.brokerId });
    exit?.();
  }

  /** Graceful stop: controlled shutdown, stop serving, stop replication, checkpoint, close logs. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.logger.info('broker shutting down');
    await this.#channel.close({ controlledShutdown: true });
    await this.#server?.close();
    this.#hwTimer?.cancel();
    this.#hwTimer = undefined;
    this.#coordinator.close();
    this.#txnCoordinator.close();
    this.#txnMarkers.close();
    await this.#replicaManager.close();
    try {
      this.#replicaManager.checkpointHighWatermarks();
    } catch (error) {
      this.logger.error('final high watermark checkpoint failed', { error });
    }
    this.#logManager.close();
    this.logger.info('broker stopped');
  }
}
