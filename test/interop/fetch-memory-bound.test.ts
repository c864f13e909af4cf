// Memory a broker holds for clients that do not read: 50 clients each ask for 2 GB
// (max_bytes and partition_max_bytes 2^31-1, three fetches pipelined) from a topic holding
// ~64 MiB and then read nothing. The broker's peak RSS (VmHWM in /proc/<pid>/status) stays
// under 512 MB and another client's produce+fetch round trip completes meanwhile. Build
// first (`npm run build`).
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaConnection } from '../../src/engine/network/connection.js';
import { ApiKey } from '../../src/engine/protocol/api-keys.js';
import { encodeRequestFrame, type Message } from '../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../src/engine/protocol/error-codes.js';
import { buildRecordBatch } from '../../src/engine/protocol/records/record-codec.js';
import { createTopic, startKafka, type KafkaProcesses } from './helpers/kafka-processes.js';
import { waitFor } from '../helpers/wait-for.js';
import { fetchBody, produceAndFetchBack, produceBody } from './helpers/request-bodies.js';

const TOPIC = 'big';
const CLIENTS = 50;
const FETCHES_PER_CLIENT = 3;
const RSS_BOUND_BYTES = 512 * 1024 * 1024;
const MAX_INT32 = 0x7fffffff;

let k: KafkaProcesses;
const sockets: net.Socket[] = [];

beforeAll(async () => {
  k = await startKafka({ brokers: 1 });
  await createTopic(k, TOPIC, 1);
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await k?.stop();
});

/** VmRSS and VmHWM (peak) of a process, in bytes. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** ~64 MiB in 68 produce requests of one ~960 KB batch each. */
async function fill(conn: KafkaConnection): Promise<void> {
  const batch = buildRecordBatch(Array.from({ length: 16 }, (_, i) => ({ key: null, value: Buffer.alloc(60_000, i) })));
  for (let i = 0; i < 68; i++) {
    const res = await conn.send(ApiKey.Produce, 9, produceBody(TOPIC, batch));
    expect(((res.responses as Message[])[0]!.partitionResponses[0] as Message).errorCode).toBe(ErrorCode.NONE);
  }
}

/**
 * A client that sends its fetches and then reads only the first response's size prefix
 * (Node buffers a few KiB more); returns that size once known.
 */
function stalledClient(port: number): { responseBytes: () => number | undefined } {
  let size: number | undefined;
  const sock = net.connect({ host: '127.0.0.1', port });
  sockets.push(sock);
  sock.on('error', () => {});
  sock.on('connect', () => {
    const frames = Array.from({ length: FETCHES_PER_CLIENT }, (_, i) => Buffer.concat(encodeRequestFrame(ApiKey.Fetch, 12, i + 1, 'stalled', fetchBody(TOPIC, 0n, { maxBytes: MAX_INT32 }, MAX_INT32))));
    sock.write(Buffer.concat(frames));
  });
  sock.once('readable', function readSize() {
    const head = sock.read(4) as Buffer | null;
    if (head) size = head.readInt32BE(0);
    else sock.once('readable', readSize);
  });
  return { responseBytes: () => size };
}

describe('memory held for clients that do not read', () => {
  it('50 clients fetching 2 GB without reading keep the broker under 512 MB while another client is served', async () => {
    const broker = k.broker(1);
    const pid = broker.pid()!;
    const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: broker.port, requestTimeoutMs: 30_000 });
    try {
      await fill(conn);
      const before = memoryOf(pid);
      const clients = Array.from({ length: CLIENTS }, () => stalledClient(broker.port));
      const sizes = await waitFor('every stalled client to get a response header', () => {
        const s = clients.map((c) => c.responseBytes());
        return s.every((x) => x !== undefined) ? (s as number[]) : undefined;
      }, 60_000, 50);
      // Another client still gets its data: produce one record and fetch it back.
      await produceAndFetchBack(conn, TOPIC, 'still served');
      const after = memoryOf(pid);
      const mib = (n: number) => `${(n / 1048576).toFixed(0)} MiB`;
      console.log(
        `broker RSS before the stalled clients ${mib(before.rss)}, with them ${mib(after.rss)}, peak ${mib(after.peak)}; first response sizes: largest ${mib(Math.max(...sizes))}, smallest ${(Math.min(...sizes) / 1024).toFixed(0)} KiB, total ${mib(sizes.reduce((a, b) => a + b, 0))}`,
      );
      expect(Math.max(...sizes)).toBeLessThanOrEqual(57_671_680 + (1 << 20)); // fetch.max.bytes (+ the one batch always returned)
      expect(after.peak).toBeLessThan(RSS_BOUND_BYTES);
      expect(broker.running()).toBe(true);
    } finally {
      conn.close();
    }
  }, 180_000);
});
