// The controller pushes metadata changes to the live brokers and answers admin requests only
// once they applied them (with a fake pusher standing in for the brokers).
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/common/clock.js';
import { Controller } from '../../../src/engine/controller/controller.js';
import { MetadataStore } from '../../../src/engine/controller/metadata-store.js';
import { ApiKey } from '../../../src/engine/protocol/api-keys.js';
import type { Message } from '../../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';

let controller: Controller | undefined;
afterEach(() => controller?.close());

function open(lagging: () => number[]) {
  const pushes: number[] = [];
  const c = new Controller({
    store: MetadataStore.open({ path: ':memory:' }),
    clusterId: 'c1',
    clock: new ManualClock(),
    newTopicId: () => `t${pushes.length}${Math.random()}`.slice(0, 22).padEnd(22, 'x'),
    pushMetadata: async (timeoutMs) => {
      pushes.push(timeoutMs);
      return lagging();
    },
  });
  controller = c;
  return { c, pushes };
}

const createBody = (name: string, timeoutMs = 1234): Message => ({
  topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
  timeoutMs,
  validateOnly: false,
});

async function registerLive(c: Controller, brokerId: number): Promise<void> {
  const reg = (await c.handle(ApiKey.BrokerRegistration, 4, {
    brokerId,
    clusterId: 'c1',
    incarnationId: `inc-${brokerId}`.padEnd(22, 'y'),
    listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 0 }],
    features: [],
    rack: null,
  })) as Message;
  await c.handle(ApiKey.BrokerHeartbeat, 1, { brokerId, brokerEpoch: reg.brokerEpoch, currentMetadataOffset: 1n, wantFence: false, wantShutDown: false });
}

describe('metadata push', () => {
  it('answers CreateTopics only after the push, with the request timeout', async () => {
    const { c, pushes } = open(() => []);
    await registerLive(c, 1);
    pushes.length = 0;
    const answer = c.handle(ApiKey.CreateTopics, 7, createBody('a'));
    expect(answer).toBeInstanceOf(Promise);
    const res = (await answer) as Message;
    expect(res.topics[0].errorCode).toBe(ErrorCode.NONE);
    expect(pushes).toEqual([1234]);
  });

  it('answers REQUEST_TIMED_OUT when a live broker did not apply the change in time (the topic exists)', async () => {
    const { c } = open(() => [2]);
    await registerLive(c, 1);
    const res = (await c.handle(ApiKey.CreateTopics, 7, createBody('late'))) as Message;
    expect(res.topics[0].errorCode).toBe(ErrorCode.REQUEST_TIMED_OUT);
    expect(res.topics[0].errorMessage).toContain('Brokers 2');
    expect(c.store.getTopic('late')).toBeDefined();
  });

  it('does not push for a request that changed nothing, nor for validateOnly', async () => {
    const { c, pushes } = open(() => []);
    await registerLive(c, 1);
    pushes.length = 0;
    const md = c.handle(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(md).not.toBeInstanceOf(Promise);
    const dry = await c.handle(ApiKey.CreateTopics, 7, { ...createBody('dry'), validateOnly: true });
    expect((dry as Message).topics[0].errorCode).toBe(ErrorCode.NONE);
    const dup = (await c.handle(ApiKey.CreateTopics, 7, createBody('once'))) as Message;
    expect(dup.topics[0].errorCode).toBe(ErrorCode.NONE);
    const again = (await c.handle(ApiKey.CreateTopics, 7, createBody('once'))) as Message;
    expect(again.topics[0].errorCode).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
    expect(pushes).toHaveLength(1);
  });

  it('pushes a fencing change without making the heartbeat wait', async () => {
    const { c, pushes } = open(() => []);
    pushes.length = 0;
    const reg = c.handle(ApiKey.BrokerRegistration, 4, {
      brokerId: 3,
      clusterId: 'c1',
      incarnationId: 'inc-3'.padEnd(22, 'y'),
      listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9094, securityProtocol: 0 }],
      features: [],
      rack: null,
    });
    expect(reg).not.toBeInstanceOf(Promise);
    expect(pushes.length).toBe(1);
  });
});
