// Request bodies the interop tests send with our own codec (Fetch, Produce), and a
// produce-then-fetch-back round trip that proves a broker still serves data.
import { expect } from 'vitest';
import type { KafkaConnection } from '../../../src/engine/network/connection.js';
import { ApiKey } from '../../../src/engine/protocol/api-keys.js';
import type { Message } from '../../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { buildRecordBatch } from '../../../src/engine/protocol/records/record-codec.js';

/** A sessionless consumer Fetch of partition 0 (1 MiB limits, no wait unless `extra` says). */
export function fetchBody(topic: string, fetchOffset: bigint, extra: Partial<Message> = {}, partitionMaxBytes = 1 << 20): Message {
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset, partitionMaxBytes, currentLeaderEpoch: -1, logStartOffset: -1n }] }],
    forgottenTopicsData: [],
    rackId: '',
    ...extra,
  };
}

/** A Produce (acks=1) of `records` to partition 0. */
export function produceBody(topic: string, records: Buffer): Message {
  return { transactionalId: null, acks: 1, timeoutMs: 10_000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] };
}

/** Produces one record to partition 0 and fetches it back (Produce v9, Fetch v12). */
export async function produceAndFetchBack(conn: KafkaConnection, topic: string, value: string, message = ''): Promise<void> {
  const produced = ((await conn.send(ApiKey.Produce, 9, produceBody(topic, buildRecordBatch([{ key: null, value: Buffer.from(value) }])))).responses as Message[])[0]!
    .partitionResponses[0] as Message;
  expect(produced.errorCode, message).toBe(ErrorCode.NONE);
  const fetched = ((await conn.send(ApiKey.Fetch, 12, fetchBody(topic, produced.baseOffset as bigint))).responses as Message[])[0]!.partitions[0] as Message;
  expect(fetched.errorCode, message).toBe(ErrorCode.NONE);
  expect((fetched.records as Buffer).includes(Buffer.from(value)), message).toBe(true);
}
