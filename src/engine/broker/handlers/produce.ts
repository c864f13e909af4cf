// Produce (api 0, v0–11; v0-2 carry message format v0/v1, which the log validator converts).
// Appends every partition synchronously before the first await (so a connection's produces
// land in arrival order), answers at once for acks=1, sends nothing for acks=0, and for
// acks=-1 waits in the purgatory until the ISR has the data (NOT_ENOUGH_REPLICAS[_AFTER_APPEND],
// REQUEST_TIMED_OUT). Records are validated by the log (log-validator); a refused append
// answers its record_errors (v8+) and error_message. Transactional produces (acks=-1 only)
// append like any other; the log tracks the open transaction. Owns its whole-request error answer.
import { ApiKey } from '../../protocol/api-keys.js';
import type { Encodable, ProduceResponse } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { defineHandler, type ApiHandler } from '../api-handler.js';
import type { AppendResult } from '../replica-manager.js';
import type { BrokerContext } from './broker-context.js';

type PartitionResponse = Encodable<ProduceResponse['responses'][number]['partitionResponses'][number]>;

interface Slot {
  topic: string;
  partition: number;
  result: AppendResult;
  errorCode: number;
}

export function createProduceHandler(ctx: BrokerContext): ApiHandler {
  return defineHandler({
    apiKey: ApiKey.Produce,
    versions: [0, 11],
    handle(request) {
      const body = request.body;
      const acks = body.acks;
      const version = request.header.apiVersion;
      const slots: Slot[][] = [];
      const rm = ctx.replicaManager;
      const validAcks = acks === 0 || acks === 1 || acks === -1;
      // A transactional producer must use acks=all, as Kafka requires.
      const transactional = body.transactionalId !== null && body.transactionalId !== undefined;
      if (transactional && acks !== -1) {
        const refused = { errorCode: ErrorCode.INVALID_REQUIRED_ACKS, errorMessage: 'Transactional producers must use acks=-1', logStartOffset: -1n };
        for (const t of body.topicData) {
          slots.push(t.partitionData.map((p) => ({ topic: t.name, partition: p.index, result: refused, errorCode: refused.errorCode })));
        }
      } else {
        for (const t of body.topicData) {
          const row: Slot[] = [];
          for (const p of t.partitionData) {
            const result: AppendResult = validAcks
              ? rm.appendToLocalLog(t.name, p.index, p.records, acks)
              : { errorCode: ErrorCode.INVALID_REQUIRED_ACKS, errorMessage: `acks must be -1, 0 or 1, not ${acks}`, logStartOffset: -1n };
            row.push({ topic: t.name, partition: p.index, result, errorCode: result.errorCode });
          }
          slots.push(row);
        }
      }
      if (acks === 0) return null;
      const names = body.topicData.map((t) => t.name);
      const build = (): Encodable<ProduceResponse> => ({
        throttleTimeMs: 0,
        responses: slots.map((row, i) => ({
          name: names[i],
          partitionResponses: row.map((s) => partitionResponse(ctx, s, version)),
        })),
      });
      if (acks !== -1) return build();
      // Duplicates wait too: the original batch may not be replicated yet.
      const waiting = slots.flat().filter((s) => s.errorCode === ErrorCode.NONE && s.result.info);
      if (waiting.length === 0) return build();
      const timeoutMs = Math.max(0, body.timeoutMs);
      return rm
        .waitForIsr(
          waiting.map((s) => ({ topic: s.topic, partition: s.partition, requiredOffset: s.result.info!.lastOffset + 1n })),
          timeoutMs,
        )
        .then((codes) => {
          waiting.forEach((s, i) => (s.errorCode = codes[i]!));
          return build();
        });
    },
    errorResponse(request, errorCode, errorMessage) {
      return {
        throttleTimeMs: 0,
        responses: request.body.topicData.map((t) => ({
          name: t.name,
          partitionResponses: t.partitionData.map((p) => ({ index: p.index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage })),
        })),
      };
    },
  });
}

function partitionResponse(ctx: BrokerContext, s: Slot, version: number): PartitionResponse {
  const ok = s.errorCode === ErrorCode.NONE;
  const info = s.result.info;
  const r: PartitionResponse = {
    index: s.partition,
    errorCode: s.errorCode,
    baseOffset: ok && info ? info.firstOffset : -1n,
    logAppendTimeMs: ok && info ? info.logAppendTimeMs : -1n,
    logStartOffset: s.result.logStartOffset,
    recordErrors: ok ? [] : (s.result.recordErrors ?? []).map((e) => ({ batchIndex: e.batchIndex, batchIndexErrorMessage: e.message })),
    errorMessage: ok ? null : (s.result.errorMessage ?? (s.errorCode === ErrorCode.REQUEST_TIMED_OUT ? 'Timed out waiting for the in-sync replicas' : null)),
  };
  if (version >= 10 && (s.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || s.errorCode === ErrorCode.FENCED_LEADER_EPOCH)) {
    const pm = ctx.metadata.partition(s.topic, s.partition);
    if (pm) r.currentLeader = { leaderId: pm.leaderId, leaderEpoch: pm.leaderEpoch };
  }
  return r;
}
