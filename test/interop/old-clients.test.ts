// Old protocol versions from real clients: librdkafka with api.version.request=false and
// broker.version.fallback 0.9.0 (Produce v1 with message format v0, Fetch v1, ListOffsets v0)
// and 0.10.0 (Produce v2, message format v1, Fetch v2), and kafka-python with
// api_version=(0, 10, 2) (Produce v2 with compressed v1 wrappers, Fetch v3). What they write
// reads back byte-identical to them and to a modern client, and offset resets work.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopic, startKafka, type KafkaProcesses } from './helpers/kafka-processes.js';

const KCAT = '/usr/bin/kcat';
const PY_OLD = fileURLToPath(new URL('./fixtures/kafka_python_old.py', import.meta.url));
let k: KafkaProcesses;

beforeAll(async () => {
  k = await startKafka({ brokers: 1 });
}, 60_000);

afterAll(async () => {
  await k?.stop();
});

const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `key-${i}:${tag}-value-${i}-${'x'.repeat(i % 40)}`);

async function kcatRead(topic: string, extra: string[] = []): Promise<string[]> {
  const { stdout } = await execa(KCAT, ['-C', '-b', k.bootstrap, '-t', topic, '-p', '0', '-e', '-q', '-f', '%o|%k:%s\n', ...extra], { timeout: 30_000 });
  return stdout.split('\n').filter((l) => l.length > 0);
}

describe('clients forced to old protocol versions', () => {
  for (const [fallback, codec] of [
    ['0.9.0', 'none'],
    ['0.9.0', 'gzip'],
    ['0.10.0', 'none'],
    ['0.10.0', 'snappy'],
  ] as const) {
    it(`librdkafka with broker.version.fallback=${fallback} (${codec}) writes and reads what a modern client reads`, async () => {
      const topic = `old-${fallback.replace(/\./g, '')}-${codec}`;
      await createTopic(k, topic, 1);
      const old = ['-X', 'api.version.request=false', '-X', `broker.version.fallback=${fallback}`];
      const input = lines(300, codec);
      await execa(KCAT, ['-P', '-b', k.bootstrap, '-t', topic, '-p', '0', '-K:', '-z', codec, ...old], { input: input.join('\n') + '\n', timeout: 30_000 });
      const expected = input.map((l, i) => `${i}|${l}`);
      expect(await kcatRead(topic, old)).toEqual(expected);
      expect(await kcatRead(topic)).toEqual(expected);
    });
  }

  it('librdkafka with fallback 0.9.0 reads records a modern producer wrote with headers and zstd', async () => {
    const topic = 'old-reads-new';
    await createTopic(k, topic, 1);
    const input = lines(200, 'modern');
    await execa(KCAT, ['-P', '-b', k.bootstrap, '-t', topic, '-p', '0', '-K:', '-z', 'zstd', '-H', 'h=1'], { input: input.join('\n') + '\n' });
    const old = ['-X', 'api.version.request=false', '-X', 'broker.version.fallback=0.9.0'];
    expect(await kcatRead(topic, old)).toEqual(input.map((l, i) => `${i}|${l}`));
  });

  for (const compression of ['none', 'gzip'] as const) {
    it(`kafka-python with api_version=(0, 10, 2) (${compression}) produces, consumes, commits and resets past the end`, async () => {
      const topic = `kp-old-${compression}`;
      await createTopic(k, topic, 1);
      const r = await execa('/usr/bin/python3', [PY_OLD, k.bootstrap, topic, '250', compression], { timeout: 90_000, reject: false });
      expect(r.exitCode, String(r.stderr).slice(-2000)).toBe(0);
      const out = JSON.parse(String(r.stdout).trim().split('\n').pop()!);
      expect(out.acked).toBe(250);
      expect(out.seen).toEqual(Array.from({ length: 250 }, (_, i) => [i, `k${i}`, `v${i}`]));
      expect(out.committed).toBe(250);
      expect(out.afterReset).toBe(0);
      // A modern client reads the same records.
      const modern = await kcatRead(topic);
      expect(modern).toEqual(Array.from({ length: 250 }, (_, i) => `${i}|k${i}:v${i}`));
    }, 120_000);
  }
});
