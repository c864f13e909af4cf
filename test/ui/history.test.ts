// Session history (bounded ring buffers, sparklines), health that agrees with the broker rows,
// and the group's lag in time measured from now.
import { describe, expect, it } from 'vitest';
import { timeLagFromNowMs } from '../../src/engine/client/consumer-lag.js';
import { brokersFromTopics, reconcileHealth } from '../../src/ui/broker-health.js';
import { RingBuffer, SeriesHistory, sparkline } from '../../src/ui/history.js';
import { fixedSnapshot } from './fixtures.js';

describe('history', () => {
  it('keeps only the newest values of a series, oldest first', () => {
    const r = new RingBuffer(3);
    for (const v of [1, 2, 3, 4, 5]) r.push(v);
    expect(r.toArray()).toEqual([3, 4, 5]);
  });

  it('bounds the number of series, dropping the least recently written', () => {
    const h = new SeriesHistory({ pointsPerSeries: 2, maxSeries: 2 });
    h.record('a', 1);
    h.record('b', 1);
    h.record('a', 2);
    h.record('c', 1);
    expect([h.values('a'), h.values('b'), h.values('c'), h.seriesCount]).toEqual([[1, 2], [], [1], 2]);
  });

  it('draws a rising series from the lowest to the highest bar', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([1, 2, 3], 2)).toBe('▆█');
  });
});

describe('health and broker rows', () => {
  it('counts a broker whose row is down as a down node, even while Metadata still lists it', () => {
    const s = fixedSnapshot();
    const health = { ...s.brokers.data!.health!, healthy: true, unhealthyReasons: [], nodesDown: [] };
    const h = reconcileHealth(health, s.brokers.data!.brokers);
    expect([h.healthy, h.nodesDown, h.unhealthyReasons]).toEqual([false, [3], ['nodes_down']]);
  });

  it('shows a remote broker that left Metadata as gone, and the cluster as unhealthy', () => {
    const view = brokersFromTopics([], [1], [{ broker: 1, host: 'k1', port: 9092 }], [
      { broker: 1, host: 'k1', port: 9092 },
      { broker: 2, host: 'k2', port: 9092 },
    ]);
    expect(view.brokers.map((b) => [b.broker, b.up, b.processStatus, b.host])).toEqual([
      [1, true, null, 'k1'],
      [2, false, 'gone', 'k2'],
    ]);
    expect([view.health!.healthy, view.health!.nodesDown]).toEqual([false, [2]]);
  });
});

describe('timeLagFromNowMs', () => {
  it('measures from now to the next record, so an idle group 30 minutes behind shows 30 minutes', () => {
    const now = 10_000_000;
    expect(timeLagFromNowMs(5n, BigInt(now - 30 * 60_000), now)).toBe(30 * 60_000);
    expect(timeLagFromNowMs(0n, null, now)).toBe(0);
    expect(timeLagFromNowMs(5n, null, now)).toBeNull();
  });
});

describe('lag --watch trend', () => {
  it('adds a TREND column with the lag of each row over the samples', async () => {
    const { lagTrendTable, recordLag } = await import('../../src/ui/lag-trend.js');
    const h = new SeriesHistory();
    const sample = (lag: bigint) => [{ group: 'g', totalLag: lag, topics: [{ group: 'g', topic: 't', partitions: 1, lag, uncommittedPartitions: 0, timeLagMs: null }] }];
    for (const l of [0n, 5n, 10n]) recordLag(h, sample(l));
    const table = lagTrendTable(sample(10n), h);
    expect(table.headers.at(-1)).toBe('TREND');
    expect(table.rows.map((r) => r.at(-1))).toEqual(['▁▅█', '▁▅█']);
  });
});
