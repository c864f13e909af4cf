// Nimbus's durable state in SQLite (better-sqlite3, WAL): topologies (status, spec, conf,
// executors, fixed tasks, assignment + version, pending delayed action), known supervisors,
// component errors, the all-time metric totals (a JSON snapshot per topology, so they
// survive a nimbus restart) and the topology id counter. Whole-row writes in single statements, so a
// kill -9 leaves either the old or the new row. Single-threaded: one Nimbus owns the store.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, touchPrivateFile } from '../../common/private-files.js';
import type { Assignment, TopologyStatus } from '../contracts.js';
import type { TopologySpec } from '../../topology/topology-spec.js';

export interface RebalanceOptions {
  numWorkers?: number;
  executors?: Record<string, number>;
}

export interface PendingAction {
  event: 'DO_REBALANCE' | 'REMOVE';
  /** Epoch ms at which the event fires. */
  atMs: number;
  options?: RebalanceOptions;
}

export interface TopologyRecord {
  id: string;
  name: string;
  status: TopologyStatus;
  /** Status before REBALANCING, restored by DO_REBALANCE. */
  previousStatus: TopologyStatus | null;
  owner: string;
  submittedSecs: number;
  spec: TopologySpec;
  stormConf: Record<string, unknown>;
  numWorkers: number;
  /** Executors per component (including __acker). */
  executorCounts: Record<string, number>;
  /** Fixed at submit. */
  taskToComponent: Record<number, string>;
  bundlePath: string;
  assignment: Assignment;
  pending: PendingAction | null;
}

export interface SupervisorRecord {
  supervisorId: string;
  host: string;
  slotPorts: number[];
  firstSeenMs: number;
}

export interface ErrorRecord {
  topologyId: string;
  component: string;
  taskId: number;
  timeSecs: number;
  error: string;
  host: string;
  port: number;
}

