// Raw Kafka requests for broker tests that need to see exact error codes (no client retries):
// one request per connection, partition 0 of a topic, values as strings.
import { KafkaConnection } from '../../../src/engine/network/connection.js';
import { ApiKey } from '../../../src/engine/protocol/api-keys.js';
import type { ApiKeyNumber, Encodable, Message, RequestOf, ResponseOf } from '../../../src/engine/protocol/codec.js';
import { iterateBatchPositions } from '../../../src/engine/protocol/records/record-batch.js';
import { buildRecordBatch, decodeRecordBatch } from '../../../src/engine/protocol/records/record-codec.js';

export async function send<K extends ApiKeyNumber>(port: number, apiKey: K, version: number, body: Encodable<RequestOf<K>>): Promise<ResponseOf<K>> {
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port, connectTimeoutMs: 2000, requestTimeoutMs: 10_000 });
  try {
    return await conn.send(apiKey, version, body);
  } finally {
    conn.close();
  }
}

/** Metadata of partition 0 of `topic` as `port`'s broker sees it. */
export async function partitionState(port: number, topic: string): Promise<Message> {
  const md = await send(port, ApiKey.Metadata, 12, { topics: [{ name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  return ((md.topics as Message[])[0]!.partitions as Message[])[0]!;
}

/** Creates `topic` with one partition on replicas [1, 2, 3] (broker 1 preferred leader) through the controller. */
export async function createOnThree(controllerPort: number, topic: string, configs: Record<string, string>): Promise<number> {
  const created = await send(controllerPort, ApiKey.CreateTopics, 5, {
    topics: [{ name: topic, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2, 3] }], configs: Object.entries(configs).map(([name, value]) => ({ name, value })) }],
    timeoutMs: 10_000,
    validateOnly: false,
  });
  return (created.topics as Message[])[0]!.errorCode as number;
}

/** Produces `values` as one batch (acks=-1) to partition 0; returns the partition's error code. */
export async function produceValues(port: number, topic: string, values: string[]): Promise<number> {
  const records = buildRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v) })));
  const res = await send(port, ApiKey.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  return ((res.responses as Message[])[0]!.partitionResponses[0] as Message).errorCode as number;
}

export async function fetchFrom(port: number, topic: string, offset: bigint): Promise<Message> {
  const res = await send(port, ApiKey.Fetch, 11, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 50 * 1024 * 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 10 * 1024 * 1024, currentLeaderEpoch: -1, logStartOffset: -1n }] }],
    forgottenTopicsData: [], rackId: '',
  });
  return (res.responses as Message[])[0]!.partitions[0] as Message;
}

/** Every value of partition 0 up to the high watermark, read as a consumer. */
export async function readAll(port: number, topic: string): Promise<string[]> {
  const out: string[] = [];
  let offset = 0n;
  for (;;) {
    const p = await fetchFrom(port, topic, offset);
    if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode}`);
    const records = p.records as Buffer | null;
    if (!records || records.length === 0) return out;
    for (const b of iterateBatchPositions(records)) {
      for (const r of decodeRecordBatch(records, b.position).records) {
        out.push(r.value!.toString());
        offset = r.offset + 1n;
      }
    }
  }
}
