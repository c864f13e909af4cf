// The math of kafka-consumer-groups --reset-offsets, as pure functions: parsing the
// scenario inputs (--to-datetime, --by-duration, --topic t:0,1), and turning log start/end
// offsets, committed offsets and timestamp lookups into the new offsets with Kafka's
// clamping, warnings and errors. No I/O: the admin facade gathers the inputs.
import { StreamctlError } from '../common/errors.js';

export type ResetScenario =
  | { kind: 'to-earliest' }
  | { kind: 'to-latest' }
  | { kind: 'to-current' }
  | { kind: 'to-offset'; offset: bigint }
  | { kind: 'shift-by'; shift: bigint }
  | { kind: 'to-datetime'; timestampMs: number }
  | { kind: 'by-duration'; durationMs: number }
  /** `--from-file`: group → `topic:partition` → offset, as parseResetPlanCsv reads it. */
  | { kind: 'from-file'; offsets: Map<string, Map<string, bigint>> };

export interface PartitionResetInput {
  topic: string;
  partition: number;
  logStartOffset: bigint;
  logEndOffset: bigint;
  /** The group's committed offset, or null. */
  committed: bigint | null;
  /** ListOffsets by timestamp result for to-datetime/by-duration; null when no record is that recent. */
  offsetForTimestamp?: bigint | null;
  /** The offset the --from-file plan gives this partition (used as is, as Kafka does). */
  planned?: bigint;
}

export interface PlannedOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

/** What Kafka warns about while planning (the formatter renders its words). */
export type ResetNotice =
  /** A requested offset outside [log start, log end], clamped to `applied`. */
  | { kind: 'above-latest' | 'below-earliest'; topic: string; partition: number; requested: bigint; applied: bigint }
  /** No record at or after the timestamp: falls back to the log end. */
  | { kind: 'empty-partition'; topic: string; partition: number };

export interface ResetPlan {
  offsets: PlannedOffset[];
  notices: ResetNotice[];
}

/** The ListOffsets timestamp a scenario looks up, or null when it needs none. */
export function resetTimestamp(scenario: ResetScenario, nowMs: number): number | null {
  if (scenario.kind === 'to-datetime') return scenario.timestampMs;
  if (scenario.kind === 'by-duration') return nowMs - scenario.durationMs;
  return null;
}

export function planResetOffsets(scenario: ResetScenario, partitions: PartitionResetInput[]): ResetPlan {
  const plan: ResetPlan = { offsets: [], notices: [] };
  const sorted = [...partitions].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  const clamp = (p: PartitionResetInput, offset: bigint): bigint => {
    if (offset > p.logEndOffset) {
      plan.notices.push({ kind: 'above-latest', topic: p.topic, partition: p.partition, requested: offset, applied: p.logEndOffset });
      return p.logEndOffset;
    }
    if (offset < p.logStartOffset) {
      plan.notices.push({ kind: 'below-earliest', topic: p.topic, partition: p.partition, requested: offset, applied: p.logStartOffset });
      return p.logStartOffset;
    }
    return offset;
  };
  for (const p of sorted) {
    let offset: bigint;
    switch (scenario.kind) {
      case 'to-earliest':
        offset = p.logStartOffset;
        break;
      case 'to-latest':
        offset = p.logEndOffset;
        break;
      case 'to-current':
        offset = p.committed ?? p.logEndOffset;
        break;
      case 'to-offset':
        offset = clamp(p, scenario.offset);
        break;
      case 'shift-by':
        if (p.committed === null) {
          throw new StreamctlError('USAGE', `Cannot shift offset for partition ${p.topic}-${p.partition} since there is no current committed offset`);
        }
        offset = clamp(p, p.committed + scenario.shift);
        break;
      case 'to-datetime':
      case 'by-duration':
        if (p.offsetForTimestamp === null || p.offsetForTimestamp === undefined || p.offsetForTimestamp < 0n) {
          plan.notices.push({ kind: 'empty-partition', topic: p.topic, partition: p.partition });
          offset = p.logEndOffset;
        } else {
          offset = p.offsetForTimestamp;
        }
        break;
      case 'from-file':
        offset = p.planned ?? p.committed ?? p.logEndOffset;
        break;
    }
    plan.offsets.push({ topic: p.topic, partition: p.partition, offset });
  }
  return plan;
}

/**
 * Kafka's Utils.getDateTime: `YYYY-MM-DDTHH:mm:SS.sss` with an optional zone (`Z`, `+01:00`);
 * without a zone the local time zone applies. Returns epoch milliseconds.
 */
