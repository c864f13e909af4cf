// The controller: owns cluster metadata (MetadataStore), tracks broker sessions, fences
// brokers whose session expired, elects leaders and answers the controller APIs. Transport
// free: `handle(apiKey, apiVersion, body)` is called by controller-main's Kafka server (or a
// test). Single-threaded: every handler and tick runs to completion on the event loop, so
// there are no concurrent writers.
import { systemClock, type Clock } from '../common/clock.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { StreamctlError } from '../common/errors.js';
import type { Message } from '../protocol/codec.js';
import { ApiKey } from '../protocol/api-keys.js';
import { settingBool, settingInt, type ControllerContext, type Settings } from './controller-context.js';
import { electLeader } from './election.js';
import { checkNoUnknownData } from './unknown-data-guard.js';
import { MetadataStore, randomTopicId } from './metadata-store.js';
import { handleAlterConfigs, handleIncrementalAlterConfigs } from './handlers/alter-configs.js';
import { handleAlterPartition } from './handlers/alter-partition.js';
import { handleBrokerHeartbeat } from './handlers/broker-heartbeat.js';
import { handleBrokerRegistration } from './handlers/broker-registration.js';
import { handleCreatePartitions } from './handlers/create-partitions.js';
import { handleCreateTopics } from './handlers/create-topics.js';
import { handleDeleteTopics } from './handlers/delete-topics.js';
import { handleDescribeCluster } from './handlers/describe-cluster.js';
import { handleDescribeConfigs } from './handlers/describe-configs.js';
import { handleElectLeaders } from './handlers/elect-leaders.js';
import { handleMetadata } from './handlers/metadata.js';

type Handler = (ctx: ControllerContext, body: Message, apiVersion: number) => Message;

interface Route {
  handler: Handler;
  minVersion: number;
  maxVersion: number;
}

/** API key → handler and served version range (the Kafka server builds ApiVersions from it). */
const ROUTES = new Map<number, Route>([
  [ApiKey.Metadata, { handler: handleMetadata, minVersion: 0, maxVersion: 12 }],
  [ApiKey.CreateTopics, { handler: handleCreateTopics, minVersion: 0, maxVersion: 7 }],
  [ApiKey.DeleteTopics, { handler: handleDeleteTopics, minVersion: 0, maxVersion: 6 }],
  [ApiKey.CreatePartitions, { handler: handleCreatePartitions, minVersion: 0, maxVersion: 3 }],
  [ApiKey.DescribeConfigs, { handler: handleDescribeConfigs, minVersion: 0, maxVersion: 4 }],
  [ApiKey.AlterConfigs, { handler: handleAlterConfigs, minVersion: 0, maxVersion: 2 }],
  [ApiKey.IncrementalAlterConfigs, { handler: handleIncrementalAlterConfigs, minVersion: 0, maxVersion: 1 }],
  [ApiKey.DescribeCluster, { handler: handleDescribeCluster, minVersion: 0, maxVersion: 1 }],
  [ApiKey.AlterPartition, { handler: handleAlterPartition, minVersion: 0, maxVersion: 3 }],
  [ApiKey.ElectLeaders, { handler: handleElectLeaders, minVersion: 0, maxVersion: 2 }],
  [ApiKey.BrokerRegistration, { handler: handleBrokerRegistration, minVersion: 0, maxVersion: 4 }],
  [ApiKey.BrokerHeartbeat, { handler: handleBrokerHeartbeat, minVersion: 0, maxVersion: 1 }],
]);

export interface ControllerOptions {
  store: MetadataStore;
  clusterId: string;
  settings?: Settings;
  clock?: Clock;
  logger?: Logger;
  /** Topic id generator (tests). */
  newTopicId?: () => string;
}

export class Controller {
  readonly #store: MetadataStore;
  readonly #clusterId: string;
  readonly #settings: Settings;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #newTopicId: () => string;
  /** broker id → monotonic time of its last heartbeat (in memory: a restarted controller grants a fresh session). */
  readonly #lastHeartbeat = new Map<number, number>();
  readonly #ctx: ControllerContext;
  #timer: { cancel(): void } | undefined;
  #closed = false;

