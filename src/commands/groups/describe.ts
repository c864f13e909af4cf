// `streamctl groups describe`: kafka-consumer-groups.sh --describe (--offsets, --members, --state).
import { Flags } from '@oclif/core';
import { AdminClient } from '../../engine/client/admin-client.js';
import { formatGroupMembers, formatGroupOffsets, formatGroupStates, type ToolOutput } from '../../engine/client/groups-format.js';
import { StreamctlError } from '../../engine/common/errors.js';
import { BaseCommand } from '../../cli/base-command.js';
import { groupSelectionFlags, selectGroups } from '../../cli/group-flags.js';
import { connectOptions, failRun, kafkaFlags, writeErr, writeOut } from '../../cli/kafka-flags.js';

export default class GroupsDescribe extends BaseCommand<typeof GroupsDescribe> {
  static override summary = 'Describe consumer groups: offsets and lag, members or state (kafka-consumer-groups --describe).';
  static override description =
    'The default view (--offsets) lists per partition CURRENT-OFFSET, LOG-END-OFFSET and LAG with the owning member; --members lists members; --state shows coordinator, assignment strategy, state and member count. --json adds the total lag per group.';
  static override examples = [
    '<%= config.bin %> groups describe --group billing',
    '<%= config.bin %> groups describe --all-groups --members --verbose',
    '<%= config.bin %> groups describe --group billing --state',
  ];
  static override flags = {
    ...kafkaFlags,
    ...groupSelectionFlags,
    offsets: Flags.boolean({ summary: 'Offsets and lag per partition (default view).' }),
    members: Flags.boolean({ summary: 'Members of the group.' }),
    state: Flags.boolean({ summary: 'State of the group.' }),
    verbose: Flags.boolean({ summary: 'More columns (leader epoch; member assignments and epochs; with --state, group and target assignment epochs).' }),
  };

  async run(): Promise<unknown> {
    const f = this.flags;
    if ([f.offsets, f.members, f.state].filter(Boolean).length > 1) {
      throw new StreamctlError('USAGE', 'Option [describe] takes at most one of these options: [members], [offsets], [state]');
    }
    const admin = AdminClient.open(connectOptions(f));
    try {
      const groups = await selectGroups('describe', f, async () => (await admin.listGroups()).map((g) => g.group));
      const out: ToolOutput = { stdout: '', stderr: '' };
      let result: unknown;
      let failed = false;
      if (f.members) {
        const views = await admin.describeGroupMembers(groups);
        formatGroupMembers(views, f.verbose, out);
        failed = views.some((v) => v.state === null || v.state === 'Dead');
        result = { groups: views };
      } else if (f.state) {
        const views = await admin.describeGroupStates(groups);
        formatGroupStates(views, out, f.verbose);
        failed = views.some((v) => v.state === 'Dead');
        result = { groups: views };
      } else {
        const views = await admin.describeGroupOffsets(groups);
        formatGroupOffsets(views, f.verbose, out);
        failed = views.some((v) => v.state === null || v.state === 'Dead');
        result = {
          groups: views.map((v) => ({
            ...v,
            totalLag: v.rows.reduce((n, r) => n + (r.lag ?? 0n), 0n).toString(),
            rows: v.rows.map((r) => ({
              ...r,
              currentOffset: r.currentOffset?.toString() ?? null,
              logEndOffset: r.logEndOffset?.toString() ?? null,
              lag: r.lag?.toString() ?? null,
            })),
          })),
        };
      }
      if (!this.jsonEnabled()) {
        writeErr(out.stderr);
        writeOut(out.stdout);
      }
      if (failed) failRun();
      return result;
    } finally {
      await admin.close();
    }
  }
}
