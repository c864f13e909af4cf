// The broker's link to the controller, over the Kafka protocol: BrokerRegistration on
// (re)connect, BrokerHeartbeat every `broker.heartbeat.interval.ms` followed by a Metadata
// poll (all topics; the heartbeat reports how many snapshots were applied since registering,
// and the controller unfences the broker only once that is 1 or more) and, when the hosted
// topic set changes, DescribeConfigs; admin requests forwarded as they came (re-encoded at a
// version the controller serves); AlterPartition for ISR changes. Reconnects with backoff when the controller is down; the broker keeps serving
// from its cached metadata meanwhile. Single-threaded: one async loop owns the connection;
// forwarded requests share it (the connection pipelines).
import { randomBytes } from 'node:crypto';
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { ApiKey } from '../protocol/api-keys.js';
import type { AlterPartitionRequestTopicData, AlterPartitionResponse, ApiKeyNumber, Encodable, MetadataResponse, RequestOf, ResponseOf } from '../protocol/codec.js';
import { ErrorCode, errorName } from '../protocol/error-codes.js';
import { KafkaConnection } from '../network/connection.js';

export interface ControllerChannelOptions {
  brokerId: number;
  clusterId: string;
  listener: { host: string; port: number };
  controller: { host: string; port: number };
  heartbeatIntervalMs: number;
  logger: Logger;
  clock: Clock;
  /** Called with every controller Metadata response (all topics) and the stamp read before requesting it. */
  onMetadata: (response: MetadataResponse, requestStamp: number) => void | Promise<void>;
  /** Read just before each Metadata request (the replica manager's ISR stamp). */
  metadataStamp?: () => number;
}

const METADATA_VERSION = 12;
const FIRST_BACKOFF_MS = 20;
const MAX_BACKOFF_MS = 2000;

export class ControllerChannel {
  readonly #options: ControllerChannelOptions;
  readonly #incarnationId = randomBytes(16).toString('base64url');
  #connection: KafkaConnection | null = null;
  /**
   * Forwarded admin requests go on a connection of their own: the controller answers them only
   * after this broker has polled the change, and responses come in request order per
   * connection, so a poll queued behind a forwarded request would never be answered in time.
   */
  #forwardConnection: Promise<KafkaConnection> | null = null;
  #versions = new Map<number, readonly [number, number]>();
  #brokerEpoch = -1n;
  #closed = false;
  #wake: (() => void) | null = null;
  #pollWaiters: Array<() => void> = [];
  #loopDone: Promise<void> | null = null;
  #connectedOnce = false;
  /** Controller Metadata snapshots applied since the current registration (our currentMetadataOffset). */
  #metadataApplied = 0n;
  #fenced = true;

  constructor(options: ControllerChannelOptions) {
    this.#options = options;
  }

  get brokerEpoch(): bigint {
    return this.#brokerEpoch;
  }

  get connected(): boolean {
    return this.#connection !== null && !this.#connection.closed && this.#brokerEpoch >= 0n;
  }

  start(): void {
    this.#loopDone = this.#loop();
  }

