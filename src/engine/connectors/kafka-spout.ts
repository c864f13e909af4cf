// KafkaSpout: a Storm spout reading a Kafka topic as a member of a consumer group
// (@platformatic/kafka). Each record becomes one tuple whose message id is
// `{topic, partition, offset}`; offsets are committed only when every tuple below them was
// acked (OffsetTracker, contiguous per partition) and failed tuples are replayed from an
// in-memory copy after storm-kafka-client's exponential backoff (KafkaSpoutRetry:
// kafka.spout.retry.* conf keys), giving up after max retries. Consumption pauses while too many tuples are buffered or outstanding, so
// memory stays bounded. All callbacks of one task run one at a time on the worker's event
// loop; the consumer stream feeds a local buffer that nextTuple drains.
import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka';
import type { SpoutOutputCollector } from '../topology/collectors.js';
import type { OutputFieldsDeclarer } from '../topology/output-fields-declarer.js';
import { BaseRichSpout } from '../topology/spout.js';
import type { TopologyContext } from '../topology/topology-context.js';
import { KafkaSpoutRetry, retrySettings, type KafkaSpoutRetrySettings } from './kafka-spout-retry.js';
import { OffsetTracker } from './offset-tracker.js';

/** Storm's FirstPollOffsetStrategy. */
export type FirstPollOffsetStrategy = 'EARLIEST' | 'LATEST' | 'UNCOMMITTED_EARLIEST' | 'UNCOMMITTED_LATEST';

/** The message id of a Kafka spout tuple. */
export interface KafkaMessageId {
  topic: string;
  partition: number;
  offset: bigint;
}

/** A consumed record as the translator sees it (key and value as Buffers, or null). */
export interface KafkaSpoutRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: Map<Buffer, Buffer>;
}

export interface KafkaSpoutOptions {
  topic: string | string[];
  /** Comma-separated host:port list; default: conf `kafka.bootstrap.servers`, else 127.0.0.1:9092. */
  bootstrapServers?: string;
  /** Default: `streamctl-<topology name>-<component id>`. */
  groupId?: string;
  /** Where to start when the group has no committed offset (default UNCOMMITTED_EARLIEST, as Storm). */
  firstPollOffsetStrategy?: FirstPollOffsetStrategy;
  /** Output fields (default Storm's: topic, partition, offset, key, value). */
  outputFields?: string[];
  /** Record → tuple values in `outputFields` order; null/undefined skips the record (acked at once). */
  translator?: (record: KafkaSpoutRecord) => unknown[] | null | undefined;
  /** How often acked offsets are committed (default 1000 ms). */
  commitIntervalMs?: number;
  /** Consumption pauses while this many tuples are buffered or outstanding (default 10000). */
  maxUncommittedOffsets?: number;
  /**
   * Replay backoff (storm-kafka-client's KafkaSpoutRetryExponentialBackoff); each setting
   * defaults to the topology conf's kafka.spout.retry.initial.delay.ms (0),
   * .delay.period.ms (2), .max.retries (unlimited) and .max.delay.ms (10000).
   */
  retry?: Partial<KafkaSpoutRetrySettings>;
  /** Give up replaying a tuple after this many failures (then it is acked and skipped); same as retry.maxRetries. */
  maxRetries?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
}

/** What the spout needs from a Kafka consumer (the seam tests replace). */
export interface KafkaSpoutConnection {
  /** Delivers consumed records; paused/resumed for flow control. */
  stream: {
    on(event: 'data', listener: (m: Message<Buffer, Buffer, Buffer, Buffer>) => void): unknown;
    on(event: 'error', listener: (error: Error) => void): unknown;
    pause(): unknown;
    resume(): unknown;
    close(): Promise<void>;
  };
  commit(offsets: Array<{ topic: string; partition: number; offset: bigint }>): Promise<void>;
  close(): Promise<void>;
}

export interface KafkaSpoutConnectOptions {
  bootstrapServers: string[];
  groupId: string;
  clientId: string;
  topics: string[];
  mode: 'earliest' | 'latest' | 'committed';
  fallbackMode: 'earliest' | 'latest';
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Called with this member's partitions after every group join. */
  onAssignment: (assignments: Array<{ topic: string; partitions: number[] }>) => void;
}

const DEFAULT_FIELDS = ['topic', 'partition', 'offset', 'key', 'value'];

function checkSpoutOptions(o: KafkaSpoutOptions): void {
  const ok = typeof o?.topic === 'string' ? o.topic.length > 0 : Array.isArray(o?.topic) && o.topic.length > 0 && o.topic.every((t) => typeof t === 'string' && t.length > 0);
  if (!ok) throw new TypeError('KafkaSpout needs options.topic (a topic name or a non-empty list of them)');
}

