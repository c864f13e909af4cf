import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { streamctl } from './kafka-cli-helpers.js';

describe('produce and consume commands against a real cluster', () => {
  let cluster: TestCluster;
  const b = () => ['--bootstrap-server', cluster.bootstrap];

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('round-trips keyed lines byte-identical with print.key', async () => {
    await streamctl(['topics', 'create', '--topic', 'keyed', '--partitions', '1', ...b()]);
    const lines = Array.from({ length: 200 }, (_, i) => `key-${i}:value ${i} é ✓`);
    const p = await streamctl(['produce', '--topic', 'keyed', '--property', 'parse.key=true', '--property', 'key.separator=:', '--compression', 'zstd', ...b()], {
      input: `${lines.join('\n')}\n`,
    });
    expect(p.exitCode).toBe(0);
    const c = await streamctl([
      'consume', '--topic', 'keyed', '--from-beginning', '--max-messages', '200',
      '--property', 'print.key=true', '--property', 'key.separator=:', ...b(),
    ]);
    expect(c.exitCode).toBe(0);
    expect(c.stdout).toBe(`${lines.join('\n')}\n`);
    expect(c.stderr).toContain('Processed a total of 200 messages');
  });

  it('keeps headers in order, with every compression codec', async () => {
    const codecs = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
    await streamctl(['topics', 'create', '--topic', 'headers', '--partitions', '1', ...b()]);
    for (const codec of codecs) {
      const p = await streamctl(['produce', '--topic', 'headers', '--property', 'parse.headers=true', '--property', 'parse.key=true', '--compression', codec, ...b()], {
        input: `h1:a,h2:b,h1:c\tk-${codec}\tv\n`,
      });
      expect(p.exitCode).toBe(0);
    }
    const c = await streamctl(['consume', '--topic', 'headers', '--from-beginning', '--max-messages', '5', '--property', 'print.headers=true', '--property', 'print.key=true', ...b()]);
    expect(c.stdout).toBe(codecs.map((codec) => `h1:a,h2:b,h1:c\tk-${codec}\tv\n`).join(''));
  }, 180_000);

  it("stops at a bad line with Kafka's message after sending the lines before it", async () => {
    await streamctl(['topics', 'create', '--topic', 'badline', '--partitions', '1', ...b()]);
    const p = await streamctl(['produce', '--topic', 'badline', '--property', 'parse.key=true', '--property', 'key.separator=:', ...b()], {
      input: 'a:1\nb:2\nfoo\nc:3\n',
    });
    expect(p.exitCode).toBe(1);
    expect(p.stderr).toContain("No key separator found on line number 3: 'foo'");
    const c = await streamctl(['consume', '--topic', 'badline', '--from-beginning', '--timeout-ms', '2000', ...b()]);
    expect(c.stdout).toBe('1\n2\n');
    expect(c.stderr).toContain('Processed a total of 2 messages');
  });

  it('reads one partition from an offset and prints JSON lines', async () => {
    await streamctl(['topics', 'create', '--topic', 'offsets', '--partitions', '2', ...b()]);
    await streamctl(['produce', '--topic', 'offsets', '--partition', '1', ...b()], { input: 'zero\none\ntwo\n' });
    const c = await streamctl(['consume', '--topic', 'offsets', '--partition', '1', '--offset', '1', '--max-messages', '2', '--json', ...b()]);
    const records = c.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(records.map((r) => [r.partition, r.offset, r.value])).toEqual([
      [1, '1', 'one'],
      [1, '2', 'two'],
    ]);
  });
});
