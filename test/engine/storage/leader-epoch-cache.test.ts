import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/engine/common/logger.js';
import { LeaderEpochCache } from '../../../src/engine/storage/leader-epoch-cache.js';
import { makeTempDir } from './helpers.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => tmp.cleanup());

const open = () => LeaderEpochCache.open({ dir: tmp.dir, logger: silentLogger });

describe('LeaderEpochCache', () => {
  it('persists assigned epochs in the leader-epoch-checkpoint format and reloads them', () => {
    const cache = open();
    cache.assign(0, 0n);
    cache.assign(0, 5n);
    cache.assign(2, 10n);
    expect(readFileSync(join(tmp.dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n2\n0 0\n2 10\n');
    expect(open().entries).toEqual([
      { epoch: 0, startOffset: 0n },
      { epoch: 2, startOffset: 10n },
    ]);
  });

  it('answers endOffsetFor like Kafka', () => {
    const cache = open();
    cache.assign(1, 0n);
    cache.assign(3, 10n);
    cache.assign(5, 20n);
    expect(cache.endOffsetFor(5, 30n)).toEqual({ epoch: 5, endOffset: 30n });
    expect(cache.endOffsetFor(3, 30n)).toEqual({ epoch: 3, endOffset: 20n });
    expect(cache.endOffsetFor(4, 30n)).toEqual({ epoch: 3, endOffset: 20n });
    expect(cache.endOffsetFor(0, 30n)).toEqual({ epoch: 0, endOffset: 0n });
    expect(cache.endOffsetFor(6, 30n)).toEqual({ epoch: -1, endOffset: -1n });
    expect(cache.endOffsetFor(-1, 30n)).toEqual({ epoch: -1, endOffset: -1n });
  });

  it('drops conflicting entries when a lower start offset arrives for a new epoch', () => {
    const cache = open();
    cache.assign(1, 0n);
    cache.assign(2, 10n);
    cache.assign(3, 8n);
    expect(cache.entries).toEqual([
      { epoch: 1, startOffset: 0n },
      { epoch: 3, startOffset: 8n },
    ]);
  });

  it('truncates from the end and from the start', () => {
    const cache = open();
    cache.assign(1, 0n);
    cache.assign(2, 10n);
    cache.assign(3, 20n);
    cache.truncateFromEnd(20n);
    expect(cache.latestEpoch).toBe(2);
    cache.truncateFromStart(12n);
    expect(cache.entries).toEqual([{ epoch: 2, startOffset: 12n }]);
    expect(open().entries).toEqual([{ epoch: 2, startOffset: 12n }]);
    expect(cache.epochForOffset(15n)).toBe(2);
  });
});