function defaultTranslator(r: KafkaSpoutRecord): unknown[] {
  return [r.topic, r.partition, r.offset.toString(), r.key?.toString('utf8') ?? null, r.value?.toString('utf8') ?? null];
}

export class KafkaSpout extends BaseRichSpout {
  readonly options: KafkaSpoutOptions;
  #collector: SpoutOutputCollector | undefined;
  #connection: KafkaSpoutConnection | undefined;
  #stream: KafkaSpoutConnection['stream'] | undefined;
  #tracker = new OffsetTracker();
  #buffer: KafkaSpoutRecord[] = [];
  #retry = new KafkaSpoutRetry<KafkaSpoutRecord>(retrySettings({}, {}));
  /** Outstanding records by `topic:partition:offset`, for replay. */
  #inFlight = new Map<string, KafkaSpoutRecord>();
  #paused = false;
  #active = true;
  #lastCommitMs = 0;
  #committing = false;
  #closed = false;

  // A rest parameter keeps constructor.length at 0, so the topology API can copy an
  // instance per task with `new KafkaSpout()` plus its own properties (#private fields kept).
  constructor(...args: [options?: KafkaSpoutOptions]) {
    super();
    const options = args[0];
    if (options !== undefined) checkSpoutOptions(options);
    this.options = { ...(options as KafkaSpoutOptions) };
  }

