// Issue 3's acceptance runs, as a user would try them, against real broker processes:
// 200,000 numbered records through a kill -9 of a leader; kcat producer and consumer riding
// through a leader change without a restart; kill -9 of the controller during produce.
import { execa } from 'execa';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src/engine/protocol/codec.js';
import { createTopic, logValues, metadataOf, partitionsOf, startKafka, type KafkaProcesses } from './helpers/kafka-processes.js';
import { waitFor } from '../helpers/wait-for.js';

let k: KafkaProcesses | undefined;

afterEach(async () => {
  await k?.stop();
  k = undefined;
});

async function waitForFullIsr(k: KafkaProcesses, topic: string, replicas: number): Promise<void> {
  await waitFor(`full ISR for ${topic}`, async () => (await partitionsOf(k, topic)).every((p) => (p.isrNodes as number[]).length === replicas), 60_000, 200);
}

function kafkaFor(k: KafkaProcesses): Kafka {
  return new Kafka({ clientId: 'acceptance', brokers: k.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 50, initialRetryTime: 100, maxRetryTime: 1000 } });
}

/**
 * Reads until at least `atLeast` records are there: right after a leader change the new
 * leader's high watermark (a consumer's "end") trails until its followers fetch again.
 */
async function readAtLeast(k: KafkaProcesses, topic: string, atLeast: number): Promise<Map<number, number[]>> {
  let last = new Map<number, number[]>();
  try {
    return await waitFor(`${atLeast} records readable in ${topic}`, async () => {
      last = await readAll(k, topic);
      return [...last.values()].reduce((a, l) => a + l.length, 0) >= atLeast ? last : undefined;
    }, 30_000, 250);
  } catch {
    return last; // the assertions that follow say what is missing
  }
}

