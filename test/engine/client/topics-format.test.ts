import { describe, expect, it } from 'vitest';
import { topicIdToBase64 } from '../../../src/engine/client/admin-client.js';
import {
  formatTopicDescriptions,
  parseReplicaAssignment,
  type TopicDescription,
  topicMatcher,
} from '../../../src/engine/client/topics-format.js';

const orders: TopicDescription = {
  topic: 'orders',
  topicId: 'w_H_w3F-S5qbT7PtD_vEyw',
  internal: false,
  configs: [{ name: 'min.insync.replicas', value: '2' }],
  minInsyncReplicas: 2,
  partitions: [
    { partition: 1, leader: 2, replicas: [2, 3, 1], isr: [2, 3, 1], elr: [], lastKnownElr: [] },
    { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3], elr: [], lastKnownElr: [] },
    { partition: 2, leader: 3, replicas: [3, 1, 2], isr: [3], elr: [], lastKnownElr: [] },
  ],
};

describe('kafka-topics describe format', () => {
  it('prints the real 3.9/4.x output with TABs and sorted partitions', () => {
    expect(formatTopicDescriptions([orders])).toEqual([
      'Topic: orders\tTopicId: w_H_w3F-S5qbT7PtD_vEyw\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: min.insync.replicas=2',
      '\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3\tElr: \tLastKnownElr: ',
      '\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3,1\tElr: \tLastKnownElr: ',
      '\tTopic: orders\tPartition: 2\tLeader: 3\tReplicas: 3,1,2\tIsr: 3\tElr: \tLastKnownElr: ',
    ]);
  });

  it('omits a zero TopicId, prints none for a missing leader and N/A without ELR data', () => {
    const t: TopicDescription = {
      topic: 'x',
      minInsyncReplicas: null,
      topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
      internal: false,
      configs: [],
      partitions: [{ partition: 0, leader: -1, replicas: [1], isr: [], elr: null, lastKnownElr: null }],
    };
    expect(formatTopicDescriptions([t])).toEqual([
      'Topic: x\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: ',
      '\tTopic: x\tPartition: 0\tLeader: none\tReplicas: 1\tIsr: \tElr: N/A\tLastKnownElr: N/A',
    ]);
  });

  it('prints only matching partition lines for --under-replicated-partitions', () => {
    const lines = formatTopicDescriptions([orders], { report: 'under-replicated' });
    expect(lines).toEqual(['\tTopic: orders\tPartition: 2\tLeader: 3\tReplicas: 3,1,2\tIsr: 3\tElr: \tLastKnownElr: ']);
  });

  it('uses min.insync.replicas for the min-ISR reports', () => {
    expect(formatTopicDescriptions([orders], { report: 'under-min-isr' })).toHaveLength(1);
    expect(formatTopicDescriptions([orders], { report: 'at-min-isr' })).toHaveLength(0);
  });

  it('treats a leader outside the live brokers as unavailable', () => {
    expect(formatTopicDescriptions([orders], { report: 'unavailable', liveBrokers: [1, 2] })).toHaveLength(1);
  });

  it('prints only topic lines of topics with overrides for --topics-with-overrides', () => {
    const plain = { ...orders, name: 'plain', configs: [] };
    expect(formatTopicDescriptions([orders, plain], { topicsWithOverrides: true })).toEqual([
      'Topic: orders\tTopicId: w_H_w3F-S5qbT7PtD_vEyw\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: min.insync.replicas=2',
    ]);
  });

  it('converts a UUID topic id to Kafka base64url form', () => {
    expect(topicIdToBase64('00000000-0000-0000-0000-000000000000')).toBe('AAAAAAAAAAAAAAAAAAAAAA');
    expect(topicIdToBase64('c3f1ffdf-717e-4b9a-9b4f-b3ed0ff3c4cb')).toBe('w_H_33F-S5qbT7PtD_PEyw');
  });
});

describe('topic arguments', () => {
  it('matches --topic as a full regex and as a literal name', () => {
    const m = topicMatcher('test\\..*');
    expect(['test.a', 'test_b', 'xtest.a'].filter(m)).toEqual(['test.a']);
    expect(topicMatcher('a(b')('a(b')).toBe(true);
  });

  it('parses --replica-assignment and rejects duplicates and uneven lists', () => {
    expect(parseReplicaAssignment('1:2,2:3')).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(() => parseReplicaAssignment('1:1')).toThrow('Partition replica lists may not contain duplicate entries: 1');
    expect(() => parseReplicaAssignment('1:2,3')).toThrow('Partition 1 has different replication factor: [3]');
  });
});
