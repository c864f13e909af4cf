// AlterPartitionReassignments / ListPartitionReassignments on an in-process controller: the
// replica set widens, completes once the new replicas are in the ISR (leader moved off a
// removed replica), and a cancel reverts.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/common/clock.js';
import { Controller } from '../../../src/engine/controller/controller.js';
import { MetadataStore } from '../../../src/engine/controller/metadata-store.js';
import { ApiKey } from '../../../src/engine/protocol/api-keys.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import type { Message } from '../../../src/engine/protocol/codec.js';

let controller: Controller;
const epochs = new Map<number, bigint>();

function answer(apiKey: number, apiVersion: number, body: Message): Message {
  const r = controller.handle(apiKey, apiVersion, body);
  if (r instanceof Promise) throw new Error('answered asynchronously');
  return r;
}

function start(): void {
  let ids = 0;
  controller = new Controller({ store: MetadataStore.open({ path: ':memory:' }), clusterId: 'c1', clock: new ManualClock(), newTopicId: () => `topic-id-${++ids}`.padEnd(22, 'x') });
  for (const brokerId of [1, 2, 3]) {
    const reg = answer(ApiKey.BrokerRegistration, 4, {
      brokerId, clusterId: 'c1', incarnationId: `inc-${brokerId}`.padEnd(22, 'y'), listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9000 + brokerId, securityProtocol: 0 }], features: [], rack: null,
    });
    epochs.set(brokerId, reg.brokerEpoch as bigint);
    answer(ApiKey.BrokerHeartbeat, 1, { brokerId, brokerEpoch: reg.brokerEpoch, currentMetadataOffset: 1n, wantFence: false, wantShutDown: false });
  }
  const created = answer(ApiKey.CreateTopics, 7, {
    topics: [{ name: 't', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1] }], configs: [] }],
    timeoutMs: 1000,
    validateOnly: false,
  });
  expect(created.topics[0].errorCode).toBe(ErrorCode.NONE);
}

function reassign(replicas: number[] | null, partitionIndex = 0, topic = 't') {
  return answer(ApiKey.AlterPartitionReassignments, 0, { timeoutMs: 1000, topics: [{ name: topic, partitions: [{ partitionIndex, replicas }] }] }).responses[0].partitions[0];
}

function list() {
  return answer(ApiKey.ListPartitionReassignments, 0, { timeoutMs: 1000, topics: null }).topics;
}

function partition() {
  return controller.store.getTopic('t')!.partitions[0]!;
}

function proposeIsr(isr: number[]) {
  const p = partition();
  const res = answer(ApiKey.AlterPartition, 1, {
    brokerId: p.leader,
    brokerEpoch: epochs.get(p.leader),
    topics: [{ topicName: 't', partitions: [{ partitionIndex: 0, leaderEpoch: p.leaderEpoch, newIsr: isr, partitionEpoch: p.partitionEpoch }] }],
  });
  expect(res.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
}

afterEach(() => controller?.close());

describe('partition reassignment', () => {
  it('adds the target replicas, then drops the old one and moves leadership once they are in sync', () => {
    start();
    expect(reassign([2, 3])).toMatchObject({ errorCode: ErrorCode.NONE });
    expect(partition()).toMatchObject({ replicas: [2, 3, 1], isr: [1], leader: 1, addingReplicas: [2, 3], removingReplicas: [1] });
    expect(list()).toEqual([{ name: 't', partitions: [{ partitionIndex: 0, replicas: [2, 3, 1], addingReplicas: [2, 3], removingReplicas: [1] }] }]);

    proposeIsr([1, 2]); // broker 2 caught up, 3 not yet: still reassigning
    expect(partition()).toMatchObject({ replicas: [2, 3, 1], addingReplicas: [2, 3], removingReplicas: [1] });
    const before = partition().leaderEpoch;
    proposeIsr([1, 2, 3]);
    expect(partition()).toMatchObject({ replicas: [2, 3], isr: [2, 3], leader: 2, addingReplicas: [], removingReplicas: [] });
    expect(partition().leaderEpoch).toBeGreaterThanOrEqual(before);
    expect(list()).toEqual([]);
  });

  it('reverts to the replicas before the reassignment on cancel', () => {
    start();
    reassign([2]);
    expect(reassign(null)).toMatchObject({ errorCode: ErrorCode.NONE });
    expect(partition()).toMatchObject({ replicas: [1], isr: [1], leader: 1, addingReplicas: [], removingReplicas: [] });
    expect(reassign(null)).toMatchObject({ errorCode: ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, errorMessage: 'No ongoing reassignment for partition t-0.' });
  });

  it('completes at once when only replicas are removed or reordered', () => {
    start();
    reassign([1, 2]);
    proposeIsr([1, 2]);
    expect(partition()).toMatchObject({ replicas: [1, 2], isr: [1, 2] });
    expect(reassign([2, 1])).toMatchObject({ errorCode: ErrorCode.NONE });
    expect(partition()).toMatchObject({ replicas: [2, 1], leader: 1, addingReplicas: [] });
    expect(reassign([2])).toMatchObject({ errorCode: ErrorCode.NONE });
    expect(partition()).toMatchObject({ replicas: [2], isr: [2], leader: 2, removingReplicas: [] });
  });

  it('refuses bad targets with Kafka\'s messages', () => {
    start();
    expect(reassign([])).toMatchObject({ errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: 'The manual partition assignment includes an empty replica list.' });
    expect(reassign([2, 2])).toMatchObject({ errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: 'The manual partition assignment includes the broker 2 more than once.' });
    expect(reassign([9])).toMatchObject({ errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: 'The manual partition assignment includes broker 9, but no such broker is registered.' });
    expect(reassign([2], 5)).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
    expect(reassign([2], 0, 'nope')).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
    expect(partition()).toMatchObject({ replicas: [1], addingReplicas: [] });
  });
});
