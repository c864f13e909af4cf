// ListOffsets (api 2, v0–9; v0 answers a one-element old-style offset list): earliest (-2, and -4 "earliest local"), latest (-1: the high
// watermark, or with isolation_level=1 (v2+) the last stable offset), max
// timestamp (-3), or the first offset whose timestamp is >= the one asked, each with the
// leader epoch of that offset. Only the leader answers.
import { ApiKey } from '../../protocol/api-keys.js';
import type { Encodable, ListOffsetsRequest, ListOffsetsResponse } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { defineHandler, type ApiHandler } from '../api-handler.js';
import type { BrokerContext } from './broker-context.js';

export function createListOffsetsHandler(ctx: BrokerContext): ApiHandler {
  return defineHandler({
    apiKey: ApiKey.ListOffsets,
    versions: [0, 9],
    handle(request) {
      const body = request.body;
      const isFollower = body.replicaId >= 0;
      const readCommitted = request.header.apiVersion >= 2 && body.isolationLevel === 1;
      return {
        throttleTimeMs: 0,
        topics: body.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => {
            const r = listOffset(ctx, t.name, p, isFollower, readCommitted);
            // v0 answers a list of offsets (Kafka: up to maxNumOffsets; the first is what clients use).
            return request.header.apiVersion === 0 ? { ...r, oldStyleOffsets: r.offset !== undefined && r.offset >= 0n && p.maxNumOffsets > 0 ? [r.offset] : [] } : r;
          }),
        })),
      };
    },
    errorResponse(request, errorCode) {
      return {
        throttleTimeMs: 0,
        topics: request.body.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode, timestamp: -1n, offset: -1n, leaderEpoch: -1 })),
        })),
      };
    },
  });
}

type PartitionRequest = ListOffsetsRequest['topics'][number]['partitions'][number];
type PartitionResponse = Encodable<ListOffsetsResponse['topics'][number]['partitions'][number]>;

function listOffset(ctx: BrokerContext, topic: string, req: PartitionRequest, isFollower: boolean, readCommitted: boolean): PartitionResponse {
  const partitionIndex = req.partitionIndex;
  const fail = (errorCode: number): PartitionResponse => ({ partitionIndex, errorCode, timestamp: -1n, offset: -1n, leaderEpoch: -1 });
  const p = ctx.replicaManager.partition(topic, partitionIndex);
  if (!p) return fail(ctx.metadata.partition(topic, partitionIndex) ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (!p.isLeader) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  const epochError = p.checkLeaderEpoch(req.currentLeaderEpoch);
  if (epochError !== ErrorCode.NONE) return fail(epochError);
  const ts = req.timestamp;
  const visibleEnd = isFollower ? p.logEndOffset : readCommitted ? p.lastStableOffset : p.highWatermark;
  const ok = (offset: bigint, timestamp: bigint, leaderEpoch: number): PartitionResponse => ({ partitionIndex, errorCode: ErrorCode.NONE, timestamp, offset, leaderEpoch });
  if (ts === -2n || ts === -4n || ts === -5n) {
    const start = p.logStartOffset;
    return ok(start, -1n, p.log.epochForOffset(start));
  }
  if (ts === -1n) return ok(visibleEnd, -1n, p.leaderEpoch);
  if (ts < -3n) return fail(ErrorCode.INVALID_REQUEST);
  const found = p.log.offsetForTimestamp(ts);
  if (!found || found.offset >= visibleEnd) {
    // No record at or after that time below the high watermark.
    return ts === -3n ? ok(-1n, -1n, -1) : ok(-1n, -1n, -1);
  }
  return ok(found.offset, found.timestamp, found.leaderEpoch);
}
