// kafka-console-consumer as an engine operation. Without a group it assigns partitions
// directly (PartitionFetcher: no membership, never commits); with --group it joins the
// group through the Consumer's classic protocol, starts from committed offsets (or
// --from-beginning/latest when there are none), commits what it has printed every
// `autoCommitIntervalMs` and at the end, and leaves the group. Stops on --max-messages,
// --timeout-ms without records, or the abort signal (Ctrl-C).
// Concurrency: run() once per instance; the fetch loop is sequential.
import { StreamctlError } from '../common/errors.js';
import { type Clock, systemClock } from '../common/clock.js';
import type { KafkaConnectOptions } from './client-options.js';
import { toStreamctlError } from './client-options.js';
import type { ConsumedRecord } from './message-formatter.js';
import { type FetchPosition, PartitionFetcher } from './partition-fetcher.js';

/** Where to start: an end of the log, an offset, the last N records (`fromEnd`) or the first record at/after a time (ms). */
export type StartOffset = 'earliest' | 'latest' | bigint | { fromEnd: bigint } | { timestampMs: bigint };

export interface ConsoleConsumerRunOptions {
  topic: string;
  partition?: number;
  /** Needs `partition`. */
  offset?: StartOffset;
  fromBeginning?: boolean;
  group?: string;
  maxMessages?: number;
  /** Stop when no record arrived for this long. */
  timeoutMs?: number;
  /** Only records it accepts are passed on and counted (positions still advance past the others). */
  filter?: (record: ConsumedRecord) => boolean;
  /** Receives each record; may return a promise to apply backpressure. */
  onRecord: (record: ConsumedRecord) => void | Promise<void>;
  signal?: AbortSignal;
  autoCommitIntervalMs?: number;
  sessionTimeoutMs?: number;
  /** `read_committed` skips records of aborted transactions and stops at the last stable offset. */
  isolationLevel?: 'read_uncommitted' | 'read_committed';
  /** Called once the group is joined and positions are known (group mode), or positions are set. */
  onReady?: () => void;
}

export interface ConsoleConsumerResult {
  messages: number;
  timedOut: boolean;
  /** Offsets committed last (group mode), keyed `topic:partition`. */
  committed: Record<string, string>;
}

/** Kafka's option checks for the console consumer (USAGE errors). */
export function validateConsoleConsumerOptions(o: Pick<ConsoleConsumerRunOptions, 'partition' | 'offset' | 'fromBeginning' | 'group' | 'maxMessages' | 'timeoutMs'>): void {
  if (o.partition !== undefined && o.group !== undefined) throw new StreamctlError('USAGE', 'Options group and partition cannot be specified together.');
  const positional = typeof o.offset === 'object';
  if (positional && o.group !== undefined) throw new StreamctlError('USAGE', 'Options group and from-timestamp / a negative offset cannot be specified together.');
  if (o.offset !== undefined && !positional && o.partition === undefined) throw new StreamctlError('USAGE', 'The partition is required when offset is specified.');
  if (o.offset !== undefined && o.fromBeginning) throw new StreamctlError('USAGE', "Options from-beginning and offset cannot be specified together.");
  if (o.partition !== undefined && o.partition < 0) throw new StreamctlError('USAGE', 'The partition must be a non-negative integer.');
  if (o.maxMessages !== undefined && o.maxMessages < 0) throw new StreamctlError('USAGE', 'The max-messages must be a non-negative integer.');
  if (o.timeoutMs !== undefined && o.timeoutMs < 0) throw new StreamctlError('USAGE', 'The timeout-ms must be a non-negative integer.');
}

/** `earliest`, `latest`, a non-negative integer, or -N (the last N records of each partition, as kcat's `-o -N`). */
export function parseStartOffset(value: string): StartOffset {
  const v = value.trim().toLowerCase();
  if (v === 'earliest' || v === 'latest') return v;
  if (/^\d+$/.test(v)) return BigInt(v);
  if (/^-\d+$/.test(v)) return { fromEnd: -BigInt(v) };
  throw new StreamctlError('USAGE', `The provided offset value '${value}' is incorrect. Valid values are 'earliest', 'latest', a non-negative long, or -N for the last N records of each partition.`);
}

