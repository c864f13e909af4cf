// Each handler owns its answer to a failed request: the router answers a throwing admin or
// group handler with the error on every topic, resource, partition or group the request
// named (as Kafka does), in a response that encodes at the request's version.
import { describe, expect, it } from 'vitest';
import type { ApiHandler } from '../../../src/engine/broker/api-handler.js';
import { createDescribeConfigsHandler } from '../../../src/engine/broker/handlers/describe-configs.js';
import { createAdminForwardHandlers } from '../../../src/engine/broker/handlers/admin-forward.js';
import type { BrokerContext, ControllerForwarder } from '../../../src/engine/broker/handlers/broker-context.js';
import { createGroupHandlers, type GroupHandlerDeps } from '../../../src/engine/broker/handlers/group-handlers.js';
import { RequestRouter } from '../../../src/engine/broker/request-router.js';
import type { GroupCoordinator } from '../../../src/engine/coordinator/group-coordinator.js';
import { silentLogger } from '../../../src/engine/common/logger.js';
import { ApiKey } from '../../../src/engine/protocol/api-keys.js';
import { decodeMessage, encodeMessage, encodeResponseFrame, type Message, type MessageName } from '../../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';

const unreachable: ControllerForwarder = { forward: () => Promise.resolve(null), refreshMetadata: () => Promise.resolve(true) };
const failing: ControllerForwarder = { forward: () => Promise.reject(new Error('link broke')), refreshMetadata: () => Promise.resolve(true) };

function adminRouter(controller: ControllerForwarder): RequestRouter {
  const ctx = { controller, refreshTopicConfigs: () => Promise.resolve() } as unknown as BrokerContext;
  return new RequestRouter({ handlers: [...createAdminForwardHandlers(ctx), createDescribeConfigsHandler(ctx)], logger: silentLogger });
}

/** A coordinator whose every call throws, so each group handler fails. */
const brokenCoordinator = new Proxy({}, {
  get: () => () => {
    throw new Error('coordinator down');
  },
}) as unknown as GroupCoordinator;

function groupRouter(): RequestRouter {
  const handlers: ApiHandler[] = createGroupHandlers({ settings: {}, logger: silentLogger } as unknown as GroupHandlerDeps, brokenCoordinator);
  return new RequestRouter({ handlers, logger: silentLogger });
}

/** Sends `body` through the codec at `version` to the router, and the answer back through the codec. */
async function call(router: RequestRouter, apiKey: number, name: string, version: number, body: Message): Promise<Message> {
  const request = decodeMessage(`${name}Request` as MessageName, version, encodeMessage(`${name}Request` as MessageName, version, body));
  const response = await router.handle({ header: { apiKey, apiVersion: version, correlationId: 3, clientId: 't' }, body: request, connection: { id: 1, remoteAddress: '127.0.0.1', remotePort: 1 } });
  expect(response).not.toBeNull();
  expect(() => encodeResponseFrame(apiKey, version, 3, response!)).not.toThrow();
  return decodeMessage(`${name}Response` as MessageName, version, encodeMessage(`${name}Response` as MessageName, version, response!));
}

