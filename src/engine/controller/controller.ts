// The controller: owns cluster metadata (MetadataStore), tracks broker sessions, fences
// brokers whose session expired, elects leaders and answers the controller APIs. Transport
// free: `handle(apiKey, apiVersion, body)` is called by controller-main's Kafka server (or a
// test). Single-threaded: every handler and tick runs to completion on the event loop, so
// there are no concurrent writers.
import { systemClock, type Clock } from '../common/clock.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { StreamctlError } from '../common/errors.js';
import type { ApiKeyNumber, Encodable, Message, RequestOf, ResponseOf } from '../protocol/codec.js';
import { ApiKey } from '../protocol/api-keys.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { ControllerContext, Settings } from './controller-context.js';
import { CONTROLLER_SETTINGS } from './controller-settings.js';
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
import { handleAlterPartitionReassignments, handleListPartitionReassignments } from './handlers/partition-reassignments.js';

type Handler = (ctx: ControllerContext, body: Message, apiVersion: number) => Message;

interface Route {
  handler: Handler;
  minVersion: number;
  maxVersion: number;
  /** The answer when the change was made but brokers lagged (admin APIs that wait for them). */
  timedOut?: (response: Message, mark: Mark) => Message;
}

/** Turns a successful result into REQUEST_TIMED_OUT with the lagging brokers named. */
type Mark = <T extends { errorCode?: number; errorMessage?: string | null }>(result: T) => T;

/** A route whose handler is typed by its api key (the server decoded the body with that key's schema). */
function route<K extends ApiKeyNumber>(
  apiKey: K,
  handler: (ctx: ControllerContext, body: RequestOf<K>, apiVersion: number) => Encodable<ResponseOf<K>>,
  minVersion: number,
  maxVersion: number,
  timedOut?: (response: Encodable<ResponseOf<K>>, mark: Mark) => Encodable<ResponseOf<K>>,
): [number, Route] {
  // Erased to the router's untyped shape here, once: ROUTES dispatches by this same key.
  return [apiKey, { handler: handler as unknown as Handler, minVersion, maxVersion, timedOut: timedOut as Route['timedOut'] }];
}

/** API key → handler and served version range (the Kafka server builds ApiVersions from it). */
const ROUTES = new Map<number, Route>([
  route(ApiKey.Metadata, handleMetadata, 0, 12),
  route(ApiKey.CreateTopics, handleCreateTopics, 0, 7, (r, mark) => ({ ...r, topics: r.topics?.map(mark) })),
  route(ApiKey.DeleteTopics, handleDeleteTopics, 0, 6, (r, mark) => ({ ...r, responses: r.responses?.map(mark) })),
  route(ApiKey.CreatePartitions, handleCreatePartitions, 0, 3, (r, mark) => ({ ...r, results: r.results?.map(mark) })),
  route(ApiKey.DescribeConfigs, handleDescribeConfigs, 0, 4),
  route(ApiKey.AlterConfigs, handleAlterConfigs, 0, 2),
  route(ApiKey.IncrementalAlterConfigs, handleIncrementalAlterConfigs, 0, 1),
  route(ApiKey.DescribeCluster, handleDescribeCluster, 0, 1),
  route(ApiKey.AlterPartition, handleAlterPartition, 0, 3),
  route(ApiKey.ElectLeaders, handleElectLeaders, 0, 2),
  route(ApiKey.BrokerRegistration, handleBrokerRegistration, 0, 4),
  route(ApiKey.BrokerHeartbeat, handleBrokerHeartbeat, 0, 1),
  route(ApiKey.AlterPartitionReassignments, handleAlterPartitionReassignments, 0, 0, (r, mark) => ({ ...r, responses: r.responses?.map((t) => ({ ...t, partitions: t.partitions?.map(mark) })) })),
  route(ApiKey.ListPartitionReassignments, handleListPartitionReassignments, 0, 0),
]);