/** Reads every partition from the beginning to its end with kcat: `partition number` lines. */
async function readAll(k: KafkaProcesses, topic: string): Promise<Map<number, number[]>> {
  const { stdout } = await execa('kcat', ['-C', '-b', k.bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p %s\n'], { timeout: 60_000, maxBuffer: 1 << 28 });
  const byPartition = new Map<number, number[]>();
  for (const line of stdout.split('\n')) {
    if (!line) continue;
    const [p, v] = line.split(' ');
    const list = byPartition.get(Number(p)) ?? [];
    list.push(Number(v));
    byPartition.set(Number(p), list);
  }
  return byPartition;
}

describe('failover acceptance (issue 3)', () => {
  it('200,000 numbered records through kill -9 and restart of a leader: every acknowledged record once, in order per partition, and the ISR heals', async () => {
    k = await startKafka({ brokers: 3, controllerSettings: { 'broker.session.timeout.ms': '3000' } });
    await createTopic(k, 'numbered', 6, 3, { 'min.insync.replicas': '2' });
    const victim = (await partitionsOf(k, 'numbered'))[0]!.leaderId as number;
    const producer: Producer = kafkaFor(k).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const total = 200_000;
    const perSend = 2_000;
    let acked = 0;
    try {
      for (let n = 0; n < total; n += perSend) {
        if (n === 60_000) await k.broker(victim).kill('SIGKILL');
        if (n === 140_000) await k.broker(victim).start();
        // One partition per send (round robin over the 6): kafkajs keeps a send's retry state
        // per broker, not per partition, so a send spanning partitions whose leaders move
        // mid-retry can skip, repeat or reorder a partition's batch, which no broker can tell.
        const partition = (n / perSend) % 6;
        const messages = Array.from({ length: perSend }, (_, i) => ({ key: `k${(n + i) % 600}`, value: String(n + i), partition }));
        await producer.send({ topic: 'numbered', acks: -1, messages });
        acked = n + perSend;
      }
    } finally {
      await producer.disconnect();
    }
    expect(acked).toBe(total);
    await waitForFullIsr(k, 'numbered', 3);
    const byPartition = await readAtLeast(k, 'numbered', total);
    expect([...byPartition.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const seen = new Set<number>();
    for (const [partition, numbers] of byPartition) {
      for (let i = 1; i < numbers.length; i++) {
        if (numbers[i]! <= numbers[i - 1]!) {
          // Say whether the log itself holds the record twice or only the read repeated it.
          throw new Error(`partition ${partition}: ${numbers[i]} after ${numbers[i - 1]}; kcat read ${numbers.length} records, the replicas' logs hold ${k!.brokers.map((b) => logValues(k!, b.id, 'numbered', partition).length).join(' / ')}`);
        }
      }
      for (const n of numbers) seen.add(n);
    }
    expect(seen.size).toBe(total);
    expect([...byPartition.values()].reduce((a, l) => a + l.length, 0)).toBe(total);
  }, 150_000);

  it('kcat producing and consuming rides through a leader change without being restarted', async () => {
    k = await startKafka({ brokers: 3, controllerSettings: { 'broker.session.timeout.ms': '3000' } });
    await createTopic(k, 'ride', 1, 3, { 'min.insync.replicas': '2' });
    const victim = (await partitionsOf(k, 'ride'))[0]!.leaderId as number;
    // kcat reads stdin in blocks and holds a partial block back until more input or EOF,
    // so each step writes 10,000 lines and waits for most of them.
    const total = 30_000;
    const expected = Array.from({ length: total }, (_, i) => `r${i}`);
    // No -c: kcat counts events, not printed records, so the test reads until it has enough.
    const consumer = execa('kcat', ['-C', '-b', k.bootstrap, '-t', 'ride', '-o', 'beginning', '-u', '-q', '-f', '%s\n'], { timeout: 140_000, reject: false });
    const producer = execa('kcat', ['-P', '-b', k.bootstrap, '-t', 'ride', '-X', 'acks=all', '-X', 'enable.idempotence=true', '-X', 'linger.ms=1'], { timeout: 140_000, reject: false });
    const write = (from: number, to: number) => {
      const lines = [];
      for (let i = from; i < to; i++) lines.push(`r${i}`);
      producer.stdin!.write(lines.join('\n') + '\n');
    };
    let out = '';
    consumer.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    // Complete lines only: a chunk can end mid-line.
    const consumed = () => out.slice(0, out.lastIndexOf('\n') + 1).split('\n').filter(Boolean);
    try {
      write(0, 10_000);
      await waitFor('first records consumed', () => consumed().length >= 9_000, 30_000, 100);
      await k.broker(victim).kill('SIGKILL');
      write(10_000, 20_000);
      // The same consumer process goes on reading from the newly elected leader.
      await waitFor('records produced to the new leader consumed', () => consumed().length >= 19_000, 60_000, 100);
    } finally {
      consumer.kill();
      await consumer;
    }
    const seen = consumed();
    expect(seen).toEqual(expected.slice(0, seen.length));
    // The producer rides on through the old leader's return (and the preferred leader
    // election that follows); everything is there once, in order.
    await k.broker(victim).start();
    write(20_000, total);
    producer.stdin!.end();
    const p = await producer;
    expect(p.exitCode, p.stderr).toBe(0);
    await waitForFullIsr(k, 'ride', 3);
    const all = await waitFor('every record readable', async () => {
      const { stdout } = await execa('kcat', ['-C', '-b', k!.bootstrap, '-t', 'ride', '-o', 'beginning', '-e', '-q', '-f', '%s\n'], { timeout: 60_000 });
      const lines = stdout.split('\n').filter(Boolean);
      return lines.length >= total ? lines : undefined;
    }, 30_000, 250);
    expect(all).toEqual(expected);
  }, 150_000);

  it('kill -9 of the controller during produce: produce and consume go on, and once it is back a broker death still moves leadership', async () => {
    k = await startKafka({ brokers: 3, controllerSettings: { 'broker.session.timeout.ms': '3000' } });
    await createTopic(k, 'headless', 3, 3, { 'min.insync.replicas': '2' });
    const kafka = kafkaFor(k);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    let n = 0;
    let sends = 0;
    const send = async (count: number) => {
      // One partition per send (see the first test for why).
      const partition = sends++ % 3;
      const messages = Array.from({ length: count }, () => ({ key: `k${n % 30}`, value: String(n++), partition }));
      await producer.send({ topic: 'headless', acks: -1, messages });
    };
    try {
      await send(500);
      await k.controller.kill('SIGKILL');
      for (let i = 0; i < 10; i++) await send(100);
      expect((await readAll(k, 'headless')).size).toBe(3);
      await k.controller.start();
      await waitFor('brokers registered again', async () => ((await metadataOf(k!.broker(1).port)).brokers as Message[]).length === 3, 30_000, 200);
      const before = await partitionsOf(k, 'headless');
      const victim = before[0]!.leaderId as number;
      await k.broker(victim).kill('SIGKILL');
      await waitFor('leadership moved off the dead broker', async () => (await partitionsOf(k!, 'headless')).every((p) => p.leaderId !== victim && (p.leaderId as number) >= 0), 30_000, 200);
      for (let i = 0; i < 5; i++) await send(100);
    } finally {
      await producer.disconnect();
    }
    const numbers = [...(await readAtLeast(k, 'headless', n)).values()].flat().sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: n }, (_, i) => i));
  }, 150_000);
});
