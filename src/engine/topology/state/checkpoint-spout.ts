// CheckpointSpout (Storm's `$checkpointspout`): drives the checkpoint protocol. Every
// topology.state.checkpoint.interval.ms it emits PREPARE then COMMIT of the next txid on the
// `$checkpoint` stream (message id = txid); each step waits for the previous one's ack.
// Starting (and after any failed step) it recovers: ROLLBACK / COMMIT / INITSTATE per
// CheckPointState. Its own transaction state is saved in the configured state provider
// under `$checkpointspout-<task>`. Time from the context's Clock. Single-threaded.
import type { SpoutOutputCollector } from '../collectors.js';
import type { OutputFieldsDeclarer } from '../output-fields-declarer.js';
import { BaseRichSpout } from '../spout.js';
import type { TopologyContext } from '../topology-context.js';
import type { Clock } from '../../common/clock.js';
import { CheckPointState, type CheckpointAction } from './checkpoint-state.js';
import type { CachedKeyValueState } from './key-value-state.js';
import { getState, StateConfig } from './state-factory.js';

export const CHECKPOINT_COMPONENT_ID = '$checkpointspout';
export const CHECKPOINT_STREAM_ID = '$checkpoint';
export const CHECKPOINT_FIELD_TXID = 'txid';
export const CHECKPOINT_FIELD_ACTION = 'action';
const TX_STATE_KEY = '__state';
const DEFAULT_CHECKPOINT_INTERVAL_MS = 1000;

/** The checkpoint interval of a config (Storm's default 1000 ms, kept below the message timeout). */
export function checkpointIntervalMs(conf: Readonly<Record<string, unknown>>): number {
  const raw = Number(conf[StateConfig.CHECKPOINT_INTERVAL_MS] ?? DEFAULT_CHECKPOINT_INTERVAL_MS);
  const interval = Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_CHECKPOINT_INTERVAL_MS;
  const timeoutSecs = Number(conf['topology.message.timeout.secs'] ?? 30);
  return Number.isFinite(timeoutSecs) && timeoutSecs * 1000 <= interval ? (timeoutSecs * 1000) / 2 : interval;
}

export class CheckpointSpout extends BaseRichSpout {
  #collector!: SpoutOutputCollector;
  #state!: CachedKeyValueState<string, unknown>;
  #cur = new CheckPointState(0, 'COMMITTED');
  #intervalMs = DEFAULT_CHECKPOINT_INTERVAL_MS;
  #lastCheckpointMs = 0;
  #recovering = true;
  #recoveryStepInProgress = false;
  #checkpointStepInProgress = false;
  #clock!: Clock;

  override async open(conf: Readonly<Record<string, unknown>>, context: TopologyContext, collector: SpoutOutputCollector): Promise<void> {
    this.#collector = collector;
    this.#clock = context.getClock();
    this.#intervalMs = checkpointIntervalMs(conf);
    this.#state = await getState<string, unknown>(`${context.getThisComponentId()}-${context.getThisTaskId()}`, conf);
    this.#cur = CheckPointState.fromJSON(this.#state.get(TX_STATE_KEY));
    this.#lastCheckpointMs = this.#clock.now();
  }

  /** The current transaction state (for views and tests). */
  get txState(): CheckPointState {
    return this.#cur;
  }

  async nextTuple(): Promise<void> {
    if (this.#recovering && !this.#recoveryStepInProgress) {
      this.#emit(this.#cur.txid, this.#cur.nextAction(true));
      this.#recoveryStepInProgress = true;
    } else if (!this.#recovering && !this.#checkpointStepInProgress && (this.#cur.state !== 'COMMITTED' || this.#clock.now() - this.#lastCheckpointMs >= this.#intervalMs)) {
      if (this.#cur.state === 'COMMITTED') {
        await this.#save(this.#cur.nextState(false));
        this.#lastCheckpointMs = this.#clock.now();
      }
      this.#emit(this.#cur.txid, this.#cur.nextAction(false));
      this.#checkpointStepInProgress = true;
    }
  }

  override async ack(msgId: unknown): Promise<void> {
    if (msgId === this.#cur.txid) {
      if (this.#recovering) {
        const next = this.#cur.nextState(true);
        if (!next.equals(this.#cur)) await this.#save(next);
        else this.#recovering = false;
      } else {
        await this.#save(this.#cur.nextState(false));
      }
    }
    this.#resetProgress();
  }

  override fail(_msgId: unknown): void {
    // A failed step (a task restarted, a timeout): recover from the saved state.
    this.#recovering = true;
    this.#resetProgress();
  }

  override async close(): Promise<void> {
    await this.#state?.close();
  }

  declareOutputFields(declarer: OutputFieldsDeclarer): void {
    declarer.declareStream(CHECKPOINT_STREAM_ID, [CHECKPOINT_FIELD_TXID, CHECKPOINT_FIELD_ACTION]);
  }

  #resetProgress(): void {
    this.#recoveryStepInProgress = false;
    this.#checkpointStepInProgress = false;
  }

  #emit(txid: number, action: CheckpointAction): void {
    this.#collector.emit(CHECKPOINT_STREAM_ID, [txid, action], txid);
  }

  async #save(next: CheckPointState): Promise<void> {
    this.#state.put(TX_STATE_KEY, next.toJSON());
    await this.#state.commit();
    this.#cur = next;
  }
}