export interface ControllerOptions {
  store: MetadataStore;
  clusterId: string;
  settings?: Settings;
  clock?: Clock;
  logger?: Logger;
  /** Topic id generator (tests). */
  newTopicId?: () => string;
  /** Tells the live brokers to apply the current metadata; resolves with those that did not in time. */
  pushMetadata?: (timeoutMs: number) => Promise<number[]>;
}

/** Admin APIs answered only once every live broker has applied their change (Kafka's REQUEST_TIMED_OUT after the request's timeout). */
const WAIT_FOR_BROKERS = new Set<number>([ApiKey.CreateTopics, ApiKey.DeleteTopics, ApiKey.CreatePartitions, ApiKey.AlterConfigs, ApiKey.IncrementalAlterConfigs, ApiKey.ElectLeaders, ApiKey.AlterPartitionReassignments]);
const DEFAULT_PUSH_TIMEOUT_MS = 30_000;

export class Controller {
  readonly #store: MetadataStore;
  readonly #clusterId: string;
  readonly #settings: Settings;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #newTopicId: () => string;
  readonly #pushMetadata: ((timeoutMs: number) => Promise<number[]>) | undefined;
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
    this.#pushMetadata = options.pushMetadata;
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
    CONTROLLER_SETTINGS.validate(options.settings ?? {}); // a bad value fails the start, naming key and value
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

  /**
   * Answers one request. A request that changed metadata pushes it to the live brokers; the
   * admin ones answer only once every live broker has applied it (or their timeout passed).
   * Throws only for an API the controller does not serve.
   */
  handle(apiKey: number, apiVersion: number, body: Message): Message | Promise<Message> {
    const route = ROUTES.get(apiKey);
    if (!route || apiVersion < route.minVersion || apiVersion > route.maxVersion) {
      throw new StreamctlError('UNSUPPORTED', `The controller does not serve api key ${apiKey} version ${apiVersion}.`);
    }
    const before = this.#store.changeCount;
    const response = route.handler(this.#ctx, body, apiVersion);
    if (this.#store.changeCount === before || !this.#pushMetadata) return response;
    if (!WAIT_FOR_BROKERS.has(apiKey)) {
      void this.#push(DEFAULT_PUSH_TIMEOUT_MS);
      return response;
    }
    const timeoutMs = typeof body.timeoutMs === 'number' && body.timeoutMs > 0 ? body.timeoutMs : DEFAULT_PUSH_TIMEOUT_MS;
    return this.#push(timeoutMs).then((lagging) => (lagging.length === 0 || !route.timedOut ? response : route.timedOut(response, markLagging(lagging))));
  }

  #push(timeoutMs: number): Promise<number[]> {
    return this.#pushMetadata!(timeoutMs).then(
      (lagging) => {
        if (lagging.length > 0) this.#logger.warn('brokers did not apply a metadata change in time', { brokers: lagging, timeoutMs });
        return lagging;
      },
      (error: unknown) => {
        this.#logger.error('metadata push failed', { error });
        return [-1];
      },
    );
  }

  /** Fences brokers whose session expired and re-runs elections; call periodically. */
  tick(): void {
    const before = this.#store.changeCount;
    this.#fenceExpired();
    if (this.#store.changeCount !== before && this.#pushMetadata) void this.#push(DEFAULT_PUSH_TIMEOUT_MS);
  }

  #fenceExpired(): void {
    const timeoutMs = CONTROLLER_SETTINGS.number(this.#settings, 'broker.session.timeout.ms');
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
    const rebalance = CONTROLLER_SETTINGS.bool(this.#settings, 'auto.leader.rebalance.enable');
    const uncleanDefault = CONTROLLER_SETTINGS.bool(this.#settings, 'unclean.leader.election.enable');
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

/** Kafka's answer when the change was made but not every live broker applied it in time. */
function markLagging(lagging: number[]): Mark {
  const errorMessage = `Brokers ${lagging.join(', ')} did not apply the change before the request timed out`;
  return (r) => (r.errorCode === undefined || r.errorCode === ErrorCode.NONE ? { ...r, errorCode: ErrorCode.REQUEST_TIMED_OUT, errorMessage } : r);
}
