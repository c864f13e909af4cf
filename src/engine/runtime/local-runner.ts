// LocalRunner: runs a Topology in this process without nimbus or supervisors (Storm's
// LocalCluster): computes task ids and executors with nimbus's own functions (scheduler.ts),
// spreads executors over N in-process Workers (round-robin, as the even scheduler) joined by
// an in-memory transport that serialises tuples like the TCP one. For tests of user topologies and for
// the runtime's own tests. Single-threaded.
import type { Clock } from '../common/clock.js';
import { systemClock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import type { TopologyLike } from '../topology/topology.js';
import { topologyWindowError } from '../topology/windowing/window-config.js';
import { StreamctlError } from '../common/errors.js';
import type { Assignment, ComponentError, ExecutorStats, TopologyStatus, WorkerAssignment } from './contracts.js';
import { ackerCount, computeExecutors, executorCountsOf, stormTaskInfo } from './scheduler.js';
import { MemoryNetwork } from './transport/memory-transport.js';
import { Worker } from './worker.js';

export interface LocalRunnerOptions {
  /** Config overriding the topology's own (like `-c` on submit). */
  conf?: Record<string, unknown>;
  /** Number of in-process workers (default: topology.workers, else 1). */
  workers?: number;
  /** Initial status (default ACTIVE). */
  status?: TopologyStatus;
  topologyId?: string;
  logger?: Logger;
  /** Time for the workers' timeouts, ticks and latencies (default: the system clock); tests pass a ManualClock. */
  clock?: Clock;
  /** Code dir of shell components (Storm's resources/): where their commands run. Default: process.cwd(). */
  codeDir?: string;
}

/** Storm defaults the runtime reads. */
export const RUNTIME_DEFAULTS: Record<string, unknown> = {
  'topology.message.timeout.secs': 30,
  'topology.executor.receive.buffer.size': 8192,
  'topology.stats.sample.rate': 0.05,
};

/** Executors spread round-robin over `numWorkers` slots, sorted by start task (EvenScheduler). */
export function localAssignment(topologyId: string, topology: TopologyLike, conf: Record<string, unknown>, numWorkers: number): Assignment {
  const ackers = ackerCount(conf, numWorkers);
  const taskToComponent = stormTaskInfo(topology.spec, ackers);
  const executors = computeExecutors(taskToComponent, executorCountsOf(topology.spec, ackers));
  const workers: WorkerAssignment[] = Array.from({ length: numWorkers }, (_, i) => ({ supervisorId: 'local', host: '127.0.0.1', port: i, executors: [] }));
  executors.forEach((e, i) => workers[i % numWorkers]!.executors.push(e));
  return { topologyId, version: 1, taskToComponent, workers };
}

export class LocalRunner {
  readonly workers: Worker[];
  readonly assignment: Assignment;
  readonly stormConf: Record<string, unknown>;
  #errors: ComponentError[] = [];
  readonly #fatal: ComponentError[];

  private constructor(workers: Worker[], assignment: Assignment, stormConf: Record<string, unknown>, fatal: ComponentError[]) {
    this.workers = workers;
    this.assignment = assignment;
    this.stormConf = stormConf;
    this.#fatal = fatal;
  }

  /** Start every worker and, unless `status` says otherwise, activate the spouts. */
  static async start(topology: TopologyLike, options: LocalRunnerOptions = {}): Promise<LocalRunner> {
    const stormConf = { ...RUNTIME_DEFAULTS, ...topology.spec.config, ...(options.conf ?? {}) };
    const windowError = topologyWindowError(topology.spec.components, stormConf);
    if (windowError !== null) throw new StreamctlError('USAGE', windowError);
    const n = options.workers ?? Number(stormConf['topology.workers'] ?? 1);
    const numWorkers = Number.isInteger(n) && n > 0 ? n : 1;
    const clock = options.clock ?? systemClock;
    const topologyId = options.topologyId ?? `local-1-${Math.floor(clock.now() / 1000)}`;
    const assignment = localAssignment(topologyId, topology, stormConf, numWorkers);
    const network = new MemoryNetwork();
    const workers: Worker[] = [];
    const fatal: ComponentError[] = [];
    try {
      for (let i = 0; i < numWorkers; i++) {
        workers.push(
          await Worker.start({
            topology,
            topologyId,
            stormConf,
            assignment,
            workerIndex: i,
            initialStatus: options.status ?? 'ACTIVE',
            transport: network.factory(i),
            logger: (options.logger ?? silentLogger).child({ worker: i }),
            clock,
            codeDir: options.codeDir ?? process.cwd(),
            // A worker process would exit here (and be restarted); in-process we record it.
            onFatalError: (component, taskId, error) =>
              fatal.push({ component, taskId, timeSecs: Math.floor(clock.now() / 1000), error: error instanceof Error ? error.message : String(error) }),
          }),
        );
      }
    } catch (error) {
      for (const w of workers) await w.close();
      throw error;
    }
    return new LocalRunner(workers, assignment, stormConf, fatal);
  }

  async setStatus(status: TopologyStatus): Promise<void> {
    for (const w of this.workers) await w.setStatus(status);
  }

  activate(): Promise<void> {
    return this.setStatus('ACTIVE');
  }

  deactivate(): Promise<void> {
    return this.setStatus('INACTIVE');
  }

  /** Stats of every executor of every worker. */
  stats(): ExecutorStats[] {
    return this.workers.flatMap((w) => w.stats());
  }

  /** Stats summed per component: emitted/transferred (all streams), acked, failed, executed. */
  componentTotals(component: string): { emitted: number; transferred: number; acked: number; failed: number; executed: number } {
    const out = { emitted: 0, transferred: 0, acked: 0, failed: 0, executed: 0 };
    for (const s of this.stats()) {
      if (s.component !== component) continue;
      for (const v of Object.values(s.emitted)) out.emitted += v;
      for (const v of Object.values(s.transferred)) out.transferred += v;
      out.acked += s.acked;
      out.failed += s.failed;
      out.executed += s.executed;
    }
    return out;
  }

  /** All errors reported so far. */
  errors(): ComponentError[] {
    for (const w of this.workers) this.#errors.push(...w.takeErrors());
    return [...this.#errors];
  }

  /** Fatal errors (TopologyContext.reportFatalError, e.g. a shell component's child died): a worker process would have exited. */
  fatalErrors(): ComponentError[] {
    return [...this.#fatal];
  }

  /** Poll `condition` every 10 ms until true; throws after `timeoutMs`. */
  async waitFor(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Deactivate, close spouts, clean up bolts. */
  async close(): Promise<void> {
    for (const w of this.workers) await w.close();
  }
}
