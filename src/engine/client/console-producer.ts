// kafka-console-producer as an engine operation: reads lines from a stream, turns each into
// a record with LineMessageReader, and sends them in order, batched (or one by one with
// `sync`), with the requested acks and compression. A bad line stops the run with Kafka's
// message after everything read before it was sent (unless ignore.error).
// Concurrency: run() once per instance; sends are chained so order is kept.
import { createInterface } from 'node:readline';
import { Producer } from '@platformatic/kafka';
import { StreamctlError } from '../common/errors.js';
import { baseClientOptions, type KafkaConnectOptions, toStreamctlError } from './client-options.js';
import { awaitTopicPartitions, checkPartition } from './producer-topic.js';

/** How long a send may wait for its topic's metadata (the Java producer's max.block.ms default). */
const MAX_BLOCK_MS = 60_000;
import type { DecodedRecord } from './record-codec.js';
import { ensureZstdSupport } from './zstd-support.js';

export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
export const COMPRESSIONS: Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** `0`, `1`, `-1` or `all` → the acks number. */
export function parseAcks(value: string): 0 | 1 | -1 {
  const v = value.trim().toLowerCase();
  if (v === 'all' || v === '-1') return -1;
  if (v === '0') return 0;
  if (v === '1') return 1;
  throw new StreamctlError('USAGE', `Invalid acks '${value}': expected 0, 1, -1 or all`);
}

export interface ConsoleProducerRunOptions {
  topic: string;
  input: NodeJS.ReadableStream;
  /** Stop reading (Ctrl-C, SIGTERM): what was read is sent, then run() returns. */
  signal?: AbortSignal;
  /** Turns input lines into records (LineMessageReader, JsonRecordReader, CsvRecordReader); undefined: no record on this line. */
  reader: RecordReader;
  partition?: number;
  acks?: 0 | 1 | -1;
  compression?: Compression;
  sync?: boolean;
  /** Records per request (default 500). */
  batchSize?: number;
  /** Send a partial batch when no line arrived for this long (default 100 ms). */
  lingerMs?: number;
}

export interface RecordReader {
  read(line: string): DecodedRecord | undefined;
  /** Called at the end of the input (may throw on a truncated record). */
  end?(): void;
}

export interface ConsoleProducerResult {
  records: number;
}

interface OutgoingMessage {
  topic: string;
  partition?: number;
  key?: Buffer;
  value?: Buffer;
  headers: Map<Buffer, Buffer>;
  timestamp?: bigint;
}

function toMessage(topic: string, partition: number | undefined, record: DecodedRecord): OutgoingMessage {
  const headers = new Map<Buffer, Buffer>();
  // Distinct Buffer objects as keys keep duplicate header names, in order.
  for (const [k, v] of record.headers) headers.set(Buffer.from(k, 'utf8'), v as Buffer);
  const p = record.partition ?? partition;
  return {
    topic,
    ...(p === undefined ? {} : { partition: p }),
    ...(record.timestamp === undefined ? {} : { timestamp: record.timestamp }),
    key: record.key ?? undefined,
    value: record.value ?? undefined,
    headers,
  };
}

export class ConsoleProducer {
  readonly #producer: Producer;

  constructor(deps: { producer: Producer }) {
    this.#producer = deps.producer;
  }

  static open(options: KafkaConnectOptions): ConsoleProducer {
    ensureZstdSupport();
    return new ConsoleProducer({ producer: new Producer({ ...baseClientOptions(options, 'console-producer') }) });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#producer.close(true, () => resolve()));
  }

  async run(o: ConsoleProducerRunOptions): Promise<ConsoleProducerResult> {
    if (o.compression && !COMPRESSIONS.includes(o.compression)) {
      throw new StreamctlError('USAGE', `Invalid compression '${o.compression}': expected one of ${COMPRESSIONS.join(', ')}`);
    }
    const batchSize = o.sync ? 1 : (o.batchSize ?? 500);
    const lingerMs = o.lingerMs ?? 100;
    let pending: OutgoingMessage[] = [];
    let chain: Promise<void> = Promise.resolve();
    let sendError: unknown;
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    // As a Kafka producer: the topic's metadata first (auto-created when the cluster allows),
    // and an explicit partition checked against it.
    const partitionCount = await awaitTopicPartitions(this.#producer, o.topic, MAX_BLOCK_MS);
    checkPartition(o.partition, partitionCount);

    const send = (messages: OutgoingMessage[]) =>
      this.#producer
        .send({ messages: messages as never, acks: o.acks ?? -1, compression: o.compression ?? 'none' })
        .then(() => {
          sent += messages.length;
        });
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (pending.length === 0) return chain;
      const batch = pending;
      pending = [];
      chain = chain.then(() => (sendError ? undefined : send(batch))).catch((error) => {
        sendError ??= error;
      });
      return chain;
    };

    const lines = createInterface({ input: o.input, crlfDelay: Infinity, terminal: false });
    const stop = () => lines.close();
    o.signal?.addEventListener('abort', stop, { once: true });
    if (o.signal?.aborted) stop();
    try {
      for await (const line of lines) {
        if (sendError) break;
        let record: DecodedRecord | undefined;
        try {
          record = o.reader.read(line);
        } catch (error) {
          await flush();
          throw error;
        }
        if (record === undefined) continue;
        if (record.partition !== undefined && record.partition !== o.partition) {
          await flush();
          checkPartition(record.partition, partitionCount);
        }
        pending.push(toMessage(o.topic, o.partition, record));
        if (o.sync) {
          await flush();
        } else if (pending.length >= batchSize) {
          void flush();
          // Keep at most a few batches in flight.
          if (pending.length === 0) await chain;
        } else if (!timer) {
          timer = setTimeout(() => void flush(), lingerMs);
        }
      }
      try {
        if (!o.signal?.aborted) o.reader.end?.();
      } finally {
        await flush();
      }
    } finally {
      if (timer) clearTimeout(timer);
      o.signal?.removeEventListener('abort', stop);
      lines.close();
    }
    if (sendError) throw toStreamctlError(sendError, 'producing');
    return { records: sent };
  }
}
