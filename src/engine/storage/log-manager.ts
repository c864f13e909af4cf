// All partition logs of one broker under one data directory (Kafka's LogManager): loads
// every `<topic>-<partition>` folder at start (recovering after an unclean shutdown, detected
// by the absence of `.kafka_cleanshutdown`), creates and deletes logs (delete = rename to a
// `-delete` folder, then remove in the background), runs retention, flush and
// recovery-point checkpoint timers and the log cleaner (one pass at a time, in slices that
// yield to the event loop), and writes Kafka's checkpoint files
// (recovery-point-offset-checkpoint, log-start-offset-checkpoint,
// replication-offset-checkpoint). open() is synchronous; all methods run on the broker's
// single event loop.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rm, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE } from '../common/private-files.js';
import type { Clock } from '../common/clock.js';
import { StreamctlError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { LogConfig } from '../common/topic-config.js';
import { OffsetCheckpointFile, topicPartitionKey, writeFileAtomically, type TopicPartitionOffset } from './checkpoint-file.js';
import { LogCleaner, type CleanResult } from './log-cleaner.js';
import { PartitionLog } from './partition-log.js';

export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';
export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint';
export const HIGH_WATERMARK_CHECKPOINT_FILE = 'replication-offset-checkpoint';
export const PARTITION_METADATA_FILE = 'partition.metadata';
export const CLEANER_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';
export const DELETE_DIR_SUFFIX = '-delete';

export interface LogManagerOptions {
  dataDir: string;
  logger: Logger;
  clock: Clock;
  defaultConfig: LogConfig;
  /** Per-topic config for logs found on disk at load; defaults to defaultConfig. */
  configFor?: (topic: string) => LogConfig | undefined;
  /** log.retention.check.interval.ms (default 300000). */
  retentionCheckIntervalMs?: number;
  /** How often logs with flush.ms set are checked (default 1000). */
  flushCheckIntervalMs?: number;
  /** How often recovery points and log start offsets are checkpointed (default 60000). */
  checkpointIntervalMs?: number;
  /** How often compacted logs are considered for cleaning (log.cleaner.backoff.ms, default 15000). */
  cleanerIntervalMs?: number;
}

/** Parses `<topic>-<partition>` by the LAST '-' (topic names may contain '-'). */
export function parseTopicPartitionDir(name: string): { topic: string; partition: number } | undefined {
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return undefined;
  const partition = name.slice(dash + 1);
  if (!/^\d+$/.test(partition)) return undefined;
  return { topic: name.slice(0, dash), partition: Number(partition) };
}

export class LogManager {
  readonly dataDir: string;
  readonly #logger: Logger;
  readonly #clock: Clock;
  #defaultConfig: LogConfig;
  readonly #logs = new Map<string, PartitionLog>();
  readonly #retentionCheckIntervalMs: number;
  readonly #flushCheckIntervalMs: number;
  readonly #checkpointIntervalMs: number;
  readonly #cleanerIntervalMs: number;
  readonly #cleaner: LogCleaner;
  readonly #cleanerFile: OffsetCheckpointFile;
  #cleanerCheckpoints = new Map<string, bigint>();
  #cleanerPass: Promise<Map<string, CleanResult>> | undefined;
  readonly #timers: Array<{ cancel(): void }> = [];
  readonly #recoveryPointFile: OffsetCheckpointFile;
  readonly #logStartOffsetFile: OffsetCheckpointFile;
  readonly #highWatermarkFile: OffsetCheckpointFile;
  #hadCleanShutdown = false;
  #closed = false;

  private constructor(options: LogManagerOptions) {
    this.dataDir = options.dataDir;
    this.#logger = options.logger;
    this.#clock = options.clock;
    this.#defaultConfig = options.defaultConfig;
    this.#retentionCheckIntervalMs = options.retentionCheckIntervalMs ?? 300_000;
    this.#flushCheckIntervalMs = options.flushCheckIntervalMs ?? 1_000;
    this.#checkpointIntervalMs = options.checkpointIntervalMs ?? 60_000;
    this.#cleanerIntervalMs = options.cleanerIntervalMs ?? 15_000;
    this.#cleaner = new LogCleaner({ logger: options.logger.child({ component: 'log-cleaner' }), clock: options.clock });
    this.#cleanerFile = new OffsetCheckpointFile(join(this.dataDir, CLEANER_CHECKPOINT_FILE));
    this.#recoveryPointFile = new OffsetCheckpointFile(join(this.dataDir, RECOVERY_POINT_CHECKPOINT_FILE));
    this.#logStartOffsetFile = new OffsetCheckpointFile(join(this.dataDir, LOG_START_OFFSET_CHECKPOINT_FILE));
    this.#highWatermarkFile = new OffsetCheckpointFile(join(this.dataDir, HIGH_WATERMARK_CHECKPOINT_FILE));
  }

  /** Loads every partition folder of `dataDir` synchronously (recovering as needed). */
  static open(options: LogManagerOptions): LogManager {
    mkdirSync(options.dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    const manager = new LogManager(options);
    manager.#loadLogs(options.configFor);
    return manager;
  }

  /** Whether the previous shutdown left the clean-shutdown marker. */
  get hadCleanShutdown(): boolean {
    return this.#hadCleanShutdown;
  }

  #readCheckpoint(file: OffsetCheckpointFile): Map<string, bigint> {
    try {
      return file.readMap();
    } catch (error) {
      this.#logger.warn('ignoring unreadable checkpoint file', { path: file.path, error });
      return new Map();
    }
  }

  #loadLogs(configFor: LogManagerOptions['configFor']): void {
    const marker = join(this.dataDir, CLEAN_SHUTDOWN_FILE);
    this.#hadCleanShutdown = existsSync(marker);
    const recoveryPoints = this.#readCheckpoint(this.#recoveryPointFile);
    const logStartOffsets = this.#readCheckpoint(this.#logStartOffsetFile);
    this.#cleanerCheckpoints = this.#readCheckpoint(this.#cleanerFile);
    for (const name of readdirSync(this.dataDir)) {
      const path = join(this.dataDir, name);
      if (!statSync(path).isDirectory()) continue;
      if (name.endsWith(DELETE_DIR_SUFFIX)) {
        this.#removeInBackground(path);
        continue;
      }
      const tp = parseTopicPartitionDir(name);
      if (!tp) {
        this.#logger.warn('ignoring a folder that is not <topic>-<partition>', { name });
        continue;
      }
      const key = topicPartitionKey(tp.topic, tp.partition);
      const started = this.#clock.monotonic();
      const log = PartitionLog.open({
        dir: path,
        topic: tp.topic,
        partition: tp.partition,
        topicId: this.#readTopicId(path),
        config: configFor?.(tp.topic) ?? this.#defaultConfig,
        logger: this.#logger.child({ topic: tp.topic, partition: tp.partition }),
        clock: this.#clock,
        recoveryPoint: recoveryPoints.get(key) ?? 0n,
        logStartOffset: logStartOffsets.get(key),
        hadCleanShutdown: this.#hadCleanShutdown,
      });
      this.#logs.set(key, log);
      this.#logger.debug('loaded log', { log: key, logEndOffset: log.logEndOffset, ms: Math.round(this.#clock.monotonic() - started) });
    }
    // The marker only describes the previous run; from now on a crash is unclean.
    if (this.#hadCleanShutdown) unlinkSync(marker);
    this.checkpointLogOffsets();
    this.#logger.info('logs loaded', { count: this.#logs.size, hadCleanShutdown: this.#hadCleanShutdown });
  }

  #readTopicId(dir: string): string | undefined {
    const path = join(dir, PARTITION_METADATA_FILE);
    if (!existsSync(path)) return undefined;
    const m = /topic_id:\s*(\S+)/.exec(readFileSync(path, 'utf8'));
    return m?.[1];
  }

  #removeInBackground(path: string): void {
    rm(path, { recursive: true, force: true }, (error) => {
      if (error) this.#logger.warn('could not remove deleted log folder', { path, error });
    });
  }

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.#logs.get(topicPartitionKey(topic, partition));
  }

  /** Returns the existing log or creates an empty one (writing partition.metadata). */
  getOrCreateLog(topic: string, partition: number, topicId: string | undefined, config: LogConfig = this.#defaultConfig): PartitionLog {
    this.#ensureOpen();
    const key = topicPartitionKey(topic, partition);
    const existing = this.#logs.get(key);
    if (existing) return existing;
    if (!/^[a-zA-Z0-9._-]+$/.test(topic) || !Number.isInteger(partition) || partition < 0) {
      throw new StreamctlError('INTERNAL', `Invalid topic-partition ${key}`);
    }
    const dir = join(this.dataDir, key);
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    if (topicId !== undefined) writeFileAtomically(join(dir, PARTITION_METADATA_FILE), `version: 0\ntopic_id: ${topicId}\n`);
    const log = PartitionLog.open({
      dir,
      topic,
      partition,
      topicId,
      config,
      logger: this.#logger.child({ topic, partition }),
      clock: this.#clock,
      hadCleanShutdown: true,
    });
    this.#logs.set(key, log);
    this.#logger.info('created log', { log: key });
    return log;
  }

  /** Closes the log, renames its folder to `<topic>-<partition>.<uuid>-delete` and removes it in the background. */
  deleteLog(topic: string, partition: number): boolean {
    const key = topicPartitionKey(topic, partition);
    const log = this.#logs.get(key);
    if (!log) return false;
    this.#logs.delete(key);
    if (this.#cleanerCheckpoints.delete(key)) this.#writeCleanerCheckpoints();
    log.closeWithoutFlush();
    const target = join(this.dataDir, `${key}.${randomUUID().replace(/-/g, '')}${DELETE_DIR_SUFFIX}`);
    renameSync(log.dir, target);
    this.#removeInBackground(target);
    this.#logger.info('deleted log', { log: key });
    return true;
  }

  allLogs(): PartitionLog[] {
    return [...this.#logs.values()];
  }

  updateDefaultConfig(config: LogConfig): void {
    this.#defaultConfig = config;
  }

  /** Writes replication-offset-checkpoint (high watermarks), e.g. every replica.high.watermark.checkpoint.interval.ms. */
  checkpointHighWatermarks(entries: Iterable<TopicPartitionOffset> | Map<string, bigint>): void {
    this.#highWatermarkFile.write(toOffsetList(entries));
  }

  /** checkpointHighWatermarks off the event loop, for the periodic checkpoint of a serving broker. */
  checkpointHighWatermarksAsync(entries: Iterable<TopicPartitionOffset> | Map<string, bigint>): Promise<void> {
    return this.#highWatermarkFile.writeAsync(toOffsetList(entries));
  }

  /** High watermarks from replication-offset-checkpoint, keyed `topic-partition`. */
  highWatermarkCheckpoint(): Map<string, bigint> {
    return this.#readCheckpoint(this.#highWatermarkFile);
  }

  /** Writes recovery-point-offset-checkpoint and log-start-offset-checkpoint. */
  checkpointLogOffsets(): void {
    const logs = this.allLogs().filter((l) => !l.closed || this.#closed);
    this.#recoveryPointFile.write(logs.map((l) => ({ topic: l.topic, partition: l.partition, offset: l.recoveryPoint })));
    this.#logStartOffsetFile.write(logs.map((l) => ({ topic: l.topic, partition: l.partition, offset: l.logStartOffset })));
  }

  /** One retention pass over every log; returns segments deleted. */
  runRetention(nowMs: number = this.#clock.now()): number {
    let deleted = 0;
    for (const log of this.allLogs()) {
      try {
        deleted += log.deleteOldSegments(nowMs);
      } catch (error) {
        this.#logger.error('retention failed', { log: log.name, error });
      }
    }
    return deleted;
  }

  /**
   * One cleaner pass: cleans every compacted log whose dirty ratio is high enough (all of
   * them with `force`), one log at a time. The cleaner works in slices that yield to the
   * event loop, so appends and reads go on meanwhile. Passes never overlap: a call made
   * while one runs starts after it. Resolves to the results of the logs cleaned, keyed
   * `topic-partition`; never rejects (failures are logged).
   */
  runCleaner(options: { nowMs?: number; force?: boolean } = {}): Promise<Map<string, CleanResult>> {
    const previous = this.#cleanerPass ?? Promise.resolve();
    const pass = previous.then(() => this.#cleanerPassOnce(options));
    this.#cleanerPass = pass;
    void pass.finally(() => {
      if (this.#cleanerPass === pass) this.#cleanerPass = undefined;
    });
    return pass;
  }

  async #cleanerPassOnce(options: { nowMs?: number; force?: boolean }): Promise<Map<string, CleanResult>> {
    const results = new Map<string, CleanResult>();
    for (const log of this.allLogs()) {
      if (this.#closed) break;
      if (!log.config.cleanupPolicy.compact || log.closed) continue;
      const key = topicPartitionKey(log.topic, log.partition);
      try {
        const result = await this.#cleaner.clean(log, this.#cleanerCheckpoints.get(key) ?? 0n, { ...options, isAborted: () => this.#closed });
        if (result && this.#logs.get(key) === log) {
          results.set(key, result);
          this.#cleanerCheckpoints.set(key, result.firstDirtyOffset);
        }
      } catch (error) {
        this.#logger.error('cleaning failed', { log: key, error });
      }
    }
    if (results.size > 0 && !this.#closed) this.#writeCleanerCheckpoints();
    return results;
  }

  #writeCleanerCheckpoints(): void {
    const list: TopicPartitionOffset[] = [];
    for (const [key, offset] of this.#cleanerCheckpoints) {
      const tp = parseTopicPartitionDir(key);
      if (tp) list.push({ ...tp, offset });
    }
    this.#cleanerFile.write(list);
  }

  /** Starts retention, cleaner, flush.ms and checkpoint timers (on the injected clock). */
  startBackgroundTasks(): void {
    this.#ensureOpen();
    const every = (ms: number, task: () => void) => {
      const schedule = () => {
        const timer = this.#clock.setTimeout(() => {
          if (this.#closed) return;
          try {
            task();
          } catch (error) {
            this.#logger.error('background task failed', { error });
          }
          schedule();
        }, ms);
        this.#timers.push(timer);
      };
      schedule();
    };
    every(this.#retentionCheckIntervalMs, () => this.runRetention());
    every(this.#cleanerIntervalMs, () => {
      if (!this.#cleanerPass) void this.runCleaner();
    });
    every(this.#flushCheckIntervalMs, () => {
      const now = this.#clock.now();
      for (const log of this.allLogs()) log.flushIfDue(now);
    });
    every(this.#checkpointIntervalMs, () => this.checkpointLogOffsets());
  }

  /** Stops timers, flushes and closes every log, writes checkpoints and the clean-shutdown marker. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) t.cancel();
    this.#timers.length = 0;
    for (const log of this.allLogs()) {
      try {
        log.close();
      } catch (error) {
        this.#logger.error('closing log failed', { log: log.name, error });
      }
    }
    this.checkpointLogOffsets();
    writeFileAtomically(join(this.dataDir, CLEAN_SHUTDOWN_FILE), '');
    this.#logger.info('log manager closed', { logs: this.#logs.size });
  }

  #ensureOpen(): void {
    if (this.#closed) throw new StreamctlError('STORAGE', 'Log manager is closed');
  }
}

function toOffsetList(entries: Iterable<TopicPartitionOffset> | Map<string, bigint>): TopicPartitionOffset[] {
  const list: TopicPartitionOffset[] = [];
  if (entries instanceof Map) {
    for (const [key, offset] of entries) {
      const tp = parseTopicPartitionDir(key);
      if (tp) list.push({ ...tp, offset });
    }
  } else list.push(...entries);
  return list;
}
