// streamctl's TopicKeyValueStateProvider: each bolt task's state kept in a compacted topic of
// the cluster itself (default `streamctl-state-<topology name>`, 1 partition), so it
// survives worker, supervisor and whole-cluster restarts with no extra service. Records,
// keyed per namespace: `<ns>\0c\0<key>` → committed value (null = deleted), `<ns>\0p` → the
// prepared transaction (JSON), `<ns>\0t` → {commit, prepare} txids. A commit is ONE produce
// of one record batch (values, txids, prepared tombstone), so it lands atomically; loading
// replays the partition from its start. Connections are shared per (servers, topic) within
// a process. Single-threaded per task.
import { Producer } from '@platformatic/kafka';
import { AdminClient } from '../../client/admin-client.js';
import { PartitionFetcher } from '../../client/partition-fetcher.js';
import type { PreparedChanges, StateBackend, StoredState } from '../../topology/state/key-value-state.js';

export interface TopicStateConfig {
  /** Compacted topic holding the state (default streamctl-state-<topology name>). */
  topic?: string;
  /** Default: conf kafka.bootstrap.servers, else 127.0.0.1:9092. */
  'bootstrap.servers'?: string;
  /** Replication factor when the topic is created (default: the broker default). */
  'replication.factor'?: number;
}

interface Connection {
  producer: Producer;
  fetcher: PartitionFetcher;
  ready: Promise<void>;
  users: number;
}

const connections = new Map<string, Connection>();

function connection(servers: string[], topic: string, replicationFactor: number | undefined): Connection {
  const id = `${servers.join(',')}/${topic}`;
  let c = connections.get(id);
  if (c === undefined) {
    const producer = new Producer({ clientId: 'streamctl-state', bootstrapBrokers: servers, acks: -1, autocreateTopics: false });
    const fetcher = PartitionFetcher.open({ bootstrapServers: servers, clientId: 'streamctl-state-reader' });
    const ready = (async () => {
      const admin = AdminClient.open({ bootstrapServers: servers, clientId: 'streamctl-state-admin' });
      try {
        await admin.createTopic({ topic, partitions: 1, replicationFactor, configs: { 'cleanup.policy': 'compact' }, ifNotExists: true });
      } finally {
        await admin.close();
      }
    })();
    c = { producer, fetcher, ready, users: 0 };
    connections.set(id, c);
    ready.catch(() => connections.delete(id));
  }
  c.users++;
  return c;
}

const SEP = '\u0000';

export class TopicStateBackend implements StateBackend {
  readonly #ns: string;
  readonly #topic: string;
  readonly #servers: string[];
  readonly #conn: Connection;
  #closed = false;

  private constructor(namespace: string, topic: string, servers: string[], conn: Connection) {
    this.#ns = namespace;
    this.#topic = topic;
    this.#servers = servers;
    this.#conn = conn;
  }

  static async open(namespace: string, config: TopicStateConfig, conf: Readonly<Record<string, unknown>>): Promise<TopicStateBackend> {
    const servers = (config['bootstrap.servers'] ?? (conf['kafka.bootstrap.servers'] as string | undefined) ?? '127.0.0.1:9092')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const topic = stateTopicOf(config, conf);
    const conn = connection(servers, topic, config['replication.factor']);
    await conn.ready;
    return new TopicStateBackend(namespace, topic, servers, conn);
  }

  get topic(): string {
    return this.#topic;
  }

