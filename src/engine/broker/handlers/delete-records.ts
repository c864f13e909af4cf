// DeleteRecords (api 21, v0–2): the leader moves each partition's log start offset to the
// offset asked (-1: the high watermark) and deletes the segments wholly below it, then
// answers once every live follower took the new log start offset from its next fetch
// (Kafka's DelayedDeleteRecords), with the low watermark reached; REQUEST_TIMED_OUT when
// timeoutMs passes first. Compact-only topics answer POLICY_VIOLATION, offsets past the high
// watermark OFFSET_OUT_OF_RANGE, partitions led elsewhere NOT_LEADER_OR_FOLLOWER.
import { ApiKey } from '../../protocol/api-keys.js';
import { defineHandler, type ApiHandler } from '../api-handler.js';
import type { BrokerContext } from './broker-context.js';

export function createDeleteRecordsHandler(ctx: BrokerContext): ApiHandler {
  return defineHandler({
    apiKey: ApiKey.DeleteRecords,
    versions: [0, 2],
    async handle(request) {
      const body = request.body;
      const entries = body.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.offset })));
      const outcomes = await ctx.replicaManager.deleteRecords(entries, Math.max(0, body.timeoutMs));
      let i = 0;
      return {
        throttleTimeMs: 0,
        topics: body.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => {
            const o = outcomes[i++]!;
            return { partitionIndex: p.partitionIndex, lowWatermark: o.lowWatermark, errorCode: o.errorCode };
          }),
        })),
      };
    },
    errorResponse(request, errorCode) {
      return {
        throttleTimeMs: 0,
        topics: request.body.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode })),
        })),
      };
    },
  });
}