  constructor(options: ControllerOptions) {
    this.#store = options.store;
    this.#clusterId = options.clusterId;
    this.#settings = options.settings ?? {};
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#newTopicId = options.newTopicId ?? (() => randomTopicId());
    const stored = this.#store.getMeta('cluster_id');
    if (stored === undefined) this.#store.setMeta('cluster_id', this.#clusterId);
    else if (stored !== this.#clusterId) {
      throw new StreamctlError('STORAGE', `Controller metadata belongs to cluster ${stored}, not ${this.#clusterId}.`);
    }
    // Brokers that were live when the previous controller stopped get a full session to
    // heartbeat again before being fenced.
    const now = this.#clock.monotonic();
    for (const b of this.#store.listBrokers()) if (!b.fenced) this.#lastHeartbeat.set(b.brokerId, now);
    this.#ctx = this.#makeContext();
  }

  /** Opens the SQLite store at `<dataDir>/metadata.db` and builds a controller on it. */
  static open(options: Omit<ControllerOptions, 'store'> & { dataDir: string; brokerDataDirs?: readonly string[]; force?: boolean }): Controller {
    const path = `${options.dataDir}/metadata.db`;
    const store = MetadataStore.open({ path });
    try {
      checkNoUnknownData({ storeIsNew: store.getMeta('cluster_id') === undefined, storePath: path, brokerDataDirs: options.brokerDataDirs ?? [], force: options.force ?? false });
    } catch (error) {
      store.close();
      throw error;
    }
    return new Controller({ ...options, store });
  }

  get store(): MetadataStore {
    return this.#store;
  }

  /** Versions served per API key, for the server's ApiVersions answer. */
  supportedVersions(): Map<number, readonly [number, number]> {
    const map = new Map<number, readonly [number, number]>();
    for (const [key, route] of ROUTES) map.set(key, [route.minVersion, route.maxVersion]);
    return map;
  }

  /** Answers one request. Throws only for an API the controller does not serve. */
  handle(apiKey: number, apiVersion: number, body: Message): Message {
    const route = ROUTES.get(apiKey);
    if (!route || apiVersion < route.minVersion || apiVersion > route.maxVersion) {
      throw new StreamctlError('UNSUPPORTED', `The controller does not serve api key ${apiKey} version ${apiVersion}.`);
    }
    return route.handler(this.#ctx, body, apiVersion);
  }

  /** Fences brokers whose session expired and re-runs elections; call periodically. */
  tick(): void {
    const timeoutMs = settingInt(this.#settings, 'broker.session.timeout.ms', 9000);
    const now = this.#clock.monotonic();
    for (const b of this.#store.listBrokers()) {
      if (b.fenced) continue;
      const last = this.#lastHeartbeat.get(b.brokerId) ?? now;
      if (!this.#lastHeartbeat.has(b.brokerId)) this.#lastHeartbeat.set(b.brokerId, now);
      if (now - last > timeoutMs) this.#setFenced(b.brokerId, true, `session timed out after ${timeoutMs} ms`);
    }
  }

  /** Runs tick() every `intervalMs` until close(). */
  startTicking(intervalMs = 250): void {
    const loop = () => {
      if (this.#closed) return;
      try {
        this.tick();
      } catch (error) {
        this.#logger.error('controller tick failed', { error });
      }
      this.#timer = this.#clock.setTimeout(loop, intervalMs);
    };
    this.#timer = this.#clock.setTimeout(loop, intervalMs);
  }

  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
    this.#store.close();
  }

  #liveBrokerIds(): Set<number> {
    return new Set(this.#store.listBrokers().filter((b) => !b.fenced).map((b) => b.brokerId));
  }

  #setFenced(brokerId: number, fenced: boolean, reason: string): void {
    const broker = this.#store.getBroker(brokerId);
    if (!broker) return;
    if (broker.fenced !== fenced) {
      this.#store.setBrokerFenced(brokerId, fenced);
      this.#logger.info(fenced ? 'broker fenced' : 'broker unfenced', { brokerId, reason });
    }
    this.#electLeaders(`broker ${brokerId} ${fenced ? 'fenced' : 'unfenced'}: ${reason}`);
  }

  #electLeaders(reason: string): void {
    const live = this.#liveBrokerIds();
    const rebalance = settingBool(this.#settings, 'auto.leader.rebalance.enable', true);
    const uncleanDefault = settingBool(this.#settings, 'unclean.leader.election.enable', false);
    const changes: Parameters<MetadataStore['updatePartitions']>[0] = [];
    for (const topic of this.#store.listTopics()) {
      let unclean = uncleanDefault;
      const override = this.#store.getTopicConfigs(topic.name)['unclean.leader.election.enable'];
      if (override !== undefined) unclean = override === 'true';
      for (const p of topic.partitions) {
        const result = electLeader(p, { liveBrokerIds: live, uncleanLeaderElection: unclean, preferredLeaderRebalance: rebalance });
        if (result.reason === 'unchanged') continue;
        changes.push({ topicName: topic.name, partitionIndex: p.partitionIndex, state: result.state });
        this.#logger.info('partition leadership changed', {
          topic: topic.name,
          partition: p.partitionIndex,
          why: result.reason,
          leader: result.state.leader,
          leaderEpoch: result.state.leaderEpoch,
          isr: result.state.isr,
          trigger: reason,
        });
      }
    }
    this.#store.updatePartitions(changes);
  }

  #makeContext(): ControllerContext {
    return {
      store: this.#store,
      clusterId: this.#clusterId,
      settings: this.#settings,
      clock: this.#clock,
      logger: this.#logger,
      liveBrokerIds: () => this.#liveBrokerIds(),
      controllerNodeId: () => {
        const live = [...this.#liveBrokerIds()];
        return live.length === 0 ? -1 : Math.min(...live);
      },
      touchBroker: (brokerId) => void this.#lastHeartbeat.set(brokerId, this.#clock.monotonic()),
      setBrokerFenced: (brokerId, fenced, reason) => this.#setFenced(brokerId, fenced, reason),
      electLeaders: (reason) => this.#electLeaders(reason),
      newTopicId: () => {
        for (;;) {
          const id = this.#newTopicId();
          if (!this.#store.getTopicById(id)) return id;
        }
      },
    };
  }
}
