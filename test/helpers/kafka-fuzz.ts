// Fuzz traffic for Kafka-protocol listeners: seeded generators of hostile frames (random
// bytes, sized random payloads, valid headers with random bodies, zero/negative/huge size
// prefixes, truncated and mutated real requests) and a driver that sends them over many
// short connections to one 127.0.0.1 port. Used by the process-level fuzz tests; bounded in
// count and time, and every socket it opens is closed before it returns.
import net from 'node:net';
import { KafkaConnection } from '../../src/engine/network/connection.js';
import { ApiKey, decodeRequestHeader, encodeRequestFrame, isApiKey, type ApiKeyNumber, type Message } from '../../src/engine/protocol/index.js';
import type { Prng } from './prng.js';

/** A served api key and its version range (from ApiVersions). */
export interface ServedApi {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export type FrameKind = 'random' | 'sized-random' | 'header-valid-body-random' | 'zero-size' | 'bad-size' | 'truncated' | 'mutated' | 'valid';
export const FRAME_KINDS: readonly FrameKind[] = ['random', 'sized-random', 'header-valid-body-random', 'zero-size', 'bad-size', 'truncated', 'mutated', 'valid'];

export async function servedApis(port: number): Promise<ServedApi[]> {
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port });
  try {
    const res = await conn.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' });
    return res.apiKeys;
  } finally {
    conn.close();
  }
}

/**
 * One real request per served api and version (schema defaults for every field), plus the
 * richer `extra` requests (a produce with a real batch, a fetch of a real topic...). Each
 * is a whole frame with its size prefix.
 */
export function realRequests(apis: ServedApi[], extra: Array<{ apiKey: ApiKeyNumber; version: number; body: Message }> = []): Buffer[] {
  const out: Buffer[] = [];
  let correlationId = 1;
  for (const { apiKey, minVersion, maxVersion } of apis) {
    if (!isApiKey(apiKey)) throw new Error(`the broker serves api key ${apiKey}, which the schemas do not know`);
    for (let v = minVersion; v <= maxVersion; v++) out.push(Buffer.concat(encodeRequestFrame(apiKey, v, correlationId++, 'fuzz', {})));
  }
  for (const e of extra) out.push(Buffer.concat(encodeRequestFrame(e.apiKey, e.version, correlationId++, 'fuzz', e.body)));
  return out;
}

function sizePrefix(size: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(size);
  return b;
}

/** One hostile frame of `kind`, as bytes to write (possibly not a whole frame). */
export function fuzzFrame(kind: FrameKind, prng: Prng, real: Buffer[], maxRequestBytes: number): Buffer {
  const pick = () => real[prng.int(real.length)]!;
  switch (kind) {
    case 'random':
      return prng.bytes(prng.int(65));
    case 'sized-random': {
      const n = prng.int(257);
      return Buffer.concat([sizePrefix(n), prng.bytes(n)]);
    }
    case 'header-valid-body-random': {
      const frame = pick();
      const payload = frame.subarray(4);
      const headerBytes = payload.length - decodeRequestHeader(payload).reader.remaining;
      const body = prng.bytes(prng.int(129));
      return Buffer.concat([sizePrefix(headerBytes + body.length), payload.subarray(0, headerBytes), body]);
    }
    case 'zero-size':
      return prng.int(2) === 0 ? Buffer.alloc(4) : Buffer.concat([Buffer.alloc(4), pick()]);
    case 'bad-size': {
      const choice = prng.int(4);
      const size = choice === 0 ? -1 - prng.int(0x7fffffff) : choice === 1 ? 0x7fffffff : choice === 2 ? maxRequestBytes + 1 : maxRequestBytes + 1 + prng.int(0x7fffffff - maxRequestBytes - 1);
      return Buffer.concat([sizePrefix(size), prng.bytes(prng.int(32))]);
    }
    case 'truncated': {
      const frame = pick();
      return frame.subarray(0, prng.int(frame.length));
    }
    case 'mutated': {
      const frame = Buffer.from(pick());
      const flips = 1 + prng.int(4);
      for (let i = 0; i < flips; i++) {
        const at = 4 + prng.int(Math.max(1, frame.length - 4));
        if (at < frame.length) frame[at] = prng.int(256);
      }
      if (prng.int(8) === 0) frame.writeInt32BE(frame.readInt32BE(0) + prng.int(9) - 4); // a size a little off
      return frame;
    }
    case 'valid':
      return pick();
  }
}

export interface FuzzRunResult {
  frames: number;
  connections: number;
  byKind: Record<FrameKind, number>;
}

/**
 * Sends `frames` hostile frames to 127.0.0.1:`port`, 1–4 per connection (written at once,
 * then the connection is half-closed), `concurrency` connections at a time. Waits for the
 * server to close each one (or destroys it after `idleMs`).
 */
export async function runFuzz(options: { port: number; prng: Prng; real: Buffer[]; frames: number; maxRequestBytes: number; concurrency?: number; idleMs?: number }): Promise<FuzzRunResult> {
  const { port, prng, real, maxRequestBytes } = options;
  const byKind = Object.fromEntries(FRAME_KINDS.map((k) => [k, 0])) as Record<FrameKind, number>;
  let sent = 0;
  let connections = 0;
  const one = (bytes: Buffer): Promise<void> =>
    new Promise((resolve) => {
      const sock = net.connect({ host: '127.0.0.1', port });
      const timer = setTimeout(() => sock.destroy(), options.idleMs ?? 2000);
      sock.on('data', () => {});
      sock.on('error', () => {});
      sock.on('close', () => {
        clearTimeout(timer);
        resolve();
      });
      sock.on('connect', () => sock.end(bytes));
    });
  const next = (): Buffer | null => {
    if (sent >= options.frames) return null;
    const count = Math.min(1 + prng.int(4), options.frames - sent);
    const parts: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      const kind = FRAME_KINDS[prng.int(FRAME_KINDS.length)]!;
      byKind[kind]++;
      parts.push(fuzzFrame(kind, prng, real, maxRequestBytes));
    }
    sent += count;
    connections++;
    return Buffer.concat(parts);
  };
  // Frames are drawn in one sequence (so a seed fixes them) and sent by parallel lanes.
  const lane = async () => {
    for (let bytes = next(); bytes; bytes = next()) await one(bytes);
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 32 }, lane));
  return { frames: sent, connections, byKind };
}
