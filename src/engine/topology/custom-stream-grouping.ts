// CustomStreamGrouping: user-defined routing (Storm's CustomStreamGrouping). One instance
// per (emitting task, stream, consumer), prepared before use, called synchronously on emit.
import type { TopologyContext } from './topology-context.js';

export interface CustomStreamGrouping {
  /** `targetTasks`: the sorted task ids of the consuming component. */
  prepare(context: TopologyContext, stream: { componentId: string; streamId: string }, targetTasks: readonly number[]): void;
  /** Task ids (from targetTasks) that get this tuple. */
  chooseTasks(taskId: number, values: readonly unknown[]): readonly number[];
}
