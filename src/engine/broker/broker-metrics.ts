// A broker's Prometheus metrics, named the way the Prometheus JMX exporter's Kafka rules
// (example_configs/kafka-2_0_0.yml, lowercaseOutputName) name Kafka's JMX beans:
//   kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=T (Count)
//     → kafka_server_brokertopicmetrics_messagesin_total{topic="T"}   (bytesin, bytesout alike)
//   kafka.network:type=RequestMetrics,name=RequestsPerSec,request=R,version=V
//     → kafka_network_requestmetrics_requests_total{request,version}
//   kafka.network:type=RequestMetrics,name=TotalTimeMs,request=R (99thPercentile, Count)
//     → kafka_network_requestmetrics_totaltimems{request,quantile="0.99"}, ..._totaltimems_count
//   kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions|LeaderCount|PartitionCount (Value)
//     → kafka_server_replicamanager_underreplicatedpartitions, ..._leadercount, ..._partitioncount
//   kafka.server:type=ReplicaManager,name=IsrShrinksPerSec|IsrExpandsPerSec → ..._isrshrinks_total
//   kafka.log:type=Log,name=Size,topic=T,partition=P → kafka_log_log_size{topic,partition}
//   kafka.coordinator.group:type=GroupMetadataManager,name=NumGroups[State]
//     → kafka_coordinator_group_groupmetadatamanager_numgroups[stable|empty|...]
// Consumer lag per group and partition follows kafka_exporter (kafka_consumergroup_lag,
// kafka_consumergroup_current_offset), reported by the group's coordinator for partitions
// with a replica on this broker. KIP-714 pushes: kafka_server_clientmetrics_*. Everything is
// computed when scraped from BrokerStats and the broker's state.
import { Counter, Gauge, type Registry } from 'prom-client';
import { renderTable } from '../common/text-table.js';
import { apiName } from '../protocol/codec.js';
import type { Group } from '../coordinator/group.js';
import type { BrokerStats } from './broker-stats.js';
import type { Partition } from './partition.js';

/** Quantiles of Kafka's histograms as the JMX exporter exports them (50thPercentile → "0.50"). */
export const KAFKA_QUANTILES: ReadonlyArray<[string, number]> = [
  ['0.50', 0.5],
  ['0.75', 0.75],
  ['0.95', 0.95],
  ['0.98', 0.98],
  ['0.99', 0.99],
  ['0.999', 0.999],
];

/** What the metrics read from a broker (Broker implements it through brokerMetricsSource). */
export interface BrokerMetricsSource {
  stats: BrokerStats;
  /** Local partition replicas. */
  partitions(): Iterable<Partition>;
  /** Topics the cluster knows (counters of deleted topics are dropped). */
  topicExists(topic: string): boolean;
  /** Groups this broker coordinates (loaded). */
  groups(): Group[];
  /** High watermark of a local replica, -1n when none here. */
  highWatermark(topic: string, partition: number): bigint;
}

