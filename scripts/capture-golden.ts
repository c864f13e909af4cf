// Captures the golden-byte fixtures in test/fixtures/golden/: real request frames from kcat
// (librdkafka) and kafkajs, and the broker's answers, recorded by a small TCP proxy in front
// of a one-broker streamctl cluster started from dist/. Each client runs in turn against the
// proxy (metadata, produce, consume from the start, a consumer group that commits); for every
// api and version a client used, the largest exchange is kept (so Fetch keeps one with
// records). Run `npm run build && npx tsx scripts/capture-golden.ts`; see the README there.
//
// The proxy rewrites the broker's address to its own in Metadata, FindCoordinator and
// DescribeCluster answers (so clients keep talking through it) after recording the broker's
// original bytes. Single-threaded; every process and socket it opens is closed at the end.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { FrameDecoder } from '../src/engine/common/frame-decoder.js';
import { ApiKey, apiName, concatFrame, decodeRequestHeader, decodeResponseFrame, encodeResponseFrame, isApiKey, peekCorrelationId } from '../src/engine/protocol/index.js';
import { createTopic, startKafka } from '../test/interop/helpers/kafka-processes.js';
import { waitFor } from '../test/helpers/wait-for.js';

const OUT = resolve(import.meta.dirname, '../test/fixtures/golden');
const TOPIC = 'golden';
const MAX_FRAME_BYTES = 64 << 20;

interface Exchange {
  apiKey: number;
  version: number;
  request: Buffer;
  response: Buffer | null;
}

/** The recording proxy: frames in both directions, matched by correlation id per connection. */
class RecordingProxy {
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  /** client label → "api key/version" → the largest exchange seen. */
  readonly kept = new Map<string, Map<string, Exchange>>();
  /** Every api key seen per client label (conditions to wait on). */
  readonly seen = new Map<string, Set<number>>();
  label = '';
  port = 0;

  constructor(private readonly brokerPort: number) {
    this.#server = net.createServer((client) => this.#accept(client));
  }

  listen(): Promise<void> {
    return new Promise((done) => this.#server.listen(0, '127.0.0.1', () => {
      const address = this.#server.address();
      if (address === null || typeof address === 'string') throw new Error('proxy has no port');
      this.port = address.port;
      done();
    }));
  }

  saw(label: string, apiKey: number): boolean {
    return this.seen.get(label)?.has(apiKey) ?? false;
  }

  close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    return new Promise((done) => this.#server.close(() => done()));
  }

  #accept(client: net.Socket): void {
    const label = this.label;
    const upstream = net.connect({ host: '127.0.0.1', port: this.brokerPort });
    this.#sockets.add(client).add(upstream);
    const pending = new Map<number, Exchange>();
    const requests = new FrameDecoder(MAX_FRAME_BYTES);
    const responses = new FrameDecoder(MAX_FRAME_BYTES);
    const closeBoth = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', closeBoth).on('close', closeBoth);
    upstream.on('error', closeBoth).on('close', closeBoth);
    client.on('data', (data) => {
      const r = requests.pushTransient(data, (frame) => {
        const request = Buffer.from(frame);
        const { header } = decodeRequestHeader(request);
        pending.set(header.correlationId, { apiKey: header.apiKey, version: header.apiVersion, request, response: null });
        this.#record(label, { apiKey: header.apiKey, version: header.apiVersion, request, response: null });
        upstream.write(sized(request));
      });
      if (!r.ok) closeBoth();
    });
    upstream.on('data', (data) => {
      const r = responses.pushTransient(data, (frame) => {
        const response = Buffer.from(frame);
        const correlationId = peekCorrelationId(response);
        const exchange = pending.get(correlationId);
        pending.delete(correlationId);
        if (!exchange) {
          client.write(sized(response));
          return;
        }
        exchange.response = response;
        this.#record(label, exchange);
        client.write(sized(this.#rewrite(exchange.apiKey, exchange.version, response)));
      });
      if (!r.ok) closeBoth();
    });
  }

  #record(label: string, e: Exchange): void {
    let seen = this.seen.get(label);
    if (!seen) this.seen.set(label, (seen = new Set()));
    if (e.response) seen.add(e.apiKey);
    let kept = this.kept.get(label);
    if (!kept) this.kept.set(label, (kept = new Map()));
    const key = `${e.apiKey}/${e.version}`;
    const size = (x: Exchange): number => x.request.length + (x.response?.length ?? 0);
    const before = kept.get(key);
    if (!before || size(e) > size(before) || (before.response === null && e.response !== null)) kept.set(key, { ...e });
  }

  /** The broker's answer with its own address replaced by the proxy's. */
  #rewrite(apiKey: number, version: number, response: Buffer): Buffer {
    const move = (node: { host: string; port: number }): void => {
      if (node.port === this.brokerPort) node.port = this.port;
    };
    if (apiKey === ApiKey.Metadata) {
      const { correlationId, body } = decodeResponseFrame(ApiKey.Metadata, version, response);
      body.brokers.forEach(move);
      return concatFrame(encodeResponseFrame(apiKey, version, correlationId, body)).subarray(4);
    }
    if (apiKey === ApiKey.FindCoordinator) {
      const { correlationId, body } = decodeResponseFrame(ApiKey.FindCoordinator, version, response);
      move(body);
      body.coordinators.forEach(move);
      return concatFrame(encodeResponseFrame(apiKey, version, correlationId, body)).subarray(4);
    }
    if (apiKey === ApiKey.DescribeCluster) {
      const { correlationId, body } = decodeResponseFrame(ApiKey.DescribeCluster, version, response);
      body.brokers.forEach(move);
      return concatFrame(encodeResponseFrame(apiKey, version, correlationId, body)).subarray(4);
    }
    return response;
  }
}

