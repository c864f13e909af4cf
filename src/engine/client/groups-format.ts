// kafka-consumer-groups.sh output as pure functions: list (plain and --state table),
// describe --offsets/--members/--state tables with Kafka's printf widths, the state messages
// that go to stdout or stderr, reset-offsets and delete/delete-offsets results. No I/O.

import type { ResetNotice } from './offset-reset-plan.js';

export const GROUP_STATES = ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead', 'Assigning', 'Reconciling', 'Unknown'] as const;
export type GroupState = (typeof GROUP_STATES)[number];

/** Maps any spelling (`STABLE`, `PREPARINGREBALANCE`, `preparing_rebalance`) to Kafka's state name. */
export function normalizeGroupState(raw: string): GroupState {
  const key = raw.replace(/[_\s-]/g, '').toUpperCase();
  return GROUP_STATES.find((s) => s.toUpperCase() === key) ?? 'Unknown';
}

/** What a command prints: text for stdout and for stderr, each already newline-terminated. */
export interface ToolOutput {
  stdout: string;
  stderr: string;
}

const MISSING = '-';

/** Java's %-Ns: left-aligned, padded to at least `width`, never truncated. */
function padRight(value: string, width: number): string {
  return value.length >= width ? value : value + ' '.repeat(width - value.length);
}

function fmt(widths: number[], cells: string[]): string {
  // Java's "%-Ns %-Ms ... %s": every cell padded, separated by one space; the last cell raw.
  return cells.map((c, i) => (i < widths.length ? padRight(c, widths[i]!) : c)).join(' ');
}

export interface GroupListing {
  group: string;
  state: GroupState;
  protocolType: string;
  /** Kafka 4.0's group type: Classic, or Consumer for KIP-848 consumer-protocol groups. */
  type?: GroupType;
}

export const GROUP_TYPES = ['Classic', 'Consumer'] as const;
export type GroupType = (typeof GROUP_TYPES)[number];

/** --list [--type] [--state]: ids, or a GROUP [TYPE] [STATE] table (Kafka 4.0 puts TYPE before STATE). */
export function formatGroupList(groups: GroupListing[], withState: boolean, withType = false): string {
  if (!withState && !withType) return groups.map((g) => `${g.group}\n`).join('');
  const groupWidth = Math.max(15, ...groups.map((g) => g.group.length)) + 10;
  const line = (id: string, type: string, state: string) =>
    `${padRight(id, groupWidth)} ${withType ? `${padRight(type, 20)} ` : ''}${withState ? `${padRight(state, 20)}` : ''}\n`;
  return line('GROUP', 'TYPE', 'STATE') + groups.map((g) => line(g.group, g.type ?? 'Classic', g.state)).join('');
}

/** --type values (comma separated, case-insensitive): classic, consumer. */
export function parseTypeFilter(value: string): GroupType[] {
  return value.split(',').map((raw) => {
    const t = GROUP_TYPES.find((x) => x.toLowerCase() === raw.trim().toLowerCase());
    if (!t) throw new Error(`Invalid types list '${value}'. Valid types are: classic, consumer`);
    return t;
  });
}

/** Parses `--state` values for `groups list` (comma separated, case-insensitive). */
export function parseStateFilter(value: string): GroupState[] {
  const valid: GroupState[] = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty', 'Assigning', 'Reconciling'];
  const states = value.split(',').map((s) => normalizeGroupState(s.trim()));
  if (states.some((s) => !valid.includes(s))) {
    throw new Error(`Invalid state list '${value}'. Valid states are: ${valid.join(', ')}`);
  }
  return states;
}

/**
 * Kafka's state check before a describe table: messages for missing, dead, empty and
 * rebalancing groups; returns whether the table is printed.
 */
export function groupStateNotice(group: string, state: GroupState | null, rows: number | null, out: ToolOutput): boolean {
  if (state === null || rows === null) {
    out.stdout += `\nError: The consumer group '${group}' does not exist.\n`;
    return false;
  }
  switch (state) {
    case 'Dead':
      out.stdout += `\nError: Consumer group '${group}' does not exist.\n`;
      break;
    case 'Empty':
      out.stderr += `\nConsumer group '${group}' has no active members.\n`;
      break;
    case 'PreparingRebalance':
    case 'CompletingRebalance':
    case 'Assigning':
    case 'Reconciling':
      out.stderr += `\nWarning: Consumer group '${group}' is rebalancing.\n`;
      break;
    default:
      break;
  }
  return state !== 'Dead' && rows > 0;
}

