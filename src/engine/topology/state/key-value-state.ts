// Bolt state (Storm's State and KeyValueState) and the one implementation every provider
// shares: CachedKeyValueState keeps the committed map in memory, plus the changes since the
// last prepare (pendingPrepare) and the prepared-but-uncommitted changes (pendingCommit),
// with Storm's txid rules; a StateBackend makes prepare/commit/rollback durable (memory,
// Redis hashes, a compacted topic). Keys and values are stored as JSON text (bigints tagged).
// get/put/delete are synchronous; the 2-phase calls return Promises. Single-threaded.

/** Storm's State: the 2-phase commit hooks the checkpoint protocol drives. */
export interface State {
  /** Save the changes since the last prepare as transaction `txid` (not yet visible after a restart). */
  prepareCommit(txid: number): Promise<void>;
  /** Make the prepared transaction `txid` the committed state. */
  commit(txid: number): Promise<void>;
  /** Commit the changes right away, outside the checkpoint protocol. */
  commit(): Promise<void>;
  /** Drop every change since the last commit. */
  rollback(): Promise<void>;
}

/** Storm's KeyValueState. Keys and values must be JSON-serializable (bigints allowed). */
export interface KeyValueState<K = unknown, V = unknown> extends State, Iterable<[K, V]> {
  put(key: K, value: V): void;
  get(key: K): V | undefined;
  get(key: K, defaultValue: V): V;
  /** Remove a key; returns its previous value. */
  delete(key: K): V | undefined;
  /** Every key and value as this task sees them now (committed plus pending changes). */
  entries(): IterableIterator<[K, V]>;
}

/** A prepared transaction: changed keys (encoded) and deleted keys. */
export interface PreparedChanges {
  txid: number;
  puts: Map<string, string>;
  deletes: Set<string>;
}

/** What a backend has stored for one namespace. */
export interface StoredState {
  committed: Map<string, string>;
  prepared: PreparedChanges | null;
  commitTxid: number | null;
  prepareTxid: number | null;
}

/** Durable storage of one namespace (one bolt task). Each call must be durable when it resolves. */
export interface StateBackend {
  load(): Promise<StoredState>;
  /** Store a prepared transaction (replacing any earlier prepared one). */
  prepare(changes: PreparedChanges): Promise<void>;
  /** Apply the prepared changes to the committed state and record `txid` as committed, atomically where the store allows. */
  commit(txid: number, puts: Map<string, string>, deletes: Set<string>): Promise<void>;
  /** Apply changes directly (State.commit() without a txid). */
  write(puts: Map<string, string>, deletes: Set<string>): Promise<void>;
  /** Drop the prepared transaction; the prepare txid goes back to `lastCommitted`. */
  rollback(lastCommitted: number | null): Promise<void>;
  close?(): Promise<void>;
}

const replacer = (_k: string, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v);
const reviver = (_k: string, v: unknown) =>
  v !== null && typeof v === 'object' && typeof (v as { $bigint?: unknown }).$bigint === 'string' && Object.keys(v).length === 1 ? BigInt((v as { $bigint: string }).$bigint) : v;

export function encodeStateValue(v: unknown): string {
  const s = JSON.stringify(v, replacer);
  if (s === undefined) throw new TypeError(`State keys and values must be JSON-serializable, got ${typeof v}`);
  return s;
}

export function decodeStateValue(s: string): unknown {
  return JSON.parse(s, reviver);
}

export class CachedKeyValueState<K = unknown, V = unknown> implements KeyValueState<K, V> {
  readonly namespace: string;
  readonly #backend: StateBackend;
  // Every layer maps the encoded key to the decoded value; values are encoded only when they
  // go to the backend (prepare, commit()), once per changed key, not on every get/put.
  #committed: Map<string, unknown>;
  #pendingPrepare = new Map<string, unknown>();
  #pendingDeletePrepare = new Set<string>();
  #pendingCommit = new Map<string, unknown>();
  #pendingDeleteCommit = new Set<string>();
  #commitTxid: number | null;
  #prepareTxid: number | null;

  private constructor(namespace: string, backend: StateBackend, stored: StoredState) {
    this.namespace = namespace;
    this.#backend = backend;
    this.#committed = decodeMap(stored.committed);
    this.#commitTxid = stored.commitTxid;
    this.#prepareTxid = stored.prepareTxid;
    if (stored.prepared !== null) {
      this.#pendingCommit = decodeMap(stored.prepared.puts);
      this.#pendingDeleteCommit = stored.prepared.deletes;
    }
  }

  static async open<K, V>(namespace: string, backend: StateBackend): Promise<CachedKeyValueState<K, V>> {
    return new CachedKeyValueState<K, V>(namespace, backend, await backend.load());
  }