function sized(frame: Buffer): Buffer {
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(frame.length, 0);
  return Buffer.concat([size, frame]);
}

function kcat(args: string[], input?: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = execFile('kcat', args, { timeout: 30_000 }, (error, stdout, stderr) => (error ? fail(new Error(`kcat ${args.join(' ')}: ${stderr || error.message}`)) : done(stdout)));
    if (input !== undefined) child.stdin?.end(input);
  });
}

async function captureKcat(proxy: RecordingProxy): Promise<void> {
  proxy.label = 'kcat';
  const b = `127.0.0.1:${proxy.port}`;
  await kcat(['-b', b, '-L', '-t', TOPIC]);
  await kcat(['-b', b, '-P', '-t', TOPIC, '-p', '0', '-K', ':', '-X', 'request.required.acks=-1'], 'k1:kcat-one\nk2:kcat-two\nk3:kcat-three\n');
  await kcat(['-b', b, '-C', '-t', TOPIC, '-p', '0', '-o', 'beginning', '-c', '3', '-e']);
  // A balanced consumer: runs until it has joined, synced, heartbeated and committed, then
  // stops on SIGINT (leaving the group).
  const group = spawn('kcat', ['-b', b, '-G', 'golden-kcat', TOPIC, '-X', 'auto.offset.reset=earliest', '-X', 'heartbeat.interval.ms=100', '-X', 'auto.commit.interval.ms=100'], { stdio: ['ignore', 'ignore', 'ignore'] });
  try {
    await waitFor('kcat group traffic', () => [ApiKey.JoinGroup, ApiKey.SyncGroup, ApiKey.Heartbeat, ApiKey.OffsetFetch, ApiKey.OffsetCommit].every((k) => proxy.saw('kcat', k)), 30_000);
  } finally {
    const exited = new Promise((done) => group.once('exit', done));
    group.kill('SIGINT');
    await exited;
  }
}

async function captureKafkajs(proxy: RecordingProxy): Promise<void> {
  proxy.label = 'kafkajs';
  const kafka = new Kafka({ clientId: 'golden', brokers: [`127.0.0.1:${proxy.port}`], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.fetchTopicOffsets(TOPIC);
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: TOPIC, acks: -1, messages: [{ key: 'k1', value: 'kafkajs-one' }, { key: 'k2', value: 'kafkajs-two' }] });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: 'golden-kafkajs', heartbeatInterval: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let received = 0;
  await consumer.run({ autoCommitInterval: 100, eachMessage: async () => void received++ });
  try {
    await waitFor('kafkajs group traffic', () => received >= 5 && [ApiKey.Heartbeat, ApiKey.OffsetCommit, ApiKey.OffsetFetch].every((k) => proxy.saw('kafkajs', k)), 30_000);
  } finally {
    await consumer.disconnect();
  }
}

function write(proxy: RecordingProxy): void {
  for (const [label, kept] of proxy.kept) {
    const dir = join(OUT, label);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const e of kept.values()) {
      if (!isApiKey(e.apiKey)) continue;
      const base = join(dir, `${apiName(e.apiKey)}-v${e.version}`);
      writeFileSync(`${base}.request.hex`, `${e.request.toString('hex')}\n`);
      if (e.response) writeFileSync(`${base}.response.hex`, `${e.response.toString('hex')}\n`);
    }
    console.log(`${label}: ${readdirSync(dir).sort().join(' ')}`);
  }
}

async function main(): Promise<void> {
  const k = await startKafka({ brokers: 1 });
  let proxy: RecordingProxy | null = null;
  try {
    await createTopic(k, TOPIC, 1);
    proxy = new RecordingProxy(k.brokers[0]!.port);
    await proxy.listen();
    await captureKcat(proxy);
    await captureKafkajs(proxy);
    write(proxy);
  } finally {
    await proxy?.close();
    await k.stop();
  }
}

await main();
