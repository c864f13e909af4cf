// Process-level fuzz of the Kafka listeners: tens of thousands of hostile frames (random,
// sized-random, valid header with random body, zero and huge sizes, truncated and mutated
// real requests of every served API) against a real broker process, and a shorter run
// against the controller. Each must keep its pid, log no escaped exception, and still serve
// a round trip afterwards. Seeded: FUZZ_SEED=<n> replays a run; the seed is in every
// assertion message. Build first (`npm run build`).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaConnection } from '../../src/engine/network/connection.js';
import { DEFAULT_MAX_REQUEST_BYTES } from '../../src/engine/network/server.js';
import { ApiKey } from '../../src/engine/protocol/api-keys.js';
import { ErrorCode } from '../../src/engine/protocol/error-codes.js';
import { buildRecordBatch } from '../../src/engine/protocol/records/record-codec.js';
import { realRequests, runFuzz, servedApis } from '../helpers/kafka-fuzz.js';
import { createPrng } from '../helpers/prng.js';
import { createTopic, startKafka, type KafkaProcesses } from './helpers/kafka-processes.js';
import { fetchBody, produceAndFetchBack, produceBody } from './helpers/request-bodies.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x15f00d);
const TOPIC = 'fuzz';
let k: KafkaProcesses;

beforeAll(async () => {
  k = await startKafka({ brokers: 1, settings: { 'auto.create.topics.enable': 'false', 'offsets.topic.num.partitions': '1' } });
  await createTopic(k, TOPIC, 1);
}, 60_000);

afterAll(async () => {
  await k?.stop();
});

/** ApiVersions, then one record produced and fetched back through our codec. */
async function roundTrip(port: number, value: string, seed: number): Promise<void> {
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port, requestTimeoutMs: 10_000 });
  try {
    const versions = await conn.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' });
    expect(versions.errorCode, `seed ${seed}`).toBe(ErrorCode.NONE);
    await produceAndFetchBack(conn, TOPIC, value, `seed ${seed}`);
  } finally {
    conn.close();
  }
}

/** Log lines that mean an exception got past a connection's guard. */
function escapedErrors(logFile: string): string[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => /uncaught exception|unhandled rejection|request path threw/.test(l));
}

describe('Kafka listeners under fuzzed input', () => {
  it('a broker process survives 20,000 hostile frames and still serves produce and fetch', async () => {
    const broker = k.broker(1);
    const pid = broker.pid();
    const apis = await servedApis(broker.port);
    const real = realRequests(apis, [
      { apiKey: ApiKey.Produce, version: 9, body: produceBody(TOPIC, buildRecordBatch([{ key: null, value: Buffer.from('mutate me') }])) },
      { apiKey: ApiKey.Produce, version: 3, body: produceBody(TOPIC, buildRecordBatch([{ key: null, value: Buffer.from('old produce') }])) },
      { apiKey: ApiKey.Fetch, version: 12, body: fetchBody(TOPIC, 0n) },
      { apiKey: ApiKey.Fetch, version: 4, body: fetchBody(TOPIC, 0n) },
      { apiKey: ApiKey.Metadata, version: 12, body: { topics: [{ name: TOPIC }], allowAutoTopicCreation: false } },
      { apiKey: ApiKey.ListOffsets, version: 7, body: { replicaId: -1, isolationLevel: 0, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }] } },
    ]);
    const started = Date.now();
    const result = await runFuzz({ port: broker.port, prng: createPrng(SEED), real, frames: 20_000, maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES });
    console.log(`broker fuzz: seed ${SEED}, ${result.frames} frames over ${result.connections} connections in ${Date.now() - started} ms`, result.byKind);
    expect(result.frames).toBeGreaterThanOrEqual(20_000);
    expect(broker.running(), `seed ${SEED}: broker exited`).toBe(true);
    expect(broker.pid(), `seed ${SEED}`).toBe(pid);
    await roundTrip(broker.port, `after broker fuzz ${SEED}`, SEED);
    expect(escapedErrors(broker.logFile), `seed ${SEED}`).toEqual([]);
  }, 120_000);

  it('the controller process survives 4,000 hostile frames and the cluster still serves', async () => {
    const controller = k.controller;
    const pid = controller.pid();
    const apis = await servedApis(controller.port);
    const real = realRequests(apis);
    const result = await runFuzz({ port: controller.port, prng: createPrng(SEED + 1), real, frames: 4_000, maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES });
    console.log(`controller fuzz: seed ${SEED + 1}, ${result.frames} frames over ${result.connections} connections`, result.byKind);
    expect(controller.running(), `seed ${SEED + 1}: controller exited`).toBe(true);
    expect(controller.pid(), `seed ${SEED + 1}`).toBe(pid);
    expect((await servedApis(controller.port)).length, `seed ${SEED + 1}`).toBeGreaterThan(0);
    await roundTrip(k.broker(1).port, `after controller fuzz ${SEED + 1}`, SEED + 1);
    expect(escapedErrors(controller.logFile), `seed ${SEED + 1}`).toEqual([]);
  }, 120_000);
});
