// `streamctl groups reset-offsets`: kafka-consumer-groups.sh --reset-offsets (dry run by
// default, only for inactive groups).
import { Flags } from '@oclif/core';
import { AdminClient } from '../../engine/client/admin-client.js';
import { formatResetNotices, formatResetOffsets, RESET_DRY_RUN_WARNING } from '../../engine/client/groups-format.js';
import { readFileSync } from 'node:fs';
import { parseIsoDuration, parseResetDateTime, parseResetPlanCsv, resetPlanCsv, type ResetScenario } from '../../engine/client/offset-reset-plan.js';
import { StreamctlError } from '../../engine/common/errors.js';
import { BaseCommand } from '../../cli/base-command.js';
import { groupSelectionFlags, selectGroups } from '../../cli/group-flags.js';
import { connectOptions, failRun, kafkaFlags, writeErr, writeOut } from '../../cli/kafka-flags.js';

export default class GroupsResetOffsets extends BaseCommand<typeof GroupsResetOffsets> {
  static override summary = 'Reset the committed offsets of inactive groups (kafka-consumer-groups --reset-offsets).';
  static override description =
    'Plans new offsets for the chosen partitions with exactly one scenario, clamped to [log-start, log-end]. Without --execute it is a dry run that prints the plan. Groups with active members are refused.';
  static override examples = [
    '<%= config.bin %> groups reset-offsets --group billing --topic orders --to-earliest --execute',
    '<%= config.bin %> groups reset-offsets --group billing --topic orders:0,1 --shift-by -10 --dry-run',
    "<%= config.bin %> groups reset-offsets --group billing --all-topics --to-datetime '2024-01-01T00:00:00.000' --execute",
    '<%= config.bin %> groups reset-offsets --group billing --topic orders --to-earliest --export --dry-run > plan.csv',
    '<%= config.bin %> groups reset-offsets --group billing --from-file plan.csv --execute',
    '<%= config.bin %> groups reset-offsets --group billing --all-topics --by-duration PT1H --execute',
  ];
  static override flags = {
    ...kafkaFlags,
    ...groupSelectionFlags,
    topic: Flags.string({ summary: 'Topic, or topic:p1,p2 (repeatable).', multiple: true }),
    'all-topics': Flags.boolean({ summary: 'All topics the group has committed offsets for.' }),
    'to-earliest': Flags.boolean({ summary: 'Reset to the log start offset.' }),
    'to-latest': Flags.boolean({ summary: 'Reset to the log end offset.' }),
    'to-current': Flags.boolean({ summary: 'Reset to the current committed offset (log end when none).' }),
    'to-offset': Flags.string({ summary: 'Reset to this offset (clamped to the log).' }),
    'shift-by': Flags.string({ summary: 'Shift the committed offset by ±N.', allowStdin: false }),
    'to-datetime': Flags.string({ summary: "Reset to the first offset at or after 'YYYY-MM-DDTHH:mm:SS.sss'." }),
    'by-duration': Flags.string({ summary: 'Reset to the first offset at or after now minus PnDTnHnMnS.' }),
    'dry-run': Flags.boolean({ summary: 'Only show the plan (default).' }),
    execute: Flags.boolean({ summary: 'Commit the new offsets.' }),
    export: Flags.boolean({ summary: 'Print the plan as CSV: topic,partition,offset (group first unless exactly one --group).' }),
    'from-file': Flags.string({ summary: 'Reset to the offsets in this CSV file (as --export writes it).', helpValue: 'file' }),
  };

  async run(): Promise<unknown> {
    const f = this.flags;
    const scenario = this.#scenario();
    if (scenario.kind !== 'from-file' && !f['all-topics'] && (!f.topic || f.topic.length === 0)) {
      throw new StreamctlError('USAGE', 'Option [reset-offsets] takes one of these options: [all-topics], [topic]');
    }
    if (f['all-topics'] && f.topic && f.topic.length > 0) throw new StreamctlError('USAGE', 'Option [reset-offsets] takes only one of these options: [all-topics], [topic]');
    if (f['dry-run'] && f.execute) throw new StreamctlError('USAGE', 'Option [reset-offsets] takes only one of these options: [dry-run], [execute]');
    if (!f['dry-run'] && !f.execute && !this.jsonEnabled()) writeErr(`${RESET_DRY_RUN_WARNING}\n`);
    const singleGroupQuery = (f.group ?? []).length === 1;
    const admin = AdminClient.open(connectOptions(f));
    try {
      const groups = await selectGroups('reset-offsets', f, async () => (await admin.listGroups()).map((g) => g.group));
      const result = await admin.resetOffsets({ groups, topics: f.topic ?? [], allTopics: f['all-topics'], scenario, execute: f.execute });
      if (!this.jsonEnabled()) {
        const notices = formatResetNotices(result.notices);
        writeErr(notices.stderr);
        writeOut(notices.stdout);
        if (f.export) {
          // Kafka: println(exportOffsetsToCsv(...)), so the CSV ends with an empty line.
          writeOut(`${resetPlanCsv(result.rows, singleGroupQuery)}\n`);
        } else {
          writeOut(formatResetOffsets(result.rows, result.groupCount));
        }
      }
      if (result.failedGroups.length > 0) failRun();
      return result;
    } finally {
      await admin.close();
    }
  }

  #scenario(): ResetScenario {
    const f = this.flags;
    const chosen: ResetScenario[] = [];
    const long = (v: string, name: string) => {
      if (!/^[-+]?\d+$/.test(v.trim())) throw new StreamctlError('USAGE', `Invalid value '${v}' for --${name}: expected an integer`);
      return BigInt(v.trim());
    };
    if (f['to-earliest']) chosen.push({ kind: 'to-earliest' });
    if (f['to-latest']) chosen.push({ kind: 'to-latest' });
    if (f['to-current']) chosen.push({ kind: 'to-current' });
    if (f['to-offset'] !== undefined) chosen.push({ kind: 'to-offset', offset: long(f['to-offset'], 'to-offset') });
    if (f['shift-by'] !== undefined) chosen.push({ kind: 'shift-by', shift: long(f['shift-by'], 'shift-by') });
    if (f['to-datetime'] !== undefined) chosen.push({ kind: 'to-datetime', timestampMs: parseResetDateTime(f['to-datetime']) });
    if (f['by-duration'] !== undefined) chosen.push({ kind: 'by-duration', durationMs: parseIsoDuration(f['by-duration']) });
    if (f['from-file'] !== undefined) {
      let text: string;
      try {
        text = readFileSync(f['from-file'], 'utf8');
      } catch (error) {
        throw new StreamctlError('USAGE', `Cannot read the --from-file file '${f['from-file']}': ${(error as Error).message}`);
      }
      chosen.push({ kind: 'from-file', offsets: parseResetPlanCsv(text, f.group ?? [], (f.group ?? []).length === 1) });
    }
    if (chosen.length !== 1) {
      throw new StreamctlError(
        'USAGE',
        'One of the reset scenarios must be provided: --to-earliest, --to-latest, --to-current, --to-offset, --shift-by, --to-datetime, --by-duration, --from-file',
      );
    }
    return chosen[0]!;
  }
}
