// The Kafka conveniences of an embedded cluster (createTopic, produce, readTopic), over the
// same engine clients the CLI uses (AdminClient, @platformatic/kafka's Producer,
// PartitionFetcher). One lazily opened client of each kind per cluster, closed by close().
import { Producer } from '@platformatic/kafka';
import { AdminClient } from '../engine/client/admin-client.js';
import { baseClientOptions, isRetriableClientError, RETRIABLE_KAFKA_ERRORS, toStreamctlError } from '../engine/client/client-options.js';
import { PartitionFetcher } from '../engine/client/partition-fetcher.js';
import { ensureZstdSupport } from '../engine/client/zstd-support.js';
import { isStreamctlError, StreamctlError } from '../engine/common/errors.js';

export interface TopicOptions {
  /** Default: the cluster's num.partitions (1). */
  partitions?: number;
  /** Default: the cluster's default.replication.factor, at most the number of brokers. */
  replicationFactor?: number;
  /** Topic configs, e.g. { 'cleanup.policy': 'compact' }. */
  config?: Record<string, string | number | boolean>;
}

export type Bytes = string | Buffer;

export interface ProduceRecord {
  key?: Bytes | null;
  value: Bytes | null;
  headers?: Record<string, Bytes>;
  partition?: number;
  /** Milliseconds since the epoch (CreateTime); default now. */
  timestamp?: number | bigint;
}

export interface ReadRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer | null]>;
}

export interface ReadTopicOptions {
  /** Stop once this many records were read (default: everything up to the current end). */
  maxRecords?: number;
  /** Wait until at least `maxRecords` exist, up to this long (ms, default 0: read what is there). */
  timeoutMs?: number;
}

const toBuffer = (b: Bytes | null | undefined): Buffer | undefined => (b === null || b === undefined ? undefined : Buffer.isBuffer(b) ? b : Buffer.from(b, 'utf8'));

export class KafkaConveniences {
  readonly #bootstrap: string[];
  #admin: AdminClient | undefined;
  #producer: Producer | undefined;
  #fetcher: PartitionFetcher | undefined;

  constructor(bootstrapServers: string[]) {
    this.#bootstrap = bootstrapServers;
  }

