// Every /metrics endpoint of a running cluster (controller, broker, nimbus, the workers of
// the word-count topology), listed by cluster status and parsed with a strict Prometheus
// text parser; broker counters match what was produced; KIP-714 pushes are counted per
// client. One cluster for the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type EmbeddedCluster } from '../../../src/embedded/start-cluster.js';
import { clusterStatus, type MetricsEndpoint } from '../../../src/engine/cluster/local-cluster.js';
import { silentLogger } from '../../../src/engine/common/logger.js';
import { KafkaConnection } from '../../../src/engine/network/connection.js';
import { ApiKey } from '../../../src/engine/protocol/api-keys.js';
import { ZERO_UUID } from '../../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { parsePrometheusText, sampleValue, type PromFamily } from '../../helpers/prom-text.js';
import { waitFor } from '../../helpers/wait-for.js';
import { readFileSync } from 'node:fs';
import { TopologyClient } from '../../../src/engine/runtime/topology-client.js';
import { streamctl } from '../../commands/kafka-cli-helpers.js';
import { Connection, getTelemetrySubscriptionsV0, pushTelemetryV0 } from '@platformatic/kafka';

const WORD_COUNT = new URL('../../../templates/word-count/topology.ts', import.meta.url).pathname;
let cluster: EmbeddedCluster;
let endpoints: MetricsEndpoint[];

async function scrape(url: string): Promise<Map<string, PromFamily>> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

function url(process: string): string {
  const e = endpoints.find((x) => x.process === process);
  if (!e) throw new Error(`no metrics endpoint listed for ${process}: ${JSON.stringify(endpoints)}`);
  return e.url;
}

