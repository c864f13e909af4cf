import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/common/clock.js';
import { silentLogger } from '../../../src/engine/common/logger.js';
import type { LogConfig } from '../../../src/engine/common/topic-config.js';
import type { Message } from '../../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { buildRecordBatch } from '../../../src/engine/protocol/records/record-codec.js';
import { MetadataCache } from '../../../src/engine/broker/metadata-cache.js';
import type { LogProvider } from '../../../src/engine/broker/replica-log.js';
import { ReplicaManager } from '../../../src/engine/broker/replica-manager.js';
import type { FetchParams } from '../../../src/engine/broker/local-fetch.js';
import { MemoryLog } from './memory-log.js';

const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';
const batch = (n: number) => buildRecordBatch(Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`) })));

class MemoryLogs implements LogProvider {
  readonly logs = new Map<string, MemoryLog>();
  checkpoint = new Map<string, bigint>();
  getLog(topic: string, partition: number): MemoryLog | undefined {
    return this.logs.get(`${topic}-${partition}`);
  }
  getOrCreateLog(topic: string, partition: number, topicId: string | undefined, config: LogConfig): MemoryLog {
    let log = this.getLog(topic, partition);
    if (!log) {
      log = new MemoryLog(topic, partition, config);
      log.topicId = topicId;
      this.logs.set(`${topic}-${partition}`, log);
    }
    return log;
  }
  deleteLog(topic: string, partition: number): void {
    this.logs.delete(`${topic}-${partition}`);
  }
  highWatermarkCheckpoint(): Map<string, bigint> {
    return new Map(this.checkpoint);
  }
  checkpointHighWatermarks(entries: Array<{ topic: string; partition: number; offset: bigint }>): void {
    for (const e of entries) this.checkpoint.set(`${e.topic}-${e.partition}`, e.offset);
  }
  async checkpointHighWatermarksAsync(entries: Array<{ topic: string; partition: number; offset: bigint }>): Promise<void> {
    this.checkpointHighWatermarks(entries);
  }
}

/** The controller side of AlterPartition: records proposals; the test answers them. */
class FakeController {
  readonly proposals: Array<{ newIsr: number[]; leaderEpoch: number; answer: (res: Message | null) => void }> = [];
  alterPartition(topics: Message[]): Promise<Message | null> {
    const part = topics[0]!.partitions[0];
    return new Promise((resolve) => this.proposals.push({ newIsr: part.newIsr, leaderEpoch: part.leaderEpoch, answer: resolve }));
  }
  accept(i = -1): void {
    const p = this.proposals.at(i)!;
    p.answer({ errorCode: 0, topics: [{ topicId: TOPIC_ID, partitions: [{ partitionIndex: 0, errorCode: 0, leaderId: 1, leaderEpoch: p.leaderEpoch, isr: p.newIsr }] }] });
  }
  refuse(i = -1): void {
    this.proposals.at(i)!.answer({ errorCode: 0, topics: [{ topicId: TOPIC_ID, partitions: [{ partitionIndex: 0, errorCode: ErrorCode.INELIGIBLE_REPLICA, leaderId: 1, leaderEpoch: 0, isr: [] }] }] });
  }
}

interface Setup {
  rm: ReplicaManager;
  clock: ManualClock;
  cache: MetadataCache;
  controller: FakeController;
  logs: MemoryLogs;
  setMetadata(state: { leaderId: number; leaderEpoch: number; replicas: number[]; isr: number[] }): void;
}

let open: ReplicaManager[] = [];
afterEach(async () => {
  await Promise.all(open.map((rm) => rm.close()));
  open = [];
});

function setup(options: { replicas?: number[]; isr?: number[]; topicConfig?: Record<string, string>; settings?: Record<string, string> } = {}): Setup {
  const clock = new ManualClock(1_000_000);
  const cache = new MetadataCache({ clusterId: 'c' });
  const controller = new FakeController();
  const logs = new MemoryLogs();
  const rm = new ReplicaManager({
    brokerId: 1,
    logs,
    metadata: cache,
    controller,
    settings: { 'replica.lag.time.max.ms': '10000', ...options.settings },
    clock,
    logger: silentLogger,
    connect: () => Promise.reject(new Error('unit tests have no network')),
  });
  open.push(rm);
  const setMetadata: Setup['setMetadata'] = (s) => {
    cache.update({
      throttleTimeMs: 0,
      clusterId: 'c',
      clusterAuthorizedOperations: -2147483648,
      controllerId: 0,
      brokers: [1, 2, 3].map((nodeId) => ({ nodeId, host: '127.0.0.1', port: 9000 + nodeId, rack: null })),
      topics: [{ errorCode: 0, name: 't', topicId: TOPIC_ID, isInternal: false, topicAuthorizedOperations: -2147483648, partitions: [{ errorCode: 0, offlineReplicas: [], partitionIndex: 0, leaderId: s.leaderId, leaderEpoch: s.leaderEpoch, replicaNodes: s.replicas, isrNodes: s.isr }] }],
    });
    if (options.topicConfig) cache.setTopicConfig('t', options.topicConfig);
    rm.applyMetadata();
  };
  setMetadata({ leaderId: 1, leaderEpoch: 0, replicas: options.replicas ?? [1, 2], isr: options.isr ?? options.replicas ?? [1, 2] });
  return { rm, clock, cache, controller, logs, setMetadata };
}

function fetchParams(replicaId: number, fetchOffset: bigint, extra: Partial<FetchParams> = {}, currentLeaderEpoch = -1): FetchParams {
  return { replicaId, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, partitions: [{ topic: 't', partition: 0, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch }], ...extra };
}

async function fetchNow(rm: ReplicaManager, params: FetchParams) {
  const r = rm.fetchMessages(params);
  return r instanceof Promise ? r : Promise.resolve(r);
}

describe('ReplicaManager', () => {
  it('an acks=-1 produce completes once the follower fetched past it, which advances the high watermark', async () => {
    const { rm } = setup();
    const r = rm.appendToLocalLog('t', 0, batch(3), -1);
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(rm.partition('t', 0)!.highWatermark).toBe(0n);
    let codes: number[] | undefined;
    void rm.waitForIsr([{ topic: 't', partition: 0, requiredOffset: r.info!.lastOffset + 1n }], 5000).then((c) => (codes = c));
    await fetchNow(rm, fetchParams(2, 0n));
    expect(codes).toBeUndefined();
    await fetchNow(rm, fetchParams(2, 3n));
    await Promise.resolve();
    expect(rm.partition('t', 0)!.highWatermark).toBe(3n);
    expect(codes).toEqual([ErrorCode.NONE]);
  });

  it('an acks=-1 produce the ISR never catches up with times out with REQUEST_TIMED_OUT', async () => {
    const { rm, clock } = setup();
    rm.appendToLocalLog('t', 0, batch(1), -1);
    const wait = rm.waitForIsr([{ topic: 't', partition: 0, requiredOffset: 1n }], 2000);
    clock.advance(1999);
    let settled = false;
    void wait.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    clock.advance(1);
    expect(await wait).toEqual([ErrorCode.REQUEST_TIMED_OUT]);
  });

  it('an acks=-1 produce waiting across a leader epoch change answers NOT_LEADER_OR_FOLLOWER', async () => {
    const { rm, setMetadata } = setup();
    rm.appendToLocalLog('t', 0, batch(1), -1);
    const wait = rm.waitForIsr([{ topic: 't', partition: 0, requiredOffset: 1n }], 5000);
    setMetadata({ leaderId: 1, leaderEpoch: 1, replicas: [1, 2], isr: [1, 2] });
    expect(await wait).toEqual([ErrorCode.NOT_LEADER_OR_FOLLOWER]);
    expect(rm.partition('t', 0)!.leaderEpoch).toBe(1);
  });

  it('becoming follower completes parked produces with NOT_LEADER_OR_FOLLOWER and tells the listeners', async () => {
    const { rm, setMetadata } = setup();
    const changes: Array<[boolean, number]> = [];
    rm.onLeadershipChange((_t, _p, isLeader, epoch) => changes.push([isLeader, epoch]));
    rm.appendToLocalLog('t', 0, batch(1), -1);
    const wait = rm.waitForIsr([{ topic: 't', partition: 0, requiredOffset: 1n }], 5000);
    setMetadata({ leaderId: 2, leaderEpoch: 1, replicas: [1, 2], isr: [1, 2] });
    expect(await wait).toEqual([ErrorCode.NOT_LEADER_OR_FOLLOWER]);
    expect(changes).toEqual([[false, 1]]);
    expect(rm.appendToLocalLog('t', 0, batch(1), 1).errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  });

  it('acks=-1 with the ISR below min.insync.replicas is refused with NOT_ENOUGH_REPLICAS and appends nothing', () => {
    const { rm, logs } = setup({ replicas: [1, 2], isr: [1], topicConfig: { 'min.insync.replicas': '2' } });
    const r = rm.appendToLocalLog('t', 0, batch(2), -1);
    expect(r.errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
    expect(logs.getLog('t', 0)!.logEndOffset).toBe(0n);
    expect(rm.appendToLocalLog('t', 0, batch(2), 1).errorCode).toBe(ErrorCode.NONE);
  });

  it('a follower that stops fetching is proposed out of the ISR, and the accepted shrink moves the high watermark', async () => {
    const { rm, clock, controller, cache } = setup();
    rm.start();
    rm.appendToLocalLog('t', 0, batch(2), 1);
    clock.advance(10_000);
    expect(controller.proposals).toHaveLength(0);
    clock.advance(5_000);
    expect(controller.proposals.map((p) => p.newIsr)).toEqual([[1]]);
    expect(rm.partition('t', 0)!.pendingIsr).toEqual([1]);
    controller.accept();
    await new Promise((r) => setImmediate(r));
    expect(rm.partition('t', 0)!.isr).toEqual([1]);
    expect(cache.partition('t', 0)!.isr).toEqual([1]);
    expect(rm.partition('t', 0)!.highWatermark).toBe(2n);
  });

  it('a follower that caught up is proposed into the ISR; a refusal backs off before the next proposal', async () => {
    const { rm, clock, controller } = setup({ replicas: [1, 2], isr: [1] });
    rm.appendToLocalLog('t', 0, batch(2), 1);
    await fetchNow(rm, fetchParams(2, 1n));
    expect(controller.proposals).toHaveLength(0);
    await fetchNow(rm, fetchParams(2, 2n));
    expect(controller.proposals.map((p) => p.newIsr)).toEqual([[1, 2]]);
    controller.refuse();
    await new Promise((r) => setImmediate(r));
    await fetchNow(rm, fetchParams(2, 2n));
    expect(controller.proposals).toHaveLength(1);
    clock.advance(500);
    await fetchNow(rm, fetchParams(2, 2n));
    expect(controller.proposals).toHaveLength(2);
    controller.accept();
    await new Promise((r) => setImmediate(r));
    expect(rm.partition('t', 0)!.isr).toEqual([1, 2]);
  });

  it('consumers read only up to the high watermark; a long poll completes when it moves', async () => {
    const { rm } = setup();
    rm.appendToLocalLog('t', 0, batch(3), 1);
    const [empty] = await fetchNow(rm, fetchParams(-1, 0n));
    expect(empty!.records.length).toBe(0);
    expect(empty!.highWatermark).toBe(0n);
    const parked = rm.fetchMessages(fetchParams(-1, 0n, { maxWaitMs: 10_000 }));
    expect(parked).toBeInstanceOf(Promise);
    await fetchNow(rm, fetchParams(2, 3n));
    const [read] = await parked;
    expect(read!.highWatermark).toBe(3n);
    expect(read!.records.length).toBeGreaterThan(0);
  });

  it('a long poll with nothing new answers empty at max.wait.ms', async () => {
    const { rm, clock } = setup();
    const parked = rm.fetchMessages(fetchParams(-1, 0n, { maxWaitMs: 300 }));
    clock.advance(300);
    const [r] = await parked;
    expect(r!.errorCode).toBe(ErrorCode.NONE);
    expect(r!.records.length).toBe(0);
  });

  it('fetches name stale and future leader epochs, offsets out of range and unknown partitions', async () => {
    const { rm, setMetadata } = setup();
    setMetadata({ leaderId: 1, leaderEpoch: 2, replicas: [1, 2], isr: [1, 2] });
    expect((await fetchNow(rm, fetchParams(-1, 0n, {}, 1)))[0]!.errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH);
    expect((await fetchNow(rm, fetchParams(-1, 0n, {}, 3)))[0]!.errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH);
    const stale = (await fetchNow(rm, fetchParams(-1, 0n, {}, 1)))[0]!;
    expect(stale.currentLeader).toEqual({ leaderId: 1, leaderEpoch: 2 });
    expect((await fetchNow(rm, fetchParams(-1, 5n)))[0]!.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    const unknown = await fetchNow(rm, { ...fetchParams(-1, 0n), partitions: [{ topic: 'nope', partition: 0, fetchOffset: 0n, partitionMaxBytes: 100, currentLeaderEpoch: -1 }] });
    expect(unknown[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('the high watermark checkpoint is written from every partition and read back by a new replica manager', () => {
    const { rm, logs } = setup({ replicas: [1], isr: [1] });
    rm.appendToLocalLog('t', 0, batch(4), 1);
    rm.checkpointHighWatermarks();
    expect(logs.checkpoint.get('t-0')).toBe(4n);
    expect(logs.getLog('t', 0)!.highWatermark).toBe(4n);
  });
});
