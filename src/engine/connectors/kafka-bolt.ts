// KafkaBolt: a Storm bolt producing each input tuple as a Kafka record (@platformatic/kafka,
// acks=-1 by default). Tuples are gathered for up to `lingerMs` and sent as one request;
// each input is acked only after the broker acknowledged its record and failed (with the
// error reported) when the send fails, so the spout replays it. Runs on the worker's event
// loop; execute() only queues.
import { Producer } from '@platformatic/kafka';
import { BaseRichBolt } from '../topology/bolt.js';
import type { OutputCollector } from '../topology/collectors.js';
import type { TopologyContext } from '../topology/topology-context.js';
import type { Tuple } from '../topology/tuple.js';

export interface KafkaBoltOptions {
  /** Target topic, or a function choosing it per tuple. */
  topic: string | ((tuple: Tuple) => string);
  /** Comma-separated host:port list; default: conf `kafka.bootstrap.servers`, else 127.0.0.1:9092. */
  bootstrapServers?: string;
  /** Field holding the record key (default 'key', as Storm's FieldNameBasedTupleToKafkaMapper); null = no key. */
  keyField?: string | null;
  /** Field holding the record value (default 'message', as Storm). */
  valueField?: string;
  /** Producer acks: -1 (all in-sync replicas, default), 1 (leader) or 0 (none; tuples acked after the send). */
  acks?: -1 | 0 | 1;
  /** How long tuples wait to be sent together (default 5 ms). */
  lingerMs?: number;
  /** Send at once when this many tuples are waiting (default 500). */
  batchSize?: number;
}

/** What the bolt needs from a Kafka producer (the seam tests replace). */
export interface KafkaBoltProducer {
  send(options: { messages: Array<{ topic: string; key?: Buffer; value?: Buffer }> }): Promise<unknown>;
  close(): Promise<void>;
}

function checkBoltOptions(o: KafkaBoltOptions): void {
  if (!(typeof o?.topic === 'string' && o.topic.length > 0) && typeof o?.topic !== 'function') {
    throw new TypeError('KafkaBolt needs options.topic (a topic name or a function of the tuple)');
  }
}

/** Strings as UTF-8, Buffers as they are, numbers/bigints/booleans as their text, the rest as JSON. */
export function toKafkaBytes(value: unknown): Buffer | undefined {
  if (value === null || value === undefined) return undefined;
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return Buffer.from(String(value), 'utf8');
  return Buffer.from(JSON.stringify(value), 'utf8');
}

export class KafkaBolt extends BaseRichBolt {
  readonly options: KafkaBoltOptions;
  #collector: OutputCollector | undefined;
  #producer: KafkaBoltProducer | undefined;
  #queue: Tuple[] = [];
  #timer: NodeJS.Timeout | undefined;
  #sending = new Set<Promise<void>>();

  // A rest parameter keeps constructor.length at 0, so the topology API can copy an
  // instance per task with `new KafkaBolt()` plus its own properties (#private fields kept).
  constructor(...args: [options?: KafkaBoltOptions]) {
    super();
    const options = args[0];
    if (options !== undefined) checkBoltOptions(options);
    this.options = { ...(options as KafkaBoltOptions) };
  }

  override prepare(conf: Readonly<Record<string, unknown>>, context: TopologyContext, collector: OutputCollector): void {
    this.#collector = collector;
    checkBoltOptions(this.options);
    const servers = (this.options.bootstrapServers ?? (conf['kafka.bootstrap.servers'] as string | undefined) ?? '127.0.0.1:9092').split(',').map((s) => s.trim()).filter(Boolean);
    this.#producer = this.createProducer({
      clientId: `streamctl-${context.getStormId()}-${context.getThisComponentId()}-${context.getThisTaskId()}`,
      bootstrapServers: servers,
      acks: this.options.acks ?? -1,
    });
  }

  /** The producer (@platformatic/kafka); tests override it. */
  protected createProducer(c: { clientId: string; bootstrapServers: string[]; acks: number }): KafkaBoltProducer {
    return new Producer({ clientId: c.clientId, bootstrapBrokers: c.bootstrapServers, acks: c.acks, autocreateTopics: false });
  }

  execute(input: Tuple): void {
    if (input.isTick()) {
      this.#collector!.ack(input);
      return;
    }
    this.#queue.push(input);
    if (this.#queue.length >= (this.options.batchSize ?? 500)) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), this.options.lingerMs ?? 5);
  }

  #flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    const collector = this.#collector!;
    const keyField = this.options.keyField === undefined ? 'key' : this.options.keyField;
    const valueField = this.options.valueField ?? 'message';
    const messages: Array<{ topic: string; key?: Buffer; value?: Buffer }> = [];
    const sendable: Tuple[] = [];
    for (const t of batch) {
      try {
        const topic = typeof this.options.topic === 'function' ? this.options.topic(t) : this.options.topic;
        const key = keyField === null ? undefined : toKafkaBytes(t.getValueByField(keyField));
        const value = toKafkaBytes(t.getValueByField(valueField));
        messages.push({ topic, ...(key !== undefined ? { key } : {}), ...(value !== undefined ? { value } : {}) });
        sendable.push(t);
      } catch (error) {
        collector.reportError(error);
        collector.fail(t);
      }
    }
    if (messages.length === 0) return;
    const p = this.#producer!.send({ messages }).then(
      () => {
        for (const t of sendable) collector.ack(t);
      },
      (error: unknown) => {
        collector.reportError(error);
        for (const t of sendable) collector.fail(t);
      },
    );
    this.#sending.add(p);
    void p.finally(() => this.#sending.delete(p));
  }

  override async cleanup(): Promise<void> {
    this.#flush();
    await Promise.allSettled([...this.#sending]);
    await this.#producer?.close().catch(() => {});
  }
}
