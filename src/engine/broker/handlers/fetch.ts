// Fetch (api 1, v0–17): consumers read up to the high watermark, followers (replica id >= 0,
// or replicaState from v15) up to the log end offset and report their position. Long polls
// on max.wait.ms / min.bytes through the replica manager's purgatory; max.bytes and
// per-partition limits, capped by the broker's fetch.max.bytes and by the memory unread
// responses may hold; topic ids from v13; sessionless answers (session id 0), which every
// client accepts. Returns stored batch bytes as they are (zero decode) from v4; v0-3 (old
// clients) get the records down-converted to message format v0/v1, and only they pay for it.
// isolation_level=1 (v4+) reads up to the last stable offset and lists aborted transactions.
// Owns its whole-request error answer (a top-level error code, no partitions).
import { ApiKey } from '../../protocol/api-keys.js';
import { ZERO_UUID, type Encodable, type FetchResponse } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { defineHandler, type ApiHandler } from '../api-handler.js';
import type { FetchPartitionRequest, FetchPartitionResult } from '../local-fetch.js';
import { BROKER_SETTINGS } from '../broker-settings.js';
import type { BrokerContext } from './broker-context.js';
import { downConvert } from '../../protocol/records/legacy-records.js';

// Kafka sends an empty record set, never null, for a partition with an error or no data:
// librdkafka (<= 2.0) drops the whole response when one partition's records are null.
const EMPTY_RECORDS = Buffer.alloc(0);
/** Kafka's default fetch.max.bytes (55 MiB). */
const DEFAULT_FETCH_MAX_BYTES = 57_671_680;

type PartitionResponse = Encodable<FetchResponse['responses'][number]['partitions'][number]>;

interface TopicSlot {
  topic: string | null;
  topicId: string;
  /** Index into the fetch request list, or an immediate error. */
  partitions: Array<{ partition: number; index: number } | { partition: number; errorCode: number }>;
}

export function createFetchHandler(ctx: BrokerContext): ApiHandler {
  return defineHandler({
    apiKey: ApiKey.Fetch,
    versions: [0, 17],
    handle(request) {
      const body = request.body;
      const version = request.header.apiVersion;
      // replicaState exists from v15 (the decoder leaves it out before).
      const replicaId = version >= 15 ? (body.replicaState?.replicaId ?? -1) : body.replicaId;
      const useIds = version >= 13;
      const requests: FetchPartitionRequest[] = [];
      const slots: TopicSlot[] = [];
      for (const t of body.topics) {
        const topicId = useIds ? t.topicId : ZERO_UUID;
        const name = useIds ? (ctx.metadata.topicById(topicId)?.name ?? null) : t.topic;
        const slot: TopicSlot = { topic: name, topicId, partitions: [] };
        for (const p of t.partitions) {
          if (name === null) {
            slot.partitions.push({ partition: p.partition, errorCode: ErrorCode.UNKNOWN_TOPIC_ID });
            continue;
          }
          slot.partitions.push({ partition: p.partition, index: requests.length });
          requests.push({
            topic: name,
            partition: p.partition,
            fetchOffset: BigInt(p.fetchOffset),
            partitionMaxBytes: p.partitionMaxBytes,
            currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
            logStartOffset: BigInt(p.logStartOffset ?? -1),
          });
        }
        slots.push(slot);
      }
      const countBytesOut = (results: FetchPartitionResult[]) => {
        // BytesOutPerSec counts what consumers fetch; followers' fetches are replication.
        if (replicaId >= 0) return;
        for (let i = 0; i < results.length; i++) {
          const n = results[i]!.records.length;
          if (n > 0) ctx.stats.topic(requests[i]!.topic).bytesOut += n;
        }
      };
      const build = (results: FetchPartitionResult[]): Encodable<FetchResponse> => ({
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        sessionId: 0,
        responses: slots.map((s) => ({
          topic: s.topic ?? '',
          topicId: s.topicId,
          partitions: s.partitions.map((p) => {
            if ('errorCode' in p) {
              return { partitionIndex: p.partition, errorCode: p.errorCode, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, abortedTransactions: null, preferredReadReplica: -1, records: EMPTY_RECORDS };
            }
            const r = results[p.index]!;
            const req = requests[p.index]!;
            const out: PartitionResponse = {
              partitionIndex: p.partition,
              errorCode: r.errorCode,
              highWatermark: r.highWatermark,
              lastStableOffset: r.lastStableOffset,
              logStartOffset: r.logStartOffset,
              abortedTransactions: r.abortedTransactions ?? null,
              preferredReadReplica: -1,
              // v0-3 predate magic-2 batches: down-converted (magic 0 for v0-1, 1 for v2-3).
              records: version < 4 && r.records.length > 0 ? downConvert(r.records, version <= 1 ? 0 : 1, req.partitionMaxBytes, req.fetchOffset) : r.records,
            };
            if (r.currentLeader && r.errorCode !== ErrorCode.NONE && version >= 12) out.currentLeader = r.currentLeader;
            return out;
          }),
        })),
      });
      // Kafka caps a consumer's response by the broker's fetch.max.bytes (followers by
      // replica.fetch.response.max.bytes, which their own requests already carry).
      const requested = version >= 3 ? body.maxBytes : 0x7fffffff;
      const cap = replicaId >= 0 ? 0x7fffffff : BROKER_SETTINGS.number(ctx.settings, 'fetch.max.bytes');
      const results = ctx.replicaManager.fetchMessages({
        replicaId,
        maxWaitMs: body.maxWaitMs,
        minBytes: body.minBytes,
        isolationLevel: version >= 4 ? body.isolationLevel : 0,
        maxBytes: Math.min(requested > 0 ? requested : 0x7fffffff, cap > 0 ? cap : DEFAULT_FETCH_MAX_BYTES),
        partitions: requests,
        memoryAvailableBytes: () => ctx.fetchMemoryAvailable(),
      });
      if (results instanceof Promise) {
        return results.then((r) => {
          countBytesOut(r);
          return build(r);
        });
      }
      countBytesOut(results);
      return build(results);
    },
    errorResponse(_request, errorCode) {
      return { throttleTimeMs: 0, errorCode, sessionId: 0, responses: [] };
    },
  });
}
