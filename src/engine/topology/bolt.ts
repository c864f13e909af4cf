// Bolt: a processing step (Storm's IBolt/IRichBolt) and BaseRichBolt; BasicBolt: the
// auto-acking variant (Storm's IBasicBolt) and BaseBasicBolt. One instance per task,
// created inside the worker; execute calls of one task run one at a time (a returned
// Promise is awaited before the next tuple of that executor).
import type { BasicOutputCollector, OutputCollector } from './collectors.js';
import type { OutputFieldsDeclarer } from './output-fields-declarer.js';
import type { TopologyContext } from './topology-context.js';
import type { Tuple } from './tuple.js';

type MaybePromise<T> = T | Promise<T>;

export interface Bolt {
  prepare?(conf: Readonly<Record<string, unknown>>, context: TopologyContext, collector: OutputCollector): MaybePromise<void>;
  /** Process one input. Ack or fail it (now or later) through the collector. */
  execute(input: Tuple): MaybePromise<void>;
  /** Called on orderly shutdown (not guaranteed on kill -9). */
  cleanup?(): MaybePromise<void>;
  declareOutputFields(declarer: OutputFieldsDeclarer): void;
  getComponentConfiguration?(): Record<string, unknown> | undefined;
}

/**
 * A bolt whose emits are anchored to the input and whose input is acked after execute
 * returns (or its Promise resolves). Throwing FailedException fails the input; any other
 * thrown error is reported and fails the input. Must carry `isBasicBolt: true` (the runtime
 * tells basic from rich bolts by it; BaseBasicBolt sets it).
 */
export interface BasicBolt {
  readonly isBasicBolt: true;
  prepare?(conf: Readonly<Record<string, unknown>>, context: TopologyContext): MaybePromise<void>;
  execute(input: Tuple, collector: BasicOutputCollector): MaybePromise<void>;
  cleanup?(): MaybePromise<void>;
  declareOutputFields(declarer: OutputFieldsDeclarer): void;
  getComponentConfiguration?(): Record<string, unknown> | undefined;
}

export abstract class BaseRichBolt implements Bolt {
  prepare(_conf: Readonly<Record<string, unknown>>, _context: TopologyContext, _collector: OutputCollector): MaybePromise<void> {}
  abstract execute(input: Tuple): MaybePromise<void>;
  cleanup(): MaybePromise<void> {}
  /** Default: declares nothing (a sink). */
  declareOutputFields(_declarer: OutputFieldsDeclarer): void {}
  getComponentConfiguration(): Record<string, unknown> | undefined {
    return undefined;
  }
}

export abstract class BaseBasicBolt implements BasicBolt {
  readonly isBasicBolt = true as const;
  prepare(_conf: Readonly<Record<string, unknown>>, _context: TopologyContext): MaybePromise<void> {}
  abstract execute(input: Tuple, collector: BasicOutputCollector): MaybePromise<void>;
  cleanup(): MaybePromise<void> {}
  /** Default: declares nothing (a sink). */
  declareOutputFields(_declarer: OutputFieldsDeclarer): void {}
  getComponentConfiguration(): Record<string, unknown> | undefined {
    return undefined;
  }
}

export function isBasicBolt(b: Bolt | BasicBolt): b is BasicBolt {
  return (b as { isBasicBolt?: unknown }).isBasicBolt === true;
}
