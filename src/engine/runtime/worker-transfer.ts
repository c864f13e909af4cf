// WorkerTransfer (Storm's WorkerTransfer): moves tuples between tasks for one worker. A tuple
// for a local task goes straight into its executor's receive queue; one for a remote task
// goes to the transport, towards the worker the assignment places that task on. Tracks the
// back pressure the other workers publish for their tasks (Storm's remote back-pressure
// status) and publishes this worker's own changes from its BackPressureTracker. Tuples for
// tasks no worker runs are counted and dropped. Single-threaded (the worker's event loop).
import { Fields } from '../topology/fields.js';
import { TupleImpl } from '../topology/tuple.js';
import type { BackPressureTracker } from './backpressure-tracker.js';
import type { Assignment } from './contracts.js';
import { SYSTEM_COMPONENT, SYSTEM_STREAM_FIELDS, type Executor } from './executor.js';
import type { Transport } from './transport/transport.js';

const EMPTY_FIELDS = new Fields([]);

export interface WorkerTransferOptions {
  /** Highest task id of the topology. */
  maxTask: number;
  /** task id → component id. */
  componentOfTask: readonly (string | undefined)[];
  /** task id → the declared stream fields of its component. */
  fieldsOfTask: readonly (Map<string, Fields> | undefined)[];
  backpressure: BackPressureTracker;
}

export class WorkerTransfer {
  readonly #o: WorkerTransferOptions;
  /** task id → local executor (undefined when remote). */
  readonly #localExec: (Executor | undefined)[] = [];
  /** task id → worker index, -1 when no worker runs it. */
  readonly #peerOfTask: Int32Array;
  /** task id → 1 when its (remote) worker says it is blocked. */
  readonly #remoteBlocked: Uint8Array;
  #transport: Transport | undefined;
  #droppedLocal = 0;

  constructor(options: WorkerTransferOptions, assignment: Assignment) {
    this.#o = options;
    this.#peerOfTask = new Int32Array(options.maxTask + 1);
    this.#remoteBlocked = new Uint8Array(options.maxTask + 1);
    this.mapPeers(assignment);
  }

  /** Route tuples for `task` into `ex`'s receive queue. */
  setLocal(task: number, ex: Executor): void {
    this.#localExec[task] = ex;
  }

  /** Start sending remote tuples through `transport`. */
  attach(transport: Transport): void {
    this.#transport = transport;
  }

  get transport(): Transport | undefined {
    return this.#transport;
  }

  /** Re-map every task to the worker `assignment` places it on; forgets remote back pressure. */
  mapPeers(assignment: Assignment): void {
    const peers = this.#peerOfTask;
    peers.fill(-1);
    this.#remoteBlocked.fill(0);
    assignment.workers.forEach((w, i) => {
      for (const e of w.executors) for (let t = e.startTask; t <= e.endTask && t < peers.length; t++) peers[t] = i;
    });
  }

  /** Tuples dropped because no worker runs their task (here or at the transport). */
  get dropped(): number {
    return this.#droppedLocal + (this.#transport?.dropped ?? 0);
  }

  /** Send one tuple to a task: its local queue, or the transport towards its worker. */
  transfer(destTask: number, srcTask: number, srcComponent: string, streamId: string, fields: Fields, values: unknown[], anchors: number[] | null): void {
    const ex = this.#localExec[destTask];
    if (ex !== undefined) {
      const t = new TupleImpl(values, fields, srcComponent, streamId, srcTask, anchors);
      t.destTask = destTask;
      ex.queue.push(t);
      return;
    }
    const peer = destTask < this.#peerOfTask.length ? this.#peerOfTask[destTask]! : -1;
    if (peer < 0 || this.#transport === undefined) {
      this.#droppedLocal++;
      return;
    }
    this.#transport.send(peer, destTask, srcTask, streamId, values, anchors);
  }

  /** True when a task cannot take more tuples now: its local queue, its worker, or the link to it is full. */
  isTaskBlocked(task: number): boolean {
    const ex = this.#localExec[task];
    // Local producers see the same hysteresis as remote ones (blocked from full until half
    // empty), so that they do not take all of a busy task's capacity from remote producers.
    if (ex !== undefined) return this.#o.backpressure.isBlocked(ex);
    if (this.#remoteBlocked[task] === 1) return true;
    const peer = this.#peerOfTask[task]!;
    return peer >= 0 && this.#transport !== undefined && this.#transport.isPeerBlocked(peer);
  }

  /** A tuple arrived from another worker: rebuild it with its source's fields and queue it. */
  onRemoteTuple(dest: number, src: number, stream: string, values: unknown[], anchors: number[] | null): void {
    const ex = this.#localExec[dest];
    if (ex === undefined) {
      this.#droppedLocal++;
      return;
    }
    const comp = src === -1 ? SYSTEM_COMPONENT : (this.#o.componentOfTask[src] ?? 'unknown');
    const streams = src >= 0 ? this.#o.fieldsOfTask[src] : undefined;
    const fields = streams?.get(stream) ?? SYSTEM_STREAM_FIELDS[stream] ?? EMPTY_FIELDS;
    const t = new TupleImpl(values, fields, comp, stream, src, anchors);
    t.destTask = dest;
    ex.queue.push(t);
  }

  /**
   * Worker `peer` published back-pressure changes for its tasks (`reset`: it forgot its
   * earlier state, e.g. after reconnecting). Returns true when some task became free.
   */
  onBackpressure(peer: number, blocked: readonly number[], unblocked: readonly number[], reset: boolean): boolean {
    const rb = this.#remoteBlocked;
    if (reset) {
      for (let t = 0; t < this.#peerOfTask.length; t++) if (this.#peerOfTask[t] === peer) rb[t] = 0;
    }
    for (const t of blocked) if (t < rb.length) rb[t] = 1;
    for (const t of unblocked) if (t < rb.length) rb[t] = 0;
    return unblocked.length > 0 || reset;
  }

  /** Send this worker's back-pressure changes (if any) to the other workers. */
  publishBackpressure(): void {
    const changes = this.#o.backpressure.changes();
    if (changes && this.#transport) this.#transport.publishBackpressure(changes.blocked, changes.unblocked);
  }
}
