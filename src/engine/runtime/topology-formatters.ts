// Storm's text output for the topology commands: `storm list`'s exact table, `topology
// describe`'s summary of a topology's components and workers, and the numbers `storm
// monitor` prints. Pure functions from nimbus's REST API shapes to text.
import type { TopologyDetail, TopologySummaryRow } from './nimbus/api-types.js';

/** `storm list`'s exact text (Java format "%-20s %-10s %-10s %-12s %-12s %-20s %-20s"). */
export function formatStormList(rows: TopologySummaryRow[]): string {
  if (rows.length === 0) return 'No topologies running.';
  const pad = (v: string | number, w: number) => String(v).padEnd(w);
  const line = (c: Array<string | number>) =>
    `${pad(c[0]!, 20)} ${pad(c[1]!, 10)} ${pad(c[2]!, 10)} ${pad(c[3]!, 12)} ${pad(c[4]!, 12)} ${pad(c[5]!, 20)} ${pad(c[6]!, 20)}`;
  return [
    line(['Topology_name', 'Status', 'Num_tasks', 'Num_workers', 'Uptime_secs', 'Topology_Id', 'Owner']),
    '-'.repeat(88),
    ...rows.map((t) => line([t.name, t.status, t.tasksTotal, t.workersTotal, t.uptimeSeconds, t.id, t.owner])),
  ].join('\n');
}

/** `topology describe` as text: topology line, components, workers. */
export function formatDescribe(d: TopologyDetail): string {
  const out: string[] = [];
  out.push(`Topology: ${d.name} (${d.id})`);
  out.push(`Status: ${d.status}   Uptime: ${d.uptime}   Workers: ${d.workersTotal}   Executors: ${d.executorsTotal}   Tasks: ${d.tasksTotal}   Message timeout: ${d.msgTimeout}s`);
  const all = d.topologyStats.find((s) => s.window === ':all-time');
  if (all) out.push(`All time: emitted ${all.emitted}, transferred ${all.transferred}, acked ${all.acked}, failed ${all.failed}, complete latency ${all.completeLatency} ms`);
  out.push('');
  const header = ['Spout', 'Executors', 'Tasks', 'Emitted', 'Transferred', 'Acked', 'Failed', 'Complete_latency_ms', 'p99_ms', 'Last_error'];
  const rows = d.spouts.map((s) => [s.spoutId, s.executors, s.tasks, s.emitted, s.transferred, s.acked, s.failed, s.completeLatency, s.completeLatencyP99, s.lastError]);
  out.push(table(header, rows));
  out.push('');
  const bHeader = ['Bolt', 'Executors', 'Tasks', 'Emitted', 'Transferred', 'Executed', 'Acked', 'Failed', 'Execute_latency_ms', 'Process_latency_ms', 'p99_ms', 'Capacity', 'Last_error'];
  const bRows = d.bolts.map((b) => [
    b.boltId,
    b.executors,
    b.tasks,
    b.emitted,
    b.transferred,
    b.executed,
    b.acked,
    b.failed,
    b.executeLatency,
    b.processLatency,
    b.processLatencyP99,
    b.capacity,
    b.lastError,
  ]);
  out.push(table(bHeader, bRows));
  out.push('');
  const wHeader = ['Worker', 'Supervisor', 'Host:Port', 'Alive', 'Uptime_secs', 'Executors (tasks)'];
  const wRows = d.workers.map((w) => [
    w.workerId,
    w.supervisorId,
    `${w.host}:${w.port}`,
    w.alive ? 'yes' : 'no',
    w.uptimeSeconds,
    w.executors.map((e) => `${e.component}[${e.startTask}-${e.endTask}]`).join(' '),
  ]);
  out.push(table(wHeader, wRows));
  return out.join('\n');
}

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 2))).join('').trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

/** Java's Double.toString for the values monitor prints (0 → "0.0", 2 → "2.0"). */
export function javaDouble(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}
