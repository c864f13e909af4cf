// One partition replica hosted on this broker: its role (a state machine with an explicit
// transition table), leader epoch, replica set, ISR, high watermark, and — when leading —
// each follower's log end offset and last-caught-up time (Kafka's Partition.scala). Decides
// when the high watermark advances, when acks=-1 appends are done, and which ISR change to
// propose (shrink lagging followers, add caught-up ones), and serves reads as leader
// (fetchRecords: consumers up to the high watermark, followers up to the log end offset).
// Proposals go to the controller through the AlterPartitionManager; the ISR changes only
// when the controller accepts.
// Single-threaded: every method runs synchronously on the broker's event loop.
import { ErrorCode } from '../protocol/error-codes.js';
import type { LeaderAppendInfo, ReplicaLog } from './replica-log.js';

export type PartitionRole = 'none' | 'leader' | 'follower' | 'offline';

/** Allowed role changes; same-role transitions are epoch bumps. */
const TRANSITIONS: Readonly<Record<PartitionRole, readonly PartitionRole[]>> = {
  none: ['leader', 'follower', 'offline'],
  leader: ['leader', 'follower', 'offline'],
  follower: ['leader', 'follower', 'offline'],
  offline: ['leader', 'follower', 'offline'],
};

export interface FollowerState {
  brokerId: number;
  /** -1n until the follower fetched under this leadership. */
  logEndOffset: bigint;
  lastCaughtUpTimeMs: number;
  lastFetchTimeMs: number;
  /** Leader's LEO when this follower last fetched. */
  lastFetchLeaderLogEndOffset: bigint;
  /** The follower's log start offset as its last fetch reported it; -1n unknown (DeleteRecords' low watermark). */
  logStartOffset: bigint;
}

/** One partition of a Fetch, as the leader serves it (see fetchRecords). */
export interface PartitionFetchParams {
  /** -1 for consumers; the follower's broker id for replica fetches. */
  replicaId: number;
  fetchOffset: bigint;
  maxBytes: number;
  /** Return the first batch even when larger than maxBytes (the first partition of a response). */
  minOneMessage: boolean;
  currentLeaderEpoch: number;
  /** 1 (READ_COMMITTED): consumers read up to the last stable offset, with the aborted transactions. */
  isolationLevel?: number;
  /** Record a follower's position (false when a parked fetch reads again). */
  updateFetchState: boolean;
  nowMs: number;
  /** The follower's log start offset (Fetch v5+); -1n unknown. */
  logStartOffset?: bigint;
}

export interface PartitionFetchResult {
  errorCode: number;
  records: Buffer;
  /** READ_COMMITTED: aborted transactions overlapping the records returned. */
  abortedTransactions?: Array<{ producerId: bigint; firstOffset: bigint }>;
  highWatermarkChanged: boolean;
  /** The fetching follower caught up and may join the ISR. */
  canJoinIsr: boolean;
  /** The read threw (I/O, a batch failing its CRC, RecordsError): the caller decides what it means. */
  readError?: unknown;
}

const EMPTY = Buffer.alloc(0);

export interface LeadershipState {
  leaderId: number;
  leaderEpoch: number;
  replicas: readonly number[];
  isr: readonly number[];
}

export class Partition {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  readonly localBrokerId: number;
  topicId: string;
  readonly log: ReplicaLog;
  #role: PartitionRole = 'none';
  #leaderId = -1;
  #leaderEpoch = -1;
  /** Offset where the current leader epoch started (leader only). */
  #leaderEpochStartOffset = -1n;
  #replicas: number[] = [];
  #isr: number[] = [];
  /** ISR proposed to the controller and not yet answered. */
  #pendingIsr: number[] | null = null;
  #highWatermark: bigint;
  readonly #followers = new Map<number, FollowerState>();
  /** Bytes appended since open (for delayed fetch min.bytes estimates). */
  #appendedBytes = 0;

  constructor(options: { topic: string; partition: number; topicId: string; localBrokerId: number; log: ReplicaLog; highWatermark?: bigint }) {
    this.topic = options.topic;
    this.partition = options.partition;
    this.key = `${options.topic}-${options.partition}`;
    this.topicId = options.topicId;
    this.localBrokerId = options.localBrokerId;
    this.log = options.log;
    const hw = options.highWatermark ?? options.log.logEndOffset;
    this.#highWatermark = clamp(hw, options.log.logStartOffset, options.log.logEndOffset);
  }

