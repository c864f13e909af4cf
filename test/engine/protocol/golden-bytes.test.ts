// Golden bytes: request frames captured from real clients (kcat/librdkafka, kafkajs) and the
// broker's answers (test/fixtures/golden, captured by scripts/capture-golden.ts). Each one
// decodes with our codec and encodes back to exactly the captured bytes, so the codec
// reads and writes what real clients put on the wire, not only what it wrote itself.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  concatFrame,
  decodeRequestBody,
  decodeRequestHeader,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  isApiKey,
} from '../../../src/engine/protocol/codec.js';
import { ApiKey, API_SCHEMA_VERSIONS } from '../../../src/engine/protocol/generated/api-keys.js';
import { iterateBatchPositions } from '../../../src/engine/protocol/records/record-batch.js';

const DIR = resolve(import.meta.dirname, '../../fixtures/golden');
const CLIENTS = ['kcat', 'kafkajs'];
const MAIN_APIS = ['ApiVersions', 'Metadata', 'Produce', 'Fetch', 'ListOffsets', 'FindCoordinator', 'JoinGroup', 'SyncGroup', 'Heartbeat', 'OffsetCommit', 'OffsetFetch'];

interface Fixture {
  client: string;
  api: string;
  version: number;
  request: Buffer;
  response: Buffer | null;
}

function fixtures(client: string): Fixture[] {
  const files = readdirSync(join(DIR, client));
  return files
    .filter((f) => f.endsWith('.request.hex'))
    .map((f) => {
      const m = /^(\w+)-v(\d+)\.request\.hex$/.exec(f);
      if (!m) throw new Error(`unexpected fixture name ${client}/${f}`);
      const read = (name: string) => Buffer.from(readFileSync(join(DIR, client, name), 'utf8').trim(), 'hex');
      const responseFile = f.replace('.request.hex', '.response.hex');
      return { client, api: m[1]!, version: Number(m[2]), request: read(f), response: files.includes(responseFile) ? read(responseFile) : null };
    });
}

/** The frame without its 4-byte size prefix, as the fixtures hold it. */
const unsized = (chunks: Buffer[]): Buffer => concatFrame(chunks).subarray(4);

describe.each(CLIENTS)('golden bytes from %s', (client) => {
  const all = fixtures(client);

  it('cover the main APIs', () => {
    expect(all.map((f) => f.api)).toEqual(expect.arrayContaining(MAIN_APIS));
  });

  it.each(all.map((f) => [`${f.api} v${f.version}`, f] as const))('%s request decodes and re-encodes to the same bytes', (_, f) => {
    const { header, reader } = decodeRequestHeader(f.request);
    expect(API_SCHEMA_VERSIONS[header.apiKey]?.[0]).toBe(f.api);
    expect(header.apiVersion).toBe(f.version);
    if (!isApiKey(header.apiKey)) throw new Error(`unknown api key ${header.apiKey}`);
    const body = decodeRequestBody(header.apiKey, header.apiVersion, reader);
    expect(reader.remaining).toBe(0);
    expect(unsized(encodeRequestFrame(header.apiKey, header.apiVersion, header.correlationId, header.clientId, body)).toString('hex')).toBe(f.request.toString('hex'));
  });

  it.each(all.filter((f) => f.response !== null).map((f) => [`${f.api} v${f.version}`, f] as const))('%s response decodes and re-encodes to the same bytes', (_, f) => {
    const { header } = decodeRequestHeader(f.request);
    if (!isApiKey(header.apiKey)) throw new Error(`unknown api key ${header.apiKey}`);
    const { correlationId, body } = decodeResponseFrame(header.apiKey, header.apiVersion, f.response!);
    expect(correlationId).toBe(header.correlationId);
    expect(unsized(encodeResponseFrame(header.apiKey, header.apiVersion, correlationId, body)).toString('hex')).toBe(f.response!.toString('hex'));
  });

  it('carries real record batches in Produce and Fetch', () => {
    const produce = all.find((f) => f.api === 'Produce')!;
    const { header, reader } = decodeRequestHeader(produce.request);
    const request = decodeRequestBody(header.apiKey, header.apiVersion, reader);
    const records: Buffer = request.topicData[0].partitionData[0].records;
    expect([...iterateBatchPositions(records)].length).toBeGreaterThan(0);

    const fetch = all.find((f) => f.api === 'Fetch')!;
    const { body } = decodeResponseFrame(ApiKey.Fetch, fetch.version, fetch.response!);
    const fetched = body.responses[0]?.partitions[0]?.records;
    expect(fetched).toBeInstanceOf(Buffer);
    expect([...iterateBatchPositions(fetched!)].length).toBeGreaterThan(0);
  });
});