export interface PartitionOffsetRow {
  group: string;
  topic: string | null;
  partition: number | null;
  leaderEpoch: number | null;
  currentOffset: bigint | null;
  logEndOffset: bigint | null;
  lag: bigint | null;
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

export interface GroupOffsetsView {
  group: string;
  /** null: the group does not exist. */
  state: GroupState | null;
  rows: PartitionOffsetRow[];
}

const str = (v: string | number | bigint | null | undefined) => (v === null || v === undefined ? MISSING : String(v));

export function formatGroupOffsets(views: GroupOffsetsView[], verbose: boolean, out: ToolOutput = { stdout: '', stderr: '' }): ToolOutput {
  for (const view of [...views].sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0))) {
    if (!groupStateNotice(view.group, view.state, view.state === null ? null : view.rows.length, out)) continue;
    const w = (pick: (r: PartitionOffsetRow) => string | null) => Math.max(15, ...view.rows.map((r) => (pick(r) ?? MISSING).length));
    const gw = w((r) => r.group);
    const tw = w((r) => r.topic);
    const cw = w((r) => r.consumerId);
    const hw = w((r) => r.host);
    const widths = verbose ? [gw, tw, 10, 15, 15, 15, 15, cw, hw] : [gw, tw, 10, 15, 15, 15, cw, hw];
    const header = verbose
      ? ['GROUP', 'TOPIC', 'PARTITION', 'LEADER-EPOCH', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']
      : ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'];
    let text = `\n${fmt(widths, header)}`;
    for (const r of view.rows) {
      const cells = [r.group, str(r.topic), str(r.partition)];
      if (verbose) cells.push(str(r.leaderEpoch));
      cells.push(str(r.currentOffset), str(r.logEndOffset), str(r.lag), str(r.consumerId), str(r.host), str(r.clientId));
      text += `\n${fmt(widths, cells)}`;
    }
    out.stdout += `${text}\n`;
  }
  return out;
}

export interface MemberView {
  group: string;
  consumerId: string;
  /** null: a dynamic member (no group.instance.id). */
  groupInstanceId: string | null;
  host: string;
  clientId: string;
  /** Assigned partitions by topic. */
  assignment: Array<{ topic: string; partitions: number[] }>;
  /** Consumer-protocol (KIP-848) members: the member epoch and the target assignment; else absent. */
  memberEpoch?: number;
  targetAssignment?: Array<{ topic: string; partitions: number[] }>;
}

export interface GroupMembersView {
  group: string;
  state: GroupState | null;
  members: MemberView[];
  /** Consumer-protocol groups: the target assignment epoch; else absent. */
  targetAssignmentEpoch?: number;
}

function assignmentString(assignment: Array<{ topic: string; partitions: number[] }>): string {
  const parts = assignment
    .filter((a) => a.partitions.length > 0)
    .map((a) => `${a.topic}:${[...a.partitions].sort((x, y) => x - y).join(',')}`)
    .sort();
  return parts.length === 0 ? MISSING : parts.join(';');
}