  async load(): Promise<StoredState> {
    const out: StoredState = { committed: new Map(), prepared: null, commitTxid: null, prepareTxid: null };
    const prefix = `${this.#ns}${SEP}`;
    const committedPrefix = `${prefix}c${SEP}`;
    const [start] = [...(await this.#conn.fetcher.offsets(this.#topic, 'earliest')).values()];
    const [end] = [...(await this.#conn.fetcher.offsets(this.#topic, 'latest')).values()];
    let offset = start ?? 0n;
    const endOffset = end ?? 0n;
    while (offset < endOffset) {
      const [r] = await this.#conn.fetcher.fetch([{ topic: this.#topic, partition: 0, offset }], { maxWaitMs: 100 });
      if (!r || r.error !== null) throw new Error(`Reading state topic ${this.#topic} failed: ${r?.error ?? 'no response'}`);
      for (const rec of r.records) {
        const key = rec.key?.toString('utf8');
        if (key === undefined || !key.startsWith(prefix)) continue;
        const value = rec.value === null ? null : rec.value.toString('utf8');
        if (key.startsWith(committedPrefix)) {
          const k = key.slice(committedPrefix.length);
          if (value === null) out.committed.delete(k);
          else out.committed.set(k, value);
        } else if (key === `${prefix}p`) {
          out.prepared = value === null ? null : decodePrepared(value);
        } else if (key === `${prefix}t`) {
          const t = value === null ? {} : (JSON.parse(value) as { commit?: number | null; prepare?: number | null });
          out.commitTxid = t.commit ?? null;
          out.prepareTxid = t.prepare ?? null;
        }
      }
      if (r.nextOffset <= offset) break;
      offset = r.nextOffset;
    }
    if (out.prepared !== null && out.commitTxid !== null && out.prepared.txid <= out.commitTxid) out.prepared = null;
    this.#lastCommit = out.commitTxid;
    return out;
  }

  async prepare(changes: PreparedChanges): Promise<void> {
    await this.#send([
      [`${this.#ns}${SEP}p`, encodePrepared(changes)],
      [`${this.#ns}${SEP}t`, JSON.stringify({ commit: this.#lastCommit, prepare: changes.txid })],
    ]);
  }

  #lastCommit: number | null = null;

  async commit(txid: number, puts: Map<string, string>, deletes: Set<string>): Promise<void> {
    const records: Array<[string, string | null]> = this.#changes(puts, deletes);
    records.push([`${this.#ns}${SEP}t`, JSON.stringify({ commit: txid, prepare: txid })], [`${this.#ns}${SEP}p`, null]);
    await this.#send(records);
    this.#lastCommit = txid;
  }

  async write(puts: Map<string, string>, deletes: Set<string>): Promise<void> {
    const records = this.#changes(puts, deletes);
    if (records.length > 0) await this.#send(records);
  }

  async rollback(lastCommitted: number | null): Promise<void> {
    await this.#send([
      [`${this.#ns}${SEP}p`, null],
      [`${this.#ns}${SEP}t`, JSON.stringify({ commit: lastCommitted, prepare: lastCommitted })],
    ]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (--this.#conn.users > 0) return;
    connections.delete(`${this.#servers.join(',')}/${this.#topic}`);
    await this.#conn.producer.close().catch(() => undefined);
    await this.#conn.fetcher.close().catch(() => undefined);
  }

  #changes(puts: Map<string, string>, deletes: Set<string>): Array<[string, string | null]> {
    const out: Array<[string, string | null]> = [];
    const p = `${this.#ns}${SEP}c${SEP}`;
    for (const [k, v] of puts) out.push([p + k, v]);
    for (const k of deletes) out.push([p + k, null]);
    return out;
  }

  async #send(records: Array<[string, string | null]>): Promise<void> {
    await this.#conn.producer.send({
      messages: records.map(([k, v]) => ({ topic: this.#topic, partition: 0, key: Buffer.from(k, 'utf8'), value: v === null ? (null as unknown as Buffer) : Buffer.from(v, 'utf8') })),
    });
  }
}

function encodePrepared(c: PreparedChanges): string {
  return JSON.stringify({ txid: c.txid, puts: [...c.puts], deletes: [...c.deletes] });
}

function decodePrepared(s: string): PreparedChanges {
  const o = JSON.parse(s) as { txid: number; puts: Array<[string, string]>; deletes: string[] };
  return { txid: o.txid, puts: new Map(o.puts), deletes: new Set(o.deletes) };
}

/** The last committed txid and its time per namespace in a state topic (for `topology describe`). */
export async function readTopicCommits(servers: string[], topic: string): Promise<Map<string, { txid: number | null; timeMs: number }>> {
  const fetcher = PartitionFetcher.open({ bootstrapServers: servers, clientId: 'streamctl-state-view', retries: 1 });
  const out = new Map<string, { txid: number | null; timeMs: number }>();
  try {
    let partitions: number[];
    try {
      partitions = await fetcher.partitions(topic);
    } catch {
      return out;
    }
    if (!partitions.includes(0)) return out;
    let offset = (await fetcher.offsets(topic, 'earliest')).get(0) ?? 0n;
    const end = (await fetcher.offsets(topic, 'latest')).get(0) ?? 0n;
    while (offset < end) {
      const [r] = await fetcher.fetch([{ topic, partition: 0, offset }], { maxWaitMs: 100 });
      if (!r || r.error !== null || r.nextOffset <= offset) break;
      for (const rec of r.records) {
        const key = rec.key?.toString('utf8');
        if (key === undefined || !key.endsWith(`${SEP}t`) || rec.value === null) continue;
        const t = JSON.parse(rec.value.toString('utf8')) as { commit?: number | null };
        out.set(key.slice(0, -2), { txid: t.commit ?? null, timeMs: Number(rec.timestamp) });
      }
      offset = r.nextOffset;
    }
    return out;
  } finally {
    await fetcher.close().catch(() => undefined);
  }
}

/** The default state topic of a topology. */
export function stateTopicOf(config: TopicStateConfig, conf: Readonly<Record<string, unknown>>): string {
  return config.topic ?? `streamctl-state-${String(conf['topology.name'] ?? 'local').replace(/[^a-zA-Z0-9._-]/g, '-')}`;
}