interface TopologyRow {
  id: string;
  name: string;
  status: string;
  previous_status: string | null;
  owner: string;
  submitted_secs: number;
  spec_json: string;
  storm_conf_json: string;
  num_workers: number;
  executor_counts_json: string;
  task_to_component_json: string;
  bundle_path: string;
  assignment_json: string;
  assignment_version: number;
  pending_json: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS topologies (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  previous_status TEXT,
  owner TEXT NOT NULL,
  submitted_secs INTEGER NOT NULL,
  spec_json TEXT NOT NULL,
  storm_conf_json TEXT NOT NULL,
  num_workers INTEGER NOT NULL,
  executor_counts_json TEXT NOT NULL,
  task_to_component_json TEXT NOT NULL,
  bundle_path TEXT NOT NULL,
  assignment_json TEXT NOT NULL,
  assignment_version INTEGER NOT NULL,
  pending_json TEXT
);
CREATE TABLE IF NOT EXISTS supervisors (
  id TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  slot_ports_json TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS errors (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  topology_id TEXT NOT NULL,
  component TEXT NOT NULL,
  task_id INTEGER NOT NULL,
  time_secs INTEGER NOT NULL,
  error TEXT NOT NULL,
  host TEXT NOT NULL,
  port INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS errors_by_topology ON errors (topology_id, component, seq);
CREATE TABLE IF NOT EXISTS metrics (topology_id TEXT PRIMARY KEY, snapshot_json TEXT NOT NULL);
`;

/** Errors kept per topology component; older ones are dropped. */
const ERRORS_KEPT = 20;

export class TopologyStore {
  #db: Database.Database;

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  static open(dataDir: string): TopologyStore {
    mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    // Created 0600 first: SQLite gives its -wal and -shm files the database file's mode.
    touchPrivateFile(join(dataDir, 'nimbus.sqlite'));
    const db = new Database(join(dataDir, 'nimbus.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    return new TopologyStore(db);
  }

  /** Next value of Storm's submitted-topology counter (the middle part of topology ids). */
  nextCounter(): number {
    const row = this.#db.prepare('SELECT value FROM meta WHERE key = ?').get('counter') as { value: string } | undefined;
    const next = (row ? Number(row.value) : 0) + 1;
    this.#db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run('counter', String(next));
    return next;
  }

  listTopologies(): TopologyRecord[] {
    const rows = this.#db.prepare('SELECT * FROM topologies ORDER BY name').all() as TopologyRow[];
    return rows.map(fromRow);
  }

  getTopology(id: string): TopologyRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM topologies WHERE id = ?').get(id) as TopologyRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  findByName(name: string): TopologyRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM topologies WHERE name = ?').get(name) as TopologyRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Inserts or replaces the whole row. */
  saveTopology(t: TopologyRecord): void {
    this.#db
      .prepare(
        `INSERT OR REPLACE INTO topologies (id, name, status, previous_status, owner, submitted_secs, spec_json, storm_conf_json,
           num_workers, executor_counts_json, task_to_component_json, bundle_path, assignment_json, assignment_version, pending_json)
         VALUES (@id, @name, @status, @previous_status, @owner, @submitted_secs, @spec_json, @storm_conf_json,
           @num_workers, @executor_counts_json, @task_to_component_json, @bundle_path, @assignment_json, @assignment_version, @pending_json)`,
      )
      .run(toRow(t));
  }

  deleteTopology(id: string): void {
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM topologies WHERE id = ?').run(id);
      this.#db.prepare('DELETE FROM errors WHERE topology_id = ?').run(id);
      this.#db.prepare('DELETE FROM metrics WHERE topology_id = ?').run(id);
    })();
  }

  /** Saves a topology's metric totals (opaque JSON-ready data; see MetricsAggregator.snapshot). */
  saveMetrics(topologyId: string, snapshot: unknown): void {
    this.#db
      .prepare('INSERT INTO metrics (topology_id, snapshot_json) VALUES (?, ?) ON CONFLICT(topology_id) DO UPDATE SET snapshot_json = excluded.snapshot_json')
      .run(topologyId, JSON.stringify(snapshot));
  }

  loadMetrics(topologyId: string): unknown {
    const row = this.#db.prepare('SELECT snapshot_json FROM metrics WHERE topology_id = ?').get(topologyId) as { snapshot_json: string } | undefined;
    return row ? (JSON.parse(row.snapshot_json) as unknown) : undefined;
  }

  listSupervisors(): SupervisorRecord[] {
    const rows = this.#db.prepare('SELECT * FROM supervisors ORDER BY id').all() as Array<{
      id: string;
      host: string;
      slot_ports_json: string;
      first_seen_ms: number;
    }>;
    return rows.map((r) => ({ supervisorId: r.id, host: r.host, slotPorts: JSON.parse(r.slot_ports_json) as number[], firstSeenMs: r.first_seen_ms }));
  }

  saveSupervisor(s: SupervisorRecord): void {
    this.#db
      .prepare('INSERT OR REPLACE INTO supervisors (id, host, slot_ports_json, first_seen_ms) VALUES (?, ?, ?, ?)')
      .run(s.supervisorId, s.host, JSON.stringify(s.slotPorts), s.firstSeenMs);
  }

  addErrors(errors: ErrorRecord[]): void {
    if (errors.length === 0) return;
    const insert = this.#db.prepare(
      'INSERT INTO errors (topology_id, component, task_id, time_secs, error, host, port) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const trim = this.#db.prepare(
      `DELETE FROM errors WHERE topology_id = ? AND component = ? AND seq NOT IN
         (SELECT seq FROM errors WHERE topology_id = ? AND component = ? ORDER BY seq DESC LIMIT ${ERRORS_KEPT})`,
    );
    this.#db.transaction(() => {
      for (const e of errors) insert.run(e.topologyId, e.component, e.taskId, e.timeSecs, e.error.slice(0, 4000), e.host, e.port);
      for (const key of new Set(errors.map((e) => `${e.topologyId}\u0000${e.component}`))) {
        const [t, c] = key.split('\u0000') as [string, string];
        trim.run(t, c, t, c);
      }
    })();
  }

  /** Errors of a topology, newest first. */
  listErrors(topologyId: string, component?: string): ErrorRecord[] {
    const rows = (
      component === undefined
        ? this.#db.prepare('SELECT * FROM errors WHERE topology_id = ? ORDER BY seq DESC').all(topologyId)
        : this.#db.prepare('SELECT * FROM errors WHERE topology_id = ? AND component = ? ORDER BY seq DESC').all(topologyId, component)
    ) as Array<{ topology_id: string; component: string; task_id: number; time_secs: number; error: string; host: string; port: number }>;
    return rows.map((r) => ({
      topologyId: r.topology_id,
      component: r.component,
      taskId: r.task_id,
      timeSecs: r.time_secs,
      error: r.error,
      host: r.host,
      port: r.port,
    }));
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

function toRow(t: TopologyRecord): TopologyRow {
  return {
    id: t.id,
    name: t.name,
    status: t.status,
    previous_status: t.previousStatus,
    owner: t.owner,
    submitted_secs: t.submittedSecs,
    spec_json: JSON.stringify(t.spec),
    storm_conf_json: JSON.stringify(t.stormConf),
    num_workers: t.numWorkers,
    executor_counts_json: JSON.stringify(t.executorCounts),
    task_to_component_json: JSON.stringify(t.taskToComponent),
    bundle_path: t.bundlePath,
    assignment_json: JSON.stringify(t.assignment),
    assignment_version: t.assignment.version,
    pending_json: t.pending ? JSON.stringify(t.pending) : null,
  };
}

function fromRow(r: TopologyRow): TopologyRecord {
  return {
    id: r.id,
    name: r.name,
    status: r.status as TopologyStatus,
    previousStatus: (r.previous_status as TopologyStatus | null) ?? null,
    owner: r.owner,
    submittedSecs: r.submitted_secs,
    spec: JSON.parse(r.spec_json) as TopologySpec,
    stormConf: JSON.parse(r.storm_conf_json) as Record<string, unknown>,
    numWorkers: r.num_workers,
    executorCounts: JSON.parse(r.executor_counts_json) as Record<string, number>,
    taskToComponent: JSON.parse(r.task_to_component_json) as Record<number, string>,
    bundlePath: r.bundle_path,
    assignment: JSON.parse(r.assignment_json) as Assignment,
    pending: r.pending_json ? (JSON.parse(r.pending_json) as PendingAction) : null,
  };
}
