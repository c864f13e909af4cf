import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaServer, type RequestHandler } from '../../../src/engine/network/server.js';
import { KafkaConnection } from '../../../src/engine/network/connection.js';
import { ApiKey, ErrorCode, decodeResponseFrame, encodeRequestFrame } from '../../../src/engine/protocol/index.js';
import { silentLogger, type Logger } from '../../../src/engine/common/logger.js';
import { waitFor } from '../../helpers/wait-for.js';
import { FrameDecoder } from '../../../src/engine/common/frame-decoder.js';

const servers: KafkaServer[] = [];
const conns: KafkaConnection[] = [];
afterEach(async () => {
  for (const c of conns.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
});

async function start(handle: RequestHandler, maxRequestBytes?: number): Promise<KafkaServer> {
  const s = await KafkaServer.listen({
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger,
    handle,
    maxRequestBytes,
    supportedVersions: new Map([[ApiKey.Metadata, [0, 12] as const]]),
  });
  servers.push(s);
  return s;
}

async function connect(port: number): Promise<KafkaConnection> {
  const c = await KafkaConnection.connect({ host: '127.0.0.1', port });
  conns.push(c);
  return c;
}

const metadataEcho: RequestHandler = ({ body }) => ({
  brokers: [],
  clusterId: 'c',
  controllerId: 1,
  topics: (body.topics ?? []).map((t: { name: string }) => ({ errorCode: 3, name: t.name, partitions: [] })),
});

function rawExchange(port: number, bytes: Buffer, waitMs = 500): Promise<{ data: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const got: Buffer[] = [];
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ data: Buffer.concat(got), closed: false });
    }, waitMs);
    sock.on('data', (d) => got.push(d));
    sock.on('close', () => {
      clearTimeout(timer);
      resolve({ data: Buffer.concat(got), closed: true });
    });
    sock.on('error', () => {});
    sock.write(bytes);
  });
}

