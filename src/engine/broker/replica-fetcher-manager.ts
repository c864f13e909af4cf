// The replica fetchers of this broker (Kafka's ReplicaFetcherManager): one ReplicaFetcher per
// leader broker, created when a partition starts following that leader, replaced when the
// leader's address changes, closed when it follows nothing there any more or when the log
// dir failed. Settings come from replica.fetch.* as in Kafka. Single-threaded: partitions
// are added and removed synchronously between the fetchers' loop iterations.
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { BrokerNode } from './broker-services.js';
import type { Partition } from './partition.js';
import { ReplicaFetcher, type FetcherConnect } from './replica-fetcher.js';

export interface ReplicaFetcherManagerOptions {
  brokerId: number;
  connect: FetcherConnect;
  clock: Clock;
  logger: Logger;
  /** replica.fetch.wait.max.ms */
  maxWaitMs: number;
  /** replica.fetch.max.bytes */
  partitionMaxBytes: number;
  /** replica.fetch.response.max.bytes */
  maxBytes: number;
  /** After a follower append: whether the HW moved (for waiting local fetches). */
  onAppended: (partition: Partition, highWatermarkChanged: boolean) => void;
  /** A follower append threw. */
  onAppendError: (partition: Partition, error: unknown) => void;
}

export class ReplicaFetcherManager {
  readonly #o: ReplicaFetcherManagerOptions;
  readonly #fetchers = new Map<number, ReplicaFetcher>();

  constructor(options: ReplicaFetcherManagerOptions) {
    this.#o = options;
  }

  /** Starts fetching `partitions` from `leader` (creating or replacing its fetcher). */
  addPartitions(leader: BrokerNode, partitions: Partition[]): void {
    this.#fetcherFor(leader).addPartitions(partitions);
  }

  /** Whether the fetcher toward `leaderId` already fetches this very Partition object. */
  isFetching(leaderId: number, p: Partition): boolean {
    return this.#fetchers.get(leaderId)?.has(p) ?? false;
  }

  /** Stops fetching `p`, from whichever leader. */
  removePartition(p: Partition): void {
    for (const f of this.#fetchers.values()) f.removePartition(p);
  }

  /** Closes fetchers left without partitions. */
  shutdownIdleFetchers(): void {
    for (const [id, f] of this.#fetchers) {
      if (f.size === 0) {
        f.close();
        this.#fetchers.delete(id);
      }
    }
  }

  #fetcherFor(leader: BrokerNode): ReplicaFetcher {
    let f = this.#fetchers.get(leader.nodeId);
    if (f && (f.leader.host !== leader.host || f.leader.port !== leader.port)) {
      f.close();
      this.#fetchers.delete(leader.nodeId);
      f = undefined;
    }
    if (!f) {
      const o = this.#o;
      f = new ReplicaFetcher({
        brokerId: o.brokerId,
        leader,
        connect: o.connect,
        clock: o.clock,
        logger: o.logger.child({ fetcher: leader.nodeId }),
        maxWaitMs: o.maxWaitMs,
        partitionMaxBytes: o.partitionMaxBytes,
        maxBytes: o.maxBytes,
        onAppended: o.onAppended,
        onAppendError: o.onAppendError,
      });
      this.#fetchers.set(leader.nodeId, f);
      f.start();
    }
    return f;
  }

  /** Closes every fetcher at once (log dir failure); does not wait for their loops. */
  closeAll(): void {
    for (const f of this.#fetchers.values()) f.close();
    this.#fetchers.clear();
  }

  /** Closes every fetcher and waits for their loops to end (shutdown). */
  async shutdown(): Promise<void> {
    const fetchers = [...this.#fetchers.values()];
    for (const f of fetchers) f.close();
    await Promise.all(fetchers.map((f) => f.closed));
    this.#fetchers.clear();
  }
}
