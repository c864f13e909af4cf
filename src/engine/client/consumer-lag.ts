// Consumer lag math, pure: per partition (log-end minus committed, as kafka-consumer-groups
// computes it), per topic (sum of records, and the time lag: now minus the timestamp of the
// next record to consume), per group (total), plus the `streamctl lag` table. No I/O.
/** Kafka's getLag: defined only when something is committed and the log end is known. */
export function partitionLag(committed: bigint | null, logEndOffset: bigint | null): bigint | null {
  if (committed === null || committed < 0n || logEndOffset === null) return null;
  return logEndOffset - committed;
}

export interface PartitionLagInput {
  topic: string;
  partition: number;
  committed: bigint | null;
  logEndOffset: bigint | null;
  /** Timestamp of the record at the committed offset (the next one the group will read). */
  committedRecordTimestamp?: bigint | null;
}

/** Time lag of one partition in ms (timeLagFromNowMs): 0 when caught up, null when unknown. */
export function partitionTimeLagMs(p: PartitionLagInput, nowMs: number = Date.now()): number | null {
  return timeLagFromNowMs(partitionLag(p.committed, p.logEndOffset), p.committedRecordTimestamp ?? null, nowMs);
}

export interface TopicLag {
  group: string;
  topic: string;
  partitions: number;
  /** Sum of partition lags (partitions without commits count their whole log as unknown: skipped). */
  lag: bigint;
  /** Partitions with no committed offset. */
  uncommittedPartitions: number;
  /** Largest partition time lag, ms; null when no partition's time lag is known. */
  timeLagMs: number | null;
}

export interface GroupLag {
  group: string;
  totalLag: bigint;
  topics: TopicLag[];
}

export function computeGroupLag(group: string, partitions: PartitionLagInput[], nowMs: number = Date.now()): GroupLag {
  const byTopic = new Map<string, PartitionLagInput[]>();
  for (const p of partitions) {
    const list = byTopic.get(p.topic) ?? [];
    list.push(p);
    byTopic.set(p.topic, list);
  }
  const topics: TopicLag[] = [...byTopic.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([topic, list]) => {
      let lag = 0n;
      let uncommitted = 0;
      let timeLag: number | null = null;
      for (const p of list) {
        const l = partitionLag(p.committed, p.logEndOffset);
        if (l === null) uncommitted += 1;
        else lag += l > 0n ? l : 0n;
        const t = partitionTimeLagMs(p, nowMs);
        if (t !== null) timeLag = Math.max(timeLag ?? 0, t);
      }
      return { group, topic, partitions: list.length, lag, uncommittedPartitions: uncommitted, timeLagMs: timeLag };
    });
  return { group, totalLag: topics.reduce((n, t) => n + t.lag, 0n), topics };
}

/** 0s, 850ms, 12s, 3m05s, 2h01m, 3d04h. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return ms === 0 ? '0s' : `${Math.round(ms)}ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** The `streamctl lag` table (headers and cells): one row per group and topic, then the group total. */
export function lagTable(groups: GroupLag[]): { headers: string[]; rows: string[][] } {
  const rows: string[][] = [];
  for (const g of groups) {
    for (const t of g.topics) {
      rows.push([g.group, t.topic, String(t.partitions), String(t.lag), t.timeLagMs === null ? '-' : formatDurationMs(t.timeLagMs)]);
    }
    rows.push([g.group, '(total)', '', String(g.totalLag), '']);
  }
  return { headers: ['GROUP', 'TOPIC', 'PARTITIONS', 'LAG', 'TIME-LAG'], rows };
}

/**
 * How far behind a group is in time on one partition: now minus the timestamp of the next
 * record it will consume (the one at the committed offset); 0 when caught up, null when
 * unknown. An idle group 30 minutes behind shows 30 minutes, however close the records are.
 */
export function timeLagFromNowMs(lag: bigint | null, nextRecordTimestamp: bigint | null, nowMs: number): number | null {
  if (lag === null) return null;
  if (lag <= 0n) return 0;
  if (nextRecordTimestamp === null || nextRecordTimestamp < 0n) return null;
  return Math.max(0, nowMs - Number(nextRecordTimestamp));
}
