// Group-less, low-level reading of partitions over @platformatic/kafka's Consumer.fetch
// (the library's streams always join a group): metadata lookup, leader routing, Fetch by
// topic id, record batches decoded into ConsumedRecord with offsets, timestamp type and
// headers in order. Used by the console consumer, the perf consumer and the lag view.
// Concurrency: fetch() keeps no state between calls, so calls may overlap (each is its own
// Fetch request per leader; the lag view reads timestamps of several partitions at once).
import { Consumer } from '@platformatic/kafka';
import { StreamctlError } from '../common/errors.js';
import { baseClientOptions, findKafkaError, type KafkaConnectOptions, toStreamctlError } from './client-options.js';
import type { ConsumedRecord } from './message-formatter.js';
import { ensureZstdSupport } from './zstd-support.js';

const IS_CONTROL = 0x20;
const IS_TRANSACTIONAL = 0x10;
const LOG_APPEND_TIME = 0x08;

export interface FetchPosition {
  topic: string;
  partition: number;
  offset: bigint;
}

export interface PartitionFetchResult {
  topic: string;
  partition: number;
  records: ConsumedRecord[];
  /** Offset to fetch next (past control batches too). */
  nextOffset: bigint;
  highWatermark: bigint;
  logStartOffset: bigint;
  /** Kafka error name, or null. */
  error: string | null;
}

export interface FetchOptions {
  maxWaitMs?: number;
  maxBytes?: number;
  partitionMaxBytes?: number;
  /** read_committed: only up to the last stable offset, without records of aborted transactions. */
  isolationLevel?: 'read_uncommitted' | 'read_committed';
}

interface RawBatch {
  firstOffset: bigint;
  producerId?: bigint;
  attributes: number;
  lastOffsetDelta: number;
  firstTimestamp: bigint;
  maxTimestamp: bigint;
  records: Array<{ timestampDelta: bigint; offsetDelta: number; key: Buffer | null; value: Buffer | null; headers: [Buffer | null, Buffer | null][] }>;
}

interface RawPartition {
  partitionIndex: number;
  errorCode: number;
  highWatermark: bigint;
  logStartOffset: bigint;
  abortedTransactions?: Array<{ producerId: bigint; firstOffset: bigint }> | null;
  records?: RawBatch[];
}

/** Decodes one partition's batches from `fetchOffset` on (pure). */
export function decodePartition(topic: string, raw: RawPartition, fetchOffset: bigint): { records: ConsumedRecord[]; nextOffset: bigint } {
  const records: ConsumedRecord[] = [];
  let nextOffset = fetchOffset;
  // Kafka's read_committed filtering: a transactional batch of a producer whose aborted
  // transaction has begun is skipped until that producer's (abort) control batch.
  const aborted = [...(raw.abortedTransactions ?? [])].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1));
  const abortedProducers = new Set<bigint>();
  for (const batch of raw.records ?? []) {
    const last = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
    if (last > nextOffset) nextOffset = last;
    while (aborted.length > 0 && aborted[0]!.firstOffset < last) abortedProducers.add(aborted.shift()!.producerId);
    const producerId = batch.producerId ?? -1n;
    if (batch.attributes & IS_CONTROL) {
      abortedProducers.delete(producerId);
      continue;
    }
    if (batch.attributes & IS_TRANSACTIONAL && abortedProducers.has(producerId)) continue;
    const logAppend = (batch.attributes & LOG_APPEND_TIME) !== 0;
    for (const r of batch.records) {
      const offset = batch.firstOffset + BigInt(r.offsetDelta);
      if (offset < fetchOffset) continue;
      records.push({
        topic,
        partition: raw.partitionIndex,
        offset,
        timestamp: logAppend ? batch.maxTimestamp : batch.firstTimestamp + r.timestampDelta,
        timestampType: logAppend ? 'LogAppendTime' : 'CreateTime',
        key: r.key,
        value: r.value,
        headers: r.headers.map(([k, v]) => [k ? k.toString('utf8') : '', v]),
      });
    }
  }
  return { records, nextOffset };
}

function responseOf(error: unknown): { responses?: Array<{ topicId: string; partitions: RawPartition[] }> } | undefined {
  const seen = new Set<unknown>();
  const visit = (e: unknown): ReturnType<typeof responseOf> => {
    if (!e || typeof e !== 'object' || seen.has(e)) return undefined;
    seen.add(e);
    const err = e as { response?: { responses?: unknown }; errors?: unknown[]; cause?: unknown };
    if (err.response && Array.isArray(err.response.responses)) return err.response as ReturnType<typeof responseOf>;
    for (const inner of err.errors ?? []) {
      const found = visit(inner);
      if (found) return found;
    }
    return visit(err.cause);
  };
  return visit(error);
}

const ERROR_NAMES: Record<number, string> = {
  1: 'OFFSET_OUT_OF_RANGE',
  3: 'UNKNOWN_TOPIC_OR_PARTITION',
  5: 'LEADER_NOT_AVAILABLE',
  6: 'NOT_LEADER_OR_FOLLOWER',
  74: 'FENCED_LEADER_EPOCH',
  75: 'UNKNOWN_LEADER_EPOCH',
  100: 'UNKNOWN_TOPIC_ID',
};

export class PartitionFetcher {
  readonly #consumer: Consumer;
  readonly #ownsConsumer: boolean;

  constructor(deps: { consumer: Consumer; ownsConsumer?: boolean }) {
    this.#consumer = deps.consumer;
    this.#ownsConsumer = deps.ownsConsumer ?? false;
  }

