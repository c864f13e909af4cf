// The output collectors handed to user components (Storm's SpoutOutputCollector,
// OutputCollector and BasicOutputCollector). Interfaces only; the runtime implements them.
// A collector belongs to one task and must only be used from that task's callbacks.
import type { Tuple } from './tuple.js';

/** Values of one tuple: an array (or `new Values(...)`) in the order of the stream's fields. */
export type TupleValues = readonly unknown[];

/** Handed to `Spout.open`. */
export interface SpoutOutputCollector {
  /**
   * Emit a tuple on the default stream, or on `streamId` if the first argument is a string.
   * With a `messageId` (any value but undefined/null) and ackers > 0, the tuple tree is
   * tracked: the spout's `ack(messageId)` or `fail(messageId)` is called later.
   * Returns the task ids the tuple was sent to.
   */
  emit(values: TupleValues, messageId?: unknown): readonly number[];
  emit(streamId: string, values: TupleValues, messageId?: unknown): readonly number[];
  /** Emit to one task of a consumer of a direct stream. */
  emitDirect(taskId: number, values: TupleValues, messageId?: unknown): void;
  emitDirect(taskId: number, streamId: string, values: TupleValues, messageId?: unknown): void;
  /** Report an error: logged and shown with the component's errors. */
  reportError(error: unknown): void;
  /** Number of tuple trees of this task not yet acked or failed. */
  getPendingCount(): number;
}

/** Anchors of an emit: the input tuple(s) the new tuple derives from. */
export type Anchors = Tuple | readonly Tuple[];

/** Handed to `Bolt.prepare`. */
export interface OutputCollector {
  /**
   * Emit a tuple on the default stream, or on `streamId` if the first argument is a string,
   * anchored to `anchors` (the new tuple joins their tuple trees). Returns target task ids.
   */
  emit(values: TupleValues, anchors?: Anchors): readonly number[];
  emit(streamId: string, values: TupleValues, anchors?: Anchors): readonly number[];
  emitDirect(taskId: number, values: TupleValues, anchors?: Anchors): void;
  emitDirect(taskId: number, streamId: string, values: TupleValues, anchors?: Anchors): void;
  /** Every input must be acked or failed exactly once. */
  ack(input: Tuple): void;
  /** Fail the input's tuple trees now: their spouts' `fail` is called right away. */
  fail(input: Tuple): void;
  /** Restart the message timeout of the input's tuple trees. */
  resetTimeout(input: Tuple): void;
  reportError(error: unknown): void;
}

/** Handed to `BasicBolt.execute`: emits are anchored to the input automatically. */
export interface BasicOutputCollector {
  emit(values: TupleValues): readonly number[];
  emit(streamId: string, values: TupleValues): readonly number[];
  emitDirect(taskId: number, values: TupleValues): void;
  emitDirect(taskId: number, streamId: string, values: TupleValues): void;
  reportError(error: unknown): void;
}