  override async open(conf: Readonly<Record<string, unknown>>, context: TopologyContext, collector: SpoutOutputCollector): Promise<void> {
    this.#collector = collector;
    const o = this.options;
    checkSpoutOptions(o);
    const servers = (o.bootstrapServers ?? (conf['kafka.bootstrap.servers'] as string | undefined) ?? '127.0.0.1:9092').split(',').map((s) => s.trim()).filter(Boolean);
    const groupId = o.groupId ?? `streamctl-${String(conf['topology.name'] ?? context.getStormId())}-${context.getThisComponentId()}`;
    const strategy = o.firstPollOffsetStrategy ?? 'UNCOMMITTED_EARLIEST';
    this.#retry = new KafkaSpoutRetry(retrySettings({ ...(o.maxRetries !== undefined ? { maxRetries: o.maxRetries } : {}), ...o.retry }, conf));
    this.#connection = await this.connect({
      bootstrapServers: servers,
      groupId,
      clientId: `${groupId}-task-${context.getThisTaskId()}`,
      topics: Array.isArray(o.topic) ? o.topic : [o.topic],
      mode: strategy === 'EARLIEST' ? 'earliest' : strategy === 'LATEST' ? 'latest' : 'committed',
      fallbackMode: strategy === 'UNCOMMITTED_LATEST' || strategy === 'LATEST' ? 'latest' : 'earliest',
      sessionTimeoutMs: o.sessionTimeoutMs ?? 10_000,
      heartbeatIntervalMs: o.heartbeatIntervalMs ?? 1_000,
      onAssignment: (assignments) => this.#onAssignment(assignments),
    });
    this.#stream = this.#connection.stream;
    this.#stream.on('data', (m: Message<Buffer, Buffer, Buffer, Buffer>) => this.#onMessage(m));
    this.#stream.on('error', (error: Error) => this.#collector?.reportError(error));
  }

  /** Joins the consumer group and starts consuming (@platformatic/kafka). Tests override it. */
  protected async connect(c: KafkaSpoutConnectOptions): Promise<KafkaSpoutConnection> {
    const consumer = new Consumer({
      clientId: c.clientId,
      groupId: c.groupId,
      bootstrapBrokers: c.bootstrapServers,
      sessionTimeout: c.sessionTimeoutMs,
      heartbeatInterval: c.heartbeatIntervalMs,
    });
    consumer.on('consumer:group:join', (payload: { assignments?: Array<{ topic: string; partitions: number[] }> }) => c.onAssignment(payload.assignments ?? []));
    const stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> = await consumer.consume({
      topics: c.topics,
      mode: c.mode,
      fallbackMode: c.fallbackMode,
      autocommit: false,
    });
    return {
      stream,
      commit: (offsets) => consumer.commit({ offsets: offsets.map((x) => ({ ...x, leaderEpoch: -1 })) }),
      close: () => consumer.close(),
    };
  }

  #onMessage(m: Message<Buffer, Buffer, Buffer, Buffer>): void {
    this.#buffer.push({
      topic: m.topic,
      partition: m.partition,
      offset: m.offset,
      timestamp: m.timestamp,
      key: m.key ?? null,
      value: m.value ?? null,
      headers: m.headers,
    });
    this.#flowControl();
  }

  /** Drops state of partitions this task no longer owns (their offsets are another member's now). */
  #onAssignment(assignments: Array<{ topic: string; partitions: number[] }>): void {
    const owned = new Set(assignments.flatMap((a) => a.partitions.map((p) => `${a.topic}:${p}`)));
    for (const { topic, partition } of this.#tracker.partitions()) {
      if (!owned.has(`${topic}:${partition}`)) this.#tracker.revoke(topic, partition);
    }
    const keep = (r: KafkaSpoutRecord) => owned.has(`${r.topic}:${r.partition}`);
    this.#buffer = this.#buffer.filter(keep);
    for (const [k, v] of this.#inFlight) {
      if (keep(v)) continue;
      this.#inFlight.delete(k);
      this.#retry.remove(k);
    }
  }

  #flowControl(): void {
    const limit = this.options.maxUncommittedOffsets ?? 10_000;
    const load = this.#buffer.length + this.#tracker.outstandingCount;
    if (!this.#paused && (load >= limit || !this.#active)) {
      this.#paused = true;
      this.#stream?.pause();
    } else if (this.#paused && this.#active && load < limit / 2) {
      this.#paused = false;
      this.#stream?.resume();
    }
  }

  nextTuple(): void {
    void this.#maybeCommit(); // errors are reported inside
    const record = (this.#retry.size > 0 ? this.#retry.takeReady(this.now()) : undefined) ?? this.#buffer.shift();
    if (!record) return;
    const id: KafkaMessageId = { topic: record.topic, partition: record.partition, offset: record.offset };
    if (!this.#tracker.emitted(record.topic, record.partition, record.offset)) return; // already past it
    const values = (this.options.translator ?? defaultTranslator)(record);
    const k = `${record.topic}:${record.partition}:${record.offset}`;
    if (values === null || values === undefined) {
      this.#tracker.acked(record.topic, record.partition, record.offset);
      this.#inFlight.delete(k);
      this.#retry.remove(k);
      return;
    }
    if (!this.#inFlight.has(k)) this.#inFlight.set(k, record);
    this.#collector!.emit(values, id);
    this.#flowControl();
  }

  override ack(messageId: unknown): void {
    const id = messageId as KafkaMessageId;
    const k = `${id.topic}:${id.partition}:${id.offset}`;
    this.#tracker.acked(id.topic, id.partition, id.offset);
    this.#inFlight.delete(k);
    this.#retry.remove(k);
    this.#flowControl();
  }

  /** Clock of the retry schedule (tests override it). */
  protected now(): number {
    return Date.now();
  }

  override fail(messageId: unknown): void {
    const id = messageId as KafkaMessageId;
    const k = `${id.topic}:${id.partition}:${id.offset}`;
    const record = this.#inFlight.get(k);
    if (!record || !this.#tracker.isOutstanding(id.topic, id.partition, id.offset)) return;
    if (this.#retry.schedule(k, record, this.now()) === false) {
      const max = this.#retry.settings.maxRetries;
      this.#collector?.reportError(new Error(`Kafka record ${k} failed ${max + 1} times; giving up (kafka.spout.retry.max.retries ${max})`));
      this.ack(messageId);
    }
  }

  override activate(): void {
    this.#active = true;
    this.#flowControl();
  }

  override deactivate(): void {
    this.#active = false;
    this.#flowControl();
  }

  #maybeCommit(force = false): Promise<void> | undefined {
    const now = Date.now();
    if (this.#committing || !this.#connection || (!force && now - this.#lastCommitMs < (this.options.commitIntervalMs ?? 1_000))) return undefined;
    this.#lastCommitMs = now;
    const commits = this.#tracker.pendingCommits();
    if (commits.length === 0) return undefined;
    this.#committing = true;
    return this.#connection
      .commit(commits)
      .then(
        () => this.#tracker.markCommitted(commits),
        (error: unknown) => {
          if (!this.#closed) this.#collector?.reportError(error);
        },
      )
      .finally(() => {
        this.#committing = false;
      });
  }

  override async close(): Promise<void> {
    this.#lastCommitMs = 0;
    await this.#maybeCommit(true);
    this.#closed = true;
    await this.#stream?.close().catch(() => {});
    await this.#connection?.close().catch(() => {});
  }

  declareOutputFields(declarer: OutputFieldsDeclarer): void {
    declarer.declare(this.options.outputFields ?? DEFAULT_FIELDS);
  }
}