export function formatGroupMembers(views: GroupMembersView[], verbose: boolean, out: ToolOutput = { stdout: '', stderr: '' }): ToolOutput {
  for (const view of [...views].sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0))) {
    const printable = groupStateNotice(view.group, view.state, view.state === null ? null : view.members.length, out);
    // Like Kafka: widths come from the members only when the state check passes, but the
    // header (and any rows) are printed regardless.
    const members = view.members;
    const sized = printable ? members : [];
    const max = (start: number, pick: (m: MemberView) => string) => Math.max(start, ...sized.map((m) => pick(m).length));
    const gw = max(15, (m) => m.group);
    const cw = max(15, (m) => m.consumerId);
    const iw = max(17, (m) => m.groupInstanceId ?? '');
    const hw = max(15, (m) => m.host);
    const clw = max(15, (m) => m.clientId);
    const caw = max(20, (m) => assignmentString(m.assignment));
    const withInstance = sized.some((m) => (m.groupInstanceId ?? '') !== '');
    // "%-Gs %-Cs [%-Is ]%-Hs %-CLs %-15s " — every column padded and followed by one space.
    const base = (group: string, id: string, instance: string, host: string, client: string, count: string) =>
      [padRight(group, gw), padRight(id, cw), ...(withInstance ? [padRight(instance, iw)] : []), padRight(host, hw), padRight(client, clw), padRight(count, 15)]
        .map((c) => `${c} `)
        .join('');
    // "%-15s %-CAs %-15s %-20s"
    const extra = (epoch: string, current: string, targetEpoch: string, target: string) =>
      `${padRight(epoch, 15)} ${padRight(current, caw)} ${padRight(targetEpoch, 15)} ${padRight(target, 20)}`;
    let text = `\n${base('GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS')}`;
    if (verbose) text += extra('CURRENT-EPOCH', 'CURRENT-ASSIGNMENT', 'TARGET-EPOCH', 'TARGET-ASSIGNMENT');
    text += '\n';
    for (const m of members) {
      const count = String(m.assignment.reduce((n, a) => n + a.partitions.length, 0));
      text += base(m.group, m.consumerId, m.groupInstanceId ?? '', m.host, m.clientId, count);
      if (verbose) {
        const epoch = m.memberEpoch === undefined ? MISSING : String(m.memberEpoch);
        const targetEpoch = view.targetAssignmentEpoch === undefined ? MISSING : String(view.targetAssignmentEpoch);
        text += extra(epoch, assignmentString(m.assignment), targetEpoch, m.targetAssignment ? assignmentString(m.targetAssignment) : MISSING);
      }
      text += '\n';
    }
    out.stdout += text;
  }
  return out;
}

export interface GroupStateView {
  group: string;
  state: GroupState;
  coordinator: { broker: number; host: string; port: number } | null;
  /** null: the group has no protocol yet (no members). */
  assignmentStrategy: string | null;
  members: number;
  /** Consumer-protocol (KIP-848) groups: group and target assignment epochs; else absent. */
  groupEpoch?: number;
  targetAssignmentEpoch?: number;
}

/** --state; with --verbose (Kafka 4.0) also GROUP-EPOCH and TARGET-ASSIGNMENT-EPOCH ("-" for classic groups). */
export function formatGroupStates(views: GroupStateView[], out: ToolOutput = { stdout: '', stderr: '' }, verbose = false): ToolOutput {
  for (const view of [...views].sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0))) {
    if (!groupStateNotice(view.group, view.state, 1, out)) continue;
    const coordinator = view.coordinator ? `${view.coordinator.host}:${view.coordinator.port}  (${view.coordinator.broker})` : MISSING;
    // Kafka 3.9 sizes the GROUP column with the coordinator's width too: max(25, coordinator).
    const width = Math.max(25, coordinator.length);
    const widths = [width, width, 20, 15];
    // An empty group has no protocol: Kafka prints a blank column.
    const strategy = view.assignmentStrategy ?? '';
    if (verbose) {
      const epoch = (n: number | undefined) => (n === undefined ? MISSING : String(n));
      const w = [...widths, 15, 25];
      out.stdout += `\n${fmt(w, ['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', 'GROUP-EPOCH', 'TARGET-ASSIGNMENT-EPOCH', '#MEMBERS'])}`;
      out.stdout += `\n${fmt(w, [view.group, coordinator, strategy, view.state, epoch(view.groupEpoch), epoch(view.targetAssignmentEpoch), String(view.members)])}\n`;
      continue;
    }
    out.stdout += `\n${fmt(widths, ['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'])}`;
    out.stdout += `\n${fmt(widths, [view.group, coordinator, strategy, view.state, String(view.members)])}\n`;
  }
  return out;
}

export interface ResetOffsetsRow {
  group: string;
  topic: string;
  partition: number;
  offset: bigint;
}

/** A reset-offsets notice of one group: a plan notice, or the group is active and was skipped. */
export type GroupResetNotice = (ResetNotice & { group: string }) | { kind: 'group-active'; group: string; state: GroupState };

/**
 * Kafka's words for the reset-offsets notices, in order: the active-group error and the
 * empty-partition fallback go to stdout, the clamping warnings (its logger) to stderr.
 */
