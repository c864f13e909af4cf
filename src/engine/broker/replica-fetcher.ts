// Follower side of replication toward one leader broker (Kafka's ReplicaFetcherThread):
// for each partition newly followed it first asks the leader for the end offset of its
// latest leader epoch (OffsetForLeaderEpoch) and truncates a diverged tail, then loops on
// Fetch requests carrying this broker's replica id, appending what comes back as follower
// and taking the leader's high watermark. Reconnects with backoff. Single-threaded: one
// async loop per leader; partitions are added/removed synchronously by the replica manager
// between iterations (a removed partition's in-flight response is ignored).
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { ApiKey } from '../protocol/api-keys.js';
import type { Encodable, FetchRequest, FetchResponse, Message, OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from '../protocol/codec.js';
import { ErrorCode, errorName } from '../protocol/error-codes.js';
import type { BrokerNode } from './broker-services.js';
import type { Partition } from './partition.js';

/** The calls a fetcher makes on its link to the leader (a KafkaConnection fits). */
export interface FetcherLink {
  readonly closed: boolean;
  send(apiKey: number, apiVersion: number, body: Message, options?: { timeoutMs?: number }): Promise<Message>;
  close(): void;
}

export type FetcherConnect = (leader: BrokerNode) => Promise<FetcherLink>;

export interface ReplicaFetcherOptions {
  brokerId: number;
  leader: BrokerNode;
  connect: FetcherConnect;
  clock: Clock;
  logger: Logger;
  maxWaitMs: number;
  partitionMaxBytes: number;
  maxBytes: number;
  /** After a follower append: whether the HW moved (for waiting local fetches). */
  onAppended: (partition: Partition, highWatermarkChanged: boolean) => void;
  /** A follower append threw (an I/O error takes the log dir offline). */
  onAppendError?: (partition: Partition, error: unknown) => void;
}

type FetchState = 'truncating' | 'fetching' | 'delayed';

interface Entry {
  partition: Partition;
  state: FetchState;
  leaderEpoch: number;
  delayedUntil: number;
  /** State to resume in once the delay passed. */
  resume: FetchState;
}

type EpochRequestPartition = Encodable<OffsetForLeaderEpochRequest['topics'][number]['partitions'][number]>;
type FetchRequestPartition = Encodable<FetchRequest['topics'][number]['partitions'][number]>;

const FETCH_VERSION = 11;
const EPOCH_VERSION = 3;

export class ReplicaFetcher {
  readonly #o: ReplicaFetcherOptions;
  readonly #entries = new Map<string, Entry>();
  #link: FetcherLink | null = null;
  #running = false;
  #wake: (() => void) | null = null;
  readonly closed: Promise<void>;
  #resolveClosed!: () => void;

  constructor(options: ReplicaFetcherOptions) {
    this.#o = options;
    this.closed = new Promise((r) => (this.#resolveClosed = r));
  }

  get leader(): BrokerNode {
    return this.#o.leader;
  }

  get size(): number {
    return this.#entries.size;
  }

  has(p: Partition): boolean {
    return this.#entries.get(p.key)?.partition === p;
  }

  addPartitions(partitions: Partition[]): void {
    for (const p of partitions) this.#entries.set(p.key, { partition: p, state: 'truncating', leaderEpoch: p.leaderEpoch, delayedUntil: 0, resume: 'fetching' });
    this.#wake?.();
  }

  removePartition(p: Partition): void {
    const e = this.#entries.get(p.key);
    if (e && e.partition === p) this.#entries.delete(p.key);
  }

  start(): void {
    this.#running = true;
    void this.#loop().finally(() => this.#resolveClosed());
  }

  close(): void {
    this.#running = false;
    this.#link?.close();
    this.#link = null;
    this.#wake?.();
  }

  async #loop(): Promise<void> {
    let backoffMs = 100;
    while (this.#running) {
      try {
        if (this.#entries.size === 0) {
          await this.#sleep(1000);
          continue;
        }
        if (!this.#link || this.#link.closed) {
          this.#link = await this.#o.connect(this.#o.leader);
          backoffMs = 100;
        }
        const truncating = [...this.#entries.values()].filter((e) => e.state === 'truncating');
        if (truncating.length > 0) await this.#truncate(truncating);
        const now = this.#o.clock.now();
        for (const e of this.#entries.values()) if (e.state === 'delayed' && e.delayedUntil <= now) e.state = e.resume;
        const fetching = [...this.#entries.values()].filter((e) => e.state === 'fetching');
        if (fetching.length === 0) {
          await this.#sleep(200);
          continue;
        }
        await this.#fetch(fetching);
      } catch (error) {
        if (!this.#running) break;
        this.#o.logger.warn('replica fetch failed, retrying', { leader: this.#o.leader.nodeId, error: (error as Error).message, backoffMs });
        this.#link?.close();
        this.#link = null;
        await this.#sleep(backoffMs);
        backoffMs = Math.min(2000, backoffMs * 2);
      }
    }
    this.#link?.close();
  }

  /** OffsetForLeaderEpoch for our latest epoch; truncate to min(leader's end offset, our LEO). */
  async #truncate(entries: Entry[]): Promise<void> {
    const byTopic = new Map<string, EpochRequestPartition[]>();
    for (const e of entries) {
      const list = byTopic.get(e.partition.topic) ?? [];
      list.push({ partition: e.partition.partition, currentLeaderEpoch: e.leaderEpoch, leaderEpoch: e.partition.log.latestEpoch });
      byTopic.set(e.partition.topic, list);
    }
    const request: Encodable<OffsetForLeaderEpochRequest> = {
      replicaId: this.#o.brokerId,
      topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    };
    // The link decodes with the schema of the API it sent: this is that response.
    const res = (await this.#link!.send(ApiKey.OffsetForLeaderEpoch, EPOCH_VERSION, request)) as OffsetForLeaderEpochResponse;
    for (const t of res.topics) {
      for (const r of t.partitions) {
        const e = this.#entries.get(`${t.topic}-${r.partition}`);
        if (!e || e.state !== 'truncating') continue;
        const p = e.partition;
        if (r.errorCode !== ErrorCode.NONE) {
          this.#delay(e, `OffsetForLeaderEpoch: ${errorName(r.errorCode)}`, 'truncating');
          continue;
        }
        const endOffset = BigInt(r.endOffset);
        const leo = p.logEndOffset;
        let target: bigint;
        if (r.leaderEpoch < 0 || endOffset < 0n) {
          // The leader knows no epoch of ours: fall back to the high watermark.
          target = p.highWatermark;
        } else {
          target = endOffset < leo ? endOffset : leo;
        }
        if (target < leo) {
          if (target < p.highWatermark) {
            // Records below the high watermark were acknowledged to producers: losing them here
            // means the leader's log is empty or damaged. Kafka does it too; it must not be quiet.
            this.#o.logger.error('TRUNCATING BELOW THE HIGH WATERMARK: acknowledged records are dropped to follow the leader', {
              topic: p.topic, partition: p.partition, highWatermark: p.highWatermark, to: target, leaderEndOffset: endOffset, leaderEpoch: e.leaderEpoch,
            });
          }
          this.#o.logger.info('truncating diverged replica', { topic: p.topic, partition: p.partition, from: leo, to: target, leaderEpoch: e.leaderEpoch });
          p.truncateTo(target);
        }
        e.state = 'fetching';
      }
    }
    // Anything the leader did not answer for: retry later.
    for (const e of entries) if (e.state === 'truncating' && this.#entries.get(e.partition.key) === e) this.#delay(e, 'no answer', 'truncating');
  }

  async #fetch(entries: Entry[]): Promise<void> {
    const byTopic = new Map<string, FetchRequestPartition[]>();
    for (const e of entries) {
      const list = byTopic.get(e.partition.topic) ?? [];
      list.push({
        partition: e.partition.partition,
        currentLeaderEpoch: e.leaderEpoch,
        fetchOffset: e.partition.logEndOffset,
        logStartOffset: e.partition.logStartOffset,
        partitionMaxBytes: this.#o.partitionMaxBytes,
      });
      byTopic.set(e.partition.topic, list);
    }
    const sent = new Map(entries.map((e) => [e.partition.key, { entry: e, fetchOffset: e.partition.logEndOffset }]));
    const request: Encodable<FetchRequest> = {
      replicaId: this.#o.brokerId,
      maxWaitMs: this.#o.maxWaitMs,
      minBytes: 1,
      maxBytes: this.#o.maxBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      forgottenTopicsData: [],
      rackId: '',
    };
    // The link decodes with the schema of the API it sent: this is that response.
    const res = (await this.#link!.send(ApiKey.Fetch, FETCH_VERSION, request, { timeoutMs: this.#o.maxWaitMs + 30_000 })) as FetchResponse;
    if (res.errorCode && res.errorCode !== ErrorCode.NONE) throw new Error(`fetch failed: ${errorName(res.errorCode)}`);
    for (const t of res.responses) {
      for (const r of t.partitions) {
        const key = `${t.topic}-${r.partitionIndex}`;
        const s = sent.get(key);
        if (!s || this.#entries.get(key) !== s.entry || s.entry.state !== 'fetching') continue;
        const e = s.entry;
        const p = e.partition;
        const code = r.errorCode;
        if (code === ErrorCode.NONE) {
          if (p.logEndOffset !== s.fetchOffset) continue; // truncated meanwhile
          try {
            const moved = p.appendAsFollower(r.records ?? Buffer.alloc(0), BigInt(r.highWatermark));
            p.updateFollowerLogStartOffset(BigInt(r.logStartOffset));
            this.#o.onAppended(p, moved);
          } catch (error) {
            this.#o.logger.error('follower append failed; truncating again', { topic: p.topic, partition: p.partition, error: (error as Error).message });
            e.state = 'truncating';
            this.#o.onAppendError?.(p, error);
          }
        } else if (code === ErrorCode.OFFSET_OUT_OF_RANGE && s.fetchOffset < BigInt(r.logStartOffset)) {
          // Below the leader's log start (records deleted while we were away): start over there.
          this.#o.logger.info('fetch offset below the leader log start; starting the replica over', { topic: p.topic, partition: p.partition, from: s.fetchOffset, to: r.logStartOffset });
          p.truncateFullyAndStartAt(BigInt(r.logStartOffset));
        } else if (code === ErrorCode.OFFSET_OUT_OF_RANGE) {
          // Our LEO is past the leader's end: find the divergence point again.
          e.state = 'truncating';
        } else {
          this.#delay(e, errorName(code), 'fetching');
        }
      }
    }
  }

  #delay(e: Entry, reason: string, resume: FetchState): void {
    e.state = 'delayed';
    e.resume = resume;
    e.delayedUntil = this.#o.clock.now() + 500;
    this.#o.logger.debug('partition fetch delayed', { topic: e.partition.topic, partition: e.partition.partition, reason });
  }

  #sleep(ms: number): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.#o.clock.setTimeout(() => {
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