describe('handler-owned error responses', () => {
  it('answers CreateTopics with NOT_CONTROLLER per topic when the controller is unreachable', async () => {
    const res = await call(adminRouter(unreachable), ApiKey.CreateTopics, 'CreateTopics', 5, {
      topics: [{ name: 'a', numPartitions: 1, replicationFactor: 1 }, { name: 'b', numPartitions: 1, replicationFactor: 1 }],
      timeoutMs: 1000,
    });
    expect(res.topics.map((t: Message) => [t.name, t.errorCode])).toEqual([
      ['a', ErrorCode.NOT_CONTROLLER],
      ['b', ErrorCode.NOT_CONTROLLER],
    ]);
  });

  it('answers DeleteTopics by name before v6 and by topic from v6', async () => {
    const old = await call(adminRouter(unreachable), ApiKey.DeleteTopics, 'DeleteTopics', 5, { topicNames: ['x', 'y'], timeoutMs: 1000 });
    expect(old.responses.map((r: Message) => [r.name, r.errorCode])).toEqual([
      ['x', ErrorCode.NOT_CONTROLLER],
      ['y', ErrorCode.NOT_CONTROLLER],
    ]);
    const v6 = await call(adminRouter(unreachable), ApiKey.DeleteTopics, 'DeleteTopics', 6, { topics: [{ name: 'z' }], timeoutMs: 1000 });
    expect(v6.responses.map((r: Message) => [r.name, r.errorCode])).toEqual([['z', ErrorCode.NOT_CONTROLLER]]);
  });

  it('answers a DescribeConfigs whose forwarding throws with UNKNOWN_SERVER_ERROR per resource', async () => {
    const res = await call(adminRouter(failing), ApiKey.DescribeConfigs, 'DescribeConfigs', 4, {
      resources: [{ resourceType: 2, resourceName: 'orders', configurationKeys: null }],
    });
    expect(res.results).toHaveLength(1);
    expect(res.results[0]).toMatchObject({ resourceName: 'orders', resourceType: 2, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: 'link broke' });
  });

  it('answers ElectLeaders per partition as well as at the top level', async () => {
    const res = await call(adminRouter(unreachable), ApiKey.ElectLeaders, 'ElectLeaders', 1, {
      electionType: 0,
      topicPartitions: [{ topic: 't', partitions: [0, 2] }],
      timeoutMs: 1000,
    });
    expect(res.errorCode).toBe(ErrorCode.NOT_CONTROLLER);
    expect(res.replicaElectionResults[0].partitionResult.map((p: Message) => [p.partitionId, p.errorCode])).toEqual([
      [0, ErrorCode.NOT_CONTROLLER],
      [2, ErrorCode.NOT_CONTROLLER],
    ]);
  });

  it('answers a failed OffsetCommit with the error on every partition (it has no top-level code)', async () => {
    const res = await call(groupRouter(), ApiKey.OffsetCommit, 'OffsetCommit', 8, {
      groupId: 'g',
      generationIdOrMemberEpoch: 1,
      memberId: 'm',
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5n }, { partitionIndex: 1, committedOffset: 6n }] }],
    });
    expect(res.topics[0].partitions.map((p: Message) => [p.partitionIndex, p.errorCode])).toEqual([
      [0, ErrorCode.UNKNOWN_SERVER_ERROR],
      [1, ErrorCode.UNKNOWN_SERVER_ERROR],
    ]);
  });

  it('answers a failed OffsetFetch per group from v8 and at the top level before', async () => {
    const v8 = await call(groupRouter(), ApiKey.OffsetFetch, 'OffsetFetch', 8, { groups: [{ groupId: 'g1', topics: null }, { groupId: 'g2', topics: null }] });
    expect(v8.groups.map((g: Message) => [g.groupId, g.errorCode])).toEqual([
      ['g1', ErrorCode.UNKNOWN_SERVER_ERROR],
      ['g2', ErrorCode.UNKNOWN_SERVER_ERROR],
    ]);
    const v1 = await call(groupRouter(), ApiKey.OffsetFetch, 'OffsetFetch', 1, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [3] }] });
    expect(v1.topics[0].partitions[0]).toMatchObject({ partitionIndex: 3, committedOffset: -1n, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR });
  });

  it('answers failed DescribeGroups and DeleteGroups per group', async () => {
    const described = await call(groupRouter(), ApiKey.DescribeGroups, 'DescribeGroups', 5, { groups: ['a', 'b'] });
    expect(described.groups.map((g: Message) => [g.groupId, g.errorCode])).toEqual([
      ['a', ErrorCode.UNKNOWN_SERVER_ERROR],
      ['b', ErrorCode.UNKNOWN_SERVER_ERROR],
    ]);
    const deleted = await call(groupRouter(), ApiKey.DeleteGroups, 'DeleteGroups', 2, { groupsNames: ['a'] });
    expect(deleted.results).toEqual([{ groupId: 'a', errorCode: ErrorCode.UNKNOWN_SERVER_ERROR }]);
  });
});