describe('KafkaServer', () => {
  it('answers a request decoded with the generated codec', async () => {
    const s = await start(metadataEcho);
    const c = await connect(s.port);
    const res = await c.send(ApiKey.Metadata, 12, { topics: [{ name: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false });
    expect(res.topics).toMatchObject([{ name: 'orders', errorCode: 3 }]);
  });

  it('answers pipelined requests in request order even when handlers finish out of order', async () => {
    let n = 0;
    const s = await start(async ({ body }) => {
      const delay = 30 - (n++ % 3) * 10;
      await new Promise((r) => setTimeout(r, delay));
      return metadataEcho({ body } as never) as never;
    });
    const c = await connect(s.port);
    const names = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const results = await Promise.all(names.map((name) => c.send(ApiKey.Metadata, 9, { topics: [{ name }] })));
    expect(results.map((r) => r.topics[0]?.name)).toEqual(names);
  });

  it('advertises its api versions including ApiVersions itself', async () => {
    const s = await start(metadataEcho);
    const c = await connect(s.port);
    const res = await c.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
    expect(res.errorCode).toBe(ErrorCode.NONE);
    expect(res.apiKeys).toEqual(
      expect.arrayContaining([
        { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 12 },
        { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 4 },
      ]),
    );
  });

  it('answers an ApiVersions request of a too-new version with UNSUPPORTED_VERSION at v0 (KIP-511)', async () => {
    const s = await start(metadataEcho);
    // Hand-build an ApiVersions v9 request: header v2 then an empty tagged body.
    const header = Buffer.alloc(2 + 2 + 4 + 2 + 1 + 1);
    header.writeInt16BE(ApiKey.ApiVersions, 0);
    header.writeInt16BE(9, 2);
    header.writeInt32BE(77, 4);
    header.writeInt16BE(-1, 8);
    const size = Buffer.alloc(4);
    size.writeInt32BE(header.length);
    const { data } = await rawExchange(s.port, Buffer.concat([size, header]));
    const { correlationId, body } = decodeResponseFrame(ApiKey.ApiVersions, 0, data.subarray(4));
    expect(correlationId).toBe(77);
    expect(body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(body.apiKeys.length).toBeGreaterThan(1);
  });

  it('closes only the connection that sends an oversized frame', async () => {
    const s = await start(metadataEcho, 1024);
    const good = await connect(s.port);
    const size = Buffer.alloc(4);
    size.writeInt32BE(10_000_000);
    const bad = await rawExchange(s.port, size);
    expect(bad.closed).toBe(true);
    const res = await good.send(ApiKey.Metadata, 1, { topics: [{ name: 'x' }] });
    expect(res.topics[0]?.name).toBe('x');
  });

  it('closes the connection on a request for an unsupported version', async () => {
    const s = await start(metadataEcho);
    const frame = Buffer.concat(encodeRequestFrame(ApiKey.Produce, 9, 1, 'x', { acks: 1, timeoutMs: 1, topicData: [] }));
    const r = await rawExchange(s.port, frame);
    expect(r.closed).toBe(true);
    expect(r.data.length).toBe(0);
  });

  it('survives thousands of random, truncated and oversized frames and keeps serving', async () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const s = await start(metadataEcho, 64 * 1024);
    const good = await connect(s.port);
    const valid = Buffer.concat(encodeRequestFrame(ApiKey.Metadata, 12, 5, 'fuzz', { topics: [{ name: 'a', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }] }));
    const attempts: Array<Promise<unknown>> = [];
    for (let i = 0; i < 2000; i++) {
      const kind = i % 4;
      let bytes: Buffer;
      if (kind === 0) bytes = Buffer.from(Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)));
      else if (kind === 1) bytes = valid.subarray(0, Math.floor(rnd() * valid.length));
      else if (kind === 2) {
        bytes = Buffer.from(valid);
        for (let k = 0; k < 3; k++) bytes[4 + Math.floor(rnd() * (bytes.length - 4))] = Math.floor(rnd() * 256);
      } else {
        bytes = Buffer.alloc(4);
        bytes.writeInt32BE(Math.floor(rnd() * 0x7fffffff));
      }
      attempts.push(rawExchange(s.port, bytes, 40));
      if (attempts.length >= 100) await Promise.all(attempts.splice(0));
    }
    await Promise.all(attempts);
    const res = await good.send(ApiKey.Metadata, 12, { topics: [{ name: 'still-here', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }] });
    expect(res.topics[0]?.name).toBe('still-here');
  }, 120_000);

  it('closes only the connection that sends a zero-size frame and keeps serving', async () => {
    const s = await start(metadataEcho);
    const good = await connect(s.port);
    const bad = await rawExchange(s.port, Buffer.alloc(4));
    expect(bad.closed).toBe(true);
    const again = await rawExchange(s.port, Buffer.alloc(4));
    expect(again.closed).toBe(true);
    const res = await good.send(ApiKey.Metadata, 1, { topics: [{ name: 'alive' }] });
    expect(res.topics[0]?.name).toBe('alive');
  });

  it('logs one warning per bad connection however much garbage follows', async () => {
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (msg: string) => void warnings.push(msg), child: () => logger };
    const s = await KafkaServer.listen({ host: '127.0.0.1', port: 0, logger, handle: metadataEcho, supportedVersions: new Map([[ApiKey.Metadata, [0, 12] as const]]) });
    servers.push(s);
    const garbage = Buffer.concat([Buffer.alloc(4), Buffer.alloc(64 * 1024, 0xff)]);
    await rawExchange(s.port, garbage);
    expect(warnings).toEqual(['closing connection']);
  });

  it('closes a connection whose handler throws and keeps serving others', async () => {
    const s = await start(({ body }) => {
      if (body.topics?.[0]?.name === 'boom') throw new Error('handler bug');
      return metadataEcho({ body } as never);
    });
    const victim = await connect(s.port);
    await expect(victim.send(ApiKey.Metadata, 1, { topics: [{ name: 'boom' }] })).rejects.toThrow();
    const good = await connect(s.port);
    const res = await good.send(ApiKey.Metadata, 1, { topics: [{ name: 'fine' }] });
    expect(res.topics[0]?.name).toBe('fine');
  });

  it('stops reading requests from a client that does not read its responses, and serves them all in order once it does', async () => {
    let handled = 0;
    const bigName = 'n'.repeat(30_000);
    const s = await start(() => {
      handled++;
      return { brokers: [], clusterId: 'c', controllerId: 1, topics: Array.from({ length: 40 }, (_, i) => ({ errorCode: 3, name: `${bigName}${i}`, partitions: [] })) };
    });
    const requests = 200;
    const frames = Array.from({ length: requests }, (_, i) => Buffer.concat(encodeRequestFrame(ApiKey.Metadata, 1, i, 'slow', { topics: [{ name: `t${i}` }] })));
    const sock = net.connect({ host: '127.0.0.1', port: s.port });
    sock.pause();
    await new Promise((r) => sock.once('connect', r));
    sock.write(Buffer.concat(frames));
    // ~1.2 MB per response: the kernel's buffers take a few, then the connection is muted.
    await waitFor('the connection to be muted', () => s.unsentResponseBytes > 0, 10_000, 10);
    const other = await connect(s.port);
    await other.send(ApiKey.Metadata, 1, { topics: [{ name: 'x' }] });
    expect(handled - 1).toBeLessThan(requests / 4);

    const ids: number[] = [];
    const decoder = new FrameDecoder(1 << 30);
    sock.on('data', (d: Buffer) => decoder.push(d, (frame) => ids.push(frame.readInt32BE(0))));
    sock.resume();
    await waitFor('every response', () => ids.length === requests, 30_000, 20);
    expect(ids).toEqual(Array.from({ length: requests }, (_, i) => i));
    expect(s.unsentResponseBytes).toBe(0);
    sock.destroy();
  }, 60_000);

  it('answers thousands of small requests held behind a muted connection without deep recursion', async () => {
    const bigName = 'n'.repeat(30_000);
    const s = await start(() => ({ brokers: [], clusterId: 'c', controllerId: 1, topics: Array.from({ length: 40 }, (_, i) => ({ errorCode: 3, name: `${bigName}${i}`, partitions: [] })) }));
    const big = Array.from({ length: 10 }, (_, i) => Buffer.concat(encodeRequestFrame(ApiKey.Metadata, 1, i, 'slow', { topics: [{ name: 'big' }] })));
    const small = Array.from({ length: 20_000 }, (_, i) => Buffer.concat(encodeRequestFrame(ApiKey.ApiVersions, 0, 10 + i, 'small', {})));
    const sock = net.connect({ host: '127.0.0.1', port: s.port });
    sock.pause();
    await new Promise((r) => sock.once('connect', r));
    sock.write(Buffer.concat([...big, ...small]));
    await waitFor('the connection to be muted', () => s.unsentResponseBytes > 0, 10_000, 10);
    const ids: number[] = [];
    const decoder = new FrameDecoder(1 << 30);
    sock.on('data', (d: Buffer) => decoder.push(d, (frame) => ids.push(frame.readInt32BE(0))));
    sock.resume();
    await waitFor('every response', () => ids.length === big.length + small.length, 30_000, 20);
    expect(ids).toEqual(Array.from({ length: big.length + small.length }, (_, i) => i));
    sock.destroy();
  }, 60_000);
});
