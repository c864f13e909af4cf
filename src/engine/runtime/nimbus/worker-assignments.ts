// What nimbus derives from its assignments, shared by scheduling, heartbeats and views: a
// worker's id (stable across assignment versions), the worker configs a supervisor should
// run, task counts and placement equality. Pure functions over stored records.
import { createHash } from 'node:crypto';
import type { Assignment, ExecutorSpec, WorkerAssignment, WorkerConfig } from '../contracts.js';
import { compareIds } from '../scheduler.js';
import type { TopologyRecord } from './topology-store.js';

/**
 * A worker's id names its slot and its executors, not the assignment version: a worker whose
 * slot and executors survive an assignment change keeps its id, so its supervisor keeps it
 * running and it only learns the new assignment (peers) from its heartbeat answer.
 */
export function workerIdOf(topologyId: string, w: { supervisorId: string; port: number; executors: ExecutorSpec[] }): string {
  const executors = w.executors.map((e) => `${e.component}[${e.startTask}-${e.endTask}]`).sort().join(',');
  const hash = createHash('sha1').update(executors).digest('hex').slice(0, 10);
  return `${topologyId}-${w.supervisorId}-${w.port}-${hash}`;
}

/** Tasks placed on some worker. */
export function assignedTasks(a: Assignment): number {
  return a.workers.reduce((n, w) => n + w.executors.reduce((m, e) => m + e.endTask - e.startTask + 1, 0), 0);
}

/** True when two worker lists place the same executors on the same slots (order aside). */
export function sameWorkers(a: WorkerAssignment[], b: WorkerAssignment[]): boolean {
  const norm = (ws: WorkerAssignment[]) =>
    JSON.stringify(
      [...ws]
        .map((w) => ({ s: w.supervisorId, h: w.host, p: w.port, e: [...w.executors].sort((x: ExecutorSpec, y: ExecutorSpec) => x.startTask - y.startTask) }))
        .sort((x, y) => compareIds(`${x.s}:${x.p}`, `${y.s}:${y.p}`)),
    );
  return norm(a) === norm(b);
}

/** Every worker the assignments place on `supervisorId`, as the configs its supervisor starts them with. */
export function workerConfigsFor(topologies: readonly TopologyRecord[], supervisorId: string, nimbusUrl: string): WorkerConfig[] {
  const result: WorkerConfig[] = [];
  for (const t of topologies) {
    for (const w of t.assignment.workers) {
      if (w.supervisorId !== supervisorId) continue;
      result.push({
        workerId: workerIdOf(t.id, w),
        topologyId: t.id,
        topologyName: t.name,
        supervisorId,
        host: w.host,
        port: w.port,
        bundlePath: t.bundlePath,
        spec: t.spec,
        stormConf: t.stormConf,
        assignment: t.assignment,
        initialStatus: t.status,
        nimbusUrl,
        // The supervisor sets the log file inside its worker directory.
        logFile: '',
      });
    }
  }
  return result;
}