beforeAll(async () => {
  cluster = await startCluster({ brokers: 1, storm: true, slots: 2 });
  await cluster.createTopic('sentences', { partitions: 2 });
  await cluster.createTopic('word-counts', { partitions: 1 });
  await cluster.createTopic('metered', { partitions: 3 });
  endpoints = (await clusterStatus(cluster.dir)).metrics;
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('metrics endpoints', () => {
  it('lists an endpoint for the controller, every broker, nimbus and every worker slot', () => {
    expect(endpoints.map((e) => e.process)).toEqual(['controller', 'broker 1', 'nimbus', expect.stringMatching(/^worker supervisor-1:\d+$/), expect.stringMatching(/^worker supervisor-1:\d+$/)]);
    for (const e of endpoints) expect(e.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  });

  it('counts every record produced to a topic in kafka_server_brokertopicmetrics_messagesin_total', async () => {
    const records = Array.from({ length: 37 }, (_, i) => ({ key: `k${i % 5}`, value: `v${i}` }));
    await cluster.produce('metered', records.slice(0, 20));
    await cluster.produce('metered', records.slice(20));
    const m = await scrape(url('broker 1'));
    expect(m.get('kafka_server_brokertopicmetrics_messagesin_total')?.type).toBe('counter');
    expect(sampleValue(m, 'kafka_server_brokertopicmetrics_messagesin_total', { topic: 'metered' })).toBe(37);
    expect(sampleValue(m, 'kafka_server_brokertopicmetrics_bytesin_total', { topic: 'metered' })).toBeGreaterThan(37 * 3);
    const read = await cluster.readTopic('metered');
    expect(read).toHaveLength(37);
    const after = await scrape(url('broker 1'));
    expect(sampleValue(after, 'kafka_server_brokertopicmetrics_bytesout_total', { topic: 'metered' })).toBeGreaterThan(0);
    expect(sampleValue(after, 'kafka_network_requestmetrics_requests_total', { request: 'Produce' })).toBeGreaterThanOrEqual(2);
    const p50 = sampleValue(after, 'kafka_network_requestmetrics_totaltimems', { request: 'Produce', quantile: '0.50' })!;
    const p99 = sampleValue(after, 'kafka_network_requestmetrics_totaltimems', { request: 'Produce', quantile: '0.99' })!;
    expect(p50).toBeGreaterThanOrEqual(0);
    expect(p99).toBeGreaterThanOrEqual(p50);
    expect(sampleValue(after, 'kafka_network_requestmetrics_totaltimems_count', { request: 'Produce' })).toBeGreaterThanOrEqual(2);
    expect(sampleValue(after, 'kafka_server_replicamanager_partitioncount')).toBeGreaterThanOrEqual(6);
    expect(sampleValue(after, 'kafka_server_replicamanager_leadercount')).toBe(sampleValue(after, 'kafka_server_replicamanager_partitioncount'));
    expect(sampleValue(after, 'kafka_server_replicamanager_underreplicatedpartitions')).toBe(0);
    expect(sampleValue(after, 'kafka_log_log_size', { topic: 'metered', partition: '0' })).toBeGreaterThanOrEqual(0);
    expect(sampleValue(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('serves the controller, nimbus and the workers of a running topology with Storm\'s metric names', async () => {
    const topology = await cluster.submitTopology(WORD_COUNT, { name: 'wc' });
    await cluster.produce('sentences', ['the cat sat', 'on the mat', 'the end']);
    await topology.waitForProcessed('count', 8, { timeoutMs: 30_000 });
    const controller = await scrape(url('controller'));
    expect(sampleValue(controller, 'kafka_controller_kafkacontroller_activebrokercount')).toBe(1);
    expect(sampleValue(controller, 'kafka_controller_kafkacontroller_offlinepartitionscount')).toBe(0);
    expect(sampleValue(controller, 'kafka_controller_kafkacontroller_globaltopiccount')).toBeGreaterThanOrEqual(3);
    const nimbus = await scrape(url('nimbus'));
    expect(sampleValue(nimbus, 'storm_topology_status', { topology: 'wc', status: 'ACTIVE' })).toBe(1);
    expect(sampleValue(nimbus, 'storm_cluster_num_supervisors')).toBe(1);
    // Each worker slot serves while a worker runs in it; the topology's executors are spread over them.
    const executed = await waitFor('the count bolt\'s executions in the workers\' metrics', async () => {
      let total = 0;
      let served = 0;
      for (const e of endpoints.filter((x) => x.process.startsWith('worker '))) {
        const res = await fetch(e.url, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
        if (!res) continue;
        served++;
        const m = parsePrometheusText(await res.text());
        for (const s of m.get('storm_execute_count_total')?.samples ?? []) if (s.labels.topology === 'wc' && s.labels.component === 'count') total += s.value;
        if (m.has('storm_capacity')) expect(m.get('storm_capacity')!.type).toBe('gauge');
        for (const s of m.get('storm_execute_latency_ms')?.samples ?? []) expect(Number(s.labels.task)).toBeGreaterThan(0);
      }
      return served > 0 && total >= 8 ? total : undefined;
    });
    expect(executed).toBe(8);
  });

  it('accepts KIP-714 telemetry and counts pushes per client', async () => {
    const port = Number(cluster.brokers[0]!.split(':')[1]);
    const conn = await KafkaConnection.connect({ host: '127.0.0.1', port, clientId: 'telemetry-app', logger: silentLogger, connectTimeoutMs: 2000, requestTimeoutMs: 5000 });
    try {
      const sub = await conn.send(ApiKey.GetTelemetrySubscriptions, 0, { clientInstanceId: ZERO_UUID });
      expect(sub.errorCode).toBe(ErrorCode.NONE);
      expect(sub.clientInstanceId).not.toBe(ZERO_UUID);
      expect(sub.requestedMetrics).toEqual(['']);
      const push = (metrics: Buffer, subscriptionId = sub.subscriptionId) =>
        conn.send(ApiKey.PushTelemetry, 0, { clientInstanceId: sub.clientInstanceId, subscriptionId, terminating: false, compressionType: 0, metrics });
      expect((await push(Buffer.from([0x0a, 0x03, 0x0a, 0x01, 0x00]))).errorCode).toBe(ErrorCode.NONE);
      expect((await push(Buffer.from('not protobuf at all'))).errorCode).toBe(ErrorCode.NONE);
      expect((await push(Buffer.alloc(1), sub.subscriptionId + 1)).errorCode).toBe(ErrorCode.UNKNOWN_SUBSCRIPTION_ID);
      const m = await scrape(url('broker 1'));
      expect(sampleValue(m, 'kafka_server_clientmetrics_pushes_total', { client_id: 'telemetry-app', client_instance_id: sub.clientInstanceId })).toBe(2);
      expect(sampleValue(m, 'kafka_server_clientmetrics_instancecount')).toBe(1);
      const listing = await (await fetch(url('broker 1').replace('/metrics', '/telemetry'))).text();
      expect(listing).toMatch(new RegExp(`^CLIENT-ID +CLIENT-INSTANCE-ID +PUSHES.*\\ntelemetry-app +${sub.clientInstanceId.replace(/[-_]/g, '\\$&')} +2 +24 `));
    } finally {
      conn.close();
    }
  });
});

describe('KIP-714 from a real client library', () => {
  it('answers @platformatic/kafka\'s GetTelemetrySubscriptions and PushTelemetry and counts the push', async () => {
    const port = Number(cluster.brokers[0]!.split(':')[1]);
    const conn = new Connection('platformatic-telemetry');
    await conn.connect('127.0.0.1', port);
    try {
      const sub = await getTelemetrySubscriptionsV0.api.async(conn, null);
      expect(sub.errorCode).toBe(0);
      expect(sub.pushIntervalMs).toBe(30_000);
      const pushed = await pushTelemetryV0.api.async(conn, sub.clientInstanceId, sub.subscriptionId, true, 0, Buffer.from([0x0a, 0x00]));
      expect(pushed.errorCode).toBe(0);
      const instance = Buffer.from(sub.clientInstanceId.replaceAll('-', ''), 'hex').toString('base64url');
      const m = await scrape(url('broker 1'));
      expect(sampleValue(m, 'kafka_server_clientmetrics_pushes_total', { client_id: 'platformatic-telemetry', client_instance_id: instance })).toBe(1);
    } finally {
      await conn.close();
    }
  });
});

describe('topology errors and set-log-level on the running word count', () => {
  it('prints storm get-errors\' line with no component errors', async () => {
    const r = await streamctl(['topology', 'errors', 'wc', '--dir', cluster.dir]);
    expect(r).toMatchObject({ exitCode: 0, stdout: '{"Topology Name":"wc","Comp-Errors":{}}\n' });
  });

  it('sets a level in every worker and reverts it after the timeout', async () => {
    const r = await streamctl(['topology', 'set-log-level', 'wc', 'ROOT=DEBUG:2', '--dir', cluster.dir]);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'Sent log config ROOT=DEBUG for 2 s to topology wc\n' });
    const client = TopologyClient.fromCluster({ dir: cluster.dir, nimbusUrl: cluster.nimbusUrl! });
    const files = await client.workerLogFiles('wc');
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      await waitFor(`worker ${f.port} to set and then revert ROOT`, () => {
        const lines = readFileSync(f.logFile, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { msg: string; logger?: string; level?: string });
        const set = lines.findIndex((l) => l.msg === 'log level set' && l.logger === 'ROOT');
        return set >= 0 && lines.slice(set).some((l) => l.msg === 'log level reverted' && l.logger === 'ROOT');
      }, 15_000);
    }
    const bad = await streamctl(['topology', 'set-log-level', 'wc', 'ROOT=LOUD', '--dir', cluster.dir]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("Invalid log level setting 'ROOT=LOUD'");
  });
});
