// Tracks, per topic-partition, which consumed offsets have been emitted as tuples and which
// were acked, and says which offset may be committed: the smallest emitted offset not yet
// acked (everything below it is done), or one past the highest acked offset when nothing
// is outstanding — so a commit never skips an unacked tuple, and gaps in the offsets
// (compaction, transaction markers) do not block commits. Failed offsets stay outstanding
// until they are replayed and acked. Pure and synchronous; one instance per spout task.

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  /** For commits: the next offset to consume (Kafka's committed offset semantics). */
  offset: bigint;
}

interface PartitionState {
  /** Emitted and not yet acked, in emit order (= ascending offset order, see emitted()). */
  outstanding: Set<bigint>;
  /** Highest offset ever emitted. */
  highest: bigint;
  /** Last committed offset (next to consume); starts at the first offset emitted. */
  committed: bigint;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class OffsetTracker {
  #partitions = new Map<string, PartitionState & { topic: string; partition: number }>();

  #state(topic: string, partition: number) {
    const k = key(topic, partition);
    let s = this.#partitions.get(k);
    if (!s) {
      s = { topic, partition, outstanding: new Set(), highest: -1n, committed: -1n };
      this.#partitions.set(k, s);
    }
    return s;
  }

  /**
   * Records the first emit of `offset`. Offsets of a partition must be emitted for the first
   * time in ascending order (a consumer delivers them so); re-emits of an outstanding offset
   * (replays) are ignored. Returns false for an offset below one already emitted.
   */
  emitted(topic: string, partition: number, offset: bigint): boolean {
    const s = this.#state(topic, partition);
    if (s.outstanding.has(offset)) return true;
    if (offset <= s.highest) return false;
    // The first offset seen is where consumption (re)started: nothing below it to commit.
    if (s.highest < 0n && s.committed < 0n) s.committed = offset;
    s.outstanding.add(offset);
    s.highest = offset;
    return true;
  }

  /** The tuple of `offset` was fully processed. Unknown offsets are ignored. */
  acked(topic: string, partition: number, offset: bigint): void {
    this.#partitions.get(key(topic, partition))?.outstanding.delete(offset);
  }

  /** True while `offset` is emitted and not acked (a failed one stays outstanding for replay). */
  isOutstanding(topic: string, partition: number, offset: bigint): boolean {
    return this.#partitions.get(key(topic, partition))?.outstanding.has(offset) ?? false;
  }

  /** Outstanding tuples over all partitions. */
  get outstandingCount(): number {
    let n = 0;
    for (const s of this.#partitions.values()) n += s.outstanding.size;
    return n;
  }

  /** The offset that may be committed for one partition (next to consume), or undefined if nothing was emitted. */
  committableOffset(topic: string, partition: number): bigint | undefined {
    const s = this.#partitions.get(key(topic, partition));
    if (!s || s.highest < 0n) return undefined;
    // Sets iterate in insertion order and first emits are ascending: the first is the minimum.
    for (const first of s.outstanding) return first;
    return s.highest + 1n;
  }

  /** Commits that would move a partition's committed offset forward. */
  pendingCommits(): TopicPartitionOffset[] {
    const out: TopicPartitionOffset[] = [];
    for (const s of this.#partitions.values()) {
      const offset = this.committableOffset(s.topic, s.partition);
      if (offset !== undefined && offset > s.committed) out.push({ topic: s.topic, partition: s.partition, offset });
    }
    return out;
  }

  /** Records that these commits succeeded. */
  markCommitted(commits: readonly TopicPartitionOffset[]): void {
    for (const c of commits) {
      const s = this.#state(c.topic, c.partition);
      if (c.offset > s.committed) s.committed = c.offset;
    }
  }

  /** Forgets a partition (revoked in a rebalance): its outstanding tuples no longer count. */
  revoke(topic: string, partition: number): void {
    this.#partitions.delete(key(topic, partition));
  }

  /** Partitions currently tracked. */
  partitions(): Array<{ topic: string; partition: number }> {
    return [...this.#partitions.values()].map((s) => ({ topic: s.topic, partition: s.partition }));
  }
}
