// TopologyContext: what a task knows about itself and the topology (Storm's
// TopologyContext). One per task, built by the runtime; read-only for user code.
import { Fields } from './fields.js';
import type { GroupingSpec, TopologySpec } from './topology-spec.js';
import type { Clock } from '../common/clock.js';
import { systemClock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';

export interface TopologyContext {
  /** This task's id (global across the topology). */
  getThisTaskId(): number;
  getThisComponentId(): string;
  /** Index of this task among its component's tasks (0-based). */
  getThisTaskIndex(): number;
  /** The sorted task ids of a component. */
  getComponentTasks(componentId: string): number[];
  /** Component id of a task (`__system` for -1). */
  getComponentId(taskId: number): string;
  getTaskToComponent(): Record<number, string>;
  /** All task ids run by this worker process. */
  getThisWorkerTasks(): number[];
  getThisWorkerPort(): number;
  /** Topology id (`<name>-<counter>-<secs>`; `local-…` in the local runner). */
  getStormId(): string;
  /** Stream ids this component declares. */
  getThisStreams(): string[];
  getThisOutputFields(streamId?: string): Fields;
  getComponentOutputFields(componentId: string, streamId?: string): Fields;
  /** Inputs of this component: source component → stream → grouping. */
  getThisSources(): Record<string, Record<string, GroupingSpec>>;
  /** Consumers of this component: stream → target component → grouping. */
  getThisTargets(): Record<string, Record<string, GroupingSpec>>;
  /** The effective config this task runs with (topology config < component config). */
  getConf(): Readonly<Record<string, unknown>>;
  /**
   * The topology's code dir (Storm's getCodeDir): the `resources/` folder shipped beside the
   * topology file on submit; the local runner uses its `codeDir` option (default: cwd).
   * Shell components run their command here.
   */
  getCodeDir(): string;
  /** The worker's logger, with this component and task as fields. */
  getLogger(): Logger;
  /**
   * Report an error this task cannot recover from (Storm's ShellBolt/ShellSpout die()): it is
   * reported like reportError, then a worker process exits so its supervisor restarts it; the
   * local runner records it (LocalRunner.fatalErrors()) and keeps running.
   */
  reportFatalError(error: unknown): void;
  /** The worker's clock (a ManualClock under tests): windows and checkpoints use it for time and timers. */
  getClock(): Clock;
}

export interface TopologyContextOptions {
  spec: TopologySpec;
  taskToComponent: Record<number, string>;
  taskId: number;
  componentId: string;
  workerTasks: number[];
  workerPort: number;
  stormId: string;
  conf: Record<string, unknown>;
  /** Default: process.cwd(). */
  codeDir?: string;
  logger?: Logger;
  /** Default: throws the error. */
  onFatalError?: (error: unknown) => void;
  /** Default: the system clock. */
  clock?: Clock;
}

export class TopologyContextImpl implements TopologyContext {
  readonly #o: TopologyContextOptions;
  readonly #componentTasks = new Map<string, number[]>();

  constructor(options: TopologyContextOptions) {
    this.#o = options;
    for (const [task, comp] of Object.entries(options.taskToComponent)) {
      let list = this.#componentTasks.get(comp);
      if (!list) this.#componentTasks.set(comp, (list = []));
      list.push(Number(task));
    }
    for (const list of this.#componentTasks.values()) list.sort((a, b) => a - b);
  }

  getThisTaskId(): number {
    return this.#o.taskId;
  }
  getThisComponentId(): string {
    return this.#o.componentId;
  }
  getThisTaskIndex(): number {
    return this.getComponentTasks(this.#o.componentId).indexOf(this.#o.taskId);
  }
  getComponentTasks(componentId: string): number[] {
    return [...(this.#componentTasks.get(componentId) ?? [])];
  }
  getComponentId(taskId: number): string {
    if (taskId === -1) return '__system';
    const c = this.#o.taskToComponent[taskId];
    if (c === undefined) throw new RangeError(`Unknown task ${taskId}`);
    return c;
  }
  getTaskToComponent(): Record<number, string> {
    return { ...this.#o.taskToComponent };
  }
  getThisWorkerTasks(): number[] {
    return [...this.#o.workerTasks];
  }
  getThisWorkerPort(): number {
    return this.#o.workerPort;
  }
  getStormId(): string {
    return this.#o.stormId;
  }
  getThisStreams(): string[] {
    return Object.keys(this.#component(this.#o.componentId)?.streams ?? {});
  }
  getThisOutputFields(streamId = 'default'): Fields {
    return this.getComponentOutputFields(this.#o.componentId, streamId);
  }
  getComponentOutputFields(componentId: string, streamId = 'default'): Fields {
    const s = this.#component(componentId)?.streams[streamId];
    if (!s) throw new RangeError(`Component '${componentId}' has no stream '${streamId}'`);
    return new Fields(s.fields);
  }
  getThisSources(): Record<string, Record<string, GroupingSpec>> {
    const out: Record<string, Record<string, GroupingSpec>> = {};
    for (const input of this.#component(this.#o.componentId)?.inputs ?? []) {
      (out[input.component] ??= {})[input.stream] = input.grouping;
    }
    return out;
  }
  getThisTargets(): Record<string, Record<string, GroupingSpec>> {
    const out: Record<string, Record<string, GroupingSpec>> = {};
    for (const c of this.#o.spec.components) {
      for (const input of c.inputs) {
        if (input.component === this.#o.componentId) (out[input.stream] ??= {})[c.id] = input.grouping;
      }
    }
    return out;
  }
  getConf(): Readonly<Record<string, unknown>> {
    return this.#o.conf;
  }
  getCodeDir(): string {
    return this.#o.codeDir ?? process.cwd();
  }
  getLogger(): Logger {
    return (this.#o.logger ?? silentLogger).child({ component: this.#o.componentId, taskId: this.#o.taskId });
  }
  reportFatalError(error: unknown): void {
    if (!this.#o.onFatalError) throw error;
    this.#o.onFatalError(error);
  }
  getClock(): Clock {
    return this.#o.clock ?? systemClock;
  }
  #component(id: string) {
    return this.#o.spec.components.find((c) => c.id === id);
  }
}
