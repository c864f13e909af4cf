// What `topology describe` shows about windows and state: each windowed bolt's window, the
// state provider and checkpoint interval, and the last committed checkpoint of every task of
// every stateful bolt, read from the provider's own storage (the state topic of the
// TopicKeyValueStateProvider, Redis' `<ns>$txid` hash); the in-memory provider lives inside
// the workers and is not visible from here. Read-only; no effect on the topology.
import { readTopicCommits, stateTopicOf, type TopicStateConfig } from '../connectors/state/topic-state-backend.js';
import { RedisStateBackend, type RedisStateConfig } from '../connectors/state/redis-state-backend.js';
import { checkpointIntervalMs } from '../topology/state/checkpoint-spout.js';
import { stateProviderConfigOf, stateProviderOf, type StateProviderName } from '../topology/state/state-factory.js';
import type { TopologyDetail } from './nimbus/api-types.js';

export interface TaskCheckpoint {
  task: number;
  /** Last committed transaction id; null before the first commit or when not visible. */
  txid: number | null;
  /** ISO time of that commit when the provider records it, else null. */
  time: string | null;
}

export interface BoltStateView {
  bolt: string;
  windowing: string | null;
  stateful: boolean;
  checkpoints: TaskCheckpoint[];
}

export interface TopologyStateView {
  /** null when the topology has no stateful bolt. */
  stateProvider: StateProviderName | null;
  checkpointIntervalMs: number | null;
  /** Why checkpoints are not shown (in-memory provider, unreachable store), else null. */
  checkpointNote: string | null;
  bolts: BoltStateView[];
}

export async function describeTopologyState(detail: TopologyDetail): Promise<TopologyStateView> {
  const conf = detail.configuration;
  const stateful = detail.bolts.some((b) => b.stateful === true);
  const view: TopologyStateView = {
    stateProvider: stateful ? stateProviderOf(conf) : null,
    checkpointIntervalMs: stateful ? checkpointIntervalMs(conf) : null,
    checkpointNote: null,
    bolts: [],
  };
  const tasksOf = (bolt: string) =>
    Object.entries(detail.taskToComponent)
      .filter(([, c]) => c === bolt)
      .map(([t]) => Number(t))
      .sort((a, b) => a - b);
  let lookup: (namespace: string) => Promise<{ txid: number | null; time: string | null }> = async () => ({ txid: null, time: null });
  if (stateful) {
    try {
      const providerConfig = stateProviderConfigOf(conf);
      if (view.stateProvider === 'TopicKeyValueStateProvider') {
        const servers = String((providerConfig as TopicStateConfig)['bootstrap.servers'] ?? conf['kafka.bootstrap.servers'] ?? '127.0.0.1:9092').split(',');
        const commits = await readTopicCommits(servers, stateTopicOf(providerConfig as TopicStateConfig, conf));
        lookup = async (ns) => {
          const c = commits.get(ns);
          return { txid: c?.txid ?? null, time: c ? new Date(c.timeMs).toISOString() : null };
        };
      } else if (view.stateProvider === 'RedisKeyValueStateProvider') {
        lookup = async (ns) => {
          const backend = await RedisStateBackend.open(ns, providerConfig as RedisStateConfig);
          try {
            return { txid: (await backend.load()).commitTxid, time: null };
          } finally {
            await backend.close();
          }
        };
      } else {
        view.checkpointNote = 'in-memory state lives inside the workers; checkpoints are not visible from here';
      }
    } catch (error) {
      view.checkpointNote = `state store not readable: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  for (const b of detail.bolts) {
    if (!b.windowing && !b.stateful) continue;
    const checkpoints: TaskCheckpoint[] = [];
    if (b.stateful) {
      for (const task of tasksOf(b.boltId)) {
        try {
          checkpoints.push({ task, ...(await lookup(`${b.boltId}-${task}`)) });
        } catch (error) {
          view.checkpointNote ??= `state store not readable: ${error instanceof Error ? error.message : String(error)}`;
          checkpoints.push({ task, txid: null, time: null });
        }
      }
    }
    view.bolts.push({ bolt: b.boltId, windowing: b.windowing ?? null, stateful: b.stateful === true, checkpoints });
  }
  return view;
}

/** The windows-and-state section of `topology describe` ('' when there is nothing to show). */
export function formatStateView(v: TopologyStateView): string {
  if (v.bolts.length === 0) return '';
  const out: string[] = [''];
  if (v.stateProvider !== null) out.push(`State: ${v.stateProvider}, checkpoint every ${v.checkpointIntervalMs} ms${v.checkpointNote ? ` (${v.checkpointNote})` : ''}`);
  const header = ['Bolt', 'Window', 'State', 'Last_checkpoint'];
  const rows = v.bolts.map((b) => [
    b.bolt,
    b.windowing ?? '-',
    b.stateful ? 'stateful' : '-',
    b.stateful ? b.checkpoints.map((c) => `task ${c.task}: ${c.txid === null ? 'none' : `txid ${c.txid}${c.time ? ` at ${c.time}` : ''}`}`).join('; ') : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 2))).join('').trimEnd();
  out.push(line(header), ...rows.map(line));
  return out.join('\n');
}