  /**
   * Polls metadata as soon as possible; resolves true after a successful poll that started
   * after this call (so it saw every change made before it), false after timeoutMs.
   */
  refreshMetadata(timeoutMs = 5000): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.#options.clock.setTimeout(() => resolve(false), timeoutMs);
      this.#pollWaiters.push(() => {
        timer.cancel();
        resolve(true);
      });
      this.#wake?.();
    });
  }

  /**
   * Sends an admin request to the controller at `version` or the highest version both serve.
   * Returns null when the controller is unreachable or does not serve the API.
   */
  async forward<K extends ApiKeyNumber>(apiKey: K, version: number, body: Encodable<RequestOf<K>>): Promise<ResponseOf<K> | null> {
    if (!this.#connection || this.#connection.closed) return null;
    const range = this.#versions.get(apiKey);
    if (!range) return null;
    const v = Math.max(range[0], Math.min(version, range[1]));
    try {
      const conn = await this.#forwarder();
      // The controller answers admin requests once the brokers applied them, within the request's timeout.
      const requestTimeoutMs = requestTimeoutOf(body);
      return await conn.send(apiKey, v, body, { timeoutMs: Math.max(30_000, requestTimeoutMs + 5_000) });
    } catch (error) {
      this.#options.logger.warn('forwarding to the controller failed', { apiKey, error: (error as Error).message });
      void this.#forwardConnection?.then((c) => c.close(), () => undefined);
      this.#forwardConnection = null;
      return null;
    }
  }

  #forwarder(): Promise<KafkaConnection> {
    const kept = this.#forwardConnection;
    if (kept) {
      return kept.then((c) => {
        if (!c.closed) return c;
        if (this.#forwardConnection === kept) this.#forwardConnection = null;
        return this.#forwarder();
      });
    }
    const { controller, brokerId, logger } = this.#options;
    const conn = KafkaConnection.connect({ host: controller.host, port: controller.port, clientId: `broker-${brokerId}-admin`, logger, connectTimeoutMs: 2000, requestTimeoutMs: 30_000 });
    this.#forwardConnection = conn;
    conn.catch(() => {
      if (this.#forwardConnection === conn) this.#forwardConnection = null;
    });
    return conn;
  }

  /** Version the controller would use for `apiKey` given the client's `version` (-1 if not served). */
  forwardVersion(apiKey: number, version: number): number {
    const range = this.#versions.get(apiKey);
    if (!range) return -1;
    return Math.max(range[0], Math.min(version, range[1]));
  }

  /** Sends AlterPartition (topic ids, v2) and returns the response, or null on failure. */
  async alterPartition(topics: ReadonlyArray<Encodable<AlterPartitionRequestTopicData>>): Promise<AlterPartitionResponse | null> {
    const conn = this.#connection;
    if (!conn || conn.closed || this.#brokerEpoch < 0n) return null;
    try {
      return await conn.send(ApiKey.AlterPartition, 2, { brokerId: this.#options.brokerId, brokerEpoch: this.#brokerEpoch, topics }, { timeoutMs: 10_000 });
    } catch (error) {
      this.#options.logger.warn('AlterPartition failed', { error: (error as Error).message });
      return null;
    }
  }

  /** DescribeConfigs for topics; returns topic → config name → value, or null on failure. */
  async describeTopicConfigs(topics: string[]): Promise<Map<string, Record<string, string>> | null> {
    const conn = this.#connection;
    if (!conn || conn.closed || topics.length === 0) return topics.length === 0 ? new Map() : null;
    try {
      const res = await conn.send(ApiKey.DescribeConfigs, 1, {
        resources: topics.map((name) => ({ resourceType: 2, resourceName: name, configurationKeys: null })),
        includeSynonyms: false,
      });
      const out = new Map<string, Record<string, string>>();
      for (const r of res.results) {
        if (r.errorCode !== ErrorCode.NONE) continue;
        const cfg: Record<string, string> = {};
        // Only overrides: broker-level defaults come from this broker's own settings.
        for (const c of r.configs) if (c.value !== null && c.configSource === 1) cfg[c.name] = c.value;
        out.set(r.resourceName, cfg);
      }
      return out;
    } catch (error) {
      this.#options.logger.warn('DescribeConfigs failed', { error: (error as Error).message });
      return null;
    }
  }

  /** The dynamic broker configs stored for this broker and for the cluster-wide default, or null on failure. */
  async describeBrokerConfigs(): Promise<{ dynamicDefault: Record<string, string>; dynamicBroker: Record<string, string> } | null> {
    const conn = this.#connection;
    if (!conn || conn.closed) return null;
    try {
      const names = ['', String(this.#options.brokerId)];
      const res = await conn.send(ApiKey.DescribeConfigs, 1, {
        resources: names.map((resourceName) => ({ resourceType: 4, resourceName, configurationKeys: null })),
        includeSynonyms: false,
      });
      const [dynamicDefault, dynamicBroker] = names.map((name) => {
        const r = res.results.find((x) => x.resourceName === name);
        if (!r || r.errorCode !== ErrorCode.NONE) throw new Error(`DescribeConfigs for broker '${name}' failed: ${r ? errorName(r.errorCode) : 'no result'}`);
        return Object.fromEntries(r.configs.flatMap((c) => (c.value === null ? [] : [[c.name, c.value]])));
      });
      return { dynamicDefault: dynamicDefault!, dynamicBroker: dynamicBroker! };
    } catch (error) {
      this.#options.logger.warn('DescribeConfigs for dynamic broker configs failed', { error: (error as Error).message });
      return null;
    }
  }

  /** Stops the loop; with `controlledShutdown`, tells the controller first (leaders move away). */
  async close(options: { controlledShutdown?: boolean } = {}): Promise<void> {
    this.#closed = true;
    const conn = this.#connection;
    if (options.controlledShutdown && conn && !conn.closed && this.#brokerEpoch >= 0n) {
      try {
        await conn.send(
          ApiKey.BrokerHeartbeat,
          0,
          { brokerId: this.#options.brokerId, brokerEpoch: this.#brokerEpoch, currentMetadataOffset: 0n, wantFence: false, wantShutDown: true },
          { timeoutMs: 2000 },
        );
      } catch {
        // best effort
      }
    }
    this.#wake?.();
    conn?.close();
    this.#connection = null;
    void this.#forwardConnection?.then((c) => c.close(), () => undefined);
    this.#forwardConnection = null;
    await this.#loopDone;
  }

  async #loop(): Promise<void> {
    const log = this.#options.logger;
    // Short first retries: at cluster start the controller comes up beside the brokers.
    let backoffMs = FIRST_BACKOFF_MS;
    while (!this.#closed) {
      try {
        if (!this.#connection || this.#connection.closed) {
          await this.#connect();
          backoffMs = FIRST_BACKOFF_MS;
        }
        await this.#heartbeat();
        await this.#pollMetadata();
        if (this.#fenced) {
          // Just registered: now caught up, so ask again at once (and read the leadership
          // that unfencing may have given us) instead of waiting for the next interval.
          await this.#heartbeat();
          if (!this.#fenced) await this.#pollMetadata();
        }
        await this.#sleep(this.#options.heartbeatIntervalMs);
      } catch (error) {
        if (this.#closed) break;
        const first = this.#connection !== null;
        this.#connection?.close();
        this.#connection = null;
        // Not yet reachable while the cluster starts is normal; say so once it lasts.
        if (first || (!this.#connectedOnce && backoffMs >= 400)) log.warn('controller unreachable, retrying', { error: (error as Error).message, backoffMs });
        await this.#sleep(backoffMs);
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
      }
    }
  }

  async #connect(): Promise<void> {
    const { controller, brokerId, clusterId, listener, logger } = this.#options;
    const conn = await KafkaConnection.connect({ host: controller.host, port: controller.port, clientId: `broker-${brokerId}`, logger, connectTimeoutMs: 2000, requestTimeoutMs: 10_000 });
    try {
      const versions = await conn.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'streamctl-broker', clientSoftwareVersion: '0.1.0' });
      const map = new Map<number, readonly [number, number]>();
      for (const k of versions.apiKeys) map.set(k.apiKey, [k.minVersion, k.maxVersion]);
      this.#versions = map;
      const reg = await conn.send(ApiKey.BrokerRegistration, 0, {
        brokerId,
        clusterId,
        incarnationId: this.#incarnationId,
        listeners: [{ name: 'PLAINTEXT', host: listener.host, port: listener.port, securityProtocol: 0 }],
        features: [],
        rack: null,
      });
      if (reg.errorCode !== ErrorCode.NONE) throw new Error(`BrokerRegistration failed: ${errorName(reg.errorCode)}`);
      this.#brokerEpoch = reg.brokerEpoch;
      this.#metadataApplied = 0n;
      this.#fenced = true;
      this.#connection = conn;
      this.#connectedOnce = true;
      logger.info('registered with the controller', { brokerEpoch: this.#brokerEpoch, controller: `${controller.host}:${controller.port}` });
    } catch (error) {
      conn.close();
      throw error;
    }
  }

  async #heartbeat(): Promise<void> {
    const conn = this.#connection!;
    const res = await conn.send(ApiKey.BrokerHeartbeat, 0, {
      brokerId: this.#options.brokerId,
      brokerEpoch: this.#brokerEpoch,
      currentMetadataOffset: this.#metadataApplied,
      wantFence: false,
      wantShutDown: false,
    });
    if (res.errorCode === ErrorCode.NONE) this.#fenced = res.isFenced;
    if (res.errorCode === ErrorCode.STALE_BROKER_EPOCH || res.errorCode === ErrorCode.BROKER_ID_NOT_REGISTERED) {
      this.#brokerEpoch = -1n;
      throw new Error(`heartbeat rejected: ${errorName(res.errorCode)}; registering again`);
    }
  }

  async #pollMetadata(): Promise<void> {
    const conn = this.#connection!;
    const stamp = this.#options.metadataStamp?.() ?? 0;
    // Only waiters that asked before this poll was sent are answered by it; later ones wait
    // for the next poll (this one may have read the metadata before their change).
    const waiters = this.#pollWaiters;
    this.#pollWaiters = [];
    try {
      const res = await conn.send(ApiKey.Metadata, METADATA_VERSION, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      await this.#options.onMetadata(res, stamp);
    } catch (error) {
      this.#pollWaiters.unshift(...waiters);
      throw error;
    }
    this.#metadataApplied++;
    for (const w of waiters) w();
  }

  #sleep(ms: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#pollWaiters.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.#options.clock.setTimeout(() => {
        this.#wake = null;
        resolve();
      }, ms);
      this.#wake = () => {
        timer.cancel();
        this.#wake = null;
        resolve();
      };
    });
  }
}

/** The request's own timeout (admin requests carry `timeoutMs`), 0 when it has none. */
function requestTimeoutOf(body: unknown): number {
  const timeoutMs: unknown = typeof body === 'object' && body !== null ? Reflect.get(body, 'timeoutMs') : undefined;
  return typeof timeoutMs === 'number' && timeoutMs > 0 ? timeoutMs : 0;
}
