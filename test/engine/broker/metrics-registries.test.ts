// The metric registries (broker, controller, nimbus, worker) against fake sources: their text
// is valid exposition (strict parser), the names follow the JMX exporter / Storm conventions,
// and the Grafana template only charts metrics some process exports.
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerBrokerMetrics } from '../../../src/engine/broker/broker-metrics.js';
import { BrokerStats } from '../../../src/engine/broker/broker-stats.js';
import type { Partition } from '../../../src/engine/broker/partition.js';
import { registerControllerMetrics } from '../../../src/engine/controller/controller-metrics.js';
import type { MetadataStore } from '../../../src/engine/controller/metadata-store.js';
import type { Group } from '../../../src/engine/coordinator/group.js';
import { newProcessRegistry } from '../../../src/engine/common/metrics-server.js';
import { registerNimbusMetrics, registerWorkerMetrics } from '../../../src/engine/runtime/metrics/storm-metrics.js';
import { parsePrometheusText, sampleValue } from '../../helpers/prom-text.js';

function brokerRegistry(stats: BrokerStats): Registry {
  const registry = new Registry();
  const partition = { topic: 'orders', partition: 0, isLeader: true, isr: [1], replicas: [1, 2], log: { size: 4096 } } as unknown as Partition;
  const group = { groupId: 'billing', state: 'Stable', offsets: new Map([['orders', new Map([[0, { offset: 7n }]])]]) } as unknown as Group;
  registerBrokerMetrics(registry, { stats, partitions: () => [partition], topicExists: (t) => t === 'orders', groups: () => [group], highWatermark: () => 10n });
  return registry;
}

describe('broker metrics', () => {
  it('exposes counters, request quantiles, replica state, log size, groups and lag with the JMX exporter names', async () => {
    let now = 0;
    const stats = new BrokerStats(() => now);
    stats.topic('orders').messagesIn = 37;
    stats.topic('gone').messagesIn = 5;
    for (const ms of [1, 2, 3, 50]) {
      now += ms;
      stats.requestDone(0, 9, now - ms);
    }
    stats.isrShrinks = 2;
    const m = parsePrometheusText(await brokerRegistry(stats).metrics());
    expect(sampleValue(m, 'kafka_server_brokertopicmetrics_messagesin_total', { topic: 'orders' })).toBe(37);
    expect(sampleValue(m, 'kafka_server_brokertopicmetrics_messagesin_total', { topic: 'gone' })).toBeUndefined();
    expect(sampleValue(m, 'kafka_network_requestmetrics_requests_total', { request: 'Produce', version: '9' })).toBe(4);
    expect(sampleValue(m, 'kafka_network_requestmetrics_totaltimems', { request: 'Produce', quantile: '0.50' })).toBeCloseTo(2, 1);
    expect(sampleValue(m, 'kafka_network_requestmetrics_totaltimems', { request: 'Produce', quantile: '0.99' })).toBe(50);
    expect(sampleValue(m, 'kafka_network_requestmetrics_totaltimems_count', { request: 'Produce' })).toBe(4);
    expect(sampleValue(m, 'kafka_server_replicamanager_underreplicatedpartitions')).toBe(1);
    expect(sampleValue(m, 'kafka_server_replicamanager_isrshrinks_total')).toBe(2);
    expect(sampleValue(m, 'kafka_log_log_size', { topic: 'orders', partition: '0' })).toBe(4096);
    expect(sampleValue(m, 'kafka_coordinator_group_groupmetadatamanager_numgroupsstable')).toBe(1);
    expect(sampleValue(m, 'kafka_consumergroup_lag', { consumergroup: 'billing', topic: 'orders', partition: '0' })).toBe(3);
  });
});

describe('the Grafana template', () => {
  it('charts only metrics that a streamctl process exports', async () => {
    const names = new Set<string>();
    const add = async (r: Registry) => parsePrometheusText(await r.metrics()).forEach((f) => names.add(f.name));
    const stats = new BrokerStats();
    stats.telemetryPush({ clientInstanceId: 'x', clientId: 'c', bytes: 1, compressionType: 0, terminating: false, nowMs: 0 });
    const broker = brokerRegistry(stats);
    await add(broker);
    const controller = new Registry();
    const store = { listBrokers: () => [], listTopics: () => [] } as unknown as MetadataStore;
    registerControllerMetrics(controller, () => store);
    await add(controller);
    const storm = new Registry();
    registerNimbusMetrics(storm, {
      cluster: () => ({ stormVersion: '', nimbusUptime: '', nimbusUptimeSeconds: 0, supervisors: 1, topologies: 0, slotsTotal: 4, slotsUsed: 0, slotsFree: 4, executorsTotal: 0, tasksTotal: 0, schedulerDisplayResource: false }),
      topologies: () => [],
    });
    const lat = { count: 1, meanMs: 1, p50Ms: 1, p99Ms: 1, maxMs: 1 };
    registerWorkerMetrics(storm, 'wc', () => [
      { component: 'sentences', kind: 'spout', startTask: 1, endTask: 1, emitted: { default: 3 }, transferred: { default: 3 }, acked: 3, failed: 0, executed: 0, completeLatency: lat },
      { component: 'count', kind: 'bolt', startTask: 2, endTask: 3, emitted: { default: 3 }, transferred: { default: 3 }, acked: 3, failed: 0, executed: 3, executeLatency: lat, processLatency: lat, capacity: 0.5 },
    ]);
    await add(storm);
    const stormText = parsePrometheusText(await storm.metrics());
    expect(sampleValue(stormText, 'storm_capacity', { topology: 'wc', component: 'count', task: '2-3' })).toBe(0.5);
    await add(newProcessRegistry());
    const dashboard = readFileSync(new URL('../../../templates/grafana/streamctl-dashboard.json', import.meta.url), 'utf8');
    const used = new Set([...dashboard.matchAll(/\b((?:kafka|storm|process)_[a-z_]+)/g)].map((m) => m[1]!));
    expect(used.size).toBeGreaterThan(15);
    expect([...used].filter((n) => !names.has(n))).toEqual([]);
  });
});
