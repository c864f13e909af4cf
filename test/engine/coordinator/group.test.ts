import { describe, expect, it } from 'vitest';
import { Group, GroupMember, GroupState, VALID_PREVIOUS_STATES } from '../../../src/engine/coordinator/group.js';
import { parseGroupCoordinatorConfig } from '../../../src/engine/coordinator/group-coordinator-config.js';
import { isStreamctlError } from '../../../src/engine/common/errors.js';
import { subscription } from './group-test-kit.js';

function member(id: string, protocols: string[], topics = ['orders']): GroupMember {
  return new GroupMember({
    memberId: id,
    groupInstanceId: null,
    clientId: 'c',
    clientHost: '/h',
    rebalanceTimeoutMs: 1000,
    sessionTimeoutMs: 1000,
    protocolType: 'consumer',
    protocols: protocols.map((name) => ({ name, metadata: subscription(topics) })),
  });
}

describe('Group state machine', () => {
  it('allows exactly the transitions of the table', () => {
    const states = Object.values(GroupState);
    for (const from of states) {
      for (const to of states) {
        const g = new Group('g', GroupState.Empty, 0);
        // Walk to `from` through legal steps.
        const path: Record<GroupState, GroupState[]> = {
          Empty: [],
          PreparingRebalance: ['PreparingRebalance'],
          CompletingRebalance: ['PreparingRebalance', 'CompletingRebalance'],
          Stable: ['PreparingRebalance', 'CompletingRebalance', 'Stable'],
          Dead: ['Dead'],
        };
        for (const s of path[from]) g.transitionTo(s, 0);
        const allowed = VALID_PREVIOUS_STATES[to].includes(from);
        expect(g.canTransitionTo(to)).toBe(allowed);
        if (allowed) g.transitionTo(to, 5);
        else expect(() => g.transitionTo(to, 5)).toThrow(/illegal state transition/);
      }
    }
  });

  it('records when the state last changed', () => {
    const g = new Group('g', GroupState.Empty, 10);
    g.transitionTo(GroupState.PreparingRebalance, 20);
    expect(g.currentStateTimestampMs).toBe(20);
  });
});

describe('Group membership', () => {
  it('hands leadership to a member that has rejoined when the leader leaves', () => {
    const g = new Group('g', GroupState.Empty, 0);
    g.add(member('a', ['range']));
    g.add(member('b', ['range']));
    g.add(member('c', ['range']));
    g.members.get('c')!.awaitingJoin = () => undefined;
    expect(g.leaderId).toBe('a');
    g.remove('a');
    expect(g.leaderId).toBe('c');
  });

  it('knows which topics its consumer members subscribe to', () => {
    const g = new Group('g', GroupState.Empty, 0);
    g.add(member('a', ['range'], ['orders']));
    g.add(member('b', ['range'], ['payments', 'orders']));
    g.protocolName = 'range';
    expect(g.subscribedTopics()).toEqual(new Set(['orders', 'payments']));
    expect(g.isSubscribedToTopic('refunds')).toBe(false);
  });

  it('supports a new member only if every member supports one of its protocols', () => {
    const g = new Group('g', GroupState.Empty, 0);
    expect(g.supportsProtocols('consumer', ['range'])).toBe(true);
    expect(g.supportsProtocols('', ['range'])).toBe(false);
    g.add(member('a', ['range', 'roundrobin']));
    g.add(member('b', ['roundrobin']));
    expect(g.supportsProtocols('consumer', ['range'])).toBe(false);
    expect(g.supportsProtocols('consumer', ['sticky', 'roundrobin'])).toBe(true);
    expect(g.supportsProtocols('connect', ['roundrobin'])).toBe(false);
  });
});

describe('group coordinator config', () => {
  it('reads Kafka keys with Kafka defaults and a short initial rebalance delay', () => {
    const c = parseGroupCoordinatorConfig({ 'offsets.retention.minutes': '2', 'group.initial.rebalance.delay.ms': '0' });
    expect(c.offsetsRetentionMs).toBe(120_000);
    expect(c.initialRebalanceDelayMs).toBe(0);
    expect(parseGroupCoordinatorConfig({}).offsetsTopicPartitions).toBe(50);
    expect(parseGroupCoordinatorConfig({}).initialRebalanceDelayMs).toBeLessThanOrEqual(300);
  });

  it('refuses values that are not integers in range, naming the key', () => {
    const cases: Array<Record<string, string>> = [{ 'group.max.size': 'lots' }, { 'offsets.topic.num.partitions': '0' }, { 'group.min.session.timeout.ms': '9', 'group.max.session.timeout.ms': '5' }];
    for (const settings of cases) {
      try {
        parseGroupCoordinatorConfig(settings);
        expect.unreachable();
      } catch (error) {
        expect(isStreamctlError(error, 'INVALID_CONFIG')).toBe(true);
        expect((error as Error).message).toMatch(/group|offsets/);
      }
    }
  });
});