export function registerBrokerMetrics(registry: Registry, source: BrokerMetricsSource): void {
  const { stats } = source;
  const registers = [registry];
  const topicCounter = (name: string, help: string, pick: (t: { messagesIn: number; bytesIn: number; bytesOut: number }) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['topic'],
      registers,
      collect() {
        this.reset();
        for (const [topic, t] of stats.topics) {
          if (source.topicExists(topic)) this.inc({ topic }, pick(t));
          else stats.removeTopic(topic);
        }
      },
    });
  topicCounter('kafka_server_brokertopicmetrics_messagesin_total', 'Records appended to the topic on this broker as leader (MessagesInPerSec Count).', (t) => t.messagesIn);
  topicCounter('kafka_server_brokertopicmetrics_bytesin_total', 'Bytes of record batches produced to the topic on this broker (BytesInPerSec Count).', (t) => t.bytesIn);
  topicCounter('kafka_server_brokertopicmetrics_bytesout_total', 'Bytes of record batches fetched by consumers from this broker (BytesOutPerSec Count).', (t) => t.bytesOut);

  new Counter({
    name: 'kafka_network_requestmetrics_requests_total',
    help: 'Requests answered, by API and version (RequestsPerSec Count).',
    labelNames: ['request', 'version'],
    registers,
    collect() {
      this.reset();
      stats.requests.forEach((r, apiKey) => {
        if (!r) return;
        const request = apiName(apiKey);
        r.byVersion.forEach((n, version) => n !== undefined && this.inc({ request, version: String(version) }, n));
      });
    },
  });
  new Gauge({
    name: 'kafka_network_requestmetrics_totaltimems',
    help: 'Request total time in ms (receive to answer) over the last 60 s, by API and quantile (TotalTimeMs percentiles).',
    labelNames: ['request', 'quantile'],
    registers,
    collect() {
      this.reset();
      const now = stats.now();
      stats.requests.forEach((r, apiKey) => {
        if (!r) return;
        const request = apiName(apiKey);
        const s = r.totalTimeMs.snapshot(now);
        for (const [label, q] of KAFKA_QUANTILES) this.set({ request, quantile: label }, round3(s.quantile(q)));
      });
    },
  });
  new Counter({
    name: 'kafka_network_requestmetrics_totaltimems_count',
    help: 'Requests timed, by API (TotalTimeMs Count).',
    labelNames: ['request'],
    registers,
    collect() {
      this.reset();
      stats.requests.forEach((r, apiKey) => r && this.inc({ request: apiName(apiKey) }, r.totalTimeMs.totalCount));
    },
  });

  const partitionGauge = (name: string, help: string, count: (p: Partition) => boolean) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        let n = 0;
        for (const p of source.partitions()) if (count(p)) n++;
        this.set(n);
      },
    });
  partitionGauge('kafka_server_replicamanager_underreplicatedpartitions', 'Partitions this broker leads whose ISR is smaller than their replica set.', (p) => p.isLeader && p.isr.length < p.replicas.length);
  partitionGauge('kafka_server_replicamanager_leadercount', 'Partitions this broker leads.', (p) => p.isLeader);
  partitionGauge('kafka_server_replicamanager_partitioncount', 'Partition replicas on this broker.', () => true);
  new Counter({ name: 'kafka_server_replicamanager_isrshrinks_total', help: 'Accepted ISR shrinks of partitions this broker leads (IsrShrinksPerSec Count).', registers, collect() { this.reset(); this.inc(stats.isrShrinks); } });
  new Counter({ name: 'kafka_server_replicamanager_isrexpands_total', help: 'Accepted ISR expansions of partitions this broker leads (IsrExpandsPerSec Count).', registers, collect() { this.reset(); this.inc(stats.isrExpands); } });
  new Gauge({
    name: 'kafka_log_log_size',
    help: 'Bytes of the partition replica\'s log segments on this broker (kafka.log Log Size).',
    labelNames: ['topic', 'partition'],
    registers,
    collect() {
      this.reset();
      for (const p of source.partitions()) this.set({ topic: p.topic, partition: String(p.partition) }, p.log.size ?? 0);
    },
  });

  const groupStates: Array<[string, string | null]> = [
    ['numgroups', null],
    ['numgroupsstable', 'Stable'],
    ['numgroupspreparingrebalance', 'PreparingRebalance'],
    ['numgroupscompletingrebalance', 'CompletingRebalance'],
    ['numgroupsempty', 'Empty'],
    ['numgroupsdead', 'Dead'],
  ];
  for (const [suffix, state] of groupStates) {
    new Gauge({
      name: `kafka_coordinator_group_groupmetadatamanager_${suffix}`,
      help: `Groups this broker coordinates${state ? ` in state ${state}` : ''} (GroupMetadataManager ${suffix}).`,
      registers,
      collect() {
        this.set(source.groups().filter((g) => state === null || g.state === state).length);
      },
    });
  }
  const committed = () =>
    source.groups().flatMap((g) =>
      [...g.offsets].flatMap(([topic, parts]) => [...parts].map(([partition, c]) => ({ consumergroup: g.groupId, topic, partition: String(partition), offset: c.offset, hw: source.highWatermark(topic, partition) }))),
    );
  new Gauge({
    name: 'kafka_consumergroup_current_offset',
    help: 'Committed offset of a group on a partition (groups this broker coordinates).',
    labelNames: ['consumergroup', 'topic', 'partition'],
    registers,
    collect() {
      this.reset();
      for (const c of committed()) this.set({ consumergroup: c.consumergroup, topic: c.topic, partition: c.partition }, Number(c.offset));
    },
  });
  new Gauge({
    name: 'kafka_consumergroup_lag',
    help: 'High watermark minus committed offset, for groups this broker coordinates on partitions with a replica here.',
    labelNames: ['consumergroup', 'topic', 'partition'],
    registers,
    collect() {
      this.reset();
      for (const c of committed()) {
        if (c.hw < 0n) continue;
        const lag = c.hw > c.offset ? c.hw - c.offset : 0n;
        this.set({ consumergroup: c.consumergroup, topic: c.topic, partition: c.partition }, Number(lag));
      }
    },
  });

  new Gauge({ name: 'kafka_server_clientmetrics_instancecount', help: 'Client instances that pushed KIP-714 telemetry to this broker.', registers, collect() { this.set(stats.telemetryClients.size); } });
  const telemetryCounter = (name: string, help: string, pick: (c: { pushes: number; bytes: number }) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['client_id', 'client_instance_id'],
      registers,
      collect() {
        this.reset();
        for (const c of stats.telemetryClients.values()) this.inc({ client_id: c.clientId, client_instance_id: c.clientInstanceId }, pick(c));
      },
    });
  telemetryCounter('kafka_server_clientmetrics_pushes_total', 'PushTelemetry requests accepted, per client instance (KIP-714).', (c) => c.pushes);
  telemetryCounter('kafka_server_clientmetrics_push_bytes_total', 'Bytes of OTLP metrics pushed, per client instance (KIP-714).', (c) => c.bytes);
}

/** The KIP-714 clients that pushed telemetry, as a text table (GET /telemetry). */
export function renderTelemetryClients(stats: BrokerStats, nowMs: number): string {
  const rows = [...stats.telemetryClients.values()].sort((a, b) => (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0));
  const headers = ['CLIENT-ID', 'CLIENT-INSTANCE-ID', 'PUSHES', 'BYTES', 'LAST-PUSH-AGO-MS', 'TERMINATING'];
  const cells = rows.map((c) => [c.clientId || '-', c.clientInstanceId, String(c.pushes), String(c.bytes), String(Math.max(0, Math.round(nowMs - c.lastPushMs))), String(c.terminating)]);
  return renderTable(headers, cells) + '\n';
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
