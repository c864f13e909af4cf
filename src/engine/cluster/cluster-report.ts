// Text renderings of a local cluster for the `cluster` commands: the process table (NAME, ID,
// PID, ADDRESS, STATUS), how to connect, and an rpk-style health overview. Pure functions.
import { renderTable } from '../common/text-table.js';
import type { ClusterHealth, ClusterStatus, MetricsEndpoint } from './local-cluster.js';
import type { ClusterFile, ProcessInfo } from './process-configs.js';

function processes(file: Pick<ClusterFile, 'controller' | 'brokers' | 'nimbus' | 'supervisors'>): ProcessInfo[] {
  return [file.controller, ...file.brokers, ...(file.nimbus ? [file.nimbus] : []), ...file.supervisors];
}

function address(p: ProcessInfo, slots: number | undefined): string {
  if (p.kind === 'nimbus') return `http://${p.host}:${p.port}`;
  if (p.kind === 'supervisor' && slots && slots > 1) return `${p.host}:${p.port}-${p.port + slots - 1}`;
  return `${p.host}:${p.port}`;
}

/** NAME ID PID ADDRESS STATUS table of every process. */
export function renderProcessTable(list: ProcessInfo[], slotsPerSupervisor?: number): string {
  return renderTable(
    ['NAME', 'ID', 'PID', 'ADDRESS', 'STATUS'],
    list.map((p) => [p.kind, p.id === undefined ? '-' : String(p.id), p.pid === null ? '-' : String(p.pid), address(p, slotsPerSupervisor), p.status]),
  );
}

/** What `cluster start` prints: the table and how to connect. */
export function renderStarted(file: ClusterFile, dir: string, options: { alreadyRunning: boolean; defaultDir: boolean; bin: string }): string {
  const lines: string[] = [];
  lines.push(
    options.alreadyRunning
      ? `A cluster is already running in ${dir} (daemon pid ${file.daemon.pid}); nothing to start.`
      : `Cluster started in ${dir} (cluster id ${file.clusterId}).`,
  );
  lines.push('', renderProcessTable(processes(file), file.slotsPerSupervisor), '');
  const bootstrap = file.bootstrapServers ?? file.brokers.map((b) => `${b.host}:${b.port}`).join(',');
  if (bootstrap) {
    lines.push('Connect with:');
    if (!options.defaultDir) lines.push(`  export STREAMCTL_DIR=${dir}`);
    lines.push(`  ${options.bin} topics create --topic demo --partitions 3 --bootstrap-server ${bootstrap}`);
    lines.push(`  kcat -b ${bootstrap} -L`);
    lines.push(`  any Kafka client: bootstrap.servers=${bootstrap}`);
  }
  if (file.nimbusUrl) {
    lines.push(`Storm UI API: ${file.nimbusUrl}/api/v1/cluster/summary${file.nimbusUiOpen ? ' (read-only GETs open without a token)' : ''}`);
    if (file.nimbusTokenFile) lines.push(`  needs Authorization: Bearer <token>; the token is in ${file.nimbusTokenFile} (owner-only)`);
  }
  lines.push(`Stop with: ${options.bin} cluster stop${options.defaultDir ? '' : ` --dir ${dir}`}`);
  return lines.join('\n') + '\n';
}

/** rpk cluster health style overview. */
export function renderHealth(h: ClusterHealth): string {
  const list = (xs: (string | number)[]) => `[${xs.join(' ')}]`;
  const rows: [string, string][] = [
    ['Healthy:', String(h.healthy)],
    ['Unhealthy reasons:', list(h.unhealthyReasons)],
    ['Controller ID:', String(h.controllerId)],
    ['All nodes:', list(h.allNodes)],
    ['Nodes down:', list(h.nodesDown)],
    [`Leaderless partitions (${h.leaderlessPartitions.length}):`, list(h.leaderlessPartitions)],
    [`Under-replicated partitions (${h.underReplicatedPartitions.length}):`, list(h.underReplicatedPartitions)],
    ['Leaders per broker:', Object.entries(h.leaderCounts).map(([id, n]) => `${id}=${n}`).join(' ') || '-'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  return ['CLUSTER HEALTH OVERVIEW', '=======================', ...rows.map(([k, v]) => k.padEnd(width) + v)].join('\n') + '\n';
}

/** Prometheus endpoints: one line per process; the workers' slot range on one line. */
export function renderMetrics(endpoints: MetricsEndpoint[]): string {
  const workers = endpoints.filter((e) => e.process.startsWith('worker '));
  const rows = endpoints.filter((e) => !e.process.startsWith('worker ')).map((e) => [e.process, e.url]);
  if (workers.length > 0) {
    const port = (u: string) => new URL(u).port;
    const first = new URL(workers[0]!.url);
    rows.push(['workers', `http://${first.hostname}:${port(workers[0]!.url)}-${port(workers[workers.length - 1]!.url)}/metrics (one port per worker slot)`]);
  }
  return 'METRICS (Prometheus)\n' + renderTable(['PROCESS', 'URL'], rows).split('\n').map((l) => `  ${l}`).join('\n');
}

/** What `cluster status` prints. */
export function renderStatus(s: ClusterStatus): string {
  if (s.state === 'not-started') return `No cluster in ${s.dir}. Start one with \`streamctl cluster start\`.\n`;
  const lines = [
    `CLUSTER  ${s.clusterId ?? '-'}`,
    `DIR      ${s.dir}`,
    `STATE    ${s.running ? `${s.state} (daemon pid ${s.daemonPid})` : s.state === 'orphaned' ? 'orphaned: the daemon is gone but processes still run; run `streamctl cluster stop`' : s.state === 'crashed' ? 'crashed: the daemon and every process are gone; see the logs, then `streamctl cluster start`' : s.state}`,
  ];
  if (s.bootstrapServers) lines.push(`KAFKA    ${s.bootstrapServers}`);
  if (s.nimbusUrl) lines.push(`NIMBUS   ${s.nimbusUrl}${s.nimbusUiOpen ? ' (read-only GETs open: --ui-open)' : ''}`);
  if (s.nimbusTokenFile) lines.push(`TOKEN    ${s.nimbusTokenFile} (Authorization: Bearer <token> for nimbus's API)`);
  lines.push('', renderProcessTable(s.processes), '');
  if (s.running && s.metrics.length > 0) lines.push(renderMetrics(s.metrics), '');
  if (s.health) lines.push(renderHealth(s.health));
  else if (s.running && s.processes.some((p) => p.kind === 'broker')) lines.push('No broker answered a Metadata request.\n');
  return lines.join('\n').replace(/\n*$/, '\n');
}
