import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaConnection } from '../../../src/engine/network/connection.js';
import { ApiKey } from '../../../src/engine/protocol/index.js';
import { createPrng } from '../../helpers/prng.js';

const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A server that answers every connection's first bytes with `reply(requestBytes)`. */
async function garbageServer(reply: (request: Buffer) => Buffer): Promise<number> {
  const server = net.createServer((sock) => {
    sock.on('error', () => {});
    sock.once('data', (d) => sock.write(reply(d)));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

function correlationIdOf(request: Buffer): number {
  return request.readInt32BE(8); // size, api key, api version, then the correlation id
}

async function sendMetadata(port: number): Promise<unknown> {
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port, requestTimeoutMs: 5000 });
  try {
    return await conn.send(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false });
  } finally {
    conn.close();
  }
}

describe('KafkaConnection', () => {
  it('rejects the pending request when the response frame has size zero', async () => {
    const port = await garbageServer(() => Buffer.alloc(4));
    await expect(sendMetadata(port)).rejects.toMatchObject({ code: 'PROTOCOL' });
  });

  it('rejects the pending request when the response frame size is negative or absurd', async () => {
    for (const size of [-5, 0x7fffffff]) {
      const head = Buffer.alloc(4);
      head.writeInt32BE(size);
      const port = await garbageServer(() => head);
      await expect(sendMetadata(port)).rejects.toMatchObject({ code: 'PROTOCOL' });
    }
  });

  it('rejects with PROTOCOL, never throws, for random bodies under the right correlation id (seeded)', async () => {
    const prng = createPrng(0xc0ffee);
    for (let i = 0; i < 200; i++) {
      const body = prng.bytes(prng.int(64));
      const port = await garbageServer((request) => {
        const frame = Buffer.alloc(8 + body.length);
        frame.writeInt32BE(4 + body.length, 0);
        frame.writeInt32BE(correlationIdOf(request), 4);
        body.copy(frame, 8);
        return frame;
      });
      await sendMetadata(port).then(
        () => undefined, // random bytes can decode (e.g. empty arrays everywhere)
        (err: { code?: string }) => expect(err.code).toBe('PROTOCOL'),
      );
      await new Promise((r) => servers.pop()!.close(r));
    }
  });
});
