// Storm's InMemoryKeyValueStateProvider (the default): state kept in this process only, per
// namespace, so a task re-created in the same process (a rollback, a local-runner restart)
// finds its committed state, and a new worker process starts empty. Single-threaded.
import type { PreparedChanges, StateBackend, StoredState } from './key-value-state.js';

interface Stored {
  committed: Map<string, string>;
  prepared: PreparedChanges | null;
  commitTxid: number | null;
  prepareTxid: number | null;
}

const stores = new Map<string, Stored>();

const copyPrepared = (p: PreparedChanges | null): PreparedChanges | null => (p === null ? null : { txid: p.txid, puts: new Map(p.puts), deletes: new Set(p.deletes) });

export class InMemoryStateBackend implements StateBackend {
  readonly #s: Stored;
  constructor(namespace: string) {
    let s = stores.get(namespace);
    if (s === undefined) stores.set(namespace, (s = { committed: new Map(), prepared: null, commitTxid: null, prepareTxid: null }));
    this.#s = s;
  }
  async load(): Promise<StoredState> {
    const s = this.#s;
    return { committed: new Map(s.committed), prepared: copyPrepared(s.prepared), commitTxid: s.commitTxid, prepareTxid: s.prepareTxid };
  }
  async prepare(changes: PreparedChanges): Promise<void> {
    this.#s.prepared = copyPrepared(changes);
    this.#s.prepareTxid = changes.txid;
  }
  async commit(txid: number, puts: Map<string, string>, deletes: Set<string>): Promise<void> {
    await this.write(puts, deletes);
    this.#s.commitTxid = txid;
    this.#s.prepared = null;
  }
  async write(puts: Map<string, string>, deletes: Set<string>): Promise<void> {
    for (const [k, v] of puts) this.#s.committed.set(k, v);
    for (const k of deletes) this.#s.committed.delete(k);
  }
  async rollback(lastCommitted: number | null): Promise<void> {
    this.#s.prepared = null;
    this.#s.prepareTxid = lastCommitted;
  }
}

/** Forget every in-memory namespace (tests). */
export function clearInMemoryState(): void {
  stores.clear();
}
