import { describe, expect, it } from 'vitest';
import { formatResetNotices } from '../../../src/engine/client/groups-format.js';
import {
  parseIsoDuration,
  parseResetDateTime,
  parseTopicPartitionsArg,
  type PartitionResetInput,
  planResetOffsets,
  resetTimestamp,
} from '../../../src/engine/client/offset-reset-plan.js';

const p = (over: Partial<PartitionResetInput> = {}): PartitionResetInput => ({
  topic: 't',
  partition: 0,
  logStartOffset: 5n,
  logEndOffset: 10n,
  committed: 7n,
  ...over,
});

describe('reset-offsets planning', () => {
  it('resets to the log start and end', () => {
    expect(planResetOffsets({ kind: 'to-earliest' }, [p()]).offsets[0]!.offset).toBe(5n);
    expect(planResetOffsets({ kind: 'to-latest' }, [p()]).offsets[0]!.offset).toBe(10n);
  });

  it("clamps --to-offset above the log end with Kafka's warning", () => {
    const plan = planResetOffsets({ kind: 'to-offset', offset: 15n }, [p()]);
    expect(plan.offsets[0]!.offset).toBe(10n);
    expect(plan.notices).toEqual([{ kind: 'above-latest', topic: 't', partition: 0, requested: 15n, applied: 10n }]);
    expect(formatResetNotices(plan.notices.map((n) => ({ ...n, group: 'g' }))).stderr).toBe(
      'New offset (15) is higher than latest offset for topic partition t-0. Value will be set to 10.\n',
    );
  });

  it('clamps a shift below the log start', () => {
    const plan = planResetOffsets({ kind: 'shift-by', shift: -100n }, [p()]);
    expect(plan.offsets[0]!.offset).toBe(5n);
    expect(formatResetNotices(plan.notices.map((n) => ({ ...n, group: 'g' }))).stderr).toContain('is lower than earliest offset for topic partition t-0. Value will be set to 5.');
  });

  it('shifts the committed offset', () => {
    expect(planResetOffsets({ kind: 'shift-by', shift: 2n }, [p()]).offsets[0]!.offset).toBe(9n);
  });

  it('refuses to shift a partition without a committed offset', () => {
    expect(() => planResetOffsets({ kind: 'shift-by', shift: 1n }, [p({ committed: null })])).toThrow(
      'Cannot shift offset for partition t-0 since there is no current committed offset',
    );
  });

  it('keeps the committed offset with --to-current and falls back to the log end', () => {
    const plan = planResetOffsets({ kind: 'to-current' }, [p(), p({ partition: 1, committed: null })]);
    expect(plan.offsets.map((o) => o.offset)).toEqual([7n, 10n]);
  });

  it('uses the timestamp lookup and falls back to the log end for an empty partition', () => {
    const plan = planResetOffsets({ kind: 'to-datetime', timestampMs: 0 }, [p({ offsetForTimestamp: 6n }), p({ partition: 1, offsetForTimestamp: -1n })]);
    expect(plan.offsets.map((o) => o.offset)).toEqual([6n, 10n]);
    expect(formatResetNotices(plan.notices.map((n) => ({ ...n, group: 'g' }))).stdout).toBe('\nWarn: Partition 1 from topic t is empty. Falling back to latest known offset.\n');
  });

  it('orders the plan by topic and partition', () => {
    const plan = planResetOffsets({ kind: 'to-latest' }, [p({ topic: 'b' }), p({ topic: 'a', partition: 2 }), p({ topic: 'a', partition: 1 })]);
    expect(plan.offsets.map((o) => `${o.topic}-${o.partition}`)).toEqual(['a-1', 'a-2', 'b-0']);
  });

  it('computes the lookup timestamp for --by-duration from now', () => {
    expect(resetTimestamp({ kind: 'by-duration', durationMs: 3_600_000 }, 10_000_000)).toBe(6_400_000);
    expect(resetTimestamp({ kind: 'to-latest' }, 1)).toBeNull();
  });
});

describe('reset-offsets inputs', () => {
  it('parses ISO-8601 durations like java.time.Duration', () => {
    expect(parseIsoDuration('PT1H')).toBe(3_600_000);
    expect(parseIsoDuration('P1DT2H3M4.5S')).toBe(86_400_000 + 7_200_000 + 180_000 + 4_500);
    expect(parseIsoDuration('PT-30M')).toBe(-1_800_000);
    expect(() => parseIsoDuration('1h')).toThrow('Text cannot be parsed to a Duration');
    expect(() => parseIsoDuration('PT')).toThrow('Text cannot be parsed to a Duration');
  });

  it('parses --to-datetime with and without a zone', () => {
    expect(parseResetDateTime('2024-01-01T00:00:00.000Z')).toBe(Date.UTC(2024, 0, 1));
    expect(parseResetDateTime('2024-01-01T02:00:00.000+02:00')).toBe(Date.UTC(2024, 0, 1));
    expect(parseResetDateTime('2024-01-01T00:00:00.000')).toBe(new Date(2024, 0, 1).getTime());
    expect(() => parseResetDateTime('2024-01-01')).toThrow("It does not contain a 'T'");
  });

  it('parses topic:partitions arguments', () => {
    expect(parseTopicPartitionsArg('t')).toEqual({ topic: 't', partitions: null });
    expect(parseTopicPartitionsArg('t:0,2')).toEqual({ topic: 't', partitions: [0, 2] });
    expect(() => parseTopicPartitionsArg('t:x')).toThrow("Invalid partition 'x' specified in topic arg 't:x''");
  });
});
