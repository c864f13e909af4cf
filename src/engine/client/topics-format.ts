// kafka-topics.sh output as pure functions: the create warning, the describe topic and
// partition lines (TABs, TopicId, Configs, Leader/Replicas/Isr, Elr/LastKnownElr), and the
// partition-report filters (--under-replicated-partitions and friends). No I/O.

export const TOPIC_NAME_COLLISION_WARNING =
  "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.";

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export interface PartitionDescription {
  partition: number;
  /** -1 (or null) when the partition has no leader. */
  leader: number | null;
  replicas: number[];
  isr: number[];
  /** null when the broker lacks DescribeTopicPartitions (printed as N/A). */
  elr: number[] | null;
  lastKnownElr: number[] | null;
}

export interface ConfigEntryView {
  name: string;
  value: string | null;
}

export interface TopicDescription {
  topic: string;
  /** Base64url topic id as Kafka prints it; ZERO_UUID or '' when unknown. */
  topicId: string;
  internal: boolean;
  partitions: PartitionDescription[];
  /** Non-default config entries (Kafka prints `!isDefault()` ones). */
  configs: ConfigEntryView[];
  /** The effective min.insync.replicas; null when unknown. */
  minInsyncReplicas: number | null;
  markedForDeletion?: boolean;
}

export type PartitionReport = 'under-replicated' | 'unavailable' | 'under-min-isr' | 'at-min-isr';

export interface DescribeFilter {
  report?: PartitionReport;
  topicsWithOverrides?: boolean;
  /** Live broker ids, for the unavailable report. */
  liveBrokers?: number[];
}

function hasLeader(p: PartitionDescription): boolean {
  return p.leader !== null && p.leader >= 0;
}

function partitionMatches(p: PartitionDescription, topic: TopicDescription, filter: DescribeFilter): boolean {
  switch (filter.report) {
    case undefined:
      return true;
    case 'under-replicated':
      return p.isr.length < p.replicas.length;
    case 'unavailable':
      return !hasLeader(p) || (filter.liveBrokers !== undefined && !filter.liveBrokers.includes(p.leader as number));
    case 'under-min-isr':
      return !hasLeader(p) || (topic.minInsyncReplicas !== null && p.isr.length < topic.minInsyncReplicas);
    case 'at-min-isr':
      return topic.minInsyncReplicas !== null && p.isr.length === topic.minInsyncReplicas;
  }
}

export function formatTopicLine(topic: TopicDescription): string {
  const rf = topic.partitions[0]?.replicas.length ?? 0;
  const id = topic.topicId && topic.topicId !== ZERO_UUID ? `\tTopicId: ${topic.topicId}` : '';
  const configs = topic.configs.map((c) => `${c.name}=${c.value}`).join(',');
  const deletion = topic.markedForDeletion ? '\tMarkedForDeletion: true' : '';
  return `Topic: ${topic.topic}${id}\tPartitionCount: ${topic.partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${configs}${deletion}`;
}

function ids(list: number[] | null): string {
  return list === null ? 'N/A' : list.join(',');
}

export function formatPartitionLine(topic: TopicDescription, p: PartitionDescription): string {
  const leader = hasLeader(p) ? String(p.leader) : 'none';
  const deletion = topic.markedForDeletion ? '\tMarkedForDeletion: true' : '';
  return (
    `\tTopic: ${topic.topic}\tPartition: ${p.partition}\tLeader: ${leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}` +
    `\tElr: ${ids(p.elr)}\tLastKnownElr: ${ids(p.lastKnownElr)}${deletion}`
  );
}

/**
 * The lines kafka-topics --describe prints for these topics (already sorted by the caller).
 * With a partition report only matching partition lines are printed, without topic lines;
 * with --topics-with-overrides only topic lines of topics that have overrides.
 */
export function formatTopicDescriptions(topics: TopicDescription[], filter: DescribeFilter = {}): string[] {
  const lines: string[] = [];
  for (const topic of topics) {
    if (filter.topicsWithOverrides) {
      if (topic.configs.length > 0) lines.push(formatTopicLine(topic));
      continue;
    }
    if (filter.report === undefined) lines.push(formatTopicLine(topic));
    for (const p of [...topic.partitions].sort((a, b) => a.partition - b.partition)) {
      if (partitionMatches(p, topic, filter)) lines.push(formatPartitionLine(topic, p));
    }
  }
  return lines;
}

/** Kafka's `--topic` accepts a regex (full match); a name that is not a valid regex matches literally. */
export function topicMatcher(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined) return () => true;
  try {
    const re = new RegExp(`^(?:${pattern})$`);
    return (name) => name === pattern || re.test(name);
  } catch {
    return (name) => name === pattern;
  }
}

/** Parses `--replica-assignment 1:2,2:3` into per-partition broker lists, with Kafka's checks. */
export function parseReplicaAssignment(value: string): number[][] {
  const partitions = value.split(',').map((part) =>
    part.split(':').map((b) => {
      const id = Number(b.trim());
      if (!/^\s*-?\d+\s*$/.test(b) || !Number.isInteger(id)) throw new Error(`Invalid broker id '${b}' in replica assignment '${value}'`);
      return id;
    }),
  );
  partitions.forEach((replicas, i) => {
    const seen = new Set<number>();
    for (const r of replicas) {
      if (seen.has(r)) throw new Error(`Partition replica lists may not contain duplicate entries: ${r}`);
      seen.add(r);
    }
    if (i > 0 && replicas.length !== partitions[0]!.length) {
      throw new Error(`Partition ${i} has different replication factor: [${replicas.join(', ')}]`);
    }
  });
  return partitions;
}
