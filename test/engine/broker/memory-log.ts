// In-memory ReplicaLog for broker unit tests: appends whole batches (validated and
// offset-assigned with the real record-batch helpers), reads by offset, keeps an epoch list.
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../../src/engine/common/topic-config.js';
import type { LeaderAppendInfo, ReplicaLog, ReplicaReadOptions, TimestampOffset } from '../../../src/engine/broker/replica-log.js';
import { assignOffsets, lastOffsetOf, validateRecordBatches } from '../../../src/engine/protocol/records/record-batch.js';

export class MemoryLog implements ReplicaLog {
  readonly topic: string;
  readonly partition: number;
  topicId: string | undefined = undefined;
  config: LogConfig;
  highWatermark = 0n;
  logStartOffset = 0n;
  logEndOffset = 0n;
  readonly batches: Array<{ base: bigint; last: bigint; bytes: Buffer; epoch: number }> = [];
  readonly epochs: Array<{ epoch: number; start: bigint }> = [];

  constructor(topic = 't', partition = 0, config: Partial<LogConfig> = {}) {
    this.topic = topic;
    this.partition = partition;
    this.config = { ...DEFAULT_LOG_CONFIG, ...config };
  }
  get latestEpoch(): number {
    return this.epochs.at(-1)?.epoch ?? -1;
  }
  updateConfig(config: LogConfig): void {
    this.config = config;
  }
  appendAsLeader(records: Buffer, leaderEpoch: number): LeaderAppendInfo {
    const { batches } = validateRecordBatches(records);
    const first = this.logEndOffset;
    for (const b of batches) {
      assignOffsets(records, b, this.logEndOffset, leaderEpoch);
      const last = lastOffsetOf(b.header);
      this.batches.push({ base: b.header.baseOffset, last, bytes: Buffer.from(records.subarray(b.position, b.position + b.size)), epoch: leaderEpoch });
      this.logEndOffset = last + 1n;
    }
    if (leaderEpoch > this.latestEpoch) this.epochs.push({ epoch: leaderEpoch, start: first });
    return { firstOffset: first, lastOffset: this.logEndOffset - 1n, logAppendTimeMs: -1n, duplicate: false };
  }
  appendAsFollower(records: Buffer): void {
    for (const b of validateRecordBatches(records).batches) {
      const last = lastOffsetOf(b.header);
      this.batches.push({ base: b.header.baseOffset, last, bytes: Buffer.from(records.subarray(b.position, b.position + b.size)), epoch: b.header.partitionLeaderEpoch });
      if (b.header.partitionLeaderEpoch > this.latestEpoch) this.epochs.push({ epoch: b.header.partitionLeaderEpoch, start: b.header.baseOffset });
      this.logEndOffset = last + 1n;
    }
  }
  read(startOffset: bigint, maxBytes: number, { maxOffset = this.logEndOffset, minOneMessage }: ReplicaReadOptions): { records: Buffer } {
    const out: Buffer[] = [];
    let size = 0;
    for (const b of this.batches) {
      if (b.last < startOffset || b.base >= maxOffset) continue;
      if (size + b.bytes.length > maxBytes && !(minOneMessage && out.length === 0)) break;
      out.push(b.bytes);
      size += b.bytes.length;
    }
    return { records: Buffer.concat(out) };
  }
  offsetForTimestamp(): TimestampOffset | null {
    return null;
  }
  epochForOffset(offset: bigint): number {
    let e = -1;
    for (const x of this.epochs) if (x.start <= offset) e = x.epoch;
    return e;
  }
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: bigint } {
    if (this.epochs.length === 0) return { epoch: -1, endOffset: -1n };
    if (epoch === this.latestEpoch) return { epoch, endOffset: this.logEndOffset };
    const higher = this.epochs.find((x) => x.epoch > epoch);
    if (!higher) return { epoch: -1, endOffset: -1n };
    const floor = [...this.epochs].reverse().find((x) => x.epoch <= epoch);
    return { epoch: floor?.epoch ?? epoch, endOffset: higher.start };
  }
  assignEpochStartOffset(epoch: number, startOffset: bigint): void {
    if (epoch > this.latestEpoch) this.epochs.push({ epoch, start: startOffset });
  }
  truncateTo(offset: bigint): void {
    // Whole batches, as segments truncate: the batch holding `offset` goes too.
    while (this.batches.length > 0 && this.batches.at(-1)!.last >= offset) this.batches.pop();
    this.logEndOffset = this.batches.length > 0 ? this.batches.at(-1)!.last + 1n : this.logStartOffset;
    while (this.epochs.length > 0 && this.epochs.at(-1)!.start >= this.logEndOffset && this.epochs.length > 1) this.epochs.pop();
  }
  updateHighWatermark(offset: bigint): void {
    this.highWatermark = offset;
  }
  get size(): number {
    return this.batches.reduce((n, b) => n + b.bytes.length, 0);
  }
  maybeIncrementLogStartOffset(offset: bigint): boolean {
    if (offset > this.highWatermark) throw new Error(`log start offset ${offset} past the high watermark ${this.highWatermark}`);
    if (offset <= this.logStartOffset) return false;
    this.logStartOffset = offset;
    while (this.batches.length > 0 && this.batches[0]!.last < offset) this.batches.shift();
    return true;
  }
  truncateFullyAndStartAt(offset: bigint): void {
    this.batches.length = 0;
    this.logStartOffset = offset;
    this.logEndOffset = offset;
    this.highWatermark = offset;
  }
  flush(): void {}
}
