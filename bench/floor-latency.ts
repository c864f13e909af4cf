// The machine's floor for the end-to-end latency target (issue 3): the same message pattern
// as one replicated acks=all batch, between the same processes, with no broker work at all. A
// "leader" process relays each 10 KB batch from the probe to two "follower" processes; each
// follower (optionally appending it to a file, as a replica does) answers; when both have
// answered, the leader answers the producer and hands the batch to the consumer, which asks
// for the next one. That is eight socket messages between the probe, the leader and the two
// followers per batch, as in bench/e2e-latency.ts, at the same rate (a 100-record batch every
// 2 ms), measured the same way (5 s of warm-up, then 10 s). Whatever p99 this prints, no
// broker with separate leader, follower and client processes can beat on this machine. The
// broker benchmark prints it next to the end-to-end probe; alone:
//
//   npx tsx bench/floor-latency.ts            # relay only
//   npx tsx bench/floor-latency.ts --write    # followers and leader also append each batch to a file
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuTimes, stealSince } from './cpu-steal.js';
import { sendPaced } from './paced-sender.js';
import { summarizeLatencies, type LatencySummary } from './percentile.js';

const RATE = 50_000;
const PER_BATCH = 100;
const BATCH_BYTES = PER_BATCH * 100;
const WARMUP_SECONDS = 5;
const SECONDS = 10;

/** Sends a length-prefixed frame: int32 length, int32 sequence number, payload. */
function send(socket: net.Socket, seq: number, payload: Buffer): void {
  const head = Buffer.allocUnsafe(8);
  head.writeInt32BE(payload.length + 4, 0);
  head.writeInt32BE(seq, 4);
  socket.cork();
  socket.write(head);
  socket.write(payload);
  socket.uncork();
}

/** Calls onFrame(seq, payload) for each whole frame arriving on the socket. */
function onFrames(socket: net.Socket, onFrame: (seq: number, payload: Buffer) => void): void {
  let buffered: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4) {
      const size = buffered.readInt32BE(0);
      if (buffered.length < 4 + size) break;
      onFrame(buffered.readInt32BE(4), buffered.subarray(8, 4 + size));
      buffered = buffered.subarray(4 + size);
    }
  });
}

function listen(onConnection: (socket: net.Socket) => void): Promise<net.Server> {
  return new Promise((resolve) => {
    const server = net.createServer({ noDelay: true }, onConnection);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** An appender like a replica's (one positional write per batch), or nothing. */
function appender(dir: string | undefined, name: string): (data: Buffer) => void {
  if (!dir) return () => {};
  const fd = openSync(join(dir, name), 'w');
  let position = 0;
  return (data) => {
    position += writeSync(fd, data, 0, data.length, position);
  };
}

/** Follower: answers each batch the leader pushes with its sequence number (its next fetch). */
async function follower(dir: string | undefined, id: string): Promise<void> {
  const append = appender(dir, `follower-${id}.log`);
  const server = await listen((socket) => onFrames(socket, (seq, payload) => {
    append(payload);
    send(socket, seq, Buffer.alloc(0));
  }));
  process.send!((server.address() as net.AddressInfo).port);
}

/**
 * Leader: a batch from the producer goes to both followers; once both answered it, the
 * producer gets its answer and the consumer the batch.
 */
async function leader(dir: string | undefined, followerPorts: number[]): Promise<void> {
  const append = appender(dir, 'leader.log');
  const followers = await Promise.all(followerPorts.map(connect));
  const pending = new Map<number, { acks: number; payload: Buffer }>();
  let producer: net.Socket | undefined;
  let consumer: net.Socket | undefined;
  for (const f of followers) {
    onFrames(f, (seq) => {
      const p = pending.get(seq);
      if (!p || ++p.acks < followers.length) return;
      pending.delete(seq);
      send(producer!, seq, Buffer.alloc(0));
      send(consumer!, seq, p.payload);
    });
  }
  const server = await listen((socket) => {
    onFrames(socket, (seq, payload) => {
      if (seq < 0) {
        consumer = socket; // the consumer's fetches carry -1
        return;
      }
      producer = socket;
      append(payload);
      pending.set(seq, { acks: 0, payload });
      for (const f of followers) send(f, seq, payload);
    });
  });
  process.send!((server.address() as net.AddressInfo).port);
}

function startChild(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (port) => resolve({ child, port: port as number }));
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
}

export interface FloorResult extends LatencySummary {
  steal: string;
}

/** Runs the relay chain and returns its latency percentiles (ms). */
export async function floorLatency(write: boolean): Promise<FloorResult> {
  const dir = write ? mkdtempSync(join(tmpdir(), 'streamctl-floor-')) : undefined;
  const dirArg = dir ?? '-';
  const children: ChildProcess[] = [];
  try {
    const f1 = await startChild(['follower', dirArg, '1']);
    const f2 = await startChild(['follower', dirArg, '2']);
    children.push(f1.child, f2.child);
    const l = await startChild(['leader', dirArg, String(f1.port), String(f2.port)]);
    children.push(l.child);
    const producer = await connect(l.port);
    const consumer = await connect(l.port);
    send(consumer, -1, Buffer.alloc(0));
    await new Promise((r) => setTimeout(r, 200));

    const skip = (RATE * WARMUP_SECONDS) / PER_BATCH;
    const total = skip + (RATE * SECONDS) / PER_BATCH;
    const sentAt: number[] = [];
    const latencies: number[] = [];
    const batch = Buffer.alloc(BATCH_BYTES, 120);
    onFrames(producer, () => {});
    const consumed = new Promise<void>((resolve) => onFrames(consumer, (seq) => {
      latencies[seq] = performance.now() - sentAt[seq]!;
      send(consumer, -1, Buffer.alloc(0));
      if (seq === total - 1) resolve();
    }));
    const before = cpuTimes();
    await sendPaced(RATE, PER_BATCH, total, (i) => {
      const payload = Buffer.from(batch);
      sentAt.push(performance.now());
      send(producer, i, payload);
    });
    await consumed;
    const steal = stealSince(before);
    producer.destroy();
    consumer.destroy();
    return { ...summarizeLatencies(latencies.slice(skip)), steal };
  } finally {
    for (const c of children) c.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** One line for the benchmark output. */
export function formatFloor(r: FloorResult, write: boolean): string {
  return `floor: the same 8 messages per batch relayed by bare processes${write ? ' that append to files' : ''}: p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  p99.9 ${r.p999.toFixed(2)} ms  max ${r.max.toFixed(2)} ms${r.steal ? `   (${r.steal} meanwhile)` : ''}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [role, dirArg, ...rest] = process.argv.slice(2);
  const dir = dirArg === '-' ? undefined : dirArg;
  if (role === 'follower') await follower(dir, rest[0]!);
  else if (role === 'leader') await leader(dir, rest.map(Number));
  else {
    const write = process.argv.includes('--write');
    console.log(formatFloor(await floorLatency(write), write));
  }
}
