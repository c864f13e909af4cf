import { describe, expect, it } from 'vitest';
import { OffsetTracker } from '../../../src/engine/connectors/offset-tracker.js';

describe('OffsetTracker', () => {
  it('commits nothing before anything was emitted', () => {
    expect(new OffsetTracker().pendingCommits()).toEqual([]);
  });

  it('commits only up to the first unacked offset', () => {
    const t = new OffsetTracker();
    for (const o of [0n, 1n, 2n, 3n]) t.emitted('a', 0, o);
    t.acked('a', 0, 0n);
    t.acked('a', 0, 2n);
    t.acked('a', 0, 3n);
    expect(t.pendingCommits()).toEqual([{ topic: 'a', partition: 0, offset: 1n }]);
    t.acked('a', 0, 1n);
    expect(t.pendingCommits()).toEqual([{ topic: 'a', partition: 0, offset: 4n }]);
  });

  it('keeps a failed offset outstanding until its replay is acked', () => {
    const t = new OffsetTracker();
    for (const o of [5n, 6n, 7n]) t.emitted('a', 0, o);
    t.acked('a', 0, 5n);
    t.acked('a', 0, 7n);
    // 6 failed: nothing acks it, the spout replays it.
    expect(t.committableOffset('a', 0)).toBe(6n);
    expect(t.emitted('a', 0, 6n)).toBe(true); // replay
    expect(t.isOutstanding('a', 0, 6n)).toBe(true);
    t.acked('a', 0, 6n);
    expect(t.committableOffset('a', 0)).toBe(8n);
  });

  it('is not blocked by gaps in the offsets', () => {
    const t = new OffsetTracker();
    for (const o of [10n, 13n, 20n]) t.emitted('a', 0, o);
    for (const o of [10n, 13n, 20n]) t.acked('a', 0, o);
    expect(t.committableOffset('a', 0)).toBe(21n);
  });

  it('tracks partitions independently', () => {
    const t = new OffsetTracker();
    t.emitted('a', 0, 0n);
    t.emitted('a', 1, 0n);
    t.emitted('b', 0, 100n);
    t.acked('a', 1, 0n);
    t.acked('b', 0, 100n);
    expect(t.pendingCommits().sort((x, y) => `${x.topic}${x.partition}`.localeCompare(`${y.topic}${y.partition}`))).toEqual([
      { topic: 'a', partition: 1, offset: 1n },
      { topic: 'b', partition: 0, offset: 101n },
    ]);
  });

  it('does not repeat a commit that already succeeded', () => {
    const t = new OffsetTracker();
    t.emitted('a', 0, 0n);
    t.acked('a', 0, 0n);
    const commits = t.pendingCommits();
    t.markCommitted(commits);
    expect(t.pendingCommits()).toEqual([]);
    t.emitted('a', 0, 1n);
    expect(t.pendingCommits()).toEqual([]); // 1 is outstanding; committed offset 1 already
    t.acked('a', 0, 1n);
    expect(t.pendingCommits()).toEqual([{ topic: 'a', partition: 0, offset: 2n }]);
  });

  it('refuses an offset below one already emitted and ignores unknown acks', () => {
    const t = new OffsetTracker();
    t.emitted('a', 0, 5n);
    expect(t.emitted('a', 0, 3n)).toBe(false);
    t.acked('a', 0, 99n);
    t.acked('z', 9, 1n);
    expect(t.outstandingCount).toBe(1);
  });

  it('does not commit the offset consumption started at', () => {
    const t = new OffsetTracker();
    t.emitted('a', 0, 42n);
    expect(t.pendingCommits()).toEqual([]);
    t.acked('a', 0, 42n);
    expect(t.pendingCommits()).toEqual([{ topic: 'a', partition: 0, offset: 43n }]);
  });

  it('forgets a revoked partition', () => {
    const t = new OffsetTracker();
    t.emitted('a', 0, 0n);
    t.revoke('a', 0);
    expect(t.outstandingCount).toBe(0);
    expect(t.pendingCommits()).toEqual([]);
  });
});
