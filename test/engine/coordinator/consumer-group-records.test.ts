// Kafka's byte layout of the KIP-848 records in __consumer_offsets (int16 key version 3-8 +
// non-flexible key; int16 value version 0 + flexible value), and their decoding.
import { describe, expect, it } from 'vitest';
import { ConsumerGroupMember } from '../../../src/engine/coordinator/consumer-group.js';
import { cgRecords, decodeConsumerGroupRecord } from '../../../src/engine/coordinator/consumer-group-records.js';
import { decodeOffsetsTopicRecord } from '../../../src/engine/coordinator/offsets-topic-records.js';

describe('consumer group records', () => {
  it('writes ConsumerGroupMetadata as key version 3 and a flexible value version 0', () => {
    const r = cgRecords.metadata('g', 7);
    expect(r.key!.toString('hex')).toBe('0003' + '0001' + '67');
    expect(r.value!.toString('hex')).toBe('0000' + '00000007' + '00');
  });

  it('round-trips a member and its current assignment, and tombstones', () => {
    const m = new ConsumerGroupMember('m1');
    m.clientId = 'c';
    m.subscribedTopicNames = ['orders'];
    m.memberEpoch = 3;
    m.previousMemberEpoch = 2;
    m.assigned = new Map([['AAAAAAAAAAAAAAAAAAAAAA', new Set([0, 2])]]);
    const member = cgRecords.member('g', 'm1', m);
    expect(member.key!.readInt16BE(0)).toBe(5);
    expect(decodeConsumerGroupRecord(member.key!, member.value)).toMatchObject({ kind: 'cg-member', group: 'g', memberId: 'm1', value: { clientId: 'c', subscribedTopicNames: ['orders'] } });
    const cur = cgRecords.currentAssignment('g', 'm1', m);
    expect(cur.key!.readInt16BE(0)).toBe(8);
    const decoded = decodeConsumerGroupRecord(cur.key!, cur.value);
    expect(decoded).toMatchObject({ kind: 'cg-current-assignment', value: { memberEpoch: 3, previousMemberEpoch: 2, state: 0 } });
    expect(decodeConsumerGroupRecord(cur.key!, null)).toEqual({ kind: 'cg-current-assignment', group: 'g', memberId: 'm1', value: null });
    // Classic readers skip them.
    expect(decodeOffsetsTopicRecord(cur.key!, cur.value)).toBeNull();
  });
});
