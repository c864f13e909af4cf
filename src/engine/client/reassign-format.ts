// kafka-reassign-partitions.sh's files and texts as pure functions: parsing the
// topics-to-move and reassignment JSON files (version 1) with the tool's checks and messages,
// writing a reassignment as the tool's compact JSON, and the --execute, --verify, --cancel
// and --list lines (ReassignPartitionsCommand in Kafka 3.9).

export interface PartitionTarget {
  topic: string;
  partition: number;
  replicas: number[];
}

export interface PartitionReassignmentView {
  topic: string;
  partition: number;
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

/** One partition's --verify state: `done` false while a reassignment of it is in progress. */
export interface PartitionReassignmentState {
  topic: string;
  partition: number;
  currentReplicas: number[];
  targetReplicas: number[];
  done: boolean;
}

/** A problem with the tool's input, printed as the tool prints it (exit 1). */
export class ReassignInputError extends Error {}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ReassignInputError(`The input string is not a valid JSON: ${(error as Error).message}`);
  }
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ReassignInputError(`Expected a JSON object for ${what}`);
  return value as Record<string, unknown>;
}

function version(json: Record<string, unknown>): void {
  const v = json.version ?? 1;
  if (v !== 1) throw new ReassignInputError(`Not supported version field value ${String(v)}`);
}

function list(value: unknown, what: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ReassignInputError(`Expected a JSON array for ${what}`);
  return value;
}

function int(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ReassignInputError(`Expected an integer for ${what}, found ${JSON.stringify(value)}`);
  return value;
}

function duplicates<T>(items: readonly T[]): T[] {
  const seen = new Set<T>();
  const dups = new Set<T>();
  for (const i of items) (seen.has(i) ? dups : seen).add(i);
  return [...dups];
}

/** `{"version":1,"topics":[{"topic":"t"}]}` → topic names (the --generate input). */
export function parseTopicsToMove(text: string): string[] {
  const json = object(parseJson(text), 'the topics to move');
  version(json);
  const topics = list(json.topics, 'topics').map((t) => {
    const name = object(t, 'a topic').topic;
    if (typeof name !== 'string') throw new ReassignInputError('Expected a string for topic');
    return name;
  });
  const dups = duplicates(topics);
  if (dups.length > 0) throw new ReassignInputError(`List of topics to reassign contains duplicate entries: ${dups.join(', ')}`);
  return topics;
}

/** `1,2,3` → broker ids (the --broker-list of --generate). */
export function parseBrokerList(text: string): number[] {
  const ids = text.split(',').map((s) => {
    if (!/^\s*-?\d+\s*$/.test(s)) throw new ReassignInputError(`For input string: "${s}"`);
    return Number(s);
  });
  const dups = duplicates(ids);
  if (dups.length > 0) throw new ReassignInputError(`Broker list contains duplicate entries: ${dups.join(', ')}`);
  return ids;
}

/**
 * The reassignment file (`{"version":1,"partitions":[{"topic","partition","replicas","log_dirs"}]}`).
 * With `forExecute`, the checks --execute makes (non-empty, no duplicate partitions or replicas).
 * Log dirs other than "any" are refused: a broker here has one log dir.
 */
export function parseReassignment(text: string, options: { forExecute: boolean }): PartitionTarget[] {
  const json = object(parseJson(text), 'the reassignment');
  version(json);
  const targets = list(json.partitions, 'partitions').map((p) => {
    const fields = object(p, 'a partition');
    if (typeof fields.topic !== 'string') throw new ReassignInputError('Expected a string for topic');
    const partition = int(fields.partition, 'partition');
    const replicas = list(fields.replicas, 'replicas').map((r) => int(r, 'a replica'));
    const logDirs = fields.log_dirs === undefined ? replicas.map(() => 'any') : list(fields.log_dirs, 'log_dirs');
    if (logDirs.length !== replicas.length) {
      throw new ReassignInputError(`Size of replicas list [${replicas.join(', ')}] is different from size of log dirs list [${logDirs.join(', ')}] for partition ${fields.topic}-${partition}`);
    }
    if (logDirs.some((d) => d !== 'any')) throw new ReassignInputError('Moving replicas between log directories is not supported: each broker here has one log dir; use "any".');
    return { topic: fields.topic, partition, replicas };
  });
  if (!options.forExecute) return targets;
  if (targets.length === 0) throw new ReassignInputError('Partition reassignment list cannot be empty');
  if (targets.some((t) => t.replicas.length === 0)) throw new ReassignInputError('Partition replica list cannot be empty');
  const dupParts = duplicates(targets.map((t) => `${t.topic}-${t.partition}`));
  if (dupParts.length > 0) throw new ReassignInputError(`Partition reassignment contains duplicate topic partitions: ${dupParts.join(',')}`);
  const dupReplicas = targets
    .map((t) => ({ name: `${t.topic}-${t.partition}`, dups: duplicates(t.replicas) }))
    .filter((d) => d.dups.length > 0)
    .map((d) => `${d.name} contains multiple entries for ${d.dups.join(',')}`);
  if (dupReplicas.length > 0) throw new ReassignInputError(`Partition replica lists may not contain duplicate entries: ${dupReplicas.join('. ')}`);
  return targets;
}

