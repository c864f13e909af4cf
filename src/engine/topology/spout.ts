// Spout: a source of tuples (Storm's ISpout/IRichSpout) and BaseRichSpout with no-op
// defaults. One instance per task, created inside the worker; all callbacks of one task
// run one at a time (a returned Promise is awaited before the next callback).
import type { SpoutOutputCollector } from './collectors.js';
import type { OutputFieldsDeclarer } from './output-fields-declarer.js';
import type { TopologyContext } from './topology-context.js';

type MaybePromise<T> = T | Promise<T>;

export interface Spout {
  /** Called once per task before anything else. Keep the collector to emit later. */
  open?(conf: Readonly<Record<string, unknown>>, context: TopologyContext, collector: SpoutOutputCollector): MaybePromise<void>;
  /**
   * Emit zero or more tuples. Called repeatedly while the topology is ACTIVE, downstream has
   * capacity and pending < `topology.max.spout.pending`. Return quickly when there is nothing
   * to emit (the runtime backs off a little when nothing was emitted).
   */
  nextTuple(): MaybePromise<void>;
  /** The tuple tree of `messageId` was fully processed. */
  ack?(messageId: unknown): MaybePromise<void>;
  /** The tuple tree of `messageId` failed or timed out; re-emit it to replay. */
  fail?(messageId: unknown): MaybePromise<void>;
  /** The topology became ACTIVE (also right after open when it starts active). */
  activate?(): MaybePromise<void>;
  /** The topology left ACTIVE: nextTuple is not called until activate. */
  deactivate?(): MaybePromise<void>;
  /** The worker is shutting down (not guaranteed on kill -9). */
  close?(): MaybePromise<void>;
  declareOutputFields(declarer: OutputFieldsDeclarer): void;
  /** Component config merged over the topology config for this component. */
  getComponentConfiguration?(): Record<string, unknown> | undefined;
}

/** Convenience base class: override `nextTuple` and `declareOutputFields`, the rest is optional. */
export abstract class BaseRichSpout implements Spout {
  open(_conf: Readonly<Record<string, unknown>>, _context: TopologyContext, _collector: SpoutOutputCollector): MaybePromise<void> {}
  abstract nextTuple(): MaybePromise<void>;
  ack(_messageId: unknown): MaybePromise<void> {}
  fail(_messageId: unknown): MaybePromise<void> {}
  activate(): MaybePromise<void> {}
  deactivate(): MaybePromise<void> {}
  close(): MaybePromise<void> {}
  abstract declareOutputFields(declarer: OutputFieldsDeclarer): void;
  getComponentConfiguration(): Record<string, unknown> | undefined {
    return undefined;
  }
}
