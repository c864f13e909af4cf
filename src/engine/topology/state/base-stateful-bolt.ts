// Stateful bolts (Storm's IStatefulBolt and BaseStatefulBolt): a rich bolt whose state is
// handed to initState by the checkpoint protocol and saved at every checkpoint. Inputs the
// bolt acks are really acked only once the state holding their effect is committed, so a
// crash replays them (at-least-once state updates). TopologyBuilder wraps such a bolt in a
// StatefulBoltExecutor and adds the checkpoint spout.
import type { OutputCollector } from '../collectors.js';
import type { OutputFieldsDeclarer } from '../output-fields-declarer.js';
import type { TopologyContext } from '../topology-context.js';
import type { Tuple } from '../tuple.js';
import type { KeyValueState, State } from './key-value-state.js';

type MaybePromise<T> = T | Promise<T>;

export interface StatefulBolt<T extends State = KeyValueState> {
  readonly isStatefulBolt: true;
  prepare?(conf: Readonly<Record<string, unknown>>, context: TopologyContext, collector: OutputCollector): MaybePromise<void>;
  /** Called once, before the first tuple, with the state restored from the last commit. */
  initState(state: T): void;
  execute(input: Tuple): MaybePromise<void>;
  cleanup?(): MaybePromise<void>;
  /** Before the state is prepared for transaction `txid`. */
  prePrepare?(txid: number): MaybePromise<void>;
  /** Before transaction `txid` is committed. */
  preCommit?(txid: number): MaybePromise<void>;
  /** Before the state is rolled back to the last commit. */
  preRollback?(): MaybePromise<void>;
  declareOutputFields(declarer: OutputFieldsDeclarer): void;
  getComponentConfiguration?(): Record<string, unknown> | undefined;
}

export function isStatefulBolt(b: unknown): b is StatefulBolt<State> {
  return typeof b === 'object' && b !== null && (b as { isStatefulBolt?: unknown }).isStatefulBolt === true;
}

export abstract class BaseStatefulBolt<T extends State = KeyValueState> implements StatefulBolt<T> {
  readonly isStatefulBolt = true as const;
  prepare(_conf: Readonly<Record<string, unknown>>, _context: TopologyContext, _collector: OutputCollector): MaybePromise<void> {}
  abstract initState(state: T): void;
  abstract execute(input: Tuple): MaybePromise<void>;
  cleanup(): MaybePromise<void> {}
  prePrepare(_txid: number): MaybePromise<void> {}
  preCommit(_txid: number): MaybePromise<void> {}
  preRollback(): MaybePromise<void> {}
  declareOutputFields(_declarer: OutputFieldsDeclarer): void {}
  getComponentConfiguration(): Record<string, unknown> | undefined {
    return undefined;
  }
}
