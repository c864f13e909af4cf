// Engine facade for the log-level admin tools: kafka-delete-records (DeleteRecords sent to
// each partition's leader) and kafka-log-dirs (DescribeLogDirs sent to each broker asked).
// @platformatic/kafka's Admin gives metadata and per-broker connections; the calls use its
// standard request codecs directly so that one partition's error stays that partition's
// (the Admin helpers fail the whole call). Works against streamctl and Apache Kafka alike.
// Concurrency: one instance per command run; close() once at the end.
import { Admin, deleteRecordsV2, describeLogDirsV4, kGetConnection } from '@platformatic/kafka';
import { StreamctlError } from '../common/errors.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { baseClientOptions, type KafkaConnectOptions, toStreamctlError } from './client-options.js';
import { javaExceptionClass, javaExceptionMessage } from './kafka-exceptions.js';
import { nonExistingBrokersMessage, type BrokerLogDirs } from './log-dirs-format.js';
import type { DeletedRecordsResult, RecordsToDelete } from './records-format.js';

type Connection = Parameters<typeof deleteRecordsV2.api.async>[0];
type BrokerAddress = { host: string; port: number };
type DeleteRecordsTopics = Parameters<typeof deleteRecordsV2.api.async>[1];

export interface DescribeLogDirsResult {
  /** The brokers asked, as the tool prints them. */
  queried: number[];
  brokers: BrokerLogDirs[];
}

export class LogAdmin {
  readonly #admin: Admin;
  readonly #timeoutMs: number;

  constructor(admin: Admin, timeoutMs: number) {
    this.#admin = admin;
    this.#timeoutMs = timeoutMs;
  }

  static open(options: KafkaConnectOptions): LogAdmin {
    return new LogAdmin(new Admin(baseClientOptions(options, 'streamctl-admin')), options.requestTimeoutMs ?? 30_000);
  }

  async close(): Promise<void> {
    await this.#admin.close().catch(() => undefined);
  }

  #connection(broker: BrokerAddress): Promise<Connection> {
    const getConnection = (this.#admin as unknown as Record<symbol, (b: BrokerAddress, cb: (e: Error | null, c?: Connection) => void) => void>)[kGetConnection]!;
    return new Promise((resolve, reject) => getConnection.call(this.#admin, broker, (e, c) => (e || !c ? reject(e ?? new Error('no connection')) : resolve(c))));
  }

  async #call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toStreamctlError(error, what);
    }
  }

  /** The partition ids of `topic`; NOT_FOUND when it does not exist. */
  async partitionsOf(topic: string): Promise<number[]> {
    const metadata = await this.#call('reading metadata', () => this.#admin.metadata({ topics: [topic], forceUpdate: true }));
    const t = metadata.topics.get(topic);
    if (!t) throw new StreamctlError('NOT_FOUND', `Topic '${topic}' does not exist`);
    return Array.from({ length: t.partitionsCount }, (_, i) => i);
  }

  /** DeleteRecords per partition, sent to each leader; a partition's failure stays its own. */
  async deleteRecords(entries: readonly RecordsToDelete[]): Promise<DeletedRecordsResult[]> {
    const existing = new Set(await this.#call('listing topics', () => this.#admin.listTopics({ includeInternals: true })));
    const topics = [...new Set(entries.map((e) => e.topic))].filter((t) => existing.has(t));
    const metadata = topics.length > 0 ? await this.#call('reading metadata', () => this.#admin.metadata({ topics, forceUpdate: true })) : undefined;
    const results = new Map<string, DeletedRecordsResult>();
    const failed = (e: RecordsToDelete, code: number) => results.set(`${e.topic}-${e.partition}`, { topic: e.topic, partition: e.partition, lowWatermark: null, error: javaExceptionMessage(code) });
    const byLeader = new Map<number, RecordsToDelete[]>();
    for (const e of entries) {
      const topic = metadata?.topics.get(e.topic);
      if (!topic) {
        failed(e, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        continue;
      }
      const leader = topic.partitions[e.partition]?.leader;
      if (leader === undefined) failed(e, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      else if (leader < 0 || !metadata!.brokers.has(leader)) failed(e, ErrorCode.LEADER_NOT_AVAILABLE);
      else byLeader.set(leader, [...(byLeader.get(leader) ?? []), e]);
    }
    await Promise.all(
      [...byLeader].map(async ([leader, list]) => {
        const request = new Map<string, DeleteRecordsTopics[number]>();
        for (const e of list) {
          const t = request.get(e.topic) ?? { name: e.topic, partitions: [] };
          t.partitions.push({ partitionIndex: e.partition, offset: e.offset });
          request.set(e.topic, t);
        }
        let response: Awaited<ReturnType<typeof deleteRecordsV2.api.async>>;
        try {
          const connection = await this.#connection(metadata!.brokers.get(leader)!);
          response = await deleteRecordsV2.api.async(connection, [...request.values()], this.#timeoutMs);
        } catch (error) {
          const partial = (error as { response?: typeof response }).response;
          if (!partial) {
            for (const e of list) failed(e, ErrorCode.REQUEST_TIMED_OUT);
            return;
          }
          response = partial;
        }
        for (const t of response.topics) {
          for (const p of t.partitions) {
            const key = `${t.name}-${p.partitionIndex}`;
            if (p.errorCode === ErrorCode.NONE) results.set(key, { topic: t.name, partition: p.partitionIndex, lowWatermark: p.lowWatermark, error: null });
            else results.set(key, { topic: t.name, partition: p.partitionIndex, lowWatermark: null, error: javaExceptionMessage(p.errorCode) });
          }
        }
        for (const e of list) if (!results.has(`${e.topic}-${e.partition}`)) failed(e, ErrorCode.UNKNOWN_SERVER_ERROR);
      }),
    );
    return entries.map((e) => results.get(`${e.topic}-${e.partition}`)!);
  }

  /** DescribeLogDirs to each broker asked (all when none); every partition, filtered by the caller. */
  async describeLogDirs(brokerIds: readonly number[], onQuerying?: () => void): Promise<DescribeLogDirsResult> {
    const cluster = await this.#call('describing the cluster', () => this.#admin.metadata({ topics: [], forceUpdate: true }));
    const clusterIds = [...cluster.brokers.keys()];
    const missing = brokerIds.filter((id) => !cluster.brokers.has(id));
    if (missing.length > 0) throw new StreamctlError('NOT_FOUND', nonExistingBrokersMessage(missing, clusterIds));
    const queried = brokerIds.length > 0 ? [...new Set(brokerIds)] : clusterIds;
    onQuerying?.();
    const brokers = await Promise.all(
      queried.map(async (broker): Promise<BrokerLogDirs> => {
        const response = await this.#call(`describing the log dirs of broker ${broker}`, async () =>
          // A null topic list asks for every partition (the codec writes a null array).
          describeLogDirsV4.api.async(await this.#connection(cluster.brokers.get(broker)!), null as unknown as []),
        );
        return {
          broker,
          logDirs: response.results.map((r) => ({
            logDir: r.logDir,
            error: r.errorCode === ErrorCode.NONE ? null : javaExceptionClass(r.errorCode),
            partitions: r.topics.flatMap((t) =>
              t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, size: p.partitionSize, offsetLag: p.offsetLag, isFuture: p.isFutureKey })),
            ),
          })),
        };
      }),
    );
    return { queried, brokers };
  }
}
