// The server-side assignors of KIP-848 consumer groups (group.consumer.assignors): `uniform`
// (Kafka's default: balanced and sticky, every member within one partition of every other
// member that could take the same partitions) and `range` (per topic, consecutive ranges of
// partitions to the members subscribed to it, sorted by member id, the first ones getting
// one more). Pure functions over plain values: the coordinator feeds them the members'
// subscriptions, the topics' partition counts and the previous target assignment.
// Concurrency: none (pure).

/** topic id → partitions. */
export type Assignment = Map<string, Set<number>>;

export interface AssignorMember {
  memberId: string;
  /** Topic ids the member subscribes to (only those that exist). */
  subscribedTopicIds: ReadonlySet<string>;
  /** The member's previous target assignment (stickiness). */
  previous: Assignment;
}

export interface AssignorInput {
  members: readonly AssignorMember[];
  /** topic id → partition count */
  topics: ReadonlyMap<string, number>;
}

export type Assignor = (input: AssignorInput) => Map<string, Assignment>;

export const UNIFORM_ASSIGNOR = 'uniform';
export const RANGE_ASSIGNOR = 'range';

function emptyResult(input: AssignorInput): Map<string, Assignment> {
  return new Map(input.members.map((m) => [m.memberId, new Map()]));
}

function add(assignment: Assignment, topicId: string, partition: number): void {
  let set = assignment.get(topicId);
  if (!set) assignment.set(topicId, (set = new Set()));
  set.add(partition);
}

function remove(assignment: Assignment, topicId: string, partition: number): void {
  const set = assignment.get(topicId);
  if (!set) return;
  set.delete(partition);
  if (set.size === 0) assignment.delete(topicId);
}

export function assignmentSize(assignment: Assignment): number {
  let n = 0;
  for (const s of assignment.values()) n += s.size;
  return n;
}

const byId = (a: { memberId: string }, b: { memberId: string }) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);

/** Range: per topic, members subscribed to it in member-id order take consecutive ranges. */
export function rangeAssign(input: AssignorInput): Map<string, Assignment> {
  const result = emptyResult(input);
  const members = [...input.members].sort(byId);
  for (const topicId of [...input.topics.keys()].sort()) {
    const count = input.topics.get(topicId)!;
    const subscribers = members.filter((m) => m.subscribedTopicIds.has(topicId));
    if (subscribers.length === 0) continue;
    const base = Math.floor(count / subscribers.length);
    const extra = count % subscribers.length;
    let next = 0;
    subscribers.forEach((m, i) => {
      const n = base + (i < extra ? 1 : 0);
      for (let k = 0; k < n; k++) add(result.get(m.memberId)!, topicId, next++);
    });
  }
  return result;
}

/**
 * Uniform: keeps every partition where it was when its owner still subscribes to its topic,
 * gives each unassigned partition to the least-loaded member that subscribes to it, then moves
 * partitions from a member to one that has at least two fewer and could own them, until no
 * such move is left. With equal subscriptions every member ends with floor or ceil of
 * partitions / members.
 */
export function uniformAssign(input: AssignorInput): Map<string, Assignment> {
  const result = emptyResult(input);
  const members = [...input.members].sort(byId);
  const counts = new Map(members.map((m) => [m.memberId, 0]));
  const owner = new Map<string, string>();
  const key = (t: string, p: number) => `${t}\u0000${p}`;
  const give = (memberId: string, t: string, p: number) => {
    add(result.get(memberId)!, t, p);
    counts.set(memberId, counts.get(memberId)! + 1);
    owner.set(key(t, p), memberId);
  };
  // 1. Stickiness: previous partitions that are still valid.
  for (const m of members) {
    for (const [t, partitions] of m.previous) {
      const count = input.topics.get(t);
      if (count === undefined || !m.subscribedTopicIds.has(t)) continue;
      for (const p of [...partitions].sort((a, b) => a - b)) if (p < count && !owner.has(key(t, p))) give(m.memberId, t, p);
    }
  }
  // 2. Unassigned partitions to the least-loaded subscriber.
  const topicIds = [...input.topics.keys()].sort();
  for (const t of topicIds) {
    const subscribers = members.filter((m) => m.subscribedTopicIds.has(t));
    if (subscribers.length === 0) continue;
    const count = input.topics.get(t)!;
    for (let p = 0; p < count; p++) {
      if (owner.has(key(t, p))) continue;
      let best = subscribers[0]!;
      for (const s of subscribers) if (counts.get(s.memberId)! < counts.get(best.memberId)!) best = s;
      give(best.memberId, t, p);
    }
  }
  // 3. Balance: move partitions from the most loaded to eligible members two or more behind.
  for (let moved = true; moved; ) {
    moved = false;
    const order = [...members].sort((a, b) => counts.get(b.memberId)! - counts.get(a.memberId)! || byId(a, b));
    for (const from of order) {
      const a = result.get(from.memberId)!;
      for (const [t, partitions] of [...a.entries()].sort(([x], [y]) => (x < y ? 1 : -1))) {
        for (const p of [...partitions].sort((x, y) => y - x)) {
          const to = members
            .filter((m) => m.subscribedTopicIds.has(t) && counts.get(m.memberId)! + 1 < counts.get(from.memberId)!)
            .sort((x, y) => counts.get(x.memberId)! - counts.get(y.memberId)! || byId(x, y))[0];
          if (!to) continue;
          remove(a, t, p);
          counts.set(from.memberId, counts.get(from.memberId)! - 1);
          give(to.memberId, t, p);
          moved = true;
        }
      }
      if (moved) break;
    }
  }
  return result;
}

export const ASSIGNORS: Readonly<Record<string, Assignor>> = {
  [UNIFORM_ASSIGNOR]: uniformAssign,
  [RANGE_ASSIGNOR]: rangeAssign,
};

/** Kafka's assignor class names map to our short names (both are accepted in group.consumer.assignors). */
export function assignorName(configured: string): string | null {
  const name = configured.trim();
  if (name === 'org.apache.kafka.coordinator.group.assignor.UniformAssignor') return UNIFORM_ASSIGNOR;
  if (name === 'org.apache.kafka.coordinator.group.assignor.RangeAssignor') return RANGE_ASSIGNOR;
  return name in ASSIGNORS ? name : null;
}