/** `--from-timestamp`: milliseconds since the epoch, or an ISO-8601 date-time (UTC unless it names a zone). */
export function parseFromTimestamp(value: string): StartOffset {
  const v = value.trim();
  if (/^\d+$/.test(v)) return { timestampMs: BigInt(v) };
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(v);
  const ms = iso ? Date.parse(iso[4] || !iso[1] ? v : `${v}Z`) : NaN;
  if (Number.isNaN(ms)) {
    throw new StreamctlError('USAGE', `Invalid --from-timestamp '${value}': expected milliseconds since the epoch or an ISO-8601 date-time such as 2024-01-31T12:00:00Z`);
  }
  return { timestampMs: BigInt(ms) };
}

export class ConsoleConsumer {
  readonly #fetcher: PartitionFetcher;
  readonly #clock: Clock;

  constructor(deps: { fetcher: PartitionFetcher; clock?: Clock }) {
    this.#fetcher = deps.fetcher;
    this.#clock = deps.clock ?? systemClock;
  }

  static open(options: KafkaConnectOptions & { group?: string }): ConsoleConsumer {
    return new ConsoleConsumer({
      fetcher: PartitionFetcher.open({ ...options, clientId: options.clientId ?? 'console-consumer', groupId: options.group }),
    });
  }

  async close(): Promise<void> {
    await this.#fetcher.close();
  }

