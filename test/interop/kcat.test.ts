// kcat (librdkafka) against real controller + broker processes: metadata listing, 100,000
// keyed records with headers per compression codec read back byte-identical and in order
// per partition, and ListOffsets by timestamp (-Q).
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopic, startKafka, type KafkaProcesses } from './helpers/kafka-processes.js';

const KCAT = '/usr/bin/kcat';
let k: KafkaProcesses;

beforeAll(async () => {
  k = await startKafka({ brokers: 1 });
}, 60_000);

afterAll(async () => {
  await k?.stop();
});

describe('kcat against one broker', () => {
  it('kcat -L lists the broker and the topics', async () => {
    await createTopic(k, 'listed', 3);
    const { stdout } = await execa(KCAT, ['-L', '-b', k.bootstrap]);
    expect(stdout).toContain(`broker 1 at 127.0.0.1:${k.broker(1).port}`);
    expect(stdout).toContain('topic "listed" with 3 partitions');
    expect(stdout).toMatch(/partition 0, leader 1, replicas: 1, isrs: 1/);
  });

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`100,000 records produced with kcat -z ${codec} come back byte-identical and in order per partition`, async () => {
      const topic = `codec-${codec}`;
      await createTopic(k, topic, 3);
      const count = 100_000;
      const lines: string[] = [];
      for (let i = 0; i < count; i++) lines.push(`key-${i % 97}:value-${i}-${'x'.repeat(i % 50)}`);
      await execa(KCAT, ['-P', '-b', k.bootstrap, '-t', topic, '-K:', '-z', codec, '-H', 'origin=kcat', '-H', `codec=${codec}`, '-X', 'linger.ms=5'], {
        input: lines.join('\n') + '\n',
      });
      const { stdout } = await execa(KCAT, ['-C', '-b', k.bootstrap, '-t', topic, '-e', '-q', '-f', '%p|%o|%k|%s|%h\n'], { maxBuffer: 256 * 1024 * 1024 });
      const out = stdout.split('\n').filter((l) => l.length > 0);
      expect(out).toHaveLength(count);
      const lastSeq = new Map<number, number>();
      const lastOffset = new Map<number, number>();
      const seen = new Set<number>();
      const keyPartition = new Map<string, number>();
      const problems: string[] = [];
      for (const line of out) {
        const [p, o, key, value, headers] = line.split('|') as [string, string, string, string, string];
        const partition = Number(p);
        const offset = Number(o);
        const seq = Number(value.split('-')[1]);
        // Byte-identical: the exact key and value produced for this sequence number.
        if (`${key}:${value}` !== lines[seq]) problems.push(`record differs: ${line}`);
        if (headers !== `origin=kcat,codec=${codec}`) problems.push(`headers differ: ${line}`);
        // In order per partition: offsets dense from 0 and sequence numbers increasing.
        if (offset !== (lastOffset.get(partition) ?? -1) + 1) problems.push(`offset gap: ${line}`);
        if (seq <= (lastSeq.get(partition) ?? -1)) problems.push(`out of order: ${line}`);
        if ((keyPartition.get(key) ?? partition) !== partition) problems.push(`key in two partitions: ${line}`);
        lastOffset.set(partition, offset);
        lastSeq.set(partition, seq);
        keyPartition.set(key, partition);
        seen.add(seq);
      }
      expect(problems.slice(0, 5)).toEqual([]);
      expect(seen.size).toBe(count);
    });
  }

  it('kcat -Q returns the first offset at or after a timestamp', async () => {
    const topic = 'by-time';
    await createTopic(k, topic, 1);
    await execa(KCAT, ['-P', '-b', k.bootstrap, '-t', topic, '-p', '0'], { input: 'a1\na2\na3\n' });
    // The next records must carry a later timestamp: wait for the clock to move on.
    const afterFirst = Date.now() + 2;
    while (Date.now() <= afterFirst) await new Promise((r) => setImmediate(r));
    const boundary = Date.now();
    await execa(KCAT, ['-P', '-b', k.bootstrap, '-t', topic, '-p', '0'], { input: 'b1\nb2\n' });
    const { stdout } = await execa(KCAT, ['-Q', '-b', k.bootstrap, '-t', `${topic}:0:${boundary}`]);
    expect(stdout).toContain(`${topic} [0] offset 3`);
    const { stdout: early } = await execa(KCAT, ['-Q', '-b', k.bootstrap, '-t', `${topic}:0:0`]);
    expect(early).toContain(`${topic} [0] offset 0`);
    const { stdout: late } = await execa(KCAT, ['-Q', '-b', k.bootstrap, '-t', `${topic}:0:${Date.now() + 3_600_000}`]);
    expect(late).toContain(`${topic} [0] offset -1`);
  });

  // librdkafka drops a whole Fetch response whose partition carries null records; with an
  // empty record set (as Kafka sends) it sees OFFSET_OUT_OF_RANGE and resets.
  it('kcat -o past the end resets as auto.offset.reset says instead of looping', async () => {
    const topic = 'short';
    await createTopic(k, topic, 1);
    await execa(KCAT, ['-P', '-b', k.bootstrap, '-t', topic, '-p', '0'], { input: 's1\ns2\ns3\n' });
    const read = (reset: string) =>
      execa(KCAT, ['-C', '-b', k.bootstrap, '-t', topic, '-p', '0', '-o', '1000000', '-e', '-q', '-X', `auto.offset.reset=${reset}`], { timeout: 20_000 });
    const earliest = await read('earliest');
    expect(earliest.stdout.split('\n')).toEqual(['s1', 's2', 's3']);
    const latest = await read('latest');
    expect(latest.stdout).toBe('');
  });
});
