// Broker detail as lines: status, the process's CPU and memory (local cluster), the partitions
// it leads and the under-replicated partitions it hosts. Pure.
import type { BrokerRow } from '../broker-health.js';
import type { BrokerProcessData } from '../detail-sources.js';
import type { PartitionRow } from '../dashboard-snapshot.js';
import { cell } from '../format.js';
import { bytes, type Line, section, tableLines } from './lines.js';

const partRows = (ps: PartitionRow[]) => ps.map((p) => [p.topic, String(p.partition), cell(p.leader), p.replicas.join(','), p.isr.join(','), cell(p.logEndOffset)]);
const HEAD = ['TOPIC', 'PART', 'LEADER', 'REPLICAS', 'ISR', 'LOG-END'];

export function brokerDetailLines(b: BrokerRow | undefined, id: string, partitions: PartitionRow[], proc: BrokerProcessData | null): Line[] {
  if (!b) return [section(`Broker ${id}`), { text: 'This broker is no longer listed.', color: 'red' }];
  const led = partitions.filter((p) => p.leader === b.broker);
  const urp = partitions.filter((p) => p.replicas.includes(b.broker) && p.isr.length < p.replicas.length);
  const status = b.up ? 'up' : `down${b.processStatus && b.processStatus !== 'running' ? ` (${b.processStatus})` : ''}`;
  const cpu = proc?.cpuPercent === null || proc?.cpuPercent === undefined ? '-' : `${proc.cpuPercent.toFixed(1)} %`;
  return [
    section(`Broker ${b.broker} · ${b.host === null ? '-' : `${b.host}:${b.port}`} · ${status}${b.controller ? ' · controller' : ''}`),
    { text: `process: pid ${cell(b.pid ?? null)} · CPU ${cpu} of one core · memory ${bytes(proc?.rssBytes ?? null)}` },
    { text: `leads ${led.length} partitions · ${urp.length} under-replicated` },
    { text: '' },
    section('Under-replicated partitions'),
    ...(urp.length === 0 ? [{ text: 'none', color: 'gray' }] : tableLines(HEAD, partRows(urp), urp.map(() => 'yellow'))),
    { text: '' },
    section('Partitions led'),
    ...(led.length === 0 ? [{ text: 'none', color: 'gray' }] : tableLines(HEAD, partRows(led))),
  ];
}
