// The controller's durable cluster metadata in SQLite (better-sqlite3, WAL): registered
// brokers, topics with ids, partitions (replicas, ISR, leader, epochs) and topic config
// overrides. Schema changes go through numbered migrations recorded in schema_migrations.
// Single-threaded: one controller process owns the file; every multi-row change is one
// transaction, so a kill -9 leaves either the old or the new state.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PRIVATE_DIR_MODE, touchPrivateFile } from '../common/private-files.js';
import { StreamctlError } from '../common/errors.js';
import type { PartitionLeadership } from './election.js';

export interface BrokerRecord {
  brokerId: number;
  host: string;
  port: number;
  rack: string | null;
  incarnationId: string;
  brokerEpoch: bigint;
  fenced: boolean;
  lastHeartbeatMs: number;
}

export interface PartitionRecord extends PartitionLeadership {
  partitionIndex: number;
  /** Replicas a reassignment is adding (KIP-455); empty when none is in progress. */
  addingReplicas: readonly number[];
  /** Replicas a reassignment will drop once the adding ones are in sync. */
  removingReplicas: readonly number[];
}

export interface TopicRecord {
  name: string;
  topicId: string;
  internal: boolean;
  partitions: PartitionRecord[];
}

const MIGRATIONS: string[] = [
  // 1: initial schema
  `CREATE TABLE cluster_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE brokers (
     broker_id INTEGER PRIMARY KEY,
     host TEXT NOT NULL,
     port INTEGER NOT NULL,
     rack TEXT,
     incarnation_id TEXT NOT NULL,
     broker_epoch INTEGER NOT NULL,
     fenced INTEGER NOT NULL DEFAULT 1,
     last_heartbeat_ms INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE topics (
     name TEXT PRIMARY KEY,
     topic_id TEXT NOT NULL UNIQUE,
     internal INTEGER NOT NULL DEFAULT 0,
     created_at_ms INTEGER NOT NULL
   );
   CREATE TABLE partitions (
     topic_name TEXT NOT NULL REFERENCES topics(name) ON DELETE CASCADE,
     partition_index INTEGER NOT NULL,
     replicas TEXT NOT NULL,
     isr TEXT NOT NULL,
     leader INTEGER NOT NULL,
     leader_epoch INTEGER NOT NULL,
     partition_epoch INTEGER NOT NULL,
     PRIMARY KEY (topic_name, partition_index)
   );
   CREATE TABLE topic_configs (
     topic_name TEXT NOT NULL REFERENCES topics(name) ON DELETE CASCADE,
     key TEXT NOT NULL,
     value TEXT NOT NULL,
     PRIMARY KEY (topic_name, key)
   );`,
  // 2: partition reassignments (adding/removing replica sets, as Kafka's PartitionRecord) and
  // dynamic broker configs (broker id as text, '' for the cluster-wide default)
  `ALTER TABLE partitions ADD COLUMN adding_replicas TEXT NOT NULL DEFAULT '[]';
   ALTER TABLE partitions ADD COLUMN removing_replicas TEXT NOT NULL DEFAULT '[]';
   CREATE TABLE broker_configs (
     broker TEXT NOT NULL,
     key TEXT NOT NULL,
     value TEXT NOT NULL,
     PRIMARY KEY (broker, key)
   );`,
];

/** A random topic id in Kafka's Uuid.toString form: 16 bytes, base64url without padding. */
export function randomTopicId(random: (n: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    // Kafka never hands out ids whose string starts with '-' (they look like flags) nor the
    // reserved zero/one ids.
    if (!id.startsWith('-') && id !== 'AAAAAAAAAAAAAAAAAAAAAA' && id !== 'AAAAAAAAAAAAAAAAAAAAAQ') return id;
  }
}

interface PartitionRow {
  topic_name: string;
  partition_index: number;
  replicas: string;
  isr: string;
  leader: number;
  leader_epoch: number;
  partition_epoch: number;
  adding_replicas: string;
  removing_replicas: string;
}

