import { existsSync, mkdirSync, readdirSync, readFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { ManualClock } from '../../../src/engine/common/clock.js';
import { silentLogger } from '../../../src/engine/common/logger.js';
import { LogManager, parseTopicPartitionDir } from '../../../src/engine/storage/log-manager.js';
import { batch, config, makeTempDir } from './helpers.js';

let tmp: ReturnType<typeof makeTempDir>;
let manager: LogManager | undefined;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  manager?.close();
  manager = undefined;
  tmp.cleanup();
});

function open(clock = new ManualClock(1_700_000_000_000), extra: Partial<Parameters<typeof LogManager.open>[0]> = {}): LogManager {
  return LogManager.open({ dataDir: tmp.dir, logger: silentLogger, clock, defaultConfig: config(), ...extra });
}

describe('LogManager', () => {
  it('parses partition folders by the last dash', () => {
    expect(parseTopicPartitionDir('my-topic.v1_x-12')).toEqual({ topic: 'my-topic.v1_x', partition: 12 });
    expect(parseTopicPartitionDir('nodash')).toBeUndefined();
    expect(parseTopicPartitionDir('topic-x')).toBeUndefined();
  });

  it('creates logs, writes checkpoints and the clean-shutdown marker on close, and reloads them', () => {
    manager = open();
    const a = manager.getOrCreateLog('my-topic.v1', 0, 'topicid1', config());
    const b = manager.getOrCreateLog('my-topic.v1', 1, 'topicid1', config());
    a.appendAsLeader(batch(3), 0);
    b.appendAsLeader(batch(5), 0);
    expect(manager.getOrCreateLog('my-topic.v1', 0, 'topicid1')).toBe(a);
    manager.checkpointHighWatermarks([{ topic: 'my-topic.v1', partition: 0, offset: 3n }]);
    manager.close();
    expect(existsSync(join(tmp.dir, '.kafka_cleanshutdown'))).toBe(true);
    expect(readFileSync(join(tmp.dir, 'recovery-point-offset-checkpoint'), 'utf8')).toContain('my-topic.v1 1 5');
    expect(readFileSync(join(tmp.dir, 'my-topic.v1-0', 'partition.metadata'), 'utf8')).toContain('topic_id: topicid1');

    manager = open();
    expect(manager.hadCleanShutdown).toBe(true);
    expect(existsSync(join(tmp.dir, '.kafka_cleanshutdown'))).toBe(false);
    expect(manager.allLogs()).toHaveLength(2);
    expect(manager.getLog('my-topic.v1', 1)!.logEndOffset).toBe(5n);
    expect(manager.getLog('my-topic.v1', 0)!.topicId).toBe('topicid1');
    expect(manager.highWatermarkCheckpoint().get('my-topic.v1-0')).toBe(3n);
  });

  it('recovers logs after a crash (no clean-shutdown marker)', () => {
    manager = open();
    const log = manager.getOrCreateLog('t', 0, undefined);
    log.appendAsLeader(batch(4), 0);
    log.closeWithoutFlush();
    manager = undefined; // crash: no close
    appendFileSync(join(tmp.dir, 't-0', '00000000000000000000.log'), Buffer.alloc(20, 1));
    manager = open();
    expect(manager.hadCleanShutdown).toBe(false);
    expect(manager.getLog('t', 0)!.logEndOffset).toBe(4n);
    expect(manager.getLog('t', 0)!.size).toBe(batch(4).length);
  });

  it('deletes a log by renaming its folder with a -delete suffix, then removing it', async () => {
    manager = open();
    manager.getOrCreateLog('gone', 0, undefined).appendAsLeader(batch(1), 0);
    expect(manager.deleteLog('gone', 0)).toBe(true);
    expect(manager.getLog('gone', 0)).toBeUndefined();
    expect(existsSync(join(tmp.dir, 'gone-0'))).toBe(false);
    await waitFor('the -delete folder removed', () => !readdirSync(tmp.dir).some((n) => n.endsWith('-delete')), 5000, 10);
    expect(readdirSync(tmp.dir).filter((n) => n.startsWith('gone'))).toEqual([]);
  });

  it('removes leftover -delete folders at start', async () => {
    mkdirSync(join(tmp.dir, 'old-0.abc-delete'));
    manager = open();
    expect(manager.allLogs()).toHaveLength(0);
    await waitFor('the leftover folder removed', () => !existsSync(join(tmp.dir, 'old-0.abc-delete')), 5000, 10);
    expect(existsSync(join(tmp.dir, 'old-0.abc-delete'))).toBe(false);
  });

  it('runs retention on the retention check interval of the injected clock', () => {
    const clock = new ManualClock(1_000_000);
    manager = open(clock, { retentionCheckIntervalMs: 1000 });
    const log = manager.getOrCreateLog('r', 0, undefined, config({ 'retention.ms': '5000', 'segment.bytes': '300' }));
    for (let i = 0; i < 5; i++) log.appendAsLeader(batch(2, { ts: 1_000_000n, valueSize: 60 }), 0);
    const segments = log.numberOfSegments;
    expect(segments).toBeGreaterThan(2);
    manager.startBackgroundTasks();
    clock.advance(1000);
    expect(log.numberOfSegments).toBe(segments);
    clock.advance(5000);
    expect(log.numberOfSegments).toBe(1);
    expect(log.logStartOffset).toBe(10n);
  });

  it('flushes logs with flush.ms set and moves their recovery point', () => {
    const clock = new ManualClock(1_000_000);
    manager = open(clock, { flushCheckIntervalMs: 100 });
    const log = manager.getOrCreateLog('f', 0, undefined, config({ 'flush.ms': '500' }));
    const never = manager.getOrCreateLog('f', 1, undefined, config());
    log.appendAsLeader(batch(2), 0);
    never.appendAsLeader(batch(2), 0);
    expect(log.recoveryPoint).toBe(0n);
    manager.startBackgroundTasks();
    clock.advance(600);
    expect(log.recoveryPoint).toBe(2n);
    expect(never.recoveryPoint).toBe(0n);
  });

  it('flushes after flush.messages records', () => {
    manager = open();
    const log = manager.getOrCreateLog('m', 0, undefined, config({ 'flush.messages': '3' }));
    log.appendAsLeader(batch(2), 0);
    expect(log.recoveryPoint).toBe(0n);
    log.appendAsLeader(batch(2), 0);
    expect(log.recoveryPoint).toBe(4n);
  });
});