export function formatResetNotices(notices: GroupResetNotice[], out: ToolOutput = { stdout: '', stderr: '' }): ToolOutput {
  for (const n of notices) {
    switch (n.kind) {
      case 'group-active':
        out.stdout += `\nError: Assignments can only be reset if the group '${n.group}' is inactive, but the current state is ${n.state}.\n`;
        break;
      case 'empty-partition':
        out.stdout += `\nWarn: Partition ${n.partition} from topic ${n.topic} is empty. Falling back to latest known offset.\n`;
        break;
      case 'above-latest':
        out.stderr += `New offset (${n.requested}) is higher than latest offset for topic partition ${n.topic}-${n.partition}. Value will be set to ${n.applied}.\n`;
        break;
      case 'below-earliest':
        out.stderr += `New offset (${n.requested}) is lower than earliest offset for topic partition ${n.topic}-${n.partition}. Value will be set to ${n.applied}.\n`;
        break;
    }
  }
  return out;
}

export const RESET_DRY_RUN_WARNING =
  'WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.';

/**
 * Kafka 3.9's reset plan: `%-30s %-30s %-10s %-15s` for the header and every row, with no
 * newline between rows and none at the end (its printf format lacks %n; oracle 22/23).
 */
export function formatResetOffsets(rows: ResetOffsetsRow[], groupsWithPlans: number): string {
  const cell = (values: string[]) => values.map((v, i) => v.padEnd([30, 30, 10, 15][i]!)).join(' ');
  let text = '';
  if (groupsWithPlans > 0) text += `\n${cell(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'])}`;
  for (const r of rows) text += cell([r.group, r.topic, String(r.partition), String(r.offset)]);
  return text;
}

export function formatDeleteGroups(deleted: string[], failed: Array<{ group: string; error: string }>): ToolOutput {
  const out: ToolOutput = { stdout: '', stderr: '' };
  if (failed.length === 0) {
    out.stdout += `Deletion of requested consumer groups (${deleted.map((g) => `'${g}'`).join(', ')}) was successful.\n`;
    return out;
  }
  out.stdout += '\nError: Deletion of some consumer groups failed:\n';
  for (const f of failed) out.stdout += `* Group '${f.group}' could not be deleted due to: ${f.error}\n`;
  if (deleted.length > 0) {
    out.stdout += `\nThese consumer groups were deleted successfully: ${deleted.map((g) => `'${g}'`).join(', ')}\n`;
  }
  return out;
}

export interface DeleteOffsetsResult {
  group: string;
  topics: string[];
  /** Kafka error name for the whole request, or null. */
  topLevelError: string | null;
  partitions: Array<{ topic: string; partition: number; error: string | null }>;
}

export function formatDeleteOffsets(result: DeleteOffsetsResult): string {
  const { group } = result;
  let text: string;
  switch (result.topLevelError) {
    case null:
      text = `Request succeed for deleting offsets with topic ${result.topics.join(', ')} group ${group}\n`;
      break;
    case 'INVALID_GROUP_ID':
      text = `\nError: '${group}' is not valid.\n`;
      break;
    case 'GROUP_ID_NOT_FOUND':
      text = `\nError: '${group}' does not exist.\n`;
      break;
    case 'NON_EMPTY_GROUP':
      text = `\nError: Deleting offsets of a consumer group '${group}' is forbidden if the group is not empty.\n`;
      break;
    case 'GROUP_SUBSCRIBED_TO_TOPIC':
    case 'TOPIC_AUTHORIZATION_FAILED':
    case 'UNKNOWN_TOPIC_OR_PARTITION':
      text = '\nError: Encounter some partition level error, see the follow-up details:\n';
      break;
    default:
      text = `\nError: Encounter some unknown error: ${result.topLevelError}\n`;
  }
  const row = (a: string, b: string, c: string) => `${padRight(a, 30)} ${padRight(b, 15)} ${padRight(c, 15)}\n`;
  text += `\n${row('TOPIC', 'PARTITION', 'STATUS')}`;
  const sorted = [...result.partitions].sort((a, b) => {
    const ka = a.topic + String(a.partition);
    const kb = b.topic + String(b.partition);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  for (const p of sorted) {
    text += row(p.topic, p.partition >= 0 ? String(p.partition) : 'Not Provided', p.error === null ? 'Successful' : `Error: :${p.error}`);
  }
  return text;
}
