import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/engine/common/logger.js';
import { RequestRouter } from '../../../src/engine/broker/request-router.js';
import { defineHandler } from '../../../src/engine/broker/api-handler.js';
import { ApiKey } from '../../../src/engine/protocol/api-keys.js';
import { encodeResponseFrame, type Message } from '../../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import type { KafkaRequest } from '../../../src/engine/network/server.js';
import type { BrokerContext } from '../../../src/engine/broker/handlers/broker-context.js';
import { createProduceHandler } from '../../../src/engine/broker/handlers/produce.js';
import { createFetchHandler } from '../../../src/engine/broker/handlers/fetch.js';

const request = (apiKey: number, apiVersion: number, body: Message): KafkaRequest => ({
  header: { apiKey, apiVersion, correlationId: 7, clientId: 'test' } as KafkaRequest['header'],
  body,
  connection: { id: 1, remoteAddress: '127.0.0.1', remotePort: 1 },
});

describe('RequestRouter', () => {
  it('builds the supported versions table from its handlers', () => {
    const router = new RequestRouter({ handlers: [{ apiKey: ApiKey.Produce, versions: [3, 11], handle: () => ({}) }], logger: silentLogger });
    expect(router.supportedVersions().get(ApiKey.Produce)).toEqual([3, 11]);
  });

  it('answers a handler that throws with its own UNKNOWN_SERVER_ERROR per partition, encodable at that version', async () => {
    // The produce handler's first use of the broker fails: the router answers with Produce's errorResponse.
    const failing = new Proxy({} as BrokerContext, {
      get() {
        throw new Error('boom');
      },
    });
    const router = new RequestRouter({ handlers: [createProduceHandler(failing)], logger: silentLogger });
    const body = { acks: 1, timeoutMs: 100, transactionalId: null, topicData: [{ name: 't', partitionData: [{ index: 0, records: null }, { index: 1, records: null }] }] };
    const res = (await router.handle(request(ApiKey.Produce, 9, body))) as Message;
    const partitions = (res.responses as Message[])[0]!.partitionResponses as Message[];
    expect(partitions.map((p) => [p.index, p.errorCode])).toEqual([
      [0, ErrorCode.UNKNOWN_SERVER_ERROR],
      [1, ErrorCode.UNKNOWN_SERVER_ERROR],
    ]);
    expect(partitions[0]!.errorMessage).toBe('boom');
    expect(() => encodeResponseFrame(ApiKey.Produce, 9, 7, res)).not.toThrow();
  });

  it('answers a failed Fetch with its own top-level error, encodable at old and new versions', async () => {
    const failing = new Proxy({} as BrokerContext, {
      get() {
        throw new Error('no broker');
      },
    });
    const router = new RequestRouter({ handlers: [createFetchHandler(failing)], logger: silentLogger });
    const body = { replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topic: 't', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1024, currentLeaderEpoch: -1, logStartOffset: -1n }] }], forgottenTopicsData: [], rackId: '' };
    for (const version of [4, 12]) {
      const res = (await router.handle(request(ApiKey.Fetch, version, body))) as Message;
      expect([res.errorCode, res.sessionId, res.responses]).toEqual([ErrorCode.UNKNOWN_SERVER_ERROR, 0, []]);
      expect(() => encodeResponseFrame(ApiKey.Fetch, version, 7, res)).not.toThrow();
    }
  });

  it('answers a rejected promise with the handler\'s own error response', async () => {
    const router = new RequestRouter({
      handlers: [
        defineHandler({
          apiKey: ApiKey.ListOffsets,
          versions: [1, 9],
          handle: () => Promise.reject(new Error('later boom')),
          errorResponse: (req, errorCode, errorMessage) => ({
            topics: req.body.topics.map((t) => ({ name: `${t.name}:${errorMessage}`, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
          }),
        }),
      ],
      logger: silentLogger,
    });
    const res = (await router.handle(request(ApiKey.ListOffsets, 5, { replicaId: -1, isolationLevel: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] }))) as Message;
    expect((res.topics as Message[])[0]!.name).toBe('t:later boom');
    expect(((res.topics as Message[])[0]!.partitions[0] as Message).errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
    expect(() => encodeResponseFrame(ApiKey.ListOffsets, 5, 7, res)).not.toThrow();
  });

  it('answers a top-level error for a handler without its own error response', async () => {
    const router = new RequestRouter({
      handlers: [{ apiKey: ApiKey.DescribeCluster, versions: [0, 1], handle: () => Promise.reject(new Error('no cluster')) }],
      logger: silentLogger,
    });
    const res = (await router.handle(request(ApiKey.DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 }))) as Message;
    expect([res.errorCode, res.errorMessage]).toEqual([ErrorCode.UNKNOWN_SERVER_ERROR, 'no cluster']);
    expect(() => encodeResponseFrame(ApiKey.DescribeCluster, 1, 7, res)).not.toThrow();
  });
});
