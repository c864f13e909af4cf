// `streamctl transactions list|describe|describe-producers|find-hanging|abort` and
// `consume --isolation-level` against one broker: an open kafkajs transaction is listed and
// described with Kafka's tables; a transaction no coordinator knows (written raw) is found
// hanging, aborted by start offset, after which read_committed consumers move past it.
import { execa, type ResultPromise } from 'execa';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type EmbeddedCluster } from '../../src/embedded/start-cluster.js';
import { ApiKey } from '../../src/engine/protocol/api-keys.js';
import { buildRecordBatch } from '../../src/engine/protocol/records/record-codec.js';
import { send } from '../interop/helpers/raw-kafka.js';
import { streamctl } from './kafka-cli-helpers.js';

const KAFKAJS = fileURLToPath(new URL('../interop/fixtures/kafkajs_txn.mjs', import.meta.url));

describe('streamctl transactions', () => {
  let cluster: EmbeddedCluster;
  let hung: ResultPromise | undefined;
  const b = () => ['--bootstrap-server', cluster.bootstrapServers];

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 1, config: { 'transaction.state.log.num.partitions': 3, 'offsets.topic.num.partitions': 3 } });
    await cluster.createTopic('open', { partitions: 1 });
    await cluster.createTopic('stuck', { partitions: 1 });
    hung = execa('node', [KAFKAJS, 'hang', cluster.bootstrapServers, 'open', 'open-txn', '60000'], { reject: false });
    await new Promise<void>((resolve, reject) => {
      hung!.stdout!.on('data', (d: Buffer) => String(d).includes('"sent"') && resolve());
      void hung!.then((r) => reject(new Error(`hang exited: ${String(r.stderr)}`)));
    });
  }, 60_000);
  afterAll(async () => {
    hung?.kill('SIGKILL');
    await hung;
    await cluster?.stop();
  });

  it('lists and describes an open transaction with Kafka texts', async () => {
    const list = await streamctl(['transactions', 'list', ...b()]);
    expect(list.exitCode, list.stderr).toBe(0);
    const lines = list.stdout.split('\n');
    expect(lines[0]).toBe('TransactionalId\tCoordinator\tProducerId\tTransactionState\t');
    expect(lines.some((l) => /^open-txn\s+\t1\s+\t\d+\s*\tOngoing\s*\t$/.test(l))).toBe(true);
    const d = await streamctl(['transactions', 'describe', '--transactional-id', 'open-txn', '--json', ...b()]);
    expect(d.exitCode, d.stderr).toBe(0);
    expect(JSON.parse(d.stdout).transaction).toMatchObject({ coordinatorId: 1, transactionalId: 'open-txn', transactionState: 'Ongoing', transactionTimeoutMs: 60000, topicPartitions: ['open-0'] });
    const text = await streamctl(['transactions', 'describe', '--transactional-id', 'open-txn', ...b()]);
    expect(text.stdout.split('\n')[0]).toBe(
      'CoordinatorId\tTransactionalId\tProducerId\tProducerEpoch\tTransactionState\tTransactionTimeoutMs\tCurrentTransactionStartTimeMs\tTransactionDurationMs\tTopicPartitions\t',
    );
    const missing = await streamctl(['transactions', 'describe', '--transactional-id', 'nope', ...b()]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('Failed to describe transaction state of transactional-id `nope`');
  }, 30_000);

  it('finds a hanging transaction, aborts it by start offset, and read_committed reads past it', async () => {
    const port = Number(cluster.brokers[0]!.split(':')[1]);
    // A transaction no coordinator knows: only `transactions abort` can end it.
    const records = buildRecordBatch([{ key: null, value: Buffer.from('orphan'), timestamp: BigInt(Date.now() - 120_000) }], { producerId: 777n, producerEpoch: 0, baseSequence: 0, transactional: true });
    const res = await send(port, ApiKey.Produce, 9, { transactionalId: 'orphan', acks: -1, timeoutMs: 5000, topicData: [{ name: 'stuck', partitionData: [{ index: 0, records }] }] });
    expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    const plain = await streamctl(['produce', '--topic', 'stuck', ...b()], { input: 'after\n' });
    expect(plain.exitCode, plain.stderr).toBe(0);

    const producers = await streamctl(['transactions', 'describe-producers', '--topic', 'stuck', '--partition', '0', '--json', ...b()]);
    expect(JSON.parse(producers.stdout).producers).toContainEqual(expect.objectContaining({ producerId: '777', currentTransactionStartOffset: '0' }));
    const committedBefore = await streamctl(['consume', '--topic', 'stuck', '--from-beginning', '--isolation-level', 'read_committed', '--timeout-ms', '1500', ...b()]);
    expect(committedBefore.stdout).toBe('');

    const hanging = await streamctl(['transactions', 'find-hanging', '--broker-id', '1', '--max-transaction-timeout', '1', '--json', ...b()]);
    expect(hanging.exitCode, hanging.stderr).toBe(0);
    expect(JSON.parse(hanging.stdout).hanging).toEqual([expect.objectContaining({ topic: 'stuck', partition: 0, producerId: '777', startOffset: '0', durationMinutes: 2 })]);

    const abort = await streamctl(['transactions', 'abort', '--topic', 'stuck', '--partition', '0', '--start-offset', '0', ...b()]);
    expect(abort.exitCode, abort.stderr).toBe(0);
    const none = await streamctl(['transactions', 'find-hanging', '--broker-id', '1', '--max-transaction-timeout', '1', ...b()]);
    expect(none.stdout).toBe('Topic\tPartition\tProducerId\tProducerEpoch\tCoordinatorEpoch\tStartOffset\tLastTimestamp\tDuration(min)\t\n');
    const committed = await streamctl(['consume', '--topic', 'stuck', '--from-beginning', '--isolation-level', 'read_committed', '--max-messages', '1', ...b()]);
    expect(committed.stdout).toBe('after\n');
    const uncommitted = await streamctl(['consume', '--topic', 'stuck', '--from-beginning', '--isolation-level', 'read_uncommitted', '--max-messages', '2', ...b()]);
    expect(uncommitted.stdout).toBe('orphan\nafter\n');
    const again = await streamctl(['transactions', 'abort', '--topic', 'stuck', '--partition', '0', '--start-offset', '0', ...b()]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('Could not find any open transactions starting at offset 0 on partition stuck-0');
  }, 60_000);
});