export function comparePartitions(a: { topic: string; partition: number }, b: { topic: string; partition: number }): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

/** The tool's compact JSON (Jackson), partitions sorted, every log dir "any". */
export function formatReassignmentJson(targets: readonly PartitionTarget[]): string {
  const partitions = [...targets]
    .sort(comparePartitions)
    .map((t) => ({ topic: t.topic, partition: t.partition, replicas: t.replicas, log_dirs: t.replicas.map(() => 'any') }));
  return JSON.stringify({ version: 1, partitions });
}

export function formatGenerate(current: readonly PartitionTarget[], proposed: readonly PartitionTarget[]): string {
  return `Current partition replica assignment\n${formatReassignmentJson(current)}\n\nProposed partition reassignment configuration\n${formatReassignmentJson(proposed)}\n`;
}

export function formatExecuteStart(current: readonly PartitionTarget[]): string {
  return `Current partition replica assignment\n\n${formatReassignmentJson(current)}\n\nSave this to use as the --reassignment-json-file option during rollback\n`;
}

export function formatExecuteDone(targets: readonly PartitionTarget[]): string {
  const names = [...targets].sort(comparePartitions).map((t) => `${t.topic}-${t.partition}`);
  return `Successfully started partition reassignment${names.length === 1 ? '' : 's'} for ${names.join(',')}\n`;
}

export function formatPartitionErrors(errors: ReadonlyArray<{ topic: string; partition: number; message: string }>): string {
  return `Error reassigning partition(s):\n${[...errors].sort(comparePartitions).map((e) => `${e.topic}-${e.partition}: ${e.message}`).join('\n')}\n`;
}

/** --verify's status block (followed by the empty log-dir move summary: one empty line). */
export function formatVerify(states: readonly PartitionReassignmentState[]): string {
  const lines = ['Status of partition reassignment:'];
  for (const s of [...states].sort(comparePartitions)) {
    const name = `${s.topic}-${s.partition}`;
    if (!s.done) lines.push(`Reassignment of partition ${name} is still in progress.`);
    else if (s.currentReplicas.join(',') === s.targetReplicas.join(',')) lines.push(`Reassignment of partition ${name} is completed.`);
    else lines.push(`There is no active reassignment of partition ${name}, but replica set is ${s.currentReplicas.join(',')} rather than ${s.targetReplicas.join(',')}.`);
  }
  return `${lines.join('\n')}\n\n`;
}

/** The lines printed when the throttles are cleared (--verify when done, --cancel). */
export function formatClearThrottles(brokers: readonly number[], topics: readonly string[]): string {
  return (
    `Clearing broker-level throttles on broker${brokers.length === 1 ? '' : 's'} ${brokers.join(',')}\n` +
    `Clearing topic-level throttles on topic${topics.length === 1 ? '' : 's'} ${topics.join(',')}\n`
  );
}

/** --cancel's lines before the throttles are cleared (the last one has no newline in Kafka 3.9). */
export function formatCancel(cancelled: ReadonlyArray<{ topic: string; partition: number }>): string {
  const names = [...cancelled].sort(comparePartitions).map((p) => `${p.topic}-${p.partition}`);
  const first =
    names.length === 0
      ? 'None of the specified partition reassignments are active.\n'
      : `Successfully cancelled partition reassignment${names.length === 1 ? '' : 's'} for: ${names.join(',')}\n`;
  return `${first}None of the specified partition moves are active.`;
}

export function formatList(reassignments: readonly PartitionReassignmentView[]): string {
  if (reassignments.length === 0) return 'No partition reassignments found.\n';
  const lines = [...reassignments].sort(comparePartitions).map((r) => {
    const adding = r.addingReplicas.length > 0 ? ` adding: ${r.addingReplicas.join(',')}.` : '';
    const removing = r.removingReplicas.length > 0 ? ` removing: ${r.removingReplicas.join(',')}.` : '';
    return `${r.topic}-${r.partition}: replicas: ${r.replicas.join(',')}.${adding}${removing}`;
  });
  return `Current partition reassignments:\n${lines.join('\n')}\n`;
}

/** Refusal text of an --execute while other reassignments run (without --additional). */
export const EXISTING_REASSIGNMENT_MESSAGE =
  'Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one. The --additional flag can also be used to change the throttle by resubmitting the current reassignment.';