  async run(o: ConsoleConsumerRunOptions): Promise<ConsoleConsumerResult> {
    validateConsoleConsumerOptions(o);
    const result: ConsoleConsumerResult = { messages: 0, timedOut: false, committed: {} };
    if (o.maxMessages === 0) return result;
    const partitions = await this.#fetcher.partitions(o.topic);
    if (o.partition !== undefined && !partitions.includes(o.partition)) {
      throw new StreamctlError('NOT_FOUND', `Partition ${o.partition} of topic ${o.topic} does not exist`);
    }
    const reset: 'earliest' | 'latest' = o.fromBeginning ? 'earliest' : 'latest';
    const group = o.group ? new GroupSession(this.#fetcher, o.topic, o.sessionTimeoutMs) : undefined;
    const positions = new Map<number, bigint>();
    const resolve = async (ps: number[], spec: StartOffset) => {
      if (typeof spec === 'bigint') {
        for (const p of ps) positions.set(p, spec);
        return;
      }
      if (typeof spec === 'object') {
        const [earliest, latest] = await Promise.all([this.#fetcher.offsets(o.topic, 'earliest'), this.#fetcher.offsets(o.topic, 'latest')]);
        const at = 'timestampMs' in spec ? await this.#fetcher.offsets(o.topic, spec.timestampMs) : undefined;
        for (const p of ps) {
          const start = earliest.get(p) ?? 0n;
          const end = latest.get(p) ?? 0n;
          if ('fromEnd' in spec) positions.set(p, end - spec.fromEnd > start ? end - spec.fromEnd : start);
          else positions.set(p, (at?.get(p) ?? -1n) >= 0n ? at!.get(p)! : end);
        }
        return;
      }
      const offsets = await this.#fetcher.offsets(o.topic, spec);
      for (const p of ps) positions.set(p, offsets.get(p) ?? 0n);
    };

    let assignmentKey = '';
    const refreshAssignment = async () => {
      if (!group) return;
      const assigned = group.assignedPartitions();
      const key = assigned.join(',');
      if (key === assignmentKey) return;
      await group.commit(positions, o.topic, result).catch(() => undefined);
      assignmentKey = key;
      positions.clear();
      const committed = await group.committed(assigned);
      const missing = assigned.filter((p) => committed.get(p) === undefined);
      for (const p of assigned) if (committed.get(p) !== undefined) positions.set(p, committed.get(p)!);
      await resolve(missing, reset);
    };

    try {
      if (group) {
        await group.join();
        await refreshAssignment();
      } else {
        const ps = o.partition !== undefined ? [o.partition] : partitions;
        await resolve(ps, o.offset ?? reset);
      }
      o.onReady?.();
      let lastRecordAt = this.#clock.monotonic();
      let lastCommitAt = this.#clock.monotonic();
      const commitEvery = o.autoCommitIntervalMs ?? 5000;
      while (!o.signal?.aborted) {
        const now = this.#clock.monotonic();
        if (o.timeoutMs !== undefined && now - lastRecordAt >= o.timeoutMs) {
          result.timedOut = true;
          break;
        }
        if (group) {
          await refreshAssignment();
          if (now - lastCommitAt >= commitEvery) {
            await group.commit(positions, o.topic, result).catch(() => undefined);
            lastCommitAt = now;
          }
        }
        const wait = o.timeoutMs === undefined ? 500 : Math.max(0, Math.min(500, o.timeoutMs - (now - lastRecordAt)));
        const fetchPositions: FetchPosition[] = [...positions].map(([partition, offset]) => ({ topic: o.topic, partition, offset }));
        if (fetchPositions.length === 0) {
          await sleep(Math.max(wait, 50), o.signal);
          continue;
        }
        const results = await this.#fetcher.fetch(fetchPositions, { maxWaitMs: wait, isolationLevel: o.isolationLevel });
        let done = false;
        for (const r of results) {
          if (r.error === 'OFFSET_OUT_OF_RANGE') {
            await resolve([r.partition], reset);
            continue;
          }
          if (r.error === 'UNKNOWN_TOPIC_OR_PARTITION' || r.error === 'UNKNOWN_TOPIC_ID') {
            throw new StreamctlError('NOT_FOUND', `Topic '${o.topic}' does not exist`);
          }
          if (r.error !== null) continue; // leadership moved: metadata refreshed, fetch again
          for (const record of r.records) {
            lastRecordAt = this.#clock.monotonic();
            if (o.filter && !o.filter(record)) {
              positions.set(r.partition, record.offset + 1n);
              continue;
            }
            await o.onRecord(record);
            result.messages += 1;
            positions.set(r.partition, record.offset + 1n);
            lastRecordAt = this.#clock.monotonic();
            if (o.maxMessages !== undefined && result.messages >= o.maxMessages) {
              done = true;
              break;
            }
          }
          if (done) break;
          if (r.nextOffset > (positions.get(r.partition) ?? 0n)) positions.set(r.partition, r.nextOffset);
        }
        if (done) break;
        if (results.every((r) => r.error !== null)) await sleep(100, o.signal);
      }
      if (group) await group.commit(positions, o.topic, result);
      return result;
    } catch (error) {
      throw toStreamctlError(error);
    } finally {
      if (group) await group.leave();
    }
  }
}

/** Membership of one topic's group on the fetcher's Consumer (classic protocol). */
class GroupSession {
  readonly #fetcher: PartitionFetcher;
  readonly #topic: string;
  readonly #sessionTimeoutMs: number | undefined;
  readonly #lastCommitted = new Map<number, bigint>();
  #joined = false;

  constructor(fetcher: PartitionFetcher, topic: string, sessionTimeoutMs?: number) {
    this.#fetcher = fetcher;
    this.#topic = topic;
    this.#sessionTimeoutMs = sessionTimeoutMs;
  }

  async join(): Promise<void> {
    const consumer = this.#fetcher.consumer;
    consumer.topics.track(this.#topic);
    const timeout = this.#sessionTimeoutMs ?? 10_000;
    await consumer.joinGroup({ sessionTimeout: timeout, rebalanceTimeout: timeout, heartbeatInterval: Math.min(3000, Math.floor(timeout / 3)) });
    this.#joined = true;
  }

  assignedPartitions(): number[] {
    const assignments = this.#fetcher.consumer.assignments ?? [];
    return assignments
      .filter((a) => a.topic === this.#topic)
      .flatMap((a) => a.partitions)
      .sort((a, b) => a - b);
  }

  async committed(partitions: number[]): Promise<Map<number, bigint>> {
    const result = new Map<number, bigint>();
    if (partitions.length === 0) return result;
    const listed = await this.#fetcher.consumer.listCommittedOffsets({ topics: [{ topic: this.#topic, partitions }] });
    const offsets = listed.get(this.#topic) ?? [];
    // The library returns one entry per requested partition, in request order.
    partitions.forEach((p, i) => {
      const o = offsets[i] ?? offsets[p];
      if (o !== undefined && o >= 0n) result.set(p, o);
    });
    return result;
  }

  async commit(positions: Map<number, bigint>, topic: string, result: ConsoleConsumerResult): Promise<void> {
    const changed = [...positions].filter(([p, o]) => this.#lastCommitted.get(p) !== o);
    if (changed.length === 0) return;
    await this.#fetcher.consumer.commit({ offsets: changed.map(([partition, offset]) => ({ topic, partition, offset, leaderEpoch: -1 })) });
    for (const [p, o] of changed) {
      this.#lastCommitted.set(p, o);
      result.committed[`${topic}:${p}`] = o.toString();
    }
  }

  async leave(): Promise<void> {
    if (!this.#joined) return;
    this.#joined = false;
    await new Promise<void>((resolve) => this.#fetcher.consumer.leaveGroup(false, () => resolve()));
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