export function parseResetDateTime(value: string): number {
  const parts = value.split('T');
  if (parts.length < 2) {
    throw new StreamctlError('USAGE', `Error parsing timestamp. It does not contain a 'T' according to ISO8601 format. ${value}`);
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(value);
  if (!match) throw new StreamctlError('USAGE', `Unparseable date: "${value}" (expected YYYY-MM-DDTHH:mm:SS.sss, optionally with a zone)`);
  const [, y, mo, d, h, mi, s, ms = '0', zone] = match;
  const millis = Number(ms.padEnd(3, '0'));
  if (zone === undefined) return new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis).getTime();
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
  if (zone === 'Z') return utc;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
  return utc - sign * offsetMinutes * 60_000;
}

/** java.time.Duration.parse for `PnDTnHnMn.nS` (signs allowed); returns milliseconds. */
export function parseIsoDuration(value: string): number {
  const match = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?$/i.exec(value);
  const hasT = /T/i.test(value);
  if (!match || value.toUpperCase() === 'P' || (hasT && /T$/i.test(value)) || (!match[2] && !match[3] && !match[4] && !match[5])) {
    throw new StreamctlError('USAGE', `Text cannot be parsed to a Duration: ${value}`);
  }
  const [, sign, days, hours, minutes, seconds, fraction] = match;
  const n = (v: string | undefined) => (v === undefined ? 0 : Number(v));
  let secondsMs = n(seconds) * 1000;
  if (fraction) {
    const fracMs = Number(fraction.padEnd(3, '0').slice(0, 3));
    secondsMs += (seconds?.startsWith('-') ? -1 : 1) * fracMs;
  }
  const total = n(days) * 86_400_000 + n(hours) * 3_600_000 + n(minutes) * 60_000 + secondsMs;
  return sign === '-' ? -total : total;
}

/** `t` or `t:0,1,2` → topic and optional partition list (Kafka's messages for bad input). */
export function parseTopicPartitionsArg(arg: string): { topic: string; partitions: number[] | null } {
  if (!arg.includes(':')) return { topic: arg, partitions: null };
  const parts = arg.split(':');
  if (parts.length !== 2) throw new StreamctlError('USAGE', `Invalid topic arg '${arg}', expected topic name and partitions`);
  const [topic, list] = parts as [string, string];
  const partitions = list.split(',').map((p) => {
    if (!/^-?\d+$/.test(p.trim())) throw new StreamctlError('USAGE', `Invalid partition '${p}' specified in topic arg '${arg}''`);
    return Number(p.trim());
  });
  return { topic, partitions };
}

/**
 * Reads a `--from-file` reset plan, the CSV `--export` writes: `topic,partition,offset` lines
 * when exactly one --group is given, else `group,topic,partition,offset` (Kafka's
 * parseResetPlan). Returns group → `topic:partition` → offset; a bad line is a USAGE error.
 */
export function parseResetPlanCsv(text: string, groups: string[], singleGroupQuery: boolean): Map<string, Map<string, bigint>> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const withoutGroup = singleGroupQuery && lines.length > 0 && lines[0]!.split(',').length === 3;
  const plan = new Map<string, Map<string, bigint>>();
  lines.forEach((line, i) => {
    const fields = line.split(',').map((f) => f.trim());
    const [group, topic, partition, offset] = withoutGroup ? [groups[0]!, ...fields] : fields;
    if (fields.length !== (withoutGroup ? 3 : 4) || !topic || !/^\d+$/.test(partition ?? '') || !/^\d+$/.test(offset ?? '')) {
      throw new StreamctlError(
        'USAGE',
        `Invalid reset plan line ${i + 1}: '${line}' (expected ${withoutGroup ? 'topic,partition,offset' : 'group,topic,partition,offset'} with a non-negative partition and offset)`,
      );
    }
    const byPartition = plan.get(group!) ?? new Map<string, bigint>();
    byPartition.set(`${topic}:${partition}`, BigInt(offset!));
    plan.set(group!, byPartition);
  });
  return plan;
}

/** The `--export` CSV Kafka prints: one line per partition, the group first unless exactly one --group was given. */
export function resetPlanCsv(rows: Array<PlannedOffset & { group: string }>, singleGroupQuery: boolean): string {
  return rows.map((r) => `${singleGroupQuery ? '' : `${r.group},`}${r.topic},${r.partition},${r.offset}\n`).join('');
}
