// Log compaction end to end (issue 4, item 2): a real cluster, kafkajs producing 100,000
// updates over 1,000 keys plus tombstones into a cleanup.policy=compact topic with small
// segments, the broker's background cleaner (log.cleaner.backoff.ms shortened), and kcat
// reading the topic back from the beginning. Build first: the cluster runs from dist/.
import { execa } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

const KCAT = '/usr/bin/kcat';
const TOPIC = 'compacted-updates';
const KEYS = 1_000;
const UPDATES = 100_000;
const TOMBSTONED = 100; // key-0 .. key-99 get a tombstone as their last write
const DELETE_RETENTION_MS = 10_000;

let cluster: TestCluster | undefined;
let admin: Admin | undefined;
let producer: Producer | undefined;

beforeAll(async () => {
  cluster = await startTestCluster({ brokers: 1, settings: { 'log.cleaner.backoff.ms': '300' } });
  const kafka = new Kafka({ clientId: 'compaction', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
}, 90_000);

afterAll(async () => {
  await producer?.disconnect().catch(() => undefined);
  await admin?.disconnect().catch(() => undefined);
  await cluster?.stop();
}, 60_000);

interface Consumed {
  offset: bigint;
  key: string;
  value: string | null;
}

/** Everything in the partition from the beginning, via kcat (no group). */
async function consumeAll(bootstrap: string): Promise<Consumed[]> {
  const { stdout } = await execa(KCAT, ['-b', bootstrap, '-C', '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o\t%k\t%S\t%s\n'], { timeout: 30_000 });
  return stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((line) => {
      const [offset, key, length, ...rest] = line.split('\t');
      return { offset: BigInt(offset!), key: key!, value: length === '-1' ? null : rest.join('\t') };
    });
}

/** Base offset of the partition's active (newest) segment, from the broker's data dir. */
function activeSegmentBase(dir: string): bigint {
  const bases = readdirSync(join(dir, 'broker-1', `${TOPIC}-0`))
    .filter((f) => /^\d{20}\.log$/.test(f))
    .map((f) => BigInt(f.slice(0, 20)));
  return bases.reduce((a, b) => (b > a ? b : a), 0n);
}

/** Summary of the broker's 'cleaned log' lines (diagnostics printed by the test). */
function cleanerStats(dir: string): string {
  const lines = readFileSync(join(dir, 'logs', 'broker-1.log'), 'utf8').split('\n');
  const slowSwaps = lines.filter((l) => l.includes('"slow cleaner swap"')).map((l) => (JSON.parse(l) as { ms: number }).ms);
  const passes = lines
    .filter((l) => l.includes('"cleaned log"'))
    .map((l) => JSON.parse(l) as { durationMs: number; maxSliceMs: number; maxSliceCpuMs: number; slices: number; recordsRead: number });
  const max = (f: (p: (typeof passes)[number]) => number) => Math.max(0, ...passes.map(f));
  return `${passes.length} passes, longest ${max((p) => p.durationMs)} ms, most records read ${max((p) => p.recordsRead)}, longest slice ${max((p) => p.maxSliceMs)} ms wall / ${max((p) => p.maxSliceCpuMs)} ms CPU, swaps over 50 ms: ${slowSwaps.length ? slowSwaps.join(', ') + ' ms' : 'none'}`;
}

describe('log compaction on a real broker', () => {
  it('a compacted topic with 100,000 updates over 1,000 keys shrinks to about 1,000 records, keeps every latest value at its original offset, and drops tombstones only after delete.retention.ms', async () => {
    const c = cluster!;
    await admin!.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: TOPIC,
          numPartitions: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: '100000' },
            { name: 'min.cleanable.dirty.ratio', value: '0.01' },
            { name: 'delete.retention.ms', value: String(DELETE_RETENTION_MS) },
          ],
        },
      ],
    });

    // Produce: 95,000 updates over all keys, tombstones for key-0..99, then 5,000 updates of
    // key-100..999 (pushing the tombstones out of the active segment). Offsets recorded from
    // the produce responses.
    const latest = new Map<string, { offset: bigint; value: string | null }>();
    const produced: Array<{ offset: bigint; key: string }> = [];
    let expectedNext = 0n;
    const send = async (messages: Array<{ key: string; value: string | null }>) => {
      const [res] = await producer!.send({ topic: TOPIC, acks: -1, messages });
      expect(res!.errorCode).toBe(0);
      const base = BigInt(res!.baseOffset!);
      expect(base).toBe(expectedNext); // one partition, one producer: offsets are consecutive
      messages.forEach((m, i) => {
        latest.set(m.key, { offset: base + BigInt(i), value: m.value });
        produced.push({ offset: base + BigInt(i), key: m.key });
      });
      expectedNext = base + BigInt(messages.length);
    };
    const update = (n: number, key: number) => ({ key: `key-${key}`, value: `value-${n}-of-key-${key}-${'p'.repeat(20)}` });
    const chunk = 500;
    for (let start = 0; start < 95_000; start += chunk) {
      await send(Array.from({ length: chunk }, (_, i) => update(start + i, ((start + i) * 7919) % KEYS)));
    }
    await send(Array.from({ length: TOMBSTONED }, (_, k) => ({ key: `key-${k}`, value: null })));
    const tombstonesProducedAt = Date.now();
    for (let start = 95_000; start < UPDATES; start += chunk) {
      await send(Array.from({ length: chunk }, (_, i) => update(start + i, TOMBSTONED + (((start + i) * 7919) % (KEYS - TOMBSTONED)))));
    }
    expect(expectedNext).toBe(BigInt(UPDATES + TOMBSTONED));
    const tombstoned = new Set(Array.from({ length: TOMBSTONED }, (_, k) => `key-${k}`));

    // Poll until compacted below the active segment, then until the tombstones are gone.
    let compactedAt: number | undefined;
    let tombstonesAtCompaction = -1;
    let activeBase = 0n;
    const records = await waitFor(
      'compaction below the active segment and the tombstones gone',
      async () => {
        activeBase = activeSegmentBase(c.dir);
        const consumed = await consumeAll(c.bootstrap);
        const cleanedPart = consumed.filter((r) => r.offset < activeBase);
        const compacted = new Set(cleanedPart.map((r) => r.key)).size === cleanedPart.length && consumed.length > 0;
        const tombstonesLeft = consumed.filter((r) => tombstoned.has(r.key)).length;
        if (compacted && compactedAt === undefined) {
          compactedAt = Date.now();
          tombstonesAtCompaction = tombstonesLeft;
        }
        if (compacted && tombstonesLeft === 0) return consumed;
        // Thrown, not returned: waitFor quotes the last state when the deadline passes.
        throw new Error(`${consumed.length} records, ${cleanedPart.length} below the active segment ${activeBase}, ${tombstonesLeft} tombstoned-key records`);
      },
      90_000,
      250,
    );
    const goneAt = Date.now();
    const activeCount = records.filter((r) => r.offset >= activeBase).length;
    console.log(
      `compaction: ${UPDATES + TOMBSTONED} records → ${records.length} (${activeCount} in the active segment from ${activeBase}); compacted ${compactedAt! - tombstonesProducedAt} ms after the tombstones were produced (${tombstonesAtCompaction} tombstones then), tombstones gone after ${goneAt - tombstonesProducedAt} ms`,
    );

    console.log(`cleaner passes: ${cleanerStats(c.dir)}`);

    // About 1,000 records: at most one per key below the active segment, plus the active segment.
    expect(records.length).toBeLessThanOrEqual(KEYS + activeCount);
    expect(records.length - activeCount).toBeLessThanOrEqual(KEYS - TOMBSTONED);
    // Offsets strictly increasing, every latest value present at its original offset.
    for (let i = 1; i < records.length; i++) expect(records[i]!.offset).toBeGreaterThan(records[i - 1]!.offset);
    const lastByKey = new Map(records.map((r) => [r.key, r]));
    for (const [key, { offset, value }] of latest) {
      if (tombstoned.has(key)) {
        expect(lastByKey.has(key)).toBe(false);
        continue;
      }
      expect(lastByKey.get(key)).toEqual({ key, offset, value });
    }
    // Below the active segment (the cleaned part) only the latest record of each key written
    // before the active segment survives: nothing older. (A key updated again in the active
    // segment keeps one record in each, as in Kafka.)
    const latestBelowActive = new Map<string, bigint>();
    for (const p of produced) if (p.offset < activeBase) latestBelowActive.set(p.key, p.offset);
    for (const r of records) if (r.offset < activeBase) expect(r.offset).toBe(latestBelowActive.get(r.key));
    // Tombstones were not dropped before delete.retention.ms (their horizon is set at the
    // first clean, itself after they were produced); if compaction was seen well before the
    // horizon, the tombstones were still there then.
    expect(goneAt - tombstonesProducedAt).toBeGreaterThanOrEqual(DELETE_RETENTION_MS);
    if (compactedAt! - tombstonesProducedAt < DELETE_RETENTION_MS - 1_000) expect(tombstonesAtCompaction).toBe(TOMBSTONED);
  }, 180_000);
});
