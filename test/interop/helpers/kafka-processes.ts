// Test helper: one controller-main and N broker-main processes started directly from dist/
// (no cluster daemon, so a test can kill -9 and restart a given broker), on free 127.0.0.1
// ports in a temp dir. stop() SIGKILLs whatever is left and removes the dir. Build first.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DATA_PROCESS_NODE_FLAGS } from '../../../src/engine/common/node-flags.js';
import { KafkaConnection } from '../../../src/engine/network/connection.js';
import { ApiKey } from '../../../src/engine/protocol/api-keys.js';
import type { Message } from '../../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { iterateBatchPositions } from '../../../src/engine/protocol/records/record-batch.js';
import { decodeRecordBatch } from '../../../src/engine/protocol/records/record-codec.js';
import { waitFor } from '../../helpers/wait-for.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const CONTROLLER_MAIN = join(ROOT, 'dist/engine/controller/controller-main.js');
const BROKER_MAIN = join(ROOT, 'dist/engine/broker/broker-main.js');

export interface ProcessHandle {
  readonly id: number;
  readonly port: number;
  readonly logFile: string;
  readonly dataDir: string;
  pid(): number | undefined;
  running(): boolean;
  /** Exit code of the last run (null while running or when killed by a signal). */
  exitCode(): number | null;
  /** Sends a signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the process again (same config, same data dir). */
  start(): Promise<void>;
}

export interface KafkaProcesses {
  dir: string;
  bootstrap: string;
  controller: ProcessHandle;
  brokers: ProcessHandle[];
  broker(id: number): ProcessHandle;
  /** Polls broker `id` until `check(metadata)` is true. */
  waitForMetadata(check: (m: Message) => boolean, options?: { brokerId?: number; timeoutMs?: number }): Promise<Message>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolvePort(port));
    });
  });
}

export async function metadataOf(port: number, topics: string[] | null = null): Promise<Message> {
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port, connectTimeoutMs: 1000, requestTimeoutMs: 5000 });
  try {
    return await conn.send(ApiKey.Metadata, 12, { topics: topics?.map((name) => ({ name })) ?? null, allowAutoTopicCreation: false });
  } finally {
    conn.close();
  }
}

/** Children still running, SIGKILLed if this process exits without stop() (a crashed bench). */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

function handle(kind: 'controller' | 'broker', id: number, port: number, dir: string, config: object): ProcessHandle {
  const configPath = join(dir, `${kind}-${id}.json`);
  writeFileSync(configPath, JSON.stringify(config));
  const main = kind === 'controller' ? CONTROLLER_MAIN : BROKER_MAIN;
  const outFile = join(dir, `${kind}-${id}.out`);
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const h: ProcessHandle = {
    id,
    port,
    logFile: (config as { logFile: string }).logFile,
    dataDir: (config as { dataDir: string }).dataDir,
    pid: () => child?.pid,
    running: () => child !== null && child.exitCode === null && child.signalCode === null,
    exitCode: () => child?.exitCode ?? null,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (!child || !h.running()) return;
      child.kill(signal);
      await exited;
    },
    async start() {
      const fd = openSync(outFile, 'a');
      const flags = kind === 'broker' ? DATA_PROCESS_NODE_FLAGS : [];
      child = spawn(process.execPath, [...flags, main, configPath], { stdio: ['ignore', fd, fd] });
      closeSync(fd);
      const c = child;
      live.add(c);
      exited = new Promise((r) =>
        c.once('exit', () => {
          live.delete(c);
          r();
        }),
      );
      await waitFor(`${kind} ${id} on port ${port}`, () =>
        new Promise<boolean>((r) => {
          if (!h.running()) throw new Error(`${kind} ${id} exited: ${safeRead(outFile)}`);
          const s = net.connect({ host: '127.0.0.1', port }, () => {
            s.destroy();
            r(true);
          });
          s.once('error', () => r(false));
        }),
      );
    },
  };
  return h;
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

