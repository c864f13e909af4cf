// What nimbus checks in a submitted topology before it stores and schedules it: Storm's
// topology name rule and the spec's structure (components, ids, kinds, task and executor
// counts). Pure checks that throw a StreamctlError naming what is wrong.
import { StreamctlError } from '../../common/errors.js';
import type { TopologySpec } from '../../topology/topology-spec.js';

/** Storm's topology name rule. */
export const TOPOLOGY_NAME_PATTERN = /^[^/.:\\]+$/;

/** Structural checks nimbus needs to schedule (the topology API validates the graph itself). */
export function validateSpec(spec: TopologySpec): void {
  if (!spec || !Array.isArray(spec.components) || spec.components.length === 0) {
    throw new StreamctlError('USAGE', 'Topology has no components (add a spout with TopologyBuilder.setSpout)');
  }
  const seen = new Set<string>();
  for (const c of spec.components) {
    if (typeof c.id !== 'string' || c.id.length === 0) throw new StreamctlError('USAGE', 'Every component needs a non-empty id');
    if (c.id.startsWith('__')) throw new StreamctlError('USAGE', `Component id '${c.id}' is reserved (ids starting with __ are Storm's system components)`);
    if (seen.has(c.id)) throw new StreamctlError('USAGE', `Duplicate component id '${c.id}'`);
    seen.add(c.id);
    if (c.kind !== 'spout' && c.kind !== 'bolt') throw new StreamctlError('USAGE', `Component '${c.id}' has unknown kind ${JSON.stringify(c.kind)}`);
    if (!Number.isInteger(c.numTasks) || c.numTasks < 1) throw new StreamctlError('USAGE', `Component '${c.id}' needs numTasks >= 1, got ${c.numTasks}`);
    if (!Number.isInteger(c.parallelism) || c.parallelism < 1) throw new StreamctlError('USAGE', `Component '${c.id}' needs parallelism >= 1, got ${c.parallelism}`);
  }
  if (!spec.components.some((c) => c.kind === 'spout')) throw new StreamctlError('USAGE', 'Topology has no spout');
}
