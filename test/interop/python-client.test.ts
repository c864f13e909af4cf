// confluent-kafka-python (Debian package python3-confluent-kafka, on librdkafka) against a
// real started cluster: admin, idempotent producer with acks=all, group consumer with commits.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/confluent_roundtrip.py', import.meta.url));

describe('Python client (confluent-kafka)', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('creates a topic, produces idempotently and consumes every record back in a group', async () => {
    const r = await execa('/usr/bin/python3', [SCRIPT, cluster.bootstrap, 'py-topic', '500'], { timeout: 90_000, reject: false });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const out = JSON.parse(String(r.stdout).trim().split('\n').pop()!);
    expect(out.acked).toBe(500);
    expect(Object.keys(out.seen)).toHaveLength(500);
    for (let i = 0; i < 500; i++) expect(out.seen[`k${i}`]).toEqual([`v${i}`, String(i)]);
    expect(out.committed).toBe(500);
  }, 120_000);
});
