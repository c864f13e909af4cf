import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/common/clock.js';
import { Controller } from '../../../src/engine/controller/controller.js';
import { MetadataStore } from '../../../src/engine/controller/metadata-store.js';
import { ApiKey } from '../../../src/engine/protocol/api-keys.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import type { Message } from '../../../src/engine/protocol/codec.js';

let clock: ManualClock;
let controller: Controller;
let ids = 0;

/** A controller without a metadata pusher answers synchronously. */
function answer(c: Controller, apiKey: number, apiVersion: number, body: Message): Message {
  const r = c.handle(apiKey, apiVersion, body);
  if (r instanceof Promise) throw new Error('a controller without a pusher answered asynchronously');
  return r;
}

function open(settings: Record<string, string> = {}, store = MetadataStore.open({ path: ':memory:' })): Controller {
  return new Controller({ store, clusterId: 'c1', settings, clock, newTopicId: () => `topic-id-${++ids}`.padEnd(22, 'x') });
}

function register(c: Controller, brokerId: number): bigint {
  const res = answer(c, ApiKey.BrokerRegistration, 4, {
    brokerId,
    clusterId: 'c1',
    incarnationId: `inc-${brokerId}-${++ids}`.padEnd(22, 'y'),
    listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9091 + brokerId, securityProtocol: 0 }],
    features: [],
    rack: null,
  });
  expect(res.errorCode).toBe(0);
  const hb = answer(c, ApiKey.BrokerHeartbeat, 1, { brokerId, brokerEpoch: res.brokerEpoch, currentMetadataOffset: 1n, wantFence: false, wantShutDown: false });
  expect(hb.isFenced).toBe(false);
  return res.brokerEpoch as bigint;
}

function heartbeat(c: Controller, brokerId: number, brokerEpoch: bigint) {
  return answer(c, ApiKey.BrokerHeartbeat, 1, { brokerId, brokerEpoch, currentMetadataOffset: 1n, wantFence: false, wantShutDown: false });
}

function createTopic(c: Controller, name: string, numPartitions = 1, replicationFactor = -1, extra: Record<string, unknown> = {}) {
  const res = answer(c, ApiKey.CreateTopics, 7, { topics: [{ name, numPartitions, replicationFactor, assignments: [], configs: [], ...extra }], timeoutMs: 1000, validateOnly: false });
  return res.topics[0];
}

