// Replication across real broker processes (issue 3): followers copy the leader's log byte
// for byte, acks=all survives kill -9 of a leader, min.insync.replicas refuses writes, a
// lagging follower leaves the ISR and rejoins, and a diverged follower truncates to the new
// leader's log.
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaConnection } from '../../src/engine/network/connection.js';
import { ApiKey } from '../../src/engine/protocol/api-keys.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../src/engine/protocol/error-codes.js';
import { buildRecordBatch } from '../../src/engine/protocol/records/record-codec.js';
import { createTopic, logValues, metadataOf, partitionsOf, segmentFiles, startKafka, type KafkaProcesses } from './helpers/kafka-processes.js';
import { waitFor } from '../helpers/wait-for.js';

let k: KafkaProcesses | undefined;

afterEach(async () => {
  await k?.stop();
  k = undefined;
});

function partitionState(m: Message, topic: string, partition: number): Message | undefined {
  const t = (m.topics as Message[]).find((x) => x.name === topic);
  return (t?.partitions as Message[] | undefined)?.find((p) => p.partitionIndex === partition);
}

async function stateVia(k: KafkaProcesses, topic: string, partition: number): Promise<Message> {
  const p = (await partitionsOf(k, topic)).find((x) => x.partitionIndex === partition);
  if (!p) throw new Error(`no partition ${topic}-${partition} in metadata`);
  return p;
}

function logBytes(k: KafkaProcesses, brokerId: number, topic: string, partition: number): Buffer {
  return Buffer.concat(segmentFiles(k, brokerId, topic, partition).map((f) => readFileSync(f)));
}

async function produceTo(port: number, topic: string, partition: number, values: string[], acks: number): Promise<Message> {
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port });
  try {
    const records = buildRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v) })));
    const res = await conn.send(ApiKey.Produce, 9, { transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
    return (res.responses as Message[])[0]!.partitionResponses[0] as Message;
  } finally {
    conn.close();
  }
}

/** Says where acknowledged records that a consumer did not read are: in which replicas' logs, if any. */
function missingReport(k: KafkaProcesses, topic: string, partitions: number, missing: string[], read: number): string {
  const lines = [`${missing.length} not read (read ${read}), first ${missing.slice(0, 5).join(' ')}`];
  for (let p = 0; p < partitions; p++) {
    const perBroker = k.brokers.map((b) => {
      const values = new Set(logValues(k, b.id, topic, p));
      return `broker ${b.id}: ${values.size} records, ${missing.filter((v) => values.has(v)).length} of the missing`;
    });
    lines.push(`partition ${p}: ${perBroker.join('; ')}`);
  }
  return lines.join('\n');
}

