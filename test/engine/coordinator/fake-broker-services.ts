// In-memory stand-in for the broker's BrokerServices as the group coordinator sees it: one
// shared "replicated" log per partition (so a second broker can take over and reload it),
// a leader table, leadership-change listeners, and appends that can be held or failed.
import type { CoordinatorServices, CoordinatorNode } from '../../../src/engine/coordinator/group-coordinator.js';
import { OFFSETS_TOPIC, decodeOffsetsTopicRecord, type OffsetsTopicRecord } from '../../../src/engine/coordinator/offsets-topic-records.js';
import { iterateBatchPositions, lastOffsetOf } from '../../../src/engine/protocol/records/record-batch.js';
import { decodeRecordBatch } from '../../../src/engine/protocol/records/record-codec.js';

/** A stable made-up topic id (Kafka's base64url form): the name's first 16 bytes, zero-padded. */
export function fakeTopicId(topic: string): string {
  const bytes = Buffer.alloc(16);
  Buffer.from(topic).copy(bytes, 0, 0, 16);
  return bytes.toString('base64url');
}

interface PartitionLog {
  batches: Buffer[];
  nextOffset: bigint;
}

/** State shared by every fake broker of one fake cluster. */
export class FakeCluster {
  readonly logs = new Map<string, PartitionLog>();
  readonly leaders = new Map<string, number>();
  readonly topics = new Map<string, number>();
  readonly brokers = new Map<number, FakeBrokerServices>();
  ensureCalls = 0;

  constructor(topics: Record<string, number> = {}) {
    for (const [t, n] of Object.entries(topics)) this.topics.set(t, n);
  }

  broker(id: number): FakeBrokerServices {
    let b = this.brokers.get(id);
    if (!b) this.brokers.set(id, (b = new FakeBrokerServices(this, id)));
    return b;
  }

  /** Creates the offsets topic with every partition led by `leader`. */
  createOffsetsTopic(partitions: number, leader: number): void {
    this.topics.set(OFFSETS_TOPIC, partitions);
    for (let p = 0; p < partitions; p++) this.leaders.set(`${OFFSETS_TOPIC}-${p}`, leader);
  }

  /** Moves leadership of an offsets partition and notifies both brokers. */
  moveLeader(partition: number, to: number): void {
    const key = `${OFFSETS_TOPIC}-${partition}`;
    const from = this.leaders.get(key);
    this.leaders.set(key, to);
    if (from !== undefined && from !== to) this.brokers.get(from)?.notify(OFFSETS_TOPIC, partition, false);
    this.brokers.get(to)?.notify(OFFSETS_TOPIC, partition, true);
  }

  log(topic: string, partition: number): PartitionLog {
    const key = `${topic}-${partition}`;
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = { batches: [], nextOffset: 0n }));
    return log;
  }

  /** Every record of an offsets partition, decoded. */
  records(partition: number): OffsetsTopicRecord[] {
    const out: OffsetsTopicRecord[] = [];
    for (const b of this.log(OFFSETS_TOPIC, partition).batches) {
      for (const r of decodeRecordBatch(b).records) {
        const rec = decodeOffsetsTopicRecord(r.key, r.value);
        if (rec) out.push(rec);
      }
    }
    return out;
  }
}

export class FakeBrokerServices implements CoordinatorServices {
  readonly brokerId: number;
  readonly #cluster: FakeCluster;
  readonly #listeners = new Set<(topic: string, partition: number, isLeader: boolean, leaderEpoch: number) => void>();
  /** When set, appends wait until release() (acks=-1 not yet satisfied). */
  holdAppends = false;
  /** When set, appends fail with this error code. */
  failAppendsWith: number | null = null;
  readonly #held: Array<() => void> = [];
  appends = 0;

  constructor(cluster: FakeCluster, brokerId: number) {
    this.#cluster = cluster;
    this.brokerId = brokerId;
  }

  node(id: number): CoordinatorNode {
    return { nodeId: id, host: '127.0.0.1', port: 9000 + id };
  }

  readonly metadata = {
    leaderFor: (topic: string, partition: number): CoordinatorNode | null => {
      const id = this.#cluster.leaders.get(`${topic}-${partition}`);
      return id === undefined ? null : this.node(id);
    },
    partitionCount: (topic: string): number => this.#cluster.topics.get(topic) ?? 0,
    isLocalLeader: (topic: string, partition: number): boolean => this.#cluster.leaders.get(`${topic}-${partition}`) === this.brokerId,
    topicId: (topic: string): string | null => (this.#cluster.topics.has(topic) ? fakeTopicId(topic) : null),
  };

  notify(topic: string, partition: number, isLeader: boolean): void {
    for (const l of this.#listeners) l(topic, partition, isLeader, 1);
  }

  release(): void {
    this.holdAppends = false;
    for (const r of this.#held.splice(0)) r();
  }

  async appendToInternalTopic(topic: string, partition: number, records: Buffer): Promise<{ errorCode: number }> {
    this.appends++;
    if (this.failAppendsWith !== null) return { errorCode: this.failAppendsWith };
    if (!this.metadata.isLocalLeader(topic, partition)) return { errorCode: 6 };
    const log = this.#cluster.log(topic, partition);
    const copy = Buffer.from(records);
    copy.writeBigInt64BE(log.nextOffset, 0);
    const count = BigInt(copy.readInt32BE(23) + 1);
    log.batches.push(copy);
    log.nextOffset += count;
    if (this.holdAppends) await new Promise<void>((resolve) => this.#held.push(resolve));
    return { errorCode: 0 };
  }

  readInternalTopic(topic: string, partition: number, fromOffset: bigint, maxBytes: number) {
    const log = this.#cluster.log(topic, partition);
    const parts: Buffer[] = [];
    let size = 0;
    for (const b of log.batches) {
      const [pos] = [...iterateBatchPositions(b)];
      if (lastOffsetOf(pos!.header) < fromOffset) continue;
      if (size > 0 && size + b.length > maxBytes) break;
      parts.push(b);
      size += b.length;
    }
    return { errorCode: 0, records: Buffer.concat(parts), highWatermark: log.nextOffset, logStartOffset: 0n };
  }

  logEndOffset(topic: string, partition: number): bigint {
    return this.#cluster.log(topic, partition).nextOffset;
  }

  onLeadershipChange(listener: (topic: string, partition: number, isLeader: boolean, leaderEpoch: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async ensureInternalTopic(topic: string, options: { partitions: number }): Promise<void> {
    this.#cluster.ensureCalls++;
    if (!this.#cluster.topics.has(topic)) {
      this.#cluster.topics.set(topic, options.partitions);
      for (let p = 0; p < options.partitions; p++) this.#cluster.leaders.set(`${topic}-${p}`, this.brokerId);
      for (let p = 0; p < options.partitions; p++) this.notify(topic, p, true);
    }
  }
}
