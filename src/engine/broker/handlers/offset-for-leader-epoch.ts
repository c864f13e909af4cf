// OffsetForLeaderEpoch (api 23, v0–4): the end offset of the requested leader epoch (the
// start of the next larger epoch, or the log end offset for the latest), from the leader's
// epoch cache. Followers call it before fetching to find where their log diverged; clients
// use it to detect truncation. Stale or future current epochs get FENCED_LEADER_EPOCH /
// UNKNOWN_LEADER_EPOCH.
import { ApiKey } from '../../protocol/api-keys.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { defineHandler, type ApiHandler } from '../api-handler.js';
import type { BrokerContext } from './broker-context.js';

export function createOffsetForLeaderEpochHandler(ctx: BrokerContext): ApiHandler {
  return defineHandler({
    apiKey: ApiKey.OffsetForLeaderEpoch,
    versions: [0, 4],
    handle(request) {
      return {
        throttleTimeMs: 0,
        topics: request.body.topics.map((t) => ({
          topic: t.topic,
          partitions: t.partitions.map((r) => {
            const partition = r.partition;
            const fail = (errorCode: number) => ({ errorCode, partition, leaderEpoch: -1, endOffset: -1n });
            const p = ctx.replicaManager.partition(t.topic, partition);
            if (!p) return fail(ctx.metadata.partition(t.topic, partition) ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            if (!p.isLeader) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
            const epochError = p.checkLeaderEpoch(r.currentLeaderEpoch);
            if (epochError !== ErrorCode.NONE) return fail(epochError);
            const { epoch, endOffset } = p.log.endOffsetForEpoch(r.leaderEpoch);
            return { errorCode: ErrorCode.NONE, partition, leaderEpoch: epoch, endOffset };
          }),
        })),
      };
    },
    errorResponse(request, errorCode) {
      return {
        throttleTimeMs: 0,
        topics: request.body.topics.map((t) => ({
          topic: t.topic,
          partitions: t.partitions.map((p) => ({ errorCode, partition: p.partition, leaderEpoch: -1, endOffset: -1n })),
        })),
      };
    },
  });
}
