// CheckpointTupleForwarder (Storm's): in a topology with stateful bolts every other bolt is
// wrapped in this, so checkpoint tuples flow through the whole graph. A checkpoint
// (action, txid) is acted on once it has arrived from every input task on `$checkpoint`
// (earlier copies are acked), then forwarded downstream anchored to it and acked; older
// txids are ignored. Ordinary tuples go to the wrapped bolt. Subclasses (the stateful bolt
// executor) act on the checkpoint. Single-threaded; a returned Promise is awaited by the
// executor before the next tuple.
import type { BasicBolt, Bolt } from '../bolt.js';
import { isBasicBolt } from '../bolt.js';
import type { BasicOutputCollector, OutputCollector, TupleValues } from '../collectors.js';
import { isFailedException } from '../failed-exception.js';
import type { OutputFieldsDeclarer } from '../output-fields-declarer.js';
import type { TopologyContext } from '../topology-context.js';
import type { Tuple } from '../tuple.js';
import type { CheckpointAction } from './checkpoint-state.js';
import { CHECKPOINT_ACTIONS } from './checkpoint-state.js';
import { CHECKPOINT_FIELD_ACTION, CHECKPOINT_FIELD_TXID, CHECKPOINT_STREAM_ID } from './checkpoint-spout.js';

type MaybePromise<T> = T | Promise<T>;

export function isCheckpoint(t: Tuple): boolean {
  return t.getSourceStreamId() === CHECKPOINT_STREAM_ID;
}

export class CheckpointTupleForwarder implements Bolt {
  readonly bolt: Bolt;
  protected collector!: OutputCollector;
  protected context!: TopologyContext;
  #inputTaskCount = 0;
  readonly #requests = new Map<string, number>();
  #lastTxid = Number.MIN_SAFE_INTEGER;

  constructor(bolt: Bolt | BasicBolt) {
    this.bolt = isBasicBolt(bolt) ? new BasicBoltAdapter(bolt) : bolt;
  }

  prepare(conf: Readonly<Record<string, unknown>>, context: TopologyContext, collector: OutputCollector): MaybePromise<void> {
    this.init(context, collector);
    return this.bolt.prepare?.(conf, context, collector);
  }

  protected init(context: TopologyContext, collector: OutputCollector): void {
    this.collector = collector;
    this.context = context;
    let n = 0;
    for (const [component, streams] of Object.entries(context.getThisSources())) {
      if (streams[CHECKPOINT_STREAM_ID] !== undefined) n += context.getComponentTasks(component).length;
    }
    this.#inputTaskCount = n;
  }

  execute(input: Tuple): MaybePromise<void> {
    return isCheckpoint(input) ? this.#processCheckpoint(input) : this.handleTuple(input);
  }

  protected handleTuple(input: Tuple): MaybePromise<void> {
    return this.bolt.execute(input);
  }

  /** Act on a checkpoint every input task has sent; the default forwards it. */
  protected handleCheckpoint(checkpoint: Tuple, action: CheckpointAction, txid: number): MaybePromise<void> {
    this.forward(checkpoint, action, txid);
  }

  protected forward(checkpoint: Tuple, action: CheckpointAction, txid: number): void {
    this.collector.emit(CHECKPOINT_STREAM_ID, [txid, action], checkpoint);
    this.collector.ack(checkpoint);
  }

  cleanup(): MaybePromise<void> {
    return this.bolt.cleanup?.();
  }

  declareOutputFields(declarer: OutputFieldsDeclarer): void {
    this.bolt.declareOutputFields(declarer);
    declarer.declareStream(CHECKPOINT_STREAM_ID, [CHECKPOINT_FIELD_TXID, CHECKPOINT_FIELD_ACTION]);
  }

  getComponentConfiguration(): Record<string, unknown> | undefined {
    return this.bolt.getComponentConfiguration?.();
  }

  #processCheckpoint(input: Tuple): MaybePromise<void> {
    const action = input.getValueByField(CHECKPOINT_FIELD_ACTION) as CheckpointAction;
    const txid = Number(input.getValueByField(CHECKPOINT_FIELD_TXID));
    if (!CHECKPOINT_ACTIONS.includes(action) || !Number.isInteger(txid)) {
      this.collector.fail(input);
      return;
    }
    const key = `${action}:${txid}`;
    const count = (this.#requests.get(key) ?? 0) + 1;
    if (count < this.#inputTaskCount) {
      // Wait for the same checkpoint from every input task.
      this.#requests.set(key, count);
      this.collector.ack(input);
      return;
    }
    this.#requests.delete(key);
    if (txid < this.#lastTxid) {
      this.collector.ack(input);
      return;
    }
    const done = () => {
      this.#lastTxid = action === 'ROLLBACK' ? txid - 1 : txid;
    };
    const failed = (error: unknown) => {
      this.collector.fail(input);
      this.collector.reportError(error);
    };
    try {
      const r = this.handleCheckpoint(input, action, txid);
      if (r && typeof (r as Promise<void>).then === 'function') return (r as Promise<void>).then(done, failed);
      done();
    } catch (error) {
      failed(error);
    }
  }
}

/** A basic bolt run as a rich one (Storm's BasicBoltExecutor): emits anchored to the input, ack after execute. */
export class BasicBoltAdapter implements Bolt {
  readonly bolt: BasicBolt;
  #collector!: OutputCollector;
  #basic!: BasicOutputCollector;
  /** The input being executed: emits of the basic collector are anchored to it. */
  #current: Tuple | undefined;
  constructor(bolt: BasicBolt) {
    this.bolt = bolt;
  }
  prepare(conf: Readonly<Record<string, unknown>>, context: TopologyContext, collector: OutputCollector): MaybePromise<void> {
    this.#collector = collector;
    const c = collector;
    this.#basic = {
      emit: ((a: string | TupleValues, b?: TupleValues) => (typeof a === 'string' ? c.emit(a, b!, this.#current) : c.emit(a, this.#current))) as BasicOutputCollector['emit'],
      emitDirect: ((task: number, a: string | TupleValues, b?: TupleValues) =>
        typeof a === 'string' ? c.emitDirect(task, a, b!, this.#current) : c.emitDirect(task, a, this.#current)) as BasicOutputCollector['emitDirect'],
      reportError: (e: unknown) => c.reportError(e),
    };
    return this.bolt.prepare?.(conf, context);
  }
  execute(input: Tuple): MaybePromise<void> {
    const c = this.#collector;
    const onError = (error: unknown) => {
      c.fail(input);
      if (!isFailedException(error)) throw error;
      if (error.reported) c.reportError(error);
    };
    this.#current = input;
    try {
      const r = this.bolt.execute(input, this.#basic);
      if (r && typeof (r as Promise<void>).then === 'function') return (r as Promise<void>).then(() => c.ack(input), onError);
      c.ack(input);
    } catch (error) {
      onError(error);
    }
  }
  cleanup(): MaybePromise<void> {
    return this.bolt.cleanup?.();
  }
  declareOutputFields(declarer: OutputFieldsDeclarer): void {
    this.bolt.declareOutputFields(declarer);
  }
  getComponentConfiguration(): Record<string, unknown> | undefined {
    return this.bolt.getComponentConfiguration?.();
  }
}