interface BrokerRow {
  broker_id: number;
  host: string;
  port: number;
  rack: string | null;
  incarnation_id: string;
  broker_epoch: number | bigint;
  fenced: number;
  last_heartbeat_ms: number;
}

export class MetadataStore {
  readonly #db: Database.Database;

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  /**
   * Opens (creating if needed) the store at `path`, checks its integrity (PRAGMA
   * quick_check: a damaged file is refused here, not discovered by the first request) and
   * applies pending migrations. Throws STORAGE naming the file when it is damaged.
   */
  static open(options: { path: string }): MetadataStore {
    if (options.path !== ':memory:') {
      mkdirSync(dirname(options.path), { recursive: true, mode: PRIVATE_DIR_MODE });
      // Created 0600 first: SQLite gives its -wal and -shm files the database file's mode.
      touchPrivateFile(options.path);
    }
    let db: Database.Database;
    try {
      db = new Database(options.path);
      const rows = db.pragma('quick_check') as { quick_check: string }[];
      const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
      if (problems.length > 0) {
        db.close();
        throw new Error(problems.slice(0, 3).join('; ') + (problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''));
      }
    } catch (error) {
      throw new StreamctlError('STORAGE', `The controller database ${options.path} is damaged (${(error as Error).message}); the controller refuses to start on it.`, {
        cause: error,
        hint: `Restore ${options.path} from a backup, or move it (with its -wal and -shm files) away to start with empty metadata; the brokers' data then needs \`streamctl cluster start --force\`.`,
      });
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.defaultSafeIntegers(false);
    const store = new MetadataStore(db);
    store.#migrate();
    return store;
  }

  #migrate(): void {
    this.#db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const applied = new Set(
      (this.#db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
    );
    MIGRATIONS.forEach((sql, i) => {
      const version = i + 1;
      if (applied.has(version)) return;
      this.#db.transaction(() => {
        this.#db.exec(sql);
        this.#db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, new Date().toISOString());
      })();
    });
  }

  /** Highest applied migration version. */
  schemaVersion(): number {
    const row = this.#db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
    return row.v ?? 0;
  }

  getMeta(key: string): string | undefined {
    const row = this.#db.prepare('SELECT value FROM cluster_meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.#db.prepare('INSERT INTO cluster_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  // ---- brokers ----

  /**
   * Records a broker registration and returns its new broker epoch (monotonic across the
   * cluster's life, so a restarted broker always gets a larger epoch than before).
   */
  registerBroker(reg: { brokerId: number; host: string; port: number; rack: string | null; incarnationId: string; nowMs: number }): bigint {
    return this.#db.transaction(() => {
      const next = BigInt(this.getMeta('next_broker_epoch') ?? '1');
      this.setMeta('next_broker_epoch', String(next + 1n));
      this.#db
        .prepare(
          `INSERT INTO brokers (broker_id, host, port, rack, incarnation_id, broker_epoch, fenced, last_heartbeat_ms)
           VALUES (@brokerId, @host, @port, @rack, @incarnationId, @epoch, 1, @nowMs)
           ON CONFLICT(broker_id) DO UPDATE SET host = excluded.host, port = excluded.port, rack = excluded.rack,
             incarnation_id = excluded.incarnation_id, broker_epoch = excluded.broker_epoch, fenced = 1,
             last_heartbeat_ms = excluded.last_heartbeat_ms`,
        )
        .run({ ...reg, epoch: Number(next) });
      return next;
    })();
  }

  getBroker(brokerId: number): BrokerRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM brokers WHERE broker_id = ?').get(brokerId) as BrokerRow | undefined;
    return row ? toBroker(row) : undefined;
  }

  /** Rows changed through this store since it was opened (SQLite total_changes): moves on every metadata change. */
  get changeCount(): number {
    return (this.#db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  }

  listBrokers(): BrokerRecord[] {
    return (this.#db.prepare('SELECT * FROM brokers ORDER BY broker_id').all() as BrokerRow[]).map(toBroker);
  }

  setBrokerFenced(brokerId: number, fenced: boolean): void {
    this.#db.prepare('UPDATE brokers SET fenced = ? WHERE broker_id = ?').run(fenced ? 1 : 0, brokerId);
  }

  setBrokerHeartbeat(brokerId: number, nowMs: number): void {
    this.#db.prepare('UPDATE brokers SET last_heartbeat_ms = ? WHERE broker_id = ?').run(nowMs, brokerId);
  }

  // ---- topics ----

  createTopic(topic: { name: string; topicId: string; internal: boolean; partitions: PartitionLeadership[]; configs: Record<string, string>; nowMs: number }): void {
    this.#db.transaction(() => {
      this.#db
        .prepare('INSERT INTO topics (name, topic_id, internal, created_at_ms) VALUES (?, ?, ?, ?)')
        .run(topic.name, topic.topicId, topic.internal ? 1 : 0, topic.nowMs);
      topic.partitions.forEach((p, i) => this.#insertPartition(topic.name, i, p));
      const insertConfig = this.#db.prepare('INSERT INTO topic_configs (topic_name, key, value) VALUES (?, ?, ?)');
      for (const [key, value] of Object.entries(topic.configs)) insertConfig.run(topic.name, key, value);
    })();
  }

  #insertPartition(topicName: string, index: number, p: PartitionLeadership): void {
    this.#db
      .prepare(
        `INSERT INTO partitions (topic_name, partition_index, replicas, isr, leader, leader_epoch, partition_epoch)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(topicName, index, JSON.stringify(p.replicas), JSON.stringify(p.isr), p.leader, p.leaderEpoch, p.partitionEpoch);
  }

  /** Deletes a topic with its partitions and configs; returns false if it did not exist. */
  deleteTopic(name: string): boolean {
    return this.#db.prepare('DELETE FROM topics WHERE name = ?').run(name).changes > 0;
  }

  topicNames(): string[] {
    return (this.#db.prepare('SELECT name FROM topics ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  }

  getTopic(name: string): TopicRecord | undefined {
    const row = this.#db.prepare('SELECT name, topic_id, internal FROM topics WHERE name = ?').get(name) as
      | { name: string; topic_id: string; internal: number }
      | undefined;
    if (!row) return undefined;
    const partitions = (
      this.#db.prepare('SELECT * FROM partitions WHERE topic_name = ? ORDER BY partition_index').all(name) as PartitionRow[]
    ).map(toPartition);
    return { name: row.name, topicId: row.topic_id, internal: row.internal === 1, partitions };
  }

  getTopicById(topicId: string): TopicRecord | undefined {
    const row = this.#db.prepare('SELECT name FROM topics WHERE topic_id = ?').get(topicId) as { name: string } | undefined;
    return row ? this.getTopic(row.name) : undefined;
  }

  /** Every topic with its partitions, sorted by name (one query per table). */
  listTopics(): TopicRecord[] {
    const topics = this.#db.prepare('SELECT name, topic_id, internal FROM topics ORDER BY name').all() as {
      name: string;
      topic_id: string;
      internal: number;
    }[];
    const byTopic = new Map<string, PartitionRecord[]>();
    for (const row of this.#db.prepare('SELECT * FROM partitions ORDER BY topic_name, partition_index').all() as PartitionRow[]) {
      let list = byTopic.get(row.topic_name);
      if (!list) byTopic.set(row.topic_name, (list = []));
      list.push(toPartition(row));
    }
    return topics.map((t) => ({ name: t.name, topicId: t.topic_id, internal: t.internal === 1, partitions: byTopic.get(t.name) ?? [] }));
  }

  /** Appends partitions (indexes continue after the current last one). */
  addPartitions(topicName: string, partitions: PartitionLeadership[]): void {
    this.#db.transaction(() => {
      const row = this.#db.prepare('SELECT COUNT(*) AS n FROM partitions WHERE topic_name = ?').get(topicName) as { n: number };
      partitions.forEach((p, i) => this.#insertPartition(topicName, row.n + i, p));
    })();
  }

  /** Writes new leadership state for many partitions in one transaction. */
  updatePartitions(changes: { topicName: string; partitionIndex: number; state: PartitionLeadership }[]): void {
    if (changes.length === 0) return;
    const stmt = this.#db.prepare(
      `UPDATE partitions SET replicas = ?, isr = ?, leader = ?, leader_epoch = ?, partition_epoch = ?
       WHERE topic_name = ? AND partition_index = ?`,
    );
    this.#db.transaction(() => {
      for (const { topicName, partitionIndex, state } of changes) {
        stmt.run(JSON.stringify(state.replicas), JSON.stringify(state.isr), state.leader, state.leaderEpoch, state.partitionEpoch, topicName, partitionIndex);
      }
    })();
  }

  /**
   * Writes a partition's replica set with its reassignment state (adding/removing replicas)
   * and leadership in one statement.
   */
  setPartitionAssignment(topicName: string, partitionIndex: number, p: PartitionLeadership & { addingReplicas: readonly number[]; removingReplicas: readonly number[] }): void {
    this.#db
      .prepare(
        `UPDATE partitions SET replicas = ?, isr = ?, leader = ?, leader_epoch = ?, partition_epoch = ?, adding_replicas = ?, removing_replicas = ?
         WHERE topic_name = ? AND partition_index = ?`,
      )
      .run(
        JSON.stringify(p.replicas),
        JSON.stringify(p.isr),
        p.leader,
        p.leaderEpoch,
        p.partitionEpoch,
        JSON.stringify(p.addingReplicas),
        JSON.stringify(p.removingReplicas),
        topicName,
        partitionIndex,
      );
  }

  // ---- dynamic broker configs ----

  /** Dynamic configs of one broker (`'1'`) or of the cluster-wide default (`''`). */
  getBrokerConfigs(broker: string): Record<string, string> {
    const rows = this.#db.prepare('SELECT key, value FROM broker_configs WHERE broker = ? ORDER BY key').all(broker) as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  /** Replaces the dynamic configs of one broker or of the default (`''`). */
  setBrokerConfigs(broker: string, configs: Record<string, string>): void {
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM broker_configs WHERE broker = ?').run(broker);
      const insert = this.#db.prepare('INSERT INTO broker_configs (broker, key, value) VALUES (?, ?, ?)');
      for (const [key, value] of Object.entries(configs)) insert.run(broker, key, value);
    })();
  }

  // ---- topic configs ----

  getTopicConfigs(topicName: string): Record<string, string> {
    const rows = this.#db.prepare('SELECT key, value FROM topic_configs WHERE topic_name = ? ORDER BY key').all(topicName) as {
      key: string;
      value: string;
    }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  /** Replaces all overrides of a topic. */
  setTopicConfigs(topicName: string, configs: Record<string, string>): void {
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM topic_configs WHERE topic_name = ?').run(topicName);
      const insert = this.#db.prepare('INSERT INTO topic_configs (topic_name, key, value) VALUES (?, ?, ?)');
      for (const [key, value] of Object.entries(configs)) insert.run(topicName, key, value);
    })();
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

function toBroker(row: BrokerRow): BrokerRecord {
  return {
    brokerId: row.broker_id,
    host: row.host,
    port: row.port,
    rack: row.rack,
    incarnationId: row.incarnation_id,
    brokerEpoch: BigInt(row.broker_epoch),
    fenced: row.fenced === 1,
    lastHeartbeatMs: row.last_heartbeat_ms,
  };
}

function toPartition(row: PartitionRow): PartitionRecord {
  return {
    partitionIndex: row.partition_index,
    replicas: JSON.parse(row.replicas) as number[],
    isr: JSON.parse(row.isr) as number[],
    leader: row.leader,
    leaderEpoch: row.leader_epoch,
    partitionEpoch: row.partition_epoch,
    addingReplicas: JSON.parse(row.adding_replicas) as number[],
    removingReplicas: JSON.parse(row.removing_replicas) as number[],
  };
}
