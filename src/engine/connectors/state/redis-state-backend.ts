// Storm's RedisKeyValueStateProvider: each bolt task's state in Redis hashes with Storm's
// layout, `<namespace>` (committed key → value), `<namespace>$prepare` (the prepared
// transaction) and `<namespace>$txid` (fields `prepare` and `commit`). Config is Storm's
// topology.state.provider.config JSON: {"jedisPoolConfig":{"host","port","timeout",
// "password","database"}} (keyClass/valueClass/serializer classes are accepted and ignored:
// keys and values are JSON). Commits run in MULTI/EXEC. Single-threaded per task.
import type { PreparedChanges, StateBackend, StoredState } from '../../topology/state/key-value-state.js';
import { RespClient, type RespValue } from './resp-client.js';

export interface JedisPoolConfig {
  host?: string;
  port?: number;
  timeout?: number;
  password?: string | null;
  database?: number;
}

export interface RedisStateConfig {
  keyClass?: string;
  valueClass?: string;
  keySerializerClass?: string;
  valueSerializerClass?: string;
  jedisPoolConfig?: JedisPoolConfig;
  jedisClusterConfig?: unknown;
}

const PREPARE_TXID_KEY = 'prepare';
const COMMIT_TXID_KEY = 'commit';

function toMap(v: RespValue): Map<string, string> {
  const m = new Map<string, string>();
  if (Array.isArray(v)) for (let i = 0; i + 1 < v.length; i += 2) m.set(String(v[i]), String(v[i + 1]));
  return m;
}

function hset(key: string, m: Map<string, string>): string[][] {
  if (m.size === 0) return [];
  const args = ['HSET', key];
  for (const [k, v] of m) args.push(k, v);
  return [args];
}

export class RedisStateBackend implements StateBackend {
  readonly #ns: string;
  readonly #prepareNs: string;
  readonly #txidNs: string;
  readonly #client: RespClient;

  private constructor(namespace: string, client: RespClient) {
    this.#ns = namespace;
    this.#prepareNs = `${namespace}$prepare`;
    this.#txidNs = `${namespace}$txid`;
    this.#client = client;
  }

  static async open(namespace: string, config: RedisStateConfig): Promise<RedisStateBackend> {
    if (config.jedisClusterConfig !== undefined && config.jedisPoolConfig === undefined) {
      throw new Error('RedisKeyValueStateProvider: jedisClusterConfig is not supported here; use jedisPoolConfig {host, port}');
    }
    const p = config.jedisPoolConfig ?? {};
    const client = await RespClient.connect({ host: p.host ?? '127.0.0.1', port: p.port ?? 6379, timeoutMs: p.timeout ?? 2000, password: p.password, database: p.database });
    return new RedisStateBackend(namespace, client);
  }

  async load(): Promise<StoredState> {
    const [committed, prepared, txids] = await this.#client.pipeline([
      ['HGETALL', this.#ns],
      ['HGETALL', this.#prepareNs],
      ['HGETALL', this.#txidNs],
    ]);
    const tx = toMap(txids!);
    const num = (s: string | undefined) => (s === undefined ? null : Number(s));
    const prepareTxid = num(tx.get(PREPARE_TXID_KEY));
    const puts = toMap(prepared!);
    return {
      committed: toMap(committed!),
      prepared: puts.size > 0 && prepareTxid !== null ? { txid: prepareTxid, puts, deletes: new Set() } : null,
      commitTxid: num(tx.get(COMMIT_TXID_KEY)),
      prepareTxid,
    };
  }

  async prepare(changes: PreparedChanges): Promise<void> {
    await this.#client.pipeline([
      ['MULTI'],
      ['DEL', this.#prepareNs],
      ...hset(this.#prepareNs, changes.puts),
      ['HSET', this.#txidNs, PREPARE_TXID_KEY, String(changes.txid)],
      ['EXEC'],
    ]);
  }

  async commit(txid: number, puts: Map<string, string>, deletes: Set<string>): Promise<void> {
    await this.#client.pipeline([
      ['MULTI'],
      ...hset(this.#ns, puts),
      ...(deletes.size > 0 ? [['HDEL', this.#ns, ...deletes]] : []),
      ['HSET', this.#txidNs, COMMIT_TXID_KEY, String(txid)],
      ['DEL', this.#prepareNs],
      ['EXEC'],
    ]);
  }

  async write(puts: Map<string, string>, deletes: Set<string>): Promise<void> {
    const cmds = [...hset(this.#ns, puts), ...(deletes.size > 0 ? [['HDEL', this.#ns, ...deletes]] : [])];
    if (cmds.length > 0) await this.#client.pipeline([['MULTI'], ...cmds, ['EXEC']]);
  }

  async rollback(lastCommitted: number | null): Promise<void> {
    await this.#client.pipeline([
      ['MULTI'],
      ['DEL', this.#prepareNs],
      lastCommitted === null ? ['HDEL', this.#txidNs, PREPARE_TXID_KEY] : ['HSET', this.#txidNs, PREPARE_TXID_KEY, String(lastCommitted)],
      ['EXEC'],
    ]);
  }

  close(): Promise<void> {
    return this.#client.close();
  }
}