describe('replication across three brokers', () => {
  it('followers hold the leader log byte for byte and acks=all completes once the ISR has the data', async () => {
    k = await startKafka({ brokers: 3 });
    await createTopic(k, 'rep', 2, 3, { 'min.insync.replicas': '2' });
    for (let partition = 0; partition < 2; partition++) {
      const leader = (await stateVia(k, 'rep', partition)).leaderId as number;
      for (let i = 0; i < 20; i++) {
        const r = await produceTo(k.broker(leader).port, 'rep', partition, Array.from({ length: 50 }, (_, j) => `p${partition}-${i}-${j}`), -1);
        expect(r.errorCode).toBe(ErrorCode.NONE);
      }
      await waitFor('followers caught up', () => {
        const ref = logBytes(k!, leader, 'rep', partition);
        return [1, 2, 3].every((id) => logBytes(k!, id, 'rep', partition).equals(ref)) && ref.length > 0;
      });
      const st = await stateVia(k, 'rep', partition);
      expect([...(st.isrNodes as number[])].sort()).toEqual([1, 2, 3]);
    }
  });

  it('an idempotent acks=all producer loses nothing when the leader is killed and comes back, and the ISR heals', async () => {
    k = await startKafka({ brokers: 3 });
    await createTopic(k, 'failover', 3, 3, { 'min.insync.replicas': '2' });
    const kafka = new Kafka({ clientId: 'failover', brokers: k.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const acked = new Set<string>();
    const victim = (await stateVia(k, 'failover', 0)).leaderId as number;
    let n = 0;
    try {
      for (let round = 0; round < 60; round++) {
        if (round === 15) await k.broker(victim).kill('SIGKILL');
        if (round === 40) await k.broker(victim).start();
        const values = Array.from({ length: 50 }, () => `m${n++}`);
        // One partition per send: kafkajs keeps a send's retry state per broker, not per
        // partition, so a send spanning partitions whose leaders move mid-retry can skip,
        // repeat or reorder a partition's batch (client-side; no broker can tell).
        await producer.send({ topic: 'failover', acks: -1, messages: values.map((value) => ({ key: value, value, partition: round % 3 })) });
        for (const v of values) acked.add(v);
      }
    } finally {
      await producer.disconnect();
    }
    // The ISR returns to all three replicas.
    for (let p = 0; p < 3; p++) {
      await waitFor(`ISR of partition ${p} healed`, async () => ((await stateVia(k!, 'failover', p)).isrNodes as number[]).length === 3, 40_000, 200);
    }
    const consumer = kafka.consumer({ groupId: 'failover-check' });
    await consumer.connect();
    const seen = new Map<string, number>();
    const lastOffset = new Map<number, bigint>();
    let outOfOrder = 0;
    try {
      await consumer.subscribe({ topic: 'failover', fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          const v = message.value!.toString();
          seen.set(v, (seen.get(v) ?? 0) + 1);
          const off = BigInt(message.offset);
          if ((lastOffset.get(partition) ?? -1n) >= off) outOfOrder++;
          lastOffset.set(partition, off);
        },
      });
      try {
        await waitFor('every acknowledged record read', () => [...acked].every((v) => seen.has(v)), 40_000, 100);
      } catch (e) {
        throw new Error(`${(e as Error).message}: ${missingReport(k, 'failover', 3, [...acked].filter((v) => !seen.has(v)), seen.size)}`, { cause: e });
      }
    } finally {
      await consumer.disconnect();
    }
    expect(outOfOrder).toBe(0);
    expect([...seen.values()].filter((c) => c > 1)).toEqual([]);
  });

  it('with two of three brokers down acks=all fails with NOT_ENOUGH_REPLICAS and nothing acknowledged is lost', async () => {
    k = await startKafka({ brokers: 3 });
    await createTopic(k, 'minisr', 1, 3, { 'min.insync.replicas': '2' });
    const leader = (await stateVia(k, 'minisr', 0)).leaderId as number;
    const ok = await produceTo(k.broker(leader).port, 'minisr', 0, ['a', 'b', 'c'], -1);
    expect(ok.errorCode).toBe(ErrorCode.NONE);
    const others = [1, 2, 3].filter((id) => id !== leader);
    for (const id of others) await k.broker(id).kill('SIGKILL');
    await waitFor('ISR shrunk to the leader', async () => ((await stateVia(k!, 'minisr', 0)).isrNodes as number[]).length === 1, 30_000, 200);
    const refused = await waitFor('NOT_ENOUGH_REPLICAS', async () => {
      const r = await produceTo(k!.broker(leader).port, 'minisr', 0, ['d'], -1);
      return r.errorCode === ErrorCode.NOT_ENOUGH_REPLICAS ? r : undefined;
    });
    expect(refused.errorMessage).toContain('min.isr');
    // acks=1 still works, and the acknowledged acks=all records are still there.
    const one = await produceTo(k.broker(leader).port, 'minisr', 0, ['e'], 1);
    expect(one.errorCode).toBe(ErrorCode.NONE);
    expect(one.baseOffset).toBe(3n);
  });

  it('a follower that stops fetching leaves the ISR and rejoins once caught up', async () => {
    k = await startKafka({ brokers: 2, settings: { 'replica.lag.time.max.ms': '1500' }, controllerSettings: { 'broker.session.timeout.ms': '60000' } });
    await createTopic(k, 'lag', 1, 2);
    const st = await stateVia(k, 'lag', 0);
    const leader = st.leaderId as number;
    const follower = leader === 1 ? 2 : 1;
    const fpid = k.broker(follower).pid()!;
    process.kill(fpid, 'SIGSTOP');
    try {
      await produceTo(k.broker(leader).port, 'lag', 0, ['x1', 'x2'], 1);
      await waitFor('follower out of the ISR', async () => {
        const p = partitionState(await metadataOf(k!.broker(leader).port), 'lag', 0);
        return (p?.isrNodes as number[]).length === 1;
      }, 20_000, 100);
      // With the ISR down to the leader, acks=all completes without the follower.
      const r = await produceTo(k.broker(leader).port, 'lag', 0, ['x3'], -1);
      expect(r.errorCode).toBe(ErrorCode.NONE);
    } finally {
      process.kill(fpid, 'SIGCONT');
    }
    await waitFor('follower back in the ISR', async () => {
      const p = partitionState(await metadataOf(k!.broker(leader).port), 'lag', 0);
      return (p?.isrNodes as number[]).length === 2;
    }, 20_000, 100);
    await waitFor('logs equal', () => logBytes(k!, leader, 'lag', 0).equals(logBytes(k!, follower, 'lag', 0)));
  });

  it('a diverged follower truncates to the new leader log and converges byte for byte', async () => {
    // Divergence by an unclean election: the leader appends records its (dead) follower never
    // saw, dies, and the follower comes back and is elected; the old leader must truncate.
    k = await startKafka({
      brokers: 2,
      controllerSettings: { 'broker.session.timeout.ms': '2000', 'auto.leader.rebalance.enable': 'false' },
    });
    await createTopic(k, 'diverge', 1, 2, { 'unclean.leader.election.enable': 'true' });
    const oldLeader = (await stateVia(k, 'diverge', 0)).leaderId as number;
    const other = oldLeader === 1 ? 2 : 1;
    expect((await produceTo(k.broker(oldLeader).port, 'diverge', 0, ['c1', 'c2'], -1)).errorCode).toBe(ErrorCode.NONE);
    await k.broker(other).kill('SIGKILL');
    await waitFor('ISR down to the leader', async () => ((partitionState(await metadataOf(k!.broker(oldLeader).port), 'diverge', 0)?.isrNodes as number[]).length === 1), 30_000, 100);
    const r = await produceTo(k.broker(oldLeader).port, 'diverge', 0, ['lost1', 'lost2', 'lost3'], 1);
    expect(r.errorCode).toBe(ErrorCode.NONE);
    await k.broker(oldLeader).kill('SIGKILL');
    await k.broker(other).start();
    await waitFor('the other broker leads', async () => (partitionState(await metadataOf(k!.broker(other).port), 'diverge', 0)?.leaderId as number) === other, 30_000, 100);
    const n = await waitFor('produce to the new leader', async () => {
      const res = await produceTo(k!.broker(other).port, 'diverge', 0, ['n1', 'n2'], 1);
      return res.errorCode === ErrorCode.NONE ? res : undefined;
    });
    expect(n.baseOffset).toBe(2n);
    await k.broker(oldLeader).start();
    await waitFor('logs converge', () => {
      const a = logBytes(k!, other, 'diverge', 0);
      const b = logBytes(k!, oldLeader, 'diverge', 0);
      return a.length > 0 && a.equals(b);
    }, 30_000, 100);
    const converged = logBytes(k, oldLeader, 'diverge', 0);
    expect(converged.includes(Buffer.from('lost1'))).toBe(false);
    expect(converged.includes(Buffer.from('n2'))).toBe(true);
  });
});
