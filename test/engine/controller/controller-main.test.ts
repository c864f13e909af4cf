import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { findFreeBasePort } from '../../../src/engine/cluster/ports.js';
import { KafkaConnection } from '../../../src/engine/network/connection.js';
import { ApiKey } from '../../../src/engine/protocol/api-keys.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';

const MAIN = fileURLToPath(new URL('../../../dist/engine/controller/controller-main.js', import.meta.url));

let dir: string;
let child: ResultPromise | undefined;
let conn: KafkaConnection | undefined;
let port: number;

async function startController(): Promise<void> {
  const configPath = join(dir, 'controller.json');
  writeFileSync(configPath, JSON.stringify({ clusterId: 'test-cluster', host: '127.0.0.1', port, dataDir: join(dir, 'data'), logFile: join(dir, 'controller.log'), settings: { 'num.partitions': '2' } }));
  child = execa('node', [MAIN, configPath], { reject: false });
  conn = await waitFor('the controller listening', () => KafkaConnection.connect({ host: '127.0.0.1', port, connectTimeoutMs: 500 }), 15_000);
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'controller-main-'));
  port = (await findFreeBasePort({ brokers: 1, supervisors: 0, slotsPerSupervisor: 1 })) + 100;
  await startController();
});

afterEach(async () => {
  conn?.close();
  child?.kill('SIGKILL');
  await child;
  rmSync(dir, { recursive: true, force: true });
});

async function registerBroker(id: number): Promise<void> {
  const reg = await conn!.send(ApiKey.BrokerRegistration, 4, {
    brokerId: id, clusterId: 'test-cluster', incarnationId: 'AAAAAAAAAAAAAAAAAAAAAQ',
    listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 1000 + id, securityProtocol: 0 }], features: [], rack: null,
  });
  expect(reg.errorCode).toBe(0);
  const hb = await conn!.send(ApiKey.BrokerHeartbeat, 1, { brokerId: id, brokerEpoch: reg.brokerEpoch, currentMetadataOffset: 1n, wantFence: false, wantShutDown: false });
  expect(hb).toMatchObject({ errorCode: 0, isFenced: false });
}

describe('controller-main', () => {
  it('advertises the controller APIs in ApiVersions', async () => {
    const res = await conn!.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    const keys = (res.apiKeys as { apiKey: number }[]).map((k) => k.apiKey);
    for (const k of [ApiKey.Metadata, ApiKey.CreateTopics, ApiKey.BrokerRegistration, ApiKey.BrokerHeartbeat, ApiKey.AlterPartition, ApiKey.DescribeConfigs]) {
      expect(keys).toContain(k);
    }
  });

  it('creates a topic over the wire and lists it in Metadata with its id', async () => {
    await registerBroker(1);
    const created = await conn!.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'wire', numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false });
    // The registered "broker" here listens nowhere, so the push cannot reach it: the topic is
    // created, and the answer says not every live broker applied it in time (as Kafka does).
    expect(created.topics[0]).toMatchObject({ name: 'wire', errorCode: ErrorCode.REQUEST_TIMED_OUT, numPartitions: 2, replicationFactor: 1 });
    const md = await conn!.send(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(md.topics[0]).toMatchObject({ name: 'wire', topicId: created.topics[0]?.topicId });
    expect(md.topics[0]!.partitions.map((p: { leaderId: number }) => p.leaderId)).toEqual([1, 1]);
  });

  it('answers a too-large replication factor with INVALID_REPLICATION_FACTOR on the wire', async () => {
    await registerBroker(1);
    const res = await conn!.send(ApiKey.CreateTopics, 4, { topics: [{ name: 'x', numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false });
    expect(res.topics[0]).toMatchObject({ errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, errorMessage: 'Replication factor: 3 larger than available brokers: 1.' });
  });

  it('keeps its topics after kill -9 and a restart', async () => {
    await registerBroker(1);
    await conn!.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'kept', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false });
    conn!.close();
    child!.kill('SIGKILL');
    await child;
    await startController();
    const md = await conn!.send(ApiKey.Metadata, 12, { topics: [{ name: 'kept', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(md.topics[0]).toMatchObject({ name: 'kept', errorCode: 0 });
  });
});
