import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../../../src/engine/common/logger.js';
import { FRAME_TUPLES_V2, frameHeader } from '../../../src/engine/runtime/transport/frame-codec.js';
import { TcpTransport } from '../../../src/engine/runtime/transport/tcp-transport.js';
import type { TransportHandlers } from '../../../src/engine/runtime/transport/transport.js';
import { createPrng } from '../../helpers/prng.js';
import { waitFor } from '../../helpers/wait-for.js';

const transports: TcpTransport[] = [];
afterEach(async () => {
  for (const t of transports.splice(0)) await t.close();
});

function handlers(received: unknown[][]): TransportHandlers {
  return { onTuple: (_d, _s, _st, values) => void received.push(values), onBatchEnd: () => {}, onBackpressure: () => {}, onWritable: () => {} };
}

async function receiver(received: unknown[][], logger: Logger = silentLogger): Promise<TcpTransport> {
  const t = await TcpTransport.open({ host: '127.0.0.1', port: 0, peers: [{ host: '127.0.0.1', port: 0 }], selfIndex: 0, handlers: handlers(received), logger });
  transports.push(t);
  return t;
}

/** Writes bytes on a fresh connection, half-closes, resolves when the peer has closed it. */
function sendRaw(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.on('data', () => {});
    sock.on('error', () => {});
    sock.on('close', () => resolve());
    sock.on('connect', () => sock.end(bytes));
  });
}

describe('TcpTransport inbound connections', () => {
  it('closes each connection that sends a bad frame with one warning and keeps receiving tuples from a real peer', async () => {
    const received: unknown[][] = [];
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (msg: string) => void warnings.push(msg), child: () => logger };
    const r = await receiver(received, logger);
    const prng = createPrng(0x7c9);
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(0xffffffff);
    const bad = [
      Buffer.alloc(4), // a zero-length frame
      Buffer.concat([Buffer.alloc(4), Buffer.alloc(1000, 0xff)]), // and garbage after it
      Buffer.concat([huge, prng.bytes(100)]),
      ...Array.from({ length: 50 }, () => {
        const body = prng.bytes(8 + prng.int(200));
        return Buffer.concat([frameHeader(FRAME_TUPLES_V2, body.length), body]); // a framed tuple batch of random bytes
      }),
    ];
    for (const bytes of bad) await sendRaw(r.port, bytes);
    expect(warnings.length).toBeGreaterThanOrEqual(3);
    expect(warnings.length).toBeLessThanOrEqual(bad.length);
    expect(new Set(warnings)).toEqual(new Set(['bad frame from peer worker']));

    const s = await TcpTransport.open({ host: '127.0.0.1', port: 0, peers: [{ host: '127.0.0.1', port: r.port }, { host: '127.0.0.1', port: 0 }], selfIndex: 1, handlers: handlers([]), logger: silentLogger });
    transports.push(s);
    await waitFor('the sender to connect', () => {
      s.send(0, 1, 2, 'default', ['still here'], null);
      s.flush();
      return received.some((v) => v[0] === 'still here');
    }, 10_000, 50);
  });
});
