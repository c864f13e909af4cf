// `streamctl groups list`: kafka-consumer-groups.sh --list [--state [states]].
import { Args, Flags } from '@oclif/core';
import { AdminClient } from '../../engine/client/admin-client.js';
import { formatGroupList, type GroupListing, parseStateFilter } from '../../engine/client/groups-format.js';
import { StreamctlError } from '../../engine/common/errors.js';
import { BaseCommand } from '../../cli/base-command.js';
import { connectOptions, kafkaFlags, writeOut } from '../../cli/kafka-flags.js';

export default class GroupsList extends BaseCommand<typeof GroupsList> {
  static override summary = 'List consumer groups (kafka-consumer-groups --list).';
  static override description =
    'Prints one group id per line. With --state, prints a GROUP/STATE table, optionally only the groups in the given states (comma separated, e.g. `--state Stable,Empty`).';
  static override examples = ['<%= config.bin %> groups list', '<%= config.bin %> groups list --state', '<%= config.bin %> groups list --state Stable,Empty --json'];
  static override flags = {
    ...kafkaFlags,
    state: Flags.boolean({ summary: 'Show the state of each group; optionally followed by the states to keep.' }),
  };
  static override args = {
    states: Args.string({ description: 'States to keep with --state (Stable, PreparingRebalance, CompletingRebalance, Empty, Dead).' }),
  };

  async run(): Promise<{ groups: GroupListing[] }> {
    if (this.args.states !== undefined && !this.flags.state) throw new StreamctlError('USAGE', `Unexpected argument: ${this.args.states}`);
    let states;
    try {
      states = this.args.states ? parseStateFilter(this.args.states) : undefined;
    } catch (error) {
      throw new StreamctlError('USAGE', (error as Error).message);
    }
    const admin = AdminClient.open(connectOptions(this.flags));
    try {
      const groups = await admin.listGroups({ states });
      if (!this.jsonEnabled()) writeOut(formatGroupList(groups, this.flags.state));
      return { groups };
    } finally {
      await admin.close();
    }
  }
}
