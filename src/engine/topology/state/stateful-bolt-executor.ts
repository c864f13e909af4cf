// StatefulBoltExecutor (Storm's): runs a stateful bolt under the checkpoint protocol. The
// state comes from the provider (namespace `<component>-<task>`); tuples wait until
// INITSTATE has given the bolt its state; acks by the bolt are held (AckTrackingOutputCollector)
// and sent only after the COMMIT that persisted their effect, or turned into fails on ROLLBACK,
// so the spout replays them. PREPARE before INITSTATE fails the checkpoint (triggers
// recovery). Single-threaded; checkpoint handling is async (awaited by the executor).
import type { Anchors, OutputCollector, TupleValues } from '../collectors.js';
import type { OutputFieldsDeclarer } from '../output-fields-declarer.js';
import type { TopologyContext } from '../topology-context.js';
import type { Tuple } from '../tuple.js';
import type { StatefulBolt } from './base-stateful-bolt.js';
import type { CheckpointAction } from './checkpoint-state.js';
import { CheckpointTupleForwarder } from './checkpoint-tuple-forwarder.js';
import type { CachedKeyValueState, State } from './key-value-state.js';
import { getState } from './state-factory.js';

type MaybePromise<T> = T | Promise<T>;

/** The last checkpoint a stateful task saw (for views and tests). */
export interface CheckpointInfo {
  txid: number;
  action: CheckpointAction;
  timeMs: number;
}

export class StatefulBoltExecutor extends CheckpointTupleForwarder {
  readonly isStatefulBoltExecutor = true as const;
  readonly statefulBolt: StatefulBolt<State>;
  #state!: CachedKeyValueState;
  #initialized = false;
  #pending: Tuple[] = [];
  #acked: Tuple[] = [];
  #prepared: Tuple[] = [];
  #lastCommit: CheckpointInfo | null = null;

  constructor(bolt: StatefulBolt<State>) {
    super({ execute: () => undefined, declareOutputFields: (d) => bolt.declareOutputFields(d) });
    this.statefulBolt = bolt;
  }

  override async prepare(conf: Readonly<Record<string, unknown>>, context: TopologyContext, collector: OutputCollector): Promise<void> {
    this.init(context, collector);
    this.#state = await getState(`${context.getThisComponentId()}-${context.getThisTaskId()}`, conf);
    await this.statefulBolt.prepare?.(conf, context, this.#trackingCollector(collector));
  }

  get initialized(): boolean {
    return this.#initialized;
  }

  /** The last committed checkpoint of this task, or null. */
  get lastCommit(): CheckpointInfo | null {
    return this.#lastCommit;
  }

  protected override handleTuple(input: Tuple): MaybePromise<void> {
    if (this.#initialized) return this.statefulBolt.execute(input);
    this.#pending.push(input);
  }

  protected override async handleCheckpoint(checkpoint: Tuple, action: CheckpointAction, txid: number): Promise<void> {
    const bolt = this.statefulBolt;
    switch (action) {
      case 'PREPARE':
        if (!this.#initialized) {
          // The task restarted mid-way: fail so the spout starts recovery.
          this.collector.fail(checkpoint);
          return;
        }
        await bolt.prePrepare?.(txid);
        await this.#state.prepareCommit(txid);
        // concat, not push(...): a checkpoint interval can hold far more tuples than the stack has room for arguments.
        this.#prepared = this.#prepared.length === 0 ? this.#takeAcked() : this.#prepared.concat(this.#takeAcked());
        break;
      case 'COMMIT':
        await bolt.preCommit?.(txid);
        await this.#state.commit(txid);
        for (const t of this.#prepared) this.collector.ack(t);
        this.#prepared = [];
        this.#lastCommit = { txid, action, timeMs: this.context.getClock().now() };
        break;
      case 'ROLLBACK':
        await bolt.preRollback?.();
        await this.#state.rollback();
        for (const t of this.#prepared) this.collector.fail(t);
        for (const t of this.#takeAcked()) this.collector.fail(t);
        this.#prepared = [];
        break;
      case 'INITSTATE':
        if (!this.#initialized) {
          bolt.initState(this.#state);
          this.#initialized = true;
          const pending = this.#pending;
          this.#pending = [];
          for (const t of pending) {
            const r = this.statefulBolt.execute(t);
            if (r && typeof (r as Promise<void>).then === 'function') await r;
          }
        } else {
          for (const t of this.#pending) this.collector.fail(t);
          this.#pending = [];
        }
        break;
    }
    this.forward(checkpoint, action, txid);
  }

  override async cleanup(): Promise<void> {
    await this.statefulBolt.cleanup?.();
    await this.#state?.close();
  }

  override declareOutputFields(declarer: OutputFieldsDeclarer): void {
    super.declareOutputFields(declarer);
  }

  override getComponentConfiguration(): Record<string, unknown> | undefined {
    return this.statefulBolt.getComponentConfiguration?.();
  }

  #takeAcked(): Tuple[] {
    const a = this.#acked;
    this.#acked = [];
    return a;
  }

  /** Holds the bolt's acks until the next commit (Storm's AckTrackingOutputCollector). */
  #trackingCollector(c: OutputCollector): OutputCollector {
    return {
      emit: (a: string | TupleValues, b?: unknown, d?: unknown): readonly number[] =>
        typeof a === 'string' ? c.emit(a, b as TupleValues, d as Anchors | undefined) : c.emit(a, b as Anchors | undefined),
      emitDirect: (task: number, a: string | TupleValues, b?: unknown, d?: unknown): void =>
        typeof a === 'string' ? c.emitDirect(task, a, b as TupleValues, d as Anchors | undefined) : c.emitDirect(task, a, b as Anchors | undefined),
      ack: (t: Tuple) => void this.#acked.push(t),
      fail: (t: Tuple) => c.fail(t),
      resetTimeout: (t: Tuple) => c.resetTimeout(t),
      reportError: (e: unknown) => c.reportError(e),
    } as OutputCollector;
  }
}
