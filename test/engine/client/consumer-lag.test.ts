import { describe, expect, it } from 'vitest';
import { computeGroupLag, formatDurationMs, lagTable, partitionLag, partitionTimeLagMs } from '../../../src/engine/client/consumer-lag.js';

describe('consumer lag', () => {
  it('is log end minus committed, undefined without a commit', () => {
    expect(partitionLag(7n, 10n)).toBe(3n);
    expect(partitionLag(null, 10n)).toBeNull();
    expect(partitionLag(-1n, 10n)).toBeNull();
    expect(partitionLag(3n, null)).toBeNull();
  });

  it('measures time lag as now minus the timestamp of the next record to consume', () => {
    expect(partitionTimeLagMs({ topic: 't', partition: 0, committed: 5n, logEndOffset: 10n, committedRecordTimestamp: 1000n }, 4500)).toBe(3500);
    // An idle group 30 minutes behind: 30 minutes, however close together the records are.
    const now = 1_800_000_000_000;
    expect(partitionTimeLagMs({ topic: 't', partition: 0, committed: 5n, logEndOffset: 6n, committedRecordTimestamp: BigInt(now - 30 * 60_000) }, now)).toBe(30 * 60_000);
    expect(partitionTimeLagMs({ topic: 't', partition: 0, committed: 10n, logEndOffset: 10n })).toBe(0);
    expect(partitionTimeLagMs({ topic: 't', partition: 0, committed: 5n, logEndOffset: 10n })).toBeNull();
  });

  it('sums records per topic, takes the largest time lag and totals the group', () => {
    const lag = computeGroupLag('g', [
      { topic: 'b', partition: 0, committed: 1n, logEndOffset: 4n, committedRecordTimestamp: 7000n },
      { topic: 'b', partition: 1, committed: 0n, logEndOffset: 2n, committedRecordTimestamp: 0n },
      { topic: 'a', partition: 0, committed: 5n, logEndOffset: 5n },
    ], 9000);
    expect(lag.totalLag).toBe(5n);
    expect(lag.topics.map((t) => [t.topic, t.lag, t.timeLagMs])).toEqual([
      ['a', 0n, 0],
      ['b', 5n, 9000],
    ]);
    expect(lagTable([lag]).rows).toEqual([
      ['g', 'a', '1', '0', '0s'],
      ['g', 'b', '2', '5', '9s'],
      ['g', '(total)', '', '5', ''],
    ]);
  });

  it('formats durations compactly', () => {
    expect([0, 850, 12_000, 185_000, 7_260_000, 273_600_000].map(formatDurationMs)).toEqual(['0s', '850ms', '12s', '3m05s', '2h01m', '3d04h']);
  });
});
