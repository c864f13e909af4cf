// Metadata (api 3) as brokers poll it from the controller: live (unfenced) brokers, the
// cluster id, a controller id clients can reach (the lowest live broker), and every or the
// requested topics with ids, leaders, leader epochs, replicas, ISR and offline replicas.
import type { Encodable, MetadataRequest, MetadataResponse, MetadataResponseTopic } from '../../protocol/codec.js';
import { ZERO_UUID } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { INTERNAL_TOPICS, type ControllerContext } from '../controller-context.js';
import type { TopicRecord } from '../metadata-store.js';

export function handleMetadata(ctx: ControllerContext, body: MetadataRequest, apiVersion: number): Encodable<MetadataResponse> {
  const live = ctx.liveBrokerIds();
  const brokers = ctx.store
    .listBrokers()
    .filter((b) => live.has(b.brokerId))
    .map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack }));

  const requested = body.topics;
  const all = requested === null || (apiVersion === 0 && requested.length === 0);
  let topics: Encodable<MetadataResponseTopic>[];
  if (all) {
    topics = ctx.store.listTopics().map((t) => describeTopic(t, live));
  } else {
    topics = requested.map((r) => {
      const name = r.name;
      const topicId = r.topicId;
      const topic = name !== null ? ctx.store.getTopic(name) : topicId !== ZERO_UUID ? ctx.store.getTopicById(topicId) : undefined;
      if (!topic) {
        return {
          errorCode: name ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.UNKNOWN_TOPIC_ID,
          name,
          topicId,
          isInternal: false,
          partitions: [],
        };
      }
      return describeTopic(topic, live);
    });
  }
  return {
    throttleTimeMs: 0,
    brokers,
    clusterId: ctx.clusterId,
    controllerId: ctx.controllerNodeId(),
    topics,
  };
}

function describeTopic(topic: TopicRecord, live: Set<number>): Encodable<MetadataResponseTopic> {
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: topic.internal || INTERNAL_TOPICS.has(topic.name),
    partitions: topic.partitions.map((p) => ({
      errorCode: p.leader === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
      partitionIndex: p.partitionIndex,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: [...p.replicas],
      isrNodes: [...p.isr],
      offlineReplicas: p.replicas.filter((id) => !live.has(id)),
    })),
  };
}
