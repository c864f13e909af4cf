// The controller refuses a damaged database at open (naming the file) and a new, empty
// database over partition folders the brokers still hold (unless forced).
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/engine/common/logger.js';
import { Controller } from '../../../src/engine/controller/controller.js';
import { MetadataStore, randomTopicId } from '../../../src/engine/controller/metadata-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'metadata-integrity-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A store with enough topics to span many pages, checkpointed into the main file. */
function writeStore(path: string): void {
  const store = MetadataStore.open({ path });
  for (let t = 0; t < 200; t++) {
    store.createTopic({
      name: `topic-with-a-long-name-${t}`,
      topicId: randomTopicId(),
      internal: false,
      partitions: Array.from({ length: 8 }, () => ({ replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1, leaderEpoch: 0, partitionEpoch: 0 })),
      configs: { 'retention.ms': '1000' },
      nowMs: 0,
    });
  }
  store.close();
}

const open = (extra: { brokerDataDirs?: string[]; force?: boolean } = {}) =>
  Controller.open({ dataDir: join(dir, 'controller'), clusterId: 'c1', settings: {}, logger: silentLogger, ...extra });

describe('controller database integrity', () => {
  it('refuses a database with damaged pages, naming the file', () => {
    const path = join(dir, 'metadata.db');
    writeStore(path);
    const size = statSync(path).size;
    const fd = openSync(path, 'r+');
    const junk = Buffer.alloc(4096 * 4, 0xa5);
    writeSync(fd, junk, 0, junk.length, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    expect(() => MetadataStore.open({ path })).toThrow(expect.objectContaining({ code: 'STORAGE', message: expect.stringContaining(`The controller database ${path} is damaged`) }));
  });

  it('refuses a file that is not a database at all', () => {
    const path = join(dir, 'metadata.db');
    const fd = openSync(path, 'w');
    writeSync(fd, Buffer.alloc(8192, 0x42));
    closeSync(fd);
    expect(() => MetadataStore.open({ path })).toThrow(/is damaged/);
  });

  it('refuses a new empty store over partition folders on the brokers\' disks', () => {
    mkdirSync(join(dir, 'broker-1', 'orders-0'), { recursive: true });
    expect(() => open({ brokerDataDirs: [join(dir, 'broker-1')] })).toThrow(expect.objectContaining({ code: 'STORAGE', message: expect.stringContaining('1 partition folder(s)') }));
  });

  it('starts a new store over unknown partition folders when forced', () => {
    mkdirSync(join(dir, 'broker-1', 'orders-0'), { recursive: true });
    const controller = open({ brokerDataDirs: [join(dir, 'broker-1')], force: true });
    controller.close();
    // Once started the store is no longer new: a later start needs no force.
    open({ brokerDataDirs: [join(dir, 'broker-1')] }).close();
  });
});