  /** Last committed transaction id (null before the first commit). */
  get lastCommittedTxid(): number | null {
    return this.#commitTxid;
  }

  put(key: K, value: V): void {
    if (value === undefined) throw new TypeError('State values must be JSON-serializable, got undefined');
    const k = encodeKey(key);
    this.#pendingPrepare.set(k, value);
    this.#pendingDeletePrepare.delete(k);
  }

  get(key: K): V | undefined;
  get(key: K, defaultValue: V): V;
  get(key: K, defaultValue?: V): V | undefined {
    const v = this.#value(encodeKey(key));
    return v === undefined ? defaultValue : (v as V);
  }

  delete(key: K): V | undefined {
    const k = encodeKey(key);
    const prev = this.#value(k);
    this.#pendingDeletePrepare.add(k);
    this.#pendingPrepare.delete(k);
    return prev as V | undefined;
  }

  *entries(): IterableIterator<[K, V]> {
    const seen = new Set<string>();
    for (const layer of [this.#pendingPrepare, this.#pendingCommit, this.#committed]) {
      for (const k of layer.keys()) {
        if (seen.has(k)) continue;
        seen.add(k);
        const v = this.#value(k);
        if (v !== undefined) yield [decodeStateValue(k) as K, v as V];
      }
    }
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  async prepareCommit(txid: number): Promise<void> {
    if (this.#commitTxid !== null && txid <= this.#commitTxid) {
      throw new Error(`Invalid txid '${txid}' for prepare. Txid '${this.#commitTxid}' is already committed`);
    }
    // A transaction prepared earlier and not committed is merged into this one (Storm's rule).
    for (const [k, v] of this.#pendingCommit) if (!this.#pendingPrepare.has(k) && !this.#pendingDeletePrepare.has(k)) this.#pendingPrepare.set(k, v);
    for (const k of this.#pendingDeleteCommit) if (!this.#pendingPrepare.has(k)) this.#pendingDeletePrepare.add(k);
    const puts = this.#pendingPrepare;
    const deletes = this.#pendingDeletePrepare;
    await this.#backend.prepare({ txid, puts: encodeMap(puts), deletes });
    this.#prepareTxid = txid;
    this.#pendingCommit = puts;
    this.#pendingDeleteCommit = deletes;
    this.#pendingPrepare = new Map();
    this.#pendingDeletePrepare = new Set();
  }

  commit(txid?: number): Promise<void> {
    return txid === undefined ? this.#commitDirect() : this.#commitTx(txid);
  }

  async #commitTx(txid: number): Promise<void> {
    if (this.#commitTxid !== null && txid < this.#commitTxid) throw new Error(`Invalid txid '${txid}' txid '${this.#commitTxid}' is already committed`);
    if (this.#prepareTxid !== null && txid !== this.#prepareTxid) throw new Error(`Invalid txid '${txid}' not same as prepared txid '${this.#prepareTxid}'`);
    await this.#backend.commit(txid, encodeMap(this.#pendingCommit), this.#pendingDeleteCommit);
    for (const [k, v] of this.#pendingCommit) this.#committed.set(k, v);
    for (const k of this.#pendingDeleteCommit) this.#committed.delete(k);
    this.#commitTxid = txid;
    this.#pendingCommit = new Map();
    this.#pendingDeleteCommit = new Set();
  }

  async #commitDirect(): Promise<void> {
    const puts = this.#pendingPrepare;
    const deletes = this.#pendingDeletePrepare;
    this.#pendingPrepare = new Map();
    this.#pendingDeletePrepare = new Set();
    await this.#backend.write(encodeMap(puts), deletes);
    for (const [k, v] of puts) this.#committed.set(k, v);
    for (const k of deletes) this.#committed.delete(k);
  }

  async rollback(): Promise<void> {
    await this.#backend.rollback(this.#commitTxid);
    this.#prepareTxid = this.#commitTxid;
    this.#pendingCommit = new Map();
    this.#pendingDeleteCommit = new Set();
    this.#pendingPrepare = new Map();
    this.#pendingDeletePrepare = new Set();
  }

  close(): Promise<void> {
    return this.#backend.close?.() ?? Promise.resolve();
  }

  #value(k: string): unknown {
    if (this.#pendingDeletePrepare.has(k)) return undefined;
    const p = this.#pendingPrepare.get(k);
    if (p !== undefined) return p;
    if (this.#pendingDeleteCommit.has(k)) return undefined;
    const c = this.#pendingCommit.get(k);
    if (c !== undefined) return c;
    return this.#committed.get(k);
  }
}

function encodeKey(key: unknown): string {
  return encodeStateValue(key);
}

function encodeMap(m: Map<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of m) out.set(k, encodeStateValue(v));
  return out;
}

function decodeMap(m: Map<string, string>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of m) out.set(k, decodeStateValue(v));
  return out;
}
