// Adapts storage's LogManager / PartitionLog to the LocalLog / LogProvider surface the
// replication layer uses (read options object → positional, epoch cache lookups, high
// watermark checkpoints keyed by topic-partition). Thin and synchronous, like storage.
import type { LogConfig } from '../common/topic-config.js';
import type { LogManager } from '../storage/log-manager.js';
import type { PartitionLog } from '../storage/partition-log.js';
import type { LeaderAppendInfo, LocalLog, LogProvider, LogReadResult, TimestampOffset } from './local-log.js';

export class PartitionLogAdapter implements LocalLog {
  readonly #log: PartitionLog;

  constructor(log: PartitionLog) {
    this.#log = log;
  }

  get topic(): string {
    return this.#log.topic;
  }
  get partition(): number {
    return this.#log.partition;
  }
  get logStartOffset(): bigint {
    return this.#log.logStartOffset;
  }
  get logEndOffset(): bigint {
    return this.#log.logEndOffset;
  }
  get config(): LogConfig {
    return this.#log.config;
  }
  get latestEpoch(): number {
    return this.#log.latestEpoch;
  }
  get storageLog(): PartitionLog {
    return this.#log;
  }
  updateConfig(config: LogConfig): void {
    this.#log.updateConfig(config);
  }
  appendAsLeader(records: Buffer, leaderEpoch: number): LeaderAppendInfo {
    const info = this.#log.appendAsLeader(records, leaderEpoch);
    return { firstOffset: info.firstOffset, lastOffset: info.lastOffset, logAppendTimeMs: info.logAppendTimeMs, duplicate: info.duplicate };
  }
  appendAsFollower(records: Buffer): void {
    this.#log.appendAsFollower(records);
  }
  read(startOffset: bigint, maxBytes: number, maxOffset: bigint, minOneMessage: boolean): LogReadResult {
    return { records: this.#log.read(startOffset, maxBytes, { maxOffset, minOneMessage }).records };
  }
  offsetForTimestamp(timestamp: bigint): TimestampOffset | undefined {
    const found = this.#log.offsetForTimestamp(timestamp);
    if (!found) return undefined;
    return { offset: found.offset, timestamp: found.timestamp, leaderEpoch: this.epochForOffset(found.offset) };
  }
  epochForOffset(offset: bigint): number {
    return this.#log.leaderEpochCache.epochForOffset(offset) ?? -1;
  }
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: bigint } {
    return this.#log.leaderEpochCache.endOffsetFor(epoch, this.#log.logEndOffset);
  }
  assignEpochStartOffset(epoch: number, startOffset: bigint): void {
    this.#log.leaderEpochCache.assign(epoch, startOffset);
  }
  truncateTo(offset: bigint): void {
    this.#log.truncateTo(offset);
  }
  flush(): void {
    this.#log.flush();
  }
}

export class LogManagerProvider implements LogProvider {
  readonly #manager: LogManager;
  readonly #adapters = new WeakMap<PartitionLog, PartitionLogAdapter>();
  readonly #hwCheckpoint: Map<string, bigint>;
  /** Topic ids for logs created next (set by the replica manager before getOrCreateLog). */
  readonly topicIds = new Map<string, string>();

  constructor(manager: LogManager) {
    this.#manager = manager;
    this.#hwCheckpoint = manager.highWatermarkCheckpoint();
  }

  #wrap(log: PartitionLog): PartitionLogAdapter {
    let a = this.#adapters.get(log);
    if (!a) {
      a = new PartitionLogAdapter(log);
      this.#adapters.set(log, a);
    }
    return a;
  }

  getLog(topic: string, partition: number): LocalLog | undefined {
    const log = this.#manager.getLog(topic, partition);
    return log ? this.#wrap(log) : undefined;
  }
  getOrCreateLog(topic: string, partition: number, config: LogConfig, topicId?: string): LocalLog {
    return this.#wrap(this.#manager.getOrCreateLog(topic, partition, topicId, config));
  }
  topicIdOf(topic: string, partition: number): string | undefined {
    return this.#manager.getLog(topic, partition)?.topicId;
  }
  deleteLog(topic: string, partition: number): void {
    this.#manager.deleteLog(topic, partition);
  }
  allLogs(): LocalLog[] {
    return this.#manager.allLogs().map((l) => this.#wrap(l));
  }
  checkpointedHighWatermark(topic: string, partition: number): bigint | undefined {
    return this.#hwCheckpoint.get(`${topic}-${partition}`);
  }
  checkpointHighWatermarks(entries: Array<{ topic: string; partition: number; offset: bigint }>): void {
    for (const e of entries) this.#manager.getLog(e.topic, e.partition)?.updateHighWatermark(e.offset);
    this.#manager.checkpointHighWatermarks(entries);
  }
  checkpointHighWatermarksAsync(entries: Array<{ topic: string; partition: number; offset: bigint }>): Promise<void> {
    for (const e of entries) this.#manager.getLog(e.topic, e.partition)?.updateHighWatermark(e.offset);
    return this.#manager.checkpointHighWatermarksAsync(entries);
  }
}
