// What the dashboard can do to the cluster, each through the engine facade the matching CLI
// command uses: topology activate/deactivate/kill/rebalance (TopologyClient, as `topology
// ...`), broker stop/start/kill (brokerControl, as `cluster broker ...`), group offset reset
// (AdminClient.resetOffsets, as `groups reset-offsets`; the dry run first), producing one
// record (ConsoleProducer, as `produce`) and deleting records below an offset in every
// partition of a topic (LogAdmin.deleteRecords, as `records delete`). Concurrency: one action
// at a time (the app waits for each).
import { Readable } from 'node:stream';
import { AdminClient } from '../engine/client/admin-client.js';
import type { KafkaConnectOptions } from '../engine/client/client-options.js';
import { ConsoleProducer } from '../engine/client/console-producer.js';
import { LogAdmin } from '../engine/client/log-admin.js';
import { formatResetNotices } from '../engine/client/groups-format.js';
import { parseResetDateTime, type ResetScenario } from '../engine/client/offset-reset-plan.js';
import { brokerControl } from '../engine/cluster/local-cluster.js';
import { StreamctlError } from '../engine/common/errors.js';
import type { TopologyClient } from '../engine/runtime/topology-client.js';
import { columnWidths, tableLine } from './format.js';

const RESET_HEADERS = ['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'];

export type DashboardAction =
  | { type: 'topology'; op: 'activate' | 'deactivate' | 'kill' | 'rebalance'; name: string }
  | { type: 'broker'; op: 'stop' | 'start' | 'kill'; id: number }
  | { type: 'reset-offsets'; group: string; to: string; execute: boolean }
  | { type: 'produce'; topic: string; key: string | null; value: string }
  | { type: 'delete-records'; topic: string; offset: string };

export interface ActionResult {
  /** One line for the status line. */
  message: string;
  /** Extra lines to show (the reset dry-run table). */
  table?: string[];
}

export interface DashboardActions {
  run(action: DashboardAction): Promise<ActionResult>;
}

/** The confirmation question for an action (answered with y). */
export function confirmQuestion(a: DashboardAction): string {
  switch (a.type) {
    case 'topology':
      return `${a.op[0]!.toUpperCase()}${a.op.slice(1)} topology ${a.name}?`;
    case 'broker':
      return a.op === 'kill' ? `Kill broker ${a.id} (SIGKILL)?` : a.op === 'stop' ? `Stop broker ${a.id} (SIGTERM)?` : `Start broker ${a.id}?`;
    case 'reset-offsets':
      return `Reset the offsets of group ${a.group} to ${a.to} as shown?`;
    case 'produce':
      return `Produce one record to ${a.topic} (key ${a.key ?? 'null'}, value ${JSON.stringify(a.value)})?`;
    case 'delete-records':
      return a.offset === '-1' ? `Delete every record of ${a.topic} below the high watermark?` : `Delete the records of ${a.topic} below offset ${a.offset} in every partition?`;
  }
}

/** earliest, latest or a datetime (YYYY-MM-DDTHH:mm:SS[.sss][zone], as --to-datetime). */
export function parseResetTarget(to: string): ResetScenario {
  const t = to.trim();
  if (t === 'earliest') return { kind: 'to-earliest' };
  if (t === 'latest') return { kind: 'to-latest' };
  try {
    return { kind: 'to-datetime', timestampMs: parseResetDateTime(t) };
  } catch {
    throw new StreamctlError('USAGE', `Reset to '${t}': expected earliest, latest or a datetime like 2024-01-02T03:04:05.000`);
  }
}

export interface EngineActionDeps {
  kafka: () => KafkaConnectOptions;
  topologies: TopologyClient;
  /** The local cluster dir; null with --bootstrap-server (no broker control). */
  clusterDir: string | null;
}

export class EngineActions implements DashboardActions {
  readonly #deps: EngineActionDeps;

  constructor(deps: EngineActionDeps) {
    this.#deps = deps;
  }

  async run(a: DashboardAction): Promise<ActionResult> {
    switch (a.type) {
      case 'topology': {
        const t = this.#deps.topologies;
        const r = a.op === 'activate' ? await t.activate(a.name) : a.op === 'deactivate' ? await t.deactivate(a.name) : a.op === 'kill' ? await t.kill(a.name) : await t.rebalance(a.name);
        return { message: `${a.op} ${r.name}: ${r.status}` };
      }
      case 'broker': {
        if (this.#deps.clusterDir === null) throw new StreamctlError('USAGE', 'Broker stop/start/kill needs a local cluster (not --bootstrap-server).');
        const info = await brokerControl(this.#deps.clusterDir, a.op, a.id);
        return { message: `broker ${a.id}: ${info.status}` };
      }
      case 'reset-offsets': {
        const scenario = parseResetTarget(a.to);
        // Its own client, like the detail views: overlapping metadata requests on the poll's
        // client can make @platformatic/kafka lose a topic from its cache.
        const admin = AdminClient.open(this.#deps.kafka());
        const r = await admin.resetOffsets({ groups: [a.group], topics: [], allTopics: true, scenario, execute: a.execute }).finally(() => admin.close());
        const notices = formatResetNotices(r.notices);
        // Kafka's reset table puts every row on one line; the screen shows one row per line.
        const rows = r.rows.map((x) => [x.group, x.topic, String(x.partition), String(x.offset)]);
        const widths = columnWidths(RESET_HEADERS, rows);
        const table = [
          ...`${notices.stderr}${notices.stdout}`.split('\n').filter((l) => l.trim() !== ''),
          tableLine(RESET_HEADERS, widths),
          ...rows.map((x) => tableLine(x, widths)),
        ];
        if (r.failedGroups.length > 0) return { message: `group ${a.group} is active: stop its consumers first`, table };
        return { message: a.execute ? `reset ${r.rows.length} partitions of ${a.group} to ${a.to}` : `dry run: ${r.rows.length} partitions`, table };
      }
      case 'delete-records': {
        const logs = LogAdmin.open(this.#deps.kafka());
        try {
          const partitions = await logs.partitionsOf(a.topic);
          const results = await logs.deleteRecords(partitions.map((partition) => ({ topic: a.topic, partition, offset: BigInt(a.offset) })));
          const table = results.map((r) => (r.error === null ? `partition: ${r.topic}-${r.partition}  low_watermark: ${r.lowWatermark}` : `partition: ${r.topic}-${r.partition}  error: ${r.error}`));
          const failed = results.filter((r) => r.error !== null).length;
          return { message: failed > 0 ? `delete records: ${failed} of ${results.length} partitions failed` : `deleted records of ${a.topic} in ${results.length} partitions`, table };
        } finally {
          await logs.close();
        }
      }
      case 'produce': {
        const producer = ConsoleProducer.open(this.#deps.kafka());
        try {
          const record = { key: a.key === null ? null : Buffer.from(a.key, 'utf8'), value: Buffer.from(a.value, 'utf8'), headers: [] };
          const r = await producer.run({ topic: a.topic, input: Readable.from(['x\n']), reader: { read: () => record }, sync: true });
          return { message: `produced ${r.records} record to ${a.topic}` };
        } finally {
          await producer.close();
        }
      }
    }
  }
}
