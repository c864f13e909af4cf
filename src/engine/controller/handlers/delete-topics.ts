// DeleteTopics (api 20): deletes topics by name (v0-5 topicNames, v6 topics[].name) or by
// id (v6 topics[].topicId). Brokers notice on their next Metadata poll and drop the logs.
import type { DeleteTopicsRequest, DeleteTopicsResponse, Encodable } from '../../protocol/codec.js';
import { ZERO_UUID } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { ControllerContext } from '../controller-context.js';

export function handleDeleteTopics(ctx: ControllerContext, body: DeleteTopicsRequest, apiVersion: number): Encodable<DeleteTopicsResponse> {
  const wanted: { name: string | null; topicId: string }[] =
    apiVersion >= 6
      ? body.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
      : body.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
  const responses = wanted.map(({ name, topicId }) => {
    const byId = name === null && topicId !== ZERO_UUID;
    const topic = byId ? ctx.store.getTopicById(topicId) : name !== null ? ctx.store.getTopic(name) : undefined;
    if (!topic) {
      return byId
        ? { name: null, topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: `Topic id ${topicId} does not exist.` }
        : { name, topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.' };
    }
    ctx.store.deleteTopic(topic.name);
    ctx.logger.info('topic deleted', { topic: topic.name, topicId: topic.topicId });
    return { name: topic.name, topicId: topic.topicId, errorCode: ErrorCode.NONE, errorMessage: null };
  });
  return { throttleTimeMs: 0, responses };
}