function metadata(c: Controller, topics: string[] | null = null) {
  return answer(c, ApiKey.Metadata, 12, { topics: topics?.map((name) => ({ name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' })) ?? null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
}

beforeEach(() => {
  clock = new ManualClock();
});
afterEach(() => controller?.close());

describe('Controller', () => {
  it('lists a registered broker in Metadata only after a heartbeat says it has caught up with the metadata', () => {
    controller = open();
    const reg = answer(controller, ApiKey.BrokerRegistration, 4, {
      brokerId: 1, clusterId: 'c1', incarnationId: 'AAAAAAAAAAAAAAAAAAAAAB', listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 0 }], features: [], rack: null,
    });
    expect(metadata(controller).brokers).toEqual([]);
    // No metadata applied since registering: alive, but stays fenced.
    const early = answer(controller, ApiKey.BrokerHeartbeat, 1, { brokerId: 1, brokerEpoch: reg.brokerEpoch, currentMetadataOffset: 0n, wantFence: false, wantShutDown: false });
    expect(early).toMatchObject({ errorCode: ErrorCode.NONE, isFenced: true, isCaughtUp: false });
    expect(metadata(controller).brokers).toEqual([]);
    const hb = heartbeat(controller, 1, reg.brokerEpoch as bigint);
    expect(hb).toMatchObject({ errorCode: ErrorCode.NONE, isFenced: false, isCaughtUp: true });
    const md = metadata(controller);
    expect(md.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }]);
    expect(md.controllerId).toBe(1);
    expect(md.clusterId).toBe('c1');
  });

  it('rejects a registration for another cluster id', () => {
    controller = open();
    const res = answer(controller, ApiKey.BrokerRegistration, 4, { brokerId: 1, clusterId: 'other', incarnationId: 'AAAAAAAAAAAAAAAAAAAAAB', listeners: [{ name: 'PLAINTEXT', host: 'h', port: 1 }] });
    expect(res.errorCode).toBe(ErrorCode.INCONSISTENT_CLUSTER_ID);
  });

  it('answers a heartbeat with a stale broker epoch with STALE_BROKER_EPOCH', () => {
    controller = open();
    const epoch = register(controller, 1);
    expect(heartbeat(controller, 1, epoch - 1n).errorCode).toBe(ErrorCode.STALE_BROKER_EPOCH);
  });

  it('creates a topic with default partitions and replication factor from settings', () => {
    controller = open({ 'num.partitions': '3', 'default.replication.factor': '2' });
    register(controller, 1);
    register(controller, 2);
    const result = createTopic(controller, 'orders', -1, -1);
    expect(result).toMatchObject({ errorCode: 0, numPartitions: 3, replicationFactor: 2 });
    const topic = metadata(controller, ['orders']).topics[0];
    expect(topic.partitions).toHaveLength(3);
    expect(topic.topicId).toBe(result.topicId);
    for (const p of topic.partitions) expect(p.replicaNodes).toHaveLength(2);
  });

  it('refuses a replication factor larger than the live brokers', () => {
    controller = open();
    register(controller, 1);
    expect(createTopic(controller, 't', 1, 3)).toMatchObject({
      errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
      errorMessage: 'Replication factor: 3 larger than available brokers: 1.',
    });
  });

  it('refuses an existing topic with TOPIC_ALREADY_EXISTS', () => {
    controller = open();
    register(controller, 1);
    createTopic(controller, 't');
    expect(createTopic(controller, 't')).toMatchObject({ errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: "Topic 't' already exists." });
  });

  it('refuses illegal topic names with INVALID_TOPIC_EXCEPTION', () => {
    controller = open();
    register(controller, 1);
    for (const name of ['', '.', '..', 'a b', 'x'.repeat(250)]) {
      expect(createTopic(controller, name).errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    }
  });

  it('refuses zero partitions with INVALID_PARTITIONS', () => {
    controller = open();
    register(controller, 1);
    expect(createTopic(controller, 't', 0).errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
  });

  it('refuses a bad config value with INVALID_CONFIG', () => {
    controller = open();
    register(controller, 1);
    const r = createTopic(controller, 't', 1, 1, { configs: [{ name: 'retention.ms', value: 'soon' }] });
    expect(r.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(r.errorMessage).toContain('retention.ms');
    expect(createTopic(controller, 'u', 1, 1, { configs: [{ name: 'no.such.config', value: '1' }] }).errorCode).toBe(ErrorCode.INVALID_CONFIG);
  });

  it('honours an explicit replica assignment and rejects an unknown broker in it', () => {
    controller = open();
    register(controller, 1);
    register(controller, 2);
    const ok = createTopic(controller, 't', -1, -1, { assignments: [{ partitionIndex: 0, brokerIds: [2, 1] }, { partitionIndex: 1, brokerIds: [1, 2] }] });
    expect(ok.errorCode).toBe(0);
    expect(metadata(controller, ['t']).topics[0].partitions.map((p: { leaderId: number }) => p.leaderId)).toEqual([2, 1]);
    const bad = createTopic(controller, 'u', -1, -1, { assignments: [{ partitionIndex: 0, brokerIds: [7] }] });
    expect(bad.errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  });

  it('does not create anything in validate-only mode', () => {
    controller = open();
    register(controller, 1);
    const res = answer(controller, ApiKey.CreateTopics, 7, { topics: [{ name: 't', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1, validateOnly: true });
    expect(res.topics[0].errorCode).toBe(0);
    expect(metadata(controller, ['t']).topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('deletes topics by name and by id', () => {
    controller = open();
    register(controller, 1);
    createTopic(controller, 'a');
    const b = createTopic(controller, 'b');
    const byName = answer(controller, ApiKey.DeleteTopics, 5, { topicNames: ['a', 'zz'], timeoutMs: 1 });
    expect(byName.responses.map((r: { errorCode: number }) => r.errorCode)).toEqual([0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    const byId = answer(controller, ApiKey.DeleteTopics, 6, { topics: [{ name: null, topicId: b.topicId }], timeoutMs: 1 });
    expect(byId.responses[0]).toMatchObject({ name: 'b', errorCode: 0 });
    expect(metadata(controller).topics).toEqual([]);
  });

  it('only increases the partition count', () => {
    controller = open();
    register(controller, 1);
    createTopic(controller, 't', 2);
    const grow = answer(controller, ApiKey.CreatePartitions, 3, { topics: [{ name: 't', count: 4, assignments: null }], timeoutMs: 1, validateOnly: false });
    expect(grow.results[0].errorCode).toBe(0);
    expect(metadata(controller, ['t']).topics[0].partitions).toHaveLength(4);
    const shrink = answer(controller, ApiKey.CreatePartitions, 3, { topics: [{ name: 't', count: 3, assignments: null }], timeoutMs: 1, validateOnly: false });
    expect(shrink.results[0]).toMatchObject({ errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'Topic currently has 4 partitions, which is higher than the requested 3.' });
  });

  it('describes topic configs with overrides, defaults and synonyms', () => {
    controller = open({ 'log.retention.ms': '1000' });
    register(controller, 1);
    createTopic(controller, 't', 1, 1, { configs: [{ name: 'max.message.bytes', value: '64000' }] });
    const res = answer(controller, ApiKey.DescribeConfigs, 4, { resources: [{ resourceType: 2, resourceName: 't', configurationKeys: null }], includeSynonyms: true, includeDocumentation: false });
    const configs = res.results[0].configs as { name: string; value: string; configSource: number; synonyms: unknown[] }[];
    const maxMessage = configs.find((c) => c.name === 'max.message.bytes')!;
    expect(maxMessage).toMatchObject({ value: '64000', configSource: 1 });
    expect(maxMessage.synonyms).toEqual([
      { name: 'max.message.bytes', value: '64000', source: 1 },
      { name: 'message.max.bytes', value: '1048588', source: 5 },
    ]);
    expect(configs.find((c) => c.name === 'retention.ms')).toMatchObject({ value: '1000', configSource: 4 });
    expect(configs.find((c) => c.name === 'cleanup.policy')).toMatchObject({ value: 'delete', configSource: 5 });
  });

  it('applies incremental SET, DELETE and APPEND and accepts deleting an unset key', () => {
    controller = open();
    register(controller, 1);
    createTopic(controller, 't', 1, 1, { configs: [{ name: 'retention.ms', value: '5' }] });
    const res = answer(controller, ApiKey.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: 2, resourceName: 't', configs: [
        { name: 'retention.ms', configOperation: 1, value: null },
        { name: 'segment.bytes', configOperation: 0, value: '1048576' },
        { name: 'cleanup.policy', configOperation: 2, value: 'compact' },
        { name: 'flush.ms', configOperation: 1, value: null },
      ] }],
      validateOnly: false,
    });
    expect(res.responses[0].errorCode).toBe(0);
    expect(controller.store.getTopicConfigs('t')).toEqual({ 'segment.bytes': '1048576', 'cleanup.policy': 'delete,compact' });
  });

  it('rejects an incremental APPEND on a non-list config', () => {
    controller = open();
    register(controller, 1);
    createTopic(controller, 't');
    const res = answer(controller, ApiKey.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: 2, resourceName: 't', configs: [{ name: 'retention.ms', configOperation: 2, value: '1' }] }], validateOnly: false,
    });
    expect(res.responses[0].errorCode).toBe(ErrorCode.INVALID_CONFIG);
  });

  it('replaces all overrides with AlterConfigs', () => {
    controller = open();
    register(controller, 1);
    createTopic(controller, 't', 1, 1, { configs: [{ name: 'retention.ms', value: '5' }] });
    const res = answer(controller, ApiKey.AlterConfigs, 2, { resources: [{ resourceType: 2, resourceName: 't', configs: [{ name: 'segment.ms', value: '100' }] }], validateOnly: false });
    expect(res.responses[0].errorCode).toBe(0);
    expect(controller.store.getTopicConfigs('t')).toEqual({ 'segment.ms': '100' });
  });

  it('fences a broker whose session timed out and elects a new leader with a bumped epoch', () => {
    controller = open({ 'broker.session.timeout.ms': '9000' });
    const epochs = [1, 2, 3].map((id) => register(controller, id));
    createTopic(controller, 't', 1, 3, {});
    const before = metadata(controller, ['t']).topics[0].partitions[0];
    const leader = before.leaderId as number;
    clock.advance(5000);
    [1, 2, 3].forEach((id, i) => id !== leader && heartbeat(controller, id, epochs[i]!));
    clock.advance(5000);
    [1, 2, 3].forEach((id, i) => id !== leader && heartbeat(controller, id, epochs[i]!));
    controller.tick();
    const md = metadata(controller, ['t']);
    const after = md.topics[0].partitions[0];
    expect(md.brokers.map((b: { nodeId: number }) => b.nodeId)).not.toContain(leader);
    expect(after.leaderId).not.toBe(leader);
    expect(after.leaderId).not.toBe(-1);
    expect(after.leaderEpoch).toBe(before.leaderEpoch + 1);
    expect(after.isrNodes).not.toContain(leader);
    expect(after.offlineReplicas).toEqual([leader]);
  });

  it('moves leadership away when a broker shuts down in a controlled way', () => {
    controller = open();
    const e1 = register(controller, 1);
    register(controller, 2);
    createTopic(controller, 't', -1, -1, { assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }] });
    const res = answer(controller, ApiKey.BrokerHeartbeat, 1, { brokerId: 1, brokerEpoch: e1, currentMetadataOffset: 0n, wantFence: false, wantShutDown: true });
    expect(res.shouldShutDown).toBe(true);
    expect(metadata(controller, ['t']).topics[0].partitions[0]).toMatchObject({ leaderId: 2, isrNodes: [2] });
  });

  it('accepts an ISR expansion from the leader and then restores the preferred leader', () => {
    controller = open();
    const e1 = register(controller, 1);
    const e2 = register(controller, 2);
    createTopic(controller, 't', -1, -1, { assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }] });
    const topicId = metadata(controller, ['t']).topics[0].topicId;
    // broker 1 restarts: re-registers (fenced, leaves the ISR), then heartbeats back in.
    answer(controller, ApiKey.BrokerRegistration, 4, { brokerId: 1, clusterId: 'c1', incarnationId: 'AAAAAAAAAAAAAAAAAAAAAC', listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092 }], features: [], rack: null });
    let p = metadata(controller, ['t']).topics[0].partitions[0];
    expect(p).toMatchObject({ leaderId: 2, isrNodes: [2] });
    const newEpoch = controller.store.getBroker(1)!.brokerEpoch;
    expect(newEpoch).not.toBe(e1);
    heartbeat(controller, 1, newEpoch);
    const res = answer(controller, ApiKey.AlterPartition, 3, {
      brokerId: 2, brokerEpoch: e2,
      topics: [{ topicId, partitions: [{ partitionIndex: 0, leaderEpoch: p.leaderEpoch, newIsrWithEpochs: [{ brokerId: 2, brokerEpoch: e2 }, { brokerId: 1, brokerEpoch: newEpoch }], leaderRecoveryState: 0, partitionEpoch: -1 }] }],
    });
    expect(res.topics[0].partitions[0]).toMatchObject({ errorCode: 0, isr: [1, 2], leaderId: 1 });
    p = metadata(controller, ['t']).topics[0].partitions[0];
    expect(p).toMatchObject({ leaderId: 1, isrNodes: [1, 2] });
  });

  it('rejects AlterPartition from a broker that is not the leader', () => {
    controller = open();
    register(controller, 1);
    const e2 = register(controller, 2);
    createTopic(controller, 't', -1, -1, { assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }] });
    const res = answer(controller, ApiKey.AlterPartition, 1, {
      brokerId: 2, brokerEpoch: e2, topics: [{ topicName: 't', partitions: [{ partitionIndex: 0, leaderEpoch: 0, newIsr: [2], partitionEpoch: 0 }] }],
    });
    expect(res.topics[0].partitions[0].errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  });

  it('keeps topics and broker epochs across a restart on the same store file', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'ctl-'));
    try {
      controller = open({}, MetadataStore.open({ path: join(dir, 'm.db') }));
      const epoch = register(controller, 1);
      createTopic(controller, 't', 2);
      controller.close();
      controller = open({}, MetadataStore.open({ path: join(dir, 'm.db') }));
      expect(heartbeat(controller, 1, epoch).errorCode).toBe(0);
      expect(metadata(controller, ['t']).topics[0].partitions).toHaveLength(2);
      expect(metadata(controller).brokers).toHaveLength(1);
    } finally {
      controller.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports DescribeCluster with live brokers', () => {
    controller = open();
    register(controller, 2);
    register(controller, 1);
    const res = answer(controller, ApiKey.DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 });
    expect(res).toMatchObject({ errorCode: 0, clusterId: 'c1', controllerId: 1 });
    expect(res.brokers.map((b: { brokerId: number }) => b.brokerId)).toEqual([1, 2]);
  });

  it('moves leadership to the preferred replica on a PREFERRED ElectLeaders request', () => {
    controller = open({ 'auto.leader.rebalance.enable': 'false' });
    const e1 = register(controller, 1);
    register(controller, 2);
    createTopic(controller, 't', -1, -1, { assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }] });
    answer(controller, ApiKey.BrokerHeartbeat, 1, { brokerId: 1, brokerEpoch: e1, currentMetadataOffset: 0n, wantFence: true, wantShutDown: false });
    expect(metadata(controller, ['t']).topics[0].partitions[0].leaderId).toBe(2);
    heartbeat(controller, 1, e1);
    const p = metadata(controller, ['t']).topics[0].partitions[0];
    const topicId = p && metadata(controller, ['t']).topics[0].topicId;
    answer(controller, ApiKey.AlterPartition, 1, { brokerId: 2, brokerEpoch: -1n, topics: [{ topicName: 't', topicId, partitions: [{ partitionIndex: 0, leaderEpoch: p.leaderEpoch, newIsr: [1, 2], partitionEpoch: -1 }] }] });
    expect(metadata(controller, ['t']).topics[0].partitions[0].leaderId).toBe(2);
    const res = answer(controller, ApiKey.ElectLeaders, 2, { electionType: 0, topicPartitions: [{ topic: 't', partitions: [0] }], timeoutMs: 1000 });
    expect(res.replicaElectionResults[0].partitionResult[0]).toMatchObject({ partitionId: 0, errorCode: 0 });
    expect(metadata(controller, ['t']).topics[0].partitions[0]).toMatchObject({ leaderId: 1, leaderEpoch: p.leaderEpoch + 1 });
    const again = answer(controller, ApiKey.ElectLeaders, 2, { electionType: 0, topicPartitions: [{ topic: 't', partitions: [0] }], timeoutMs: 1000 });
    expect(again.replicaElectionResults[0].partitionResult[0].errorCode).toBe(ErrorCode.ELECTION_NOT_NEEDED);
  });
});