  get role(): PartitionRole {
    return this.#role;
  }
  get isLeader(): boolean {
    return this.#role === 'leader';
  }
  get leaderId(): number {
    return this.#leaderId;
  }
  get leaderEpoch(): number {
    return this.#leaderEpoch;
  }
  get replicas(): readonly number[] {
    return this.#replicas;
  }
  get isr(): readonly number[] {
    return this.#isr;
  }
  get pendingIsr(): readonly number[] | null {
    return this.#pendingIsr;
  }
  get highWatermark(): bigint {
    return this.#highWatermark;
  }
  get logEndOffset(): bigint {
    return this.log.logEndOffset;
  }
  /** Last stable offset: the high watermark, or the first offset of an older open transaction. */
  get lastStableOffset(): bigint {
    const unstable = this.log.firstUnstableOffset?.();
    return unstable !== undefined && unstable < this.#highWatermark ? unstable : this.#highWatermark;
  }
  get logStartOffset(): bigint {
    return this.log.logStartOffset;
  }
  get appendedBytes(): number {
    return this.#appendedBytes;
  }
  followerState(brokerId: number): FollowerState | undefined {
    return this.#followers.get(brokerId);
  }

  #transition(to: PartitionRole): void {
    if (!TRANSITIONS[this.#role].includes(to)) throw new Error(`partition ${this.key}: illegal role change ${this.#role} -> ${to}`);
    this.#role = to;
  }

  /**
   * Becomes (or stays) leader at `state.leaderEpoch`. Returns true when this is a new
   * leadership (role change or new epoch), false for an ISR/replica update only.
   */
  makeLeader(state: LeadershipState, nowMs: number, keepLocalIsr = false): boolean {
    const isNew = this.#role !== 'leader' || state.leaderEpoch !== this.#leaderEpoch;
    this.#transition('leader');
    this.#leaderId = this.localBrokerId;
    this.#replicas = [...state.replicas];
    // Within one leader epoch, metadata read before our last ISR proposal (keepLocalIsr) can
    // be older than our ISR: taking it would compute the HW over a stale, smaller ISR and
    // acknowledge acks=all data a new member does not have. Metadata read after the proposal
    // reflects its outcome, whatever the answer said: it settles the ISR and the proposal.
    if (isNew || !keepLocalIsr) {
      this.#isr = [...state.isr];
      this.#pendingIsr = null;
    }
    if (isNew) {
      this.#leaderEpoch = state.leaderEpoch;
      this.#leaderEpochStartOffset = this.log.logEndOffset;
      if (this.log.latestEpoch < state.leaderEpoch) this.log.assignEpochStartOffset(state.leaderEpoch, this.log.logEndOffset);
      this.#followers.clear();
    }
    for (const id of this.#replicas) {
      if (id === this.localBrokerId || this.#followers.has(id)) continue;
      this.#followers.set(id, { brokerId: id, logEndOffset: -1n, lastCaughtUpTimeMs: nowMs, lastFetchTimeMs: 0, lastFetchLeaderLogEndOffset: -1n, logStartOffset: -1n });
    }
    for (const id of [...this.#followers.keys()]) if (!this.#replicas.includes(id)) this.#followers.delete(id);
    this.maybeIncrementHighWatermark();
    return isNew;
  }

  /** Becomes (or stays) follower of `state.leaderId`. Returns true for a new leader or epoch. */
  makeFollower(state: LeadershipState): boolean {
    const isNew = this.#role !== 'follower' || state.leaderEpoch !== this.#leaderEpoch || state.leaderId !== this.#leaderId;
    this.#transition('follower');
    this.#leaderId = state.leaderId;
    this.#leaderEpoch = state.leaderEpoch;
    this.#replicas = [...state.replicas];
    this.#isr = [...state.isr];
    this.#pendingIsr = null;
    this.#followers.clear();
    // A follower's HW never exceeds its own LEO.
    if (this.#highWatermark > this.log.logEndOffset) this.#highWatermark = this.log.logEndOffset;
    return isNew;
  }

  makeOffline(): void {
    this.#transition('offline');
    this.#leaderId = -1;
    this.#pendingIsr = null;
    this.#followers.clear();
  }

  /** The ISR used for HW and acks=-1: the union with a pending expansion (Kafka's maximal ISR). */
  get maximalIsr(): readonly number[] {
    if (!this.#pendingIsr) return this.#isr;
    const union = new Set([...this.#isr, ...this.#pendingIsr]);
    return this.#replicas.filter((id) => union.has(id));
  }

  /** Appends a transaction marker as leader (WriteTxnMarkers); throws RecordsError. */
  appendEndTxnMarker(marker: { producerId: bigint; producerEpoch: number; coordinatorEpoch: number; commit: boolean }): LeaderAppendInfo {
    if (!this.log.appendEndTxnMarker) throw new Error(`the log of ${this.key} cannot hold transaction markers`);
    const info = this.log.appendEndTxnMarker(marker, this.#leaderEpoch);
    this.maybeIncrementHighWatermark();
    return info;
  }

  /** Appends as leader; throws RecordsError for bad batches. */
  appendAsLeader(records: Buffer): LeaderAppendInfo {
    const info = this.log.appendAsLeader(records, this.#leaderEpoch);
    if (!info.duplicate) this.#appendedBytes += records.length;
    this.maybeIncrementHighWatermark();
    return info;
  }

  /** Appends fetched batches as follower and takes the leader's HW (capped at our LEO). */
  appendAsFollower(records: Buffer, leaderHighWatermark: bigint): boolean {
    if (records.length > 0) {
      this.log.appendAsFollower(records);
      this.#appendedBytes += records.length;
    }
    return this.updateFollowerHighWatermark(leaderHighWatermark);
  }

  updateFollowerHighWatermark(leaderHighWatermark: bigint): boolean {
    const hw = leaderHighWatermark < this.log.logEndOffset ? leaderHighWatermark : this.log.logEndOffset;
    if (hw > this.#highWatermark) {
      this.#highWatermark = hw;
      this.log.updateHighWatermark(hw); // completed transactions below it become stable (LSO)
      return true;
    }
    return false;
  }

  /** Follower truncation (divergence or a restart below the HW). */
  truncateTo(offset: bigint): void {
    this.log.truncateTo(offset);
    if (this.#highWatermark > this.log.logEndOffset) this.#highWatermark = this.log.logEndOffset;
  }

  /**
   * Records a follower's fetch position (leader only). Returns whether the HW moved and
   * whether the follower now qualifies to join the ISR.
   */
  updateFollowerFetchState(brokerId: number, fetchOffset: bigint, nowMs: number, logStartOffset = -1n): { highWatermarkChanged: boolean; canJoinIsr: boolean } {
    const f = this.#followers.get(brokerId);
    if (!f || this.#role !== 'leader') return { highWatermarkChanged: false, canJoinIsr: false };
    f.logStartOffset = logStartOffset;
    const leo = this.log.logEndOffset;
    if (fetchOffset >= leo) f.lastCaughtUpTimeMs = Math.max(f.lastCaughtUpTimeMs, nowMs);
    else if (fetchOffset >= f.lastFetchLeaderLogEndOffset && f.lastFetchLeaderLogEndOffset >= 0n) f.lastCaughtUpTimeMs = Math.max(f.lastCaughtUpTimeMs, f.lastFetchTimeMs);
    f.logEndOffset = fetchOffset;
    f.lastFetchTimeMs = nowMs;
    f.lastFetchLeaderLogEndOffset = leo;
    const canJoinIsr =
      !this.maximalIsr.includes(brokerId) && fetchOffset >= this.#highWatermark && fetchOffset >= this.#leaderEpochStartOffset;
    return { highWatermarkChanged: this.maybeIncrementHighWatermark(), canJoinIsr };
  }

  /** HW = min LEO over the maximal ISR; only moves forward. Returns true when it moved. */
  maybeIncrementHighWatermark(): boolean {
    if (this.#role !== 'leader') return false;
    let min = this.log.logEndOffset;
    for (const id of this.maximalIsr) {
      if (id === this.localBrokerId) continue;
      const f = this.#followers.get(id);
      if (!f || f.logEndOffset < 0n) return false;
      if (f.logEndOffset < min) min = f.logEndOffset;
    }
    if (min > this.#highWatermark) {
      this.#highWatermark = min;
      this.log.updateHighWatermark(min); // completed transactions below it become stable (LSO)
      return true;
    }
    return false;
  }

  /** Followers in the ISR that have not caught up within `maxLagMs` (leader only). */
  laggingReplicas(nowMs: number, maxLagMs: number): number[] {
    if (this.#role !== 'leader') return [];
    const lagging: number[] = [];
    for (const id of this.#isr) {
      if (id === this.localBrokerId) continue;
      const f = this.#followers.get(id);
      if (!f) continue;
      if (nowMs - f.lastCaughtUpTimeMs > maxLagMs) lagging.push(id);
    }
    return lagging;
  }

  /** Marks an ISR proposal as in flight. */
  setPendingIsr(isr: number[]): void {
    this.#pendingIsr = [...isr];
  }

  /**
   * How many Metadata requests had been sent when the last ISR proposal went out (see
   * ReplicaManager.nextMetadataStamp): metadata requested up to then may predate it.
   */
  isrProposalStamp = -1;

  /**
   * Applies the controller's answer to an ISR proposal. `result`: the committed ISR and
   * leader epoch; null when refused or unanswered. `keepPending`: the outcome is unknown (no
   * answer) or came with a new leader epoch; the proposed ISR keeps counting for the HW
   * (maximal ISR) until metadata settles it, as the controller may hold it.
   */
  completeIsrChange(result: { isr: number[]; leaderEpoch: number } | null, keepPending = false): boolean {
    if (result && this.#role === 'leader' && result.leaderEpoch === this.#leaderEpoch) {
      this.#isr = [...result.isr];
      this.#pendingIsr = null;
    } else if (!keepPending) {
      this.#pendingIsr = null;
    }
    return this.maybeIncrementHighWatermark();
  }

  /** acks=-1 bookkeeping: done once the HW reached `requiredOffset`; error when the ISR is too small. */
  checkEnoughReplicasReachOffset(requiredOffset: bigint): { done: boolean; errorCode: number } {
    if (this.#role !== 'leader') return { done: true, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
    if (this.#highWatermark >= requiredOffset) {
      const minIsr = this.log.config.minInsyncReplicas;
      return { done: true, errorCode: this.#isr.length < minIsr ? ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND : ErrorCode.NONE };
    }
    return { done: false, errorCode: ErrorCode.NONE };
  }

  /**
   * Serves one partition of a Fetch as leader (Kafka's fetchRecords): checks leadership, the
   * epoch the client believes current and the offset range, records a follower's position,
   * then reads whole batches up to the high watermark (consumers) or the log end offset
   * (followers). A read failure comes back as readError, after the follower's position
   * was recorded.
   */
  fetchRecords(params: PartitionFetchParams): PartitionFetchResult {
    const fail = (errorCode: number): PartitionFetchResult => ({ errorCode, records: EMPTY, highWatermarkChanged: false, canJoinIsr: false });
    if (!this.isLeader) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    const epochError = this.checkLeaderEpoch(params.currentLeaderEpoch);
    if (epochError !== ErrorCode.NONE) return fail(epochError);
    const leo = this.log.logEndOffset;
    if (params.fetchOffset < this.log.logStartOffset || params.fetchOffset > leo) return fail(ErrorCode.OFFSET_OUT_OF_RANGE);
    const isFollower = params.replicaId >= 0;
    let highWatermarkChanged = false;
    let canJoinIsr = false;
    if (isFollower && params.updateFetchState) {
      ({ highWatermarkChanged, canJoinIsr } = this.updateFollowerFetchState(params.replicaId, params.fetchOffset, params.nowMs, params.logStartOffset));
    }
    const readCommitted = !isFollower && params.isolationLevel === 1;
    const maxOffset = isFollower ? leo : readCommitted ? this.lastStableOffset : this.#highWatermark;
    try {
      if (readCommitted && this.log.collectAbortedTransactions) {
        if (params.fetchOffset >= maxOffset || (params.maxBytes <= 0 && !params.minOneMessage)) return { errorCode: ErrorCode.NONE, records: EMPTY, abortedTransactions: [], highWatermarkChanged, canJoinIsr };
        const read = this.log.read(params.fetchOffset, params.maxBytes, { maxOffset, minOneMessage: params.minOneMessage });
        const upper = read.nextOffset ?? maxOffset;
        const abortedTransactions = read.records.length === 0 ? [] : this.log.collectAbortedTransactions(params.fetchOffset, upper).map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }));
        return { errorCode: ErrorCode.NONE, records: read.records, abortedTransactions, highWatermarkChanged, canJoinIsr };
      }
      const records = this.#readRecords(params.fetchOffset, params.maxBytes, maxOffset, params.minOneMessage);
      return { errorCode: ErrorCode.NONE, records, highWatermarkChanged, canJoinIsr };
    } catch (readError) {
      return { errorCode: ErrorCode.NONE, records: EMPTY, highWatermarkChanged, canJoinIsr, readError };
    }
  }

  /**
   * Reads committed batches (below the high watermark) from `fetchOffset`, whatever the role
   * (the group coordinator reading its offsets topic). Throws like PartitionLog.read.
   */
  readCommitted(fetchOffset: bigint, maxBytes: number): Buffer {
    return this.#readRecords(fetchOffset, maxBytes, this.#highWatermark, true);
  }

  #readRecords(fetchOffset: bigint, maxBytes: number, maxOffset: bigint, minOneMessage: boolean): Buffer {
    if (fetchOffset >= maxOffset || (maxBytes <= 0 && !minOneMessage)) return EMPTY;
    return this.log.read(fetchOffset, maxBytes, { maxOffset, minOneMessage }).records;
  }

  /**
   * DeleteRecords as leader (Kafka's deleteRecordsOnLeader): moves the log start offset to
   * `offset` (-1: the high watermark) and deletes the segments wholly below it. Returns the
   * Kafka error code and the offset asked; the answer waits for lowWatermark to reach it.
   */
  deleteRecordsOnLeader(offset: bigint): { errorCode: number; requestedOffset: bigint; errorMessage?: string } {
    if (!this.isLeader) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, requestedOffset: -1n };
    if (!this.log.config.cleanupPolicy.delete) {
      return { errorCode: ErrorCode.POLICY_VIOLATION, requestedOffset: -1n, errorMessage: `Records of partition ${this.key} can not be deleted due to the configured policy` };
    }
    const requestedOffset = offset === -1n ? this.#highWatermark : offset;
    if (requestedOffset < 0n || requestedOffset > this.#highWatermark) {
      return { errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, requestedOffset, errorMessage: `The offset ${requestedOffset} for partition ${this.key} is not valid` };
    }
    this.log.updateHighWatermark(this.#highWatermark);
    this.log.maybeIncrementLogStartOffset(requestedOffset);
    return { errorCode: ErrorCode.NONE, requestedOffset };
  }

  /**
   * The lowest log start offset over this replica and the followers on live brokers (Kafka's
   * lowWatermarkIfLeader): DeleteRecords is done once it reached the offset asked.
   */
  lowWatermark(isAlive: (brokerId: number) => boolean): bigint {
    let low = this.log.logStartOffset;
    for (const f of this.#followers.values()) {
      if (isAlive(f.brokerId) && f.logStartOffset < low) low = f.logStartOffset;
    }
    return low;
  }

  /**
   * A follower takes the leader's log start offset from each fetch answer (never past its own
   * high watermark), deleting the segments below it as the leader did.
   */
  updateFollowerLogStartOffset(leaderLogStartOffset: bigint): boolean {
    if (this.#role !== 'follower' || leaderLogStartOffset <= this.log.logStartOffset) return false;
    const target = leaderLogStartOffset < this.#highWatermark ? leaderLogStartOffset : this.#highWatermark;
    if (target <= this.log.logStartOffset) return false;
    this.log.updateHighWatermark(this.#highWatermark);
    return this.log.maybeIncrementLogStartOffset(target);
  }

  /** The follower fell below the leader's log start offset: start over empty at it. */
  truncateFullyAndStartAt(offset: bigint): void {
    this.log.truncateFullyAndStartAt(offset);
    this.#highWatermark = offset;
  }

  /** Checks the epoch a client believes current: FENCED_LEADER_EPOCH (older) / UNKNOWN_LEADER_EPOCH (newer). */
  checkLeaderEpoch(currentLeaderEpoch: number): number {
    if (currentLeaderEpoch < 0 || currentLeaderEpoch === this.#leaderEpoch) return ErrorCode.NONE;
    return currentLeaderEpoch < this.#leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
  }
}

function clamp(v: bigint, lo: bigint, hi: bigint): bigint {
  return v < lo ? lo : v > hi ? hi : v;
}