export async function startKafka(options: { brokers?: number; settings?: Record<string, string>; controllerSettings?: Record<string, string> } = {}): Promise<KafkaProcesses> {
  const n = options.brokers ?? 1;
  const dir = mkdtempSync(join(tmpdir(), 'streamctl-interop-'));
  const clusterId = `test-${Math.random().toString(36).slice(2, 10)}`;
  const controllerPort = await freePort();
  mkdirSync(join(dir, 'controller'), { recursive: true });
  const controller = handle('controller', 0, controllerPort, dir, {
    clusterId,
    host: '127.0.0.1',
    port: controllerPort,
    dataDir: join(dir, 'controller'),
    logFile: join(dir, 'controller.log'),
    settings: { 'broker.session.timeout.ms': '3000', ...options.controllerSettings },
  });
  const brokers: ProcessHandle[] = [];
  for (let id = 1; id <= n; id++) {
    const port = await freePort();
    brokers.push(
      handle('broker', id, port, dir, {
        brokerId: id,
        clusterId,
        host: '127.0.0.1',
        port,
        dataDir: join(dir, `broker-${id}`),
        logFile: join(dir, `broker-${id}.log`),
        controller: { host: '127.0.0.1', port: controllerPort },
        settings: { 'broker.heartbeat.interval.ms': '200', ...options.settings },
      }),
    );
  }
  const stop = async () => {
    for (const b of brokers) await b.kill('SIGKILL');
    await controller.kill('SIGKILL');
    if (!process.env.KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
  };
  const processes: KafkaProcesses = {
    dir,
    bootstrap: brokers.map((b) => `127.0.0.1:${b.port}`).join(','),
    controller,
    brokers,
    broker: (id) => brokers[id - 1]!,
    async waitForMetadata(check, o = {}) {
      const port = brokers[(o.brokerId ?? 1) - 1]!.port;
      return waitFor('metadata', async () => {
        const m = await metadataOf(port);
        return check(m) ? m : undefined;
      }, o.timeoutMs ?? 20_000);
    },
    stop,
  };
  try {
    await controller.start();
    for (const b of brokers) await b.start();
    await processes.waitForMetadata((m) => (m.brokers as Message[]).length === n);
  } catch (error) {
    await stop();
    throw error;
  }
  return processes;
}

/** `topic`'s partition metadata from the first running broker that knows it. */
export async function partitionsOf(k: KafkaProcesses, topic: string): Promise<Message[]> {
  for (const b of k.brokers) {
    if (!b.running()) continue;
    try {
      const t = ((await metadataOf(b.port, [topic])).topics as Message[])[0];
      if (t && t.errorCode === 0) return t.partitions as Message[];
    } catch {
      // try the next broker
    }
  }
  throw new Error('no broker answered metadata');
}

/** A replica's segment (.log) files of topic-partition, in offset order; [] when it has none. */
export function segmentFiles(k: KafkaProcesses, brokerId: number, topic: string, partition: number): string[] {
  const dir = join(k.broker(brokerId).dataDir, `${topic}-${partition}`);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => join(dir, f));
}

/** Every record value (as text) in a replica's segment files, in log order. */
export function logValues(k: KafkaProcesses, brokerId: number, topic: string, partition: number): string[] {
  const values: string[] = [];
  for (const file of segmentFiles(k, brokerId, topic, partition)) {
    const buf = readFileSync(file);
    for (const b of iterateBatchPositions(buf)) {
      for (const r of decodeRecordBatch(buf, b.position).records) values.push(r.value?.toString() ?? '');
    }
  }
  return values;
}

/** Creates a topic through broker 1 (forwarded to the controller) and waits for its leaders. */
export async function createTopic(k: KafkaProcesses, name: string, partitions: number, replicationFactor = 1, configs: Record<string, string> = {}): Promise<void> {
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: k.brokers[0]!.port });
  try {
    // Retried while the broker has not reached the controller yet (NOT_CONTROLLER, as
    // Kafka's admin client does): right after start on a loaded machine.
    const t = await waitFor(`CreateTopics ${name}`, async () => {
      const res = await conn.send(ApiKey.CreateTopics, 5, {
        topics: [{ name, numPartitions: partitions, replicationFactor, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
        timeoutMs: 10_000,
        validateOnly: false,
      });
      const answer = (res.topics as Message[])[0]!;
      return answer.errorCode === ErrorCode.NOT_CONTROLLER ? undefined : answer;
    }, 30_000, 200);
    // Any other error is final (thrown here, not retried until the deadline).
    if (t.errorCode !== ErrorCode.NONE) throw new Error(`CreateTopics ${name} failed with error ${t.errorCode}: ${t.errorMessage}`);
  } finally {
    conn.close();
  }
  // Every broker must know the leaders (and the leaders must have taken over).
  for (const b of k.brokers) {
    if (!b.running()) continue;
    await k.waitForMetadata(
      (m) => {
        const t = (m.topics as Message[]).find((x) => x.name === name);
        return !!t && (t.partitions as Message[]).length === partitions && (t.partitions as Message[]).every((p) => p.leaderId >= 0);
      },
      { brokerId: b.id },
    );
  }
}