  /** A fetcher with its own Consumer (the group id is never joined). */
  static open(options: KafkaConnectOptions & { groupId?: string }): PartitionFetcher {
    ensureZstdSupport();
    const consumer = new Consumer({
      ...baseClientOptions(options, 'streamctl-consumer'),
      groupId: options.groupId ?? `streamctl-reader-${process.pid}`,
    });
    return new PartitionFetcher({ consumer, ownsConsumer: true });
  }

  get consumer(): Consumer {
    return this.#consumer;
  }

  async close(): Promise<void> {
    if (this.#ownsConsumer) await new Promise<void>((resolve) => this.#consumer.close(true, () => resolve()));
  }

  /** Forgets cached metadata: the next call asks the cluster for leaders again. */
  refreshMetadata(): void {
    this.#consumer.clearMetadata();
  }

  /** Partition ids of a topic; NOT_FOUND when the topic does not exist. */
  async partitions(topic: string): Promise<number[]> {
    try {
      const metadata = await this.#consumer.metadata({ topics: [topic] });
      const t = metadata.topics.get(topic);
      if (!t) throw new StreamctlError('NOT_FOUND', `Topic '${topic}' does not exist`);
      return Array.from({ length: t.partitionsCount }, (_, i) => i);
    } catch (error) {
      const kafka = findKafkaError(error);
      if (kafka?.id === 'UNKNOWN_TOPIC_OR_PARTITION') throw new StreamctlError('NOT_FOUND', `Topic '${topic}' does not exist`, { cause: error });
      throw toStreamctlError(error);
    }
  }

  /** Earliest/latest offset (or the first offset at/after a timestamp, -1 when none) per partition. */
  async offsets(topic: string, spec: 'earliest' | 'latest' | bigint): Promise<Map<number, bigint>> {
    const timestamp = spec === 'earliest' ? -2n : spec === 'latest' ? -1n : spec;
    try {
      const listed = await this.#consumer.listOffsets({ topics: [topic], timestamp });
      const offsets = listed.get(topic) ?? [];
      return new Map(offsets.map((o, partition) => [partition, o]));
    } catch (error) {
      throw toStreamctlError(error, `listing offsets of ${topic}`);
    }
  }

  /** One Fetch round over the given positions (grouped by leader, in parallel). */
  async fetch(positions: FetchPosition[], options: FetchOptions = {}): Promise<PartitionFetchResult[]> {
    if (positions.length === 0) return [];
    const topics = [...new Set(positions.map((p) => p.topic))];
    let metadata;
    try {
      metadata = await this.#consumer.metadata({ topics });
    } catch (error) {
      throw toStreamctlError(error, 'fetching metadata');
    }
    const byLeader = new Map<number, FetchPosition[]>();
    const results: PartitionFetchResult[] = [];
    for (const p of positions) {
      const leader = metadata.topics.get(p.topic)?.partitions[p.partition]?.leader ?? -1;
      if (leader < 0) {
        results.push({ ...p, records: [], nextOffset: p.offset, highWatermark: -1n, logStartOffset: -1n, error: 'LEADER_NOT_AVAILABLE' });
        continue;
      }
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    const idToTopic = new Map(topics.map((t) => [metadata.topics.get(t)?.id ?? '', t]));
    await Promise.all(
      [...byLeader].map(async ([node, list]) => {
        const requestTopics = new Map<string, FetchPosition[]>();
        for (const p of list) requestTopics.set(p.topic, [...(requestTopics.get(p.topic) ?? []), p]);
        let response: { responses?: Array<{ topicId: string; partitions: RawPartition[] }> } | undefined;
        try {
          response = (await this.#consumer.fetch({
            node,
            maxWaitTime: options.maxWaitMs ?? 500,
            minBytes: 1,
            isolationLevel: options.isolationLevel === 'read_committed' ? 1 : 0,
            maxBytes: options.maxBytes ?? 52_428_800,
            topics: [...requestTopics].map(([topic, ps]) => ({
              topicId: metadata.topics.get(topic)!.id,
              partitions: ps.map((p) => ({
                partition: p.partition,
                fetchOffset: p.offset,
                partitionMaxBytes: options.partitionMaxBytes ?? 1_048_576,
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
              })),
            })),
          })) as unknown as typeof response;
        } catch (error) {
          response = responseOf(error);
          if (!response) throw toStreamctlError(error, 'fetching records');
          this.#consumer.clearMetadata();
        }
        for (const t of response?.responses ?? []) {
          const topic = idToTopic.get(t.topicId);
          if (topic === undefined) continue;
          for (const raw of t.partitions) {
            const position = list.find((p) => p.topic === topic && p.partition === raw.partitionIndex);
            if (!position) continue;
            const decoded = raw.errorCode === 0 ? decodePartition(topic, raw, position.offset) : { records: [], nextOffset: position.offset };
            results.push({
              topic,
              partition: raw.partitionIndex,
              records: decoded.records,
              nextOffset: decoded.nextOffset,
              highWatermark: raw.highWatermark,
              logStartOffset: raw.logStartOffset,
              error: raw.errorCode === 0 ? null : (ERROR_NAMES[raw.errorCode] ?? `ERROR_${raw.errorCode}`),
            });
          }
        }
      }),
    );
    return results.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  }

  /** Timestamp of the record at `offset` (first record at or after it), or null. */
  async recordTimestamp(topic: string, partition: number, offset: bigint): Promise<bigint | null> {
    const [result] = await this.fetch([{ topic, partition, offset }], { maxWaitMs: 0, partitionMaxBytes: 65_536, maxBytes: 65_536 });
    return result?.records[0]?.timestamp ?? null;
  }
}
