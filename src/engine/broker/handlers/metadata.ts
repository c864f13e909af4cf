// Metadata (api 3, v0–12) answered from the broker's metadata cache: live brokers (this one
// always included), cluster and controller ids, topics with ids, leaders, leader epochs,
// replicas, ISR and offline replicas. Unknown topics: UNKNOWN_TOPIC_OR_PARTITION, or, when
// `auto.create.topics.enable` is true and the client allows it, a CreateTopics forwarded
// to the controller and LEADER_NOT_AVAILABLE (the client retries).
import { ApiKey } from '../../protocol/api-keys.js';
import { ZERO_UUID, type Encodable, type MetadataResponseTopic } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { defineHandler, type ApiHandler } from '../api-handler.js';
import type { TopicMetadata } from '../metadata-cache.js';
import { BROKER_SETTINGS } from '../broker-settings.js';
import type { BrokerContext } from './broker-context.js';

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function createMetadataHandler(ctx: BrokerContext): ApiHandler {
  const creating = new Set<string>();
  const autoCreate = (names: string[]) => {
    const fresh = names.filter((n) => !creating.has(n) && TOPIC_NAME.test(n) && n !== '.' && n !== '..');
    if (fresh.length === 0) return;
    for (const n of fresh) creating.add(n);
    const body = {
      topics: fresh.map((name) => ({
        name,
        numPartitions: BROKER_SETTINGS.number(ctx.settings, 'num.partitions'),
        replicationFactor: BROKER_SETTINGS.number(ctx.settings, 'default.replication.factor'),
        assignments: [],
        configs: [],
      })),
      timeoutMs: 30_000,
      validateOnly: false,
    };
    void ctx.controller
      .forward(ApiKey.CreateTopics, 5, body)
      .then((res) => {
        if (res) ctx.logger.info('auto-created topics', { topics: fresh });
        return ctx.controller.refreshMetadata(2000);
      })
      .finally(() => {
        for (const n of fresh) creating.delete(n);
      });
  };

  return defineHandler({
    apiKey: ApiKey.Metadata,
    versions: [0, 12],
    handle(request) {
      const body = request.body;
      const version = request.header.apiVersion;
      const cache = ctx.metadata;
      const requested = body.topics;
      const all = requested === null || (version === 0 && requested.length === 0);
      let topics: Encodable<MetadataResponseTopic>[];
      if (all) {
        topics = cache.topics().map((t) => describe(t));
      } else {
        const missing: string[] = [];
        topics = requested.map((r) => {
          const name = r.name;
          const topicId = r.topicId;
          const t = name !== null ? cache.topic(name) : topicId !== ZERO_UUID ? cache.topicById(topicId) : undefined;
          if (t) return describe(t);
          if (name === null) return { errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: null, topicId, isInternal: false, partitions: [] };
          const allowed = version < 4 || body.allowAutoTopicCreation;
          if (allowed && BROKER_SETTINGS.bool(ctx.settings, 'auto.create.topics.enable') && TOPIC_NAME.test(name)) {
            missing.push(name);
            return { errorCode: ErrorCode.LEADER_NOT_AVAILABLE, name, topicId: ZERO_UUID, isInternal: false, partitions: [] };
          }
          return { errorCode: TOPIC_NAME.test(name) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.INVALID_TOPIC_EXCEPTION, name, topicId: ZERO_UUID, isInternal: false, partitions: [] };
        });
        if (missing.length > 0) autoCreate(missing);
      }
      return {
        throttleTimeMs: 0,
        brokers: cache.brokers().map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: null })),
        clusterId: cache.clusterId,
        controllerId: cache.controllerId >= 0 ? cache.controllerId : ctx.brokerId,
        topics,
        clusterAuthorizedOperations: -2147483648,
      };
    },
    errorResponse() {
      return { throttleTimeMs: 0, brokers: [], clusterId: null, controllerId: -1, topics: [] };
    },
  });
}

function describe(t: TopicMetadata): Encodable<MetadataResponseTopic> {
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: t.topicId,
    isInternal: t.isInternal,
    partitions: t.partitions
      .filter((p) => p !== undefined)
      .map((p) => ({
        errorCode: p.leaderId < 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
        partitionIndex: p.partition,
        leaderId: p.leaderId,
        leaderEpoch: p.leaderEpoch,
        replicaNodes: p.replicas,
        isrNodes: p.isr,
        offlineReplicas: p.offlineReplicas,
      })),
    topicAuthorizedOperations: -2147483648,
  };
}