  async createTopic(name: string, options: TopicOptions = {}): Promise<void> {
    this.#admin ??= AdminClient.open({ bootstrapServers: this.#bootstrap, clientId: 'streamctl-embedded' });
    const configs = Object.fromEntries(Object.entries(options.config ?? {}).map(([k, v]) => [k, String(v)]));
    await this.#admin.createTopic({
      topic: name,
      ...(options.partitions === undefined ? {} : { partitions: options.partitions }),
      ...(options.replicationFactor === undefined ? {} : { replicationFactor: options.replicationFactor }),
      configs,
    });
  }

  /** Sends the records with acks=all; resolves once every one is acknowledged. */
  async produce(topic: string, records: ReadonlyArray<ProduceRecord | string>): Promise<void> {
    if (records.length === 0) return;
    if (!this.#producer) {
      ensureZstdSupport();
      this.#producer = new Producer({ ...baseClientOptions({ bootstrapServers: this.#bootstrap, retries: 5 }, 'streamctl-embedded') });
    }
    const messages = records.map((r) => {
      const record: ProduceRecord = typeof r === 'string' ? { value: r } : r;
      const headers = new Map<Buffer, Buffer>();
      for (const [k, v] of Object.entries(record.headers ?? {})) headers.set(Buffer.from(k, 'utf8'), toBuffer(v)!);
      return {
        topic,
        key: toBuffer(record.key),
        value: toBuffer(record.value),
        headers,
        ...(record.partition === undefined ? {} : { partition: record.partition }),
        ...(record.timestamp === undefined ? {} : { timestamp: BigInt(record.timestamp) }),
      };
    });
    try {
      await this.#producer.send({ messages: messages as never, acks: -1 });
    } catch (error) {
      throw toStreamctlError(error, `producing to ${topic}`);
    }
  }

  /**
   * Reads every partition of `topic` from its log start to its current end (the high
   * watermark when called), in partition then offset order. With `maxRecords` and
   * `timeoutMs`, waits for that many records to exist first.
   */
  async readTopic(topic: string, options: ReadTopicOptions = {}): Promise<ReadRecord[]> {
    this.#fetcher ??= PartitionFetcher.open({ bootstrapServers: this.#bootstrap, clientId: 'streamctl-embedded' });
    const fetcher = this.#fetcher;
    const deadline = Date.now() + (options.timeoutMs ?? 0);
    const want = options.maxRecords;
    // Rides out a leader election (a broker just killed) as Kafka's consumers do within
    // default.api.timeout.ms: retriable errors refresh the metadata and try again.
    const retryUntil = Math.max(deadline, Date.now() + RETRY_FOR_MS);
    for (;;) {
      const starts = await retrying(fetcher, retryUntil, () => fetcher.offsets(topic, 'earliest'));
      const ends = await retrying(fetcher, retryUntil, () => fetcher.offsets(topic, 'latest'));
      let available = 0n;
      for (const [p, end] of ends) available += end - (starts.get(p) ?? 0n);
      if (want === undefined || available >= BigInt(want) || Date.now() >= deadline) {
        const records = await this.#readRange(fetcher, topic, starts, ends, retryUntil);
        return want === undefined ? records : records.slice(0, want);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async #readRange(fetcher: PartitionFetcher, topic: string, starts: Map<number, bigint>, ends: Map<number, bigint>, retryUntil: number): Promise<ReadRecord[]> {
    const out: ReadRecord[] = [];
    for (const [partition, end] of [...ends].sort((a, b) => a[0] - b[0])) {
      let offset = starts.get(partition) ?? 0n;
      while (offset < end) {
        const [result] = await retrying(fetcher, retryUntil, async () => {
          const results = await fetcher.fetch([{ topic, partition, offset }], { maxWaitMs: 100 });
          const error = results[0]?.error;
          if (error && RETRIABLE_KAFKA_ERRORS.has(error)) throw new RetriableFetchError(error);
          return results;
        });
        if (!result) break;
        if (result.error) throw new StreamctlError('KAFKA', `Reading ${topic}-${partition} at offset ${offset}: ${result.error}`);
        for (const r of result.records) {
          if (r.offset >= end) break;
          out.push({ topic, partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers });
        }
        if (result.nextOffset <= offset) break; // nothing more to read yet
        offset = result.nextOffset;
      }
    }
    return out;
  }

  async close(): Promise<void> {
    const admin = this.#admin;
    const producer = this.#producer;
    const fetcher = this.#fetcher;
    this.#admin = undefined;
    this.#producer = undefined;
    this.#fetcher = undefined;
    await Promise.allSettled([
      admin?.close(),
      producer ? new Promise<void>((resolve) => producer.close(true, () => resolve())) : undefined,
      fetcher?.close(),
    ]);
  }
}

/** How long readTopic keeps retrying a retriable error (Kafka's default.api.timeout.ms). */
const RETRY_FOR_MS = 60_000;

class RetriableFetchError extends Error {}

/** Runs `action`, refreshing metadata and retrying with backoff while its error is retriable. */
async function retrying<T>(fetcher: PartitionFetcher, until: number, action: () => Promise<T>): Promise<T> {
  for (let backoff = 50; ; backoff = Math.min(backoff * 2, 1000)) {
    try {
      return await action();
    } catch (error) {
      const retriable = error instanceof RetriableFetchError || isRetriableClientError(isStreamctlError(error) ? error.cause : error);
      if (!retriable || Date.now() + backoff > until) {
        if (error instanceof RetriableFetchError) throw new StreamctlError('KAFKA', `Reading: ${error.message}`);
        throw error;
      }
      fetcher.refreshMetadata();
      await new Promise((resolve) => setTimeout(resolve, backoff));
    }
  }
}
