import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetadataStore, randomTopicId } from '../../../src/engine/controller/metadata-store.js';

let dir: string;
let store: MetadataStore | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'metadata-store-'));
});
afterEach(() => {
  store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const partition = (replicas: number[]) => ({ replicas, isr: replicas, leader: replicas[0]!, leaderEpoch: 0, partitionEpoch: 0 });

describe('MetadataStore', () => {
  it('applies migrations once and records them', () => {
    const path = join(dir, 'metadata.db');
    store = MetadataStore.open({ path });
    expect(store.schemaVersion()).toBe(2);
    store.close();
    store = MetadataStore.open({ path });
    expect(store.schemaVersion()).toBe(2);
    const db = new Database(path, { readonly: true });
    expect((db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(2);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('gives each registration a larger broker epoch', () => {
    store = MetadataStore.open({ path: join(dir, 'm.db') });
    const reg = { brokerId: 1, host: '127.0.0.1', port: 9092, rack: null, incarnationId: 'x', nowMs: 1 };
    const a = store.registerBroker(reg);
    const b = store.registerBroker({ ...reg, incarnationId: 'y' });
    expect(b).toBeGreaterThan(a);
    expect(store.getBroker(1)).toMatchObject({ brokerEpoch: b, incarnationId: 'y', fenced: true });
  });

  it('stores topics with partitions and configs and reads them back after reopening', () => {
    const path = join(dir, 'm.db');
    store = MetadataStore.open({ path });
    const topicId = randomTopicId();
    store.createTopic({ name: 't', topicId, internal: false, partitions: [partition([1, 2]), partition([2, 1])], configs: { 'retention.ms': '1000' }, nowMs: 0 });
    store.close();
    store = MetadataStore.open({ path });
    const topic = store.getTopic('t')!;
    expect(topic.topicId).toBe(topicId);
    expect(topic.partitions.map((p) => p.replicas)).toEqual([[1, 2], [2, 1]]);
    expect(store.getTopicById(topicId)?.name).toBe('t');
    expect(store.getTopicConfigs('t')).toEqual({ 'retention.ms': '1000' });
  });

  it('deletes a topic with its partitions and configs', () => {
    store = MetadataStore.open({ path: join(dir, 'm.db') });
    store.createTopic({ name: 't', topicId: randomTopicId(), internal: false, partitions: [partition([1])], configs: { a: 'b' }, nowMs: 0 });
    expect(store.deleteTopic('t')).toBe(true);
    expect(store.getTopic('t')).toBeUndefined();
    expect(store.getTopicConfigs('t')).toEqual({});
    expect(store.deleteTopic('t')).toBe(false);
  });

  it('adds partitions after the existing ones and updates leadership', () => {
    store = MetadataStore.open({ path: join(dir, 'm.db') });
    store.createTopic({ name: 't', topicId: randomTopicId(), internal: false, partitions: [partition([1])], configs: {}, nowMs: 0 });
    store.addPartitions('t', [partition([2]), partition([3])]);
    store.updatePartitions([{ topicName: 't', partitionIndex: 2, state: { replicas: [3], isr: [3], leader: -1, leaderEpoch: 1, partitionEpoch: 1 } }]);
    const t = store.listTopics()[0]!;
    expect(t.partitions.map((p) => p.partitionIndex)).toEqual([0, 1, 2]);
    expect(t.partitions[2]).toMatchObject({ leader: -1, leaderEpoch: 1 });
  });

  it('replaces topic configs as a whole', () => {
    store = MetadataStore.open({ path: join(dir, 'm.db') });
    store.createTopic({ name: 't', topicId: randomTopicId(), internal: false, partitions: [partition([1])], configs: { a: '1', b: '2' }, nowMs: 0 });
    store.setTopicConfigs('t', { c: '3' });
    expect(store.getTopicConfigs('t')).toEqual({ c: '3' });
  });

  it('generates 22-character base64url topic ids', () => {
    const id = randomTopicId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(id.startsWith('-')).toBe(false);
  });
});
