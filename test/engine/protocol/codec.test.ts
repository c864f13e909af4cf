import { describe, expect, it } from 'vitest';
import {
  codecFor,
  decodeMessage,
  decodeRequestBody,
  decodeRequestHeader,
  decodeResponseFrame,
  encodeMessage,
  encodeRequestFrame,
  encodeResponseFrame,
  ApiKey,
  type MessageName,
} from '../../../src/engine/protocol/index.js';
import { SCHEMAS } from '../../../src/engine/protocol/generated/schemas.js';
import type { FieldSchema } from '../../../src/engine/protocol/schema-types.js';

// Builds a value for every field present at `version`, with non-default values so tagged
// fields are written too.
function sample(fields: readonly FieldSchema[], version: number, seed: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields) {
    if (version < f.versions[0] || version > f.versions[1]) continue;
    o[f.name] = sampleValue(f, version, seed + f.name.length);
  }
  return o;
}

function sampleValue(f: FieldSchema, version: number, seed: number): unknown {
  const t = f.type === 'array' ? f.element! : f.type;
  const one = (): unknown => {
    switch (t) {
      case 'bool':
        return true;
      case 'int8':
        return (seed % 100) + 1;
      case 'int16':
        return (seed % 1000) + 2;
      case 'int32':
        return seed * 7919 + 3;
      case 'uint16':
        return (seed % 60000) + 4;
      case 'uint32':
        return seed * 31 + 5;
      case 'int64':
        return BigInt(seed) * 1_000_000_007n + 6n;
      case 'float64':
        return seed + 0.5;
      case 'string':
        return `s-${seed}-é`;
      case 'bytes':
      case 'records':
        return Buffer.from(`bytes-${seed}`);
      case 'uuid':
        return Buffer.alloc(16, seed % 256).toString('base64url');
      case 'struct':
        return sample(f.fields ?? [], version, seed + 1);
    }
    throw new Error(t);
  };
  return f.type === 'array' ? [one(), one()] : one();
}

const messages = Object.values(SCHEMAS);

describe('generated codec', () => {
  it('covers every request and response schema', () => {
    expect(messages.filter((m) => m.type === 'request').length).toBeGreaterThan(70);
    expect(messages.filter((m) => m.type === 'response').length).toBe(messages.filter((m) => m.type === 'request').length);
  });

  for (const m of messages) {
    it(`round-trips every version of ${m.name}`, () => {
      for (let v = m.validVersions[0]; v <= m.validVersions[1]; v++) {
        const value = sample(m.fields, v, v + 1);
        const name = m.name as MessageName;
        const bytes = encodeMessage(name, v, value);
        const decoded = decodeMessage(name, v, bytes);
        expect(decoded, `${m.name} v${v}`).toMatchObject(value);
        expect(encodeMessage(name, v, decoded).equals(bytes), `${m.name} v${v} re-encodes identically`).toBe(true);
      }
    });
  }

  it('decodes fields absent from a version as their schema defaults', () => {
    const body = decodeMessage('ProduceRequest', 2, encodeMessage('ProduceRequest', 2, { acks: 1, timeoutMs: 1000, topicData: [] }));
    expect(body.transactionalId).toBeNull();
  });

  it('writes compact strings and tagged-field sections in flexible versions', () => {
    const flexible = encodeMessage('ApiVersionsRequest', 3, { clientSoftwareName: 'a', clientSoftwareVersion: 'b' });
    // compact string "a" = len+1 (2), 'a'; compact "b"; empty tagged section
    expect([...flexible]).toEqual([2, 0x61, 2, 0x62, 0]);
  });

  it('skips unknown tagged fields', () => {
    const known = encodeMessage('ApiVersionsRequest', 3, { clientSoftwareName: 'a', clientSoftwareVersion: 'b' });
    const withUnknown = Buffer.concat([known.subarray(0, known.length - 1), Buffer.from([1, 99, 2, 0xaa, 0xbb])]);
    expect(decodeMessage('ApiVersionsRequest', 3, withUnknown)).toMatchObject({ clientSoftwareName: 'a', clientSoftwareVersion: 'b' });
  });

  it('rejects a truncated frame with a protocol error instead of reading past it', () => {
    const bytes = encodeMessage('MetadataRequest', 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'orders' }] });
    expect(() => decodeMessage('MetadataRequest', 12, bytes.subarray(0, bytes.length - 3))).toThrow(/frame too short/);
  });

  it('rejects an array length larger than the frame', () => {
    const bad = Buffer.from([0x00, 0x00, 0x7f, 0xff, 0xff, 0xff]); // v0 Metadata: topics array length 2^31-1 (after nothing)
    expect(() => decodeMessage('MetadataRequest', 1, bad.subarray(2))).toThrow(/exceeds the frame/);
  });

  it('frames a request with header v2 and decodes it back', () => {
    const chunks = encodeRequestFrame(ApiKey.Metadata, 12, 42, 'my-client', { topics: null, allowAutoTopicCreation: false });
    const frame = Buffer.concat(chunks);
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    const { header, reader } = decodeRequestHeader(frame.subarray(4));
    expect(header).toEqual({ apiKey: 3, apiVersion: 12, correlationId: 42, clientId: 'my-client' });
    expect(decodeRequestBody(header.apiKey, header.apiVersion, reader)).toMatchObject({ topics: null, allowAutoTopicCreation: false });
  });

  it('frames ApiVersions responses with header v0 even in flexible versions', () => {
    const frame = Buffer.concat(encodeResponseFrame(ApiKey.ApiVersions, 3, 7, { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 11 }] }));
    // size, correlation id, then directly the error code (no tagged-field byte in the header)
    expect(frame.readInt32BE(4)).toBe(7);
    expect(frame.readInt16BE(8)).toBe(0);
    const { body } = decodeResponseFrame(ApiKey.ApiVersions, 3, frame.subarray(4));
    expect(body.apiKeys).toEqual([{ apiKey: 0, minVersion: 3, maxVersion: 11 }]);
  });

  it('keeps record payloads as zero-copy slices of the frame', () => {
    const records = Buffer.alloc(4096, 7);
    const bytes = encodeMessage('ProduceRequest', 9, {
      acks: -1,
      timeoutMs: 30000,
      topicData: [{ name: 't', partitionData: [{ index: 0, records }] }],
    });
    const decoded = decodeMessage('ProduceRequest', 9, bytes);
    const got = decoded.topicData[0]!.partitionData[0]!.records as Buffer;
    expect(got.equals(records)).toBe(true);
    expect(got.buffer).toBe(bytes.buffer);
  });

  it('compiles each message version once', () => {
    expect(codecFor('FetchRequest', 12)).toBe(codecFor('FetchRequest', 12));
  });
});
