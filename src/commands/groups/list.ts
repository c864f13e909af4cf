// `streamctl groups list`: kafka-consumer-groups.sh --list [--state [states]] [--type [types]].
import { Args, Flags } from '@oclif/core';
import { AdminClient } from '../../engine/client/admin-client.js';
import { formatGroupList, type GroupListing, parseStateFilter, parseTypeFilter } from '../../engine/client/groups-format.js';
import { StreamctlError } from '../../engine/common/errors.js';
import { BaseCommand } from '../../cli/base-command.js';
import { connectOptions, kafkaFlags, writeOut } from '../../cli/kafka-flags.js';

export default class GroupsList extends BaseCommand<typeof GroupsList> {
  static override summary = 'List consumer groups (kafka-consumer-groups --list).';
  static override description =
    'Prints one group id per line. With --state, prints a GROUP/STATE table, optionally only the groups in the given states (comma separated, e.g. `--state Stable,Empty`). With --type (Kafka 4.0), adds a TYPE column (Classic, or Consumer for KIP-848 consumer-protocol groups), optionally only the given types (`--type consumer`); with both, the list may name states and types.';
  static override examples = [
    '<%= config.bin %> groups list',
    '<%= config.bin %> groups list --state',
    '<%= config.bin %> groups list --state Stable,Empty --json',
    '<%= config.bin %> groups list --type consumer',
  ];
  static override flags = {
    ...kafkaFlags,
    state: Flags.boolean({ summary: 'Show the state of each group; optionally followed by the states to keep.' }),
    type: Flags.boolean({ summary: 'Show the type of each group (Classic, Consumer); optionally followed by the types to keep.' }),
  };
  static override args = {
    states: Args.string({ description: 'With --state: states to keep (Stable, PreparingRebalance, CompletingRebalance, Empty, Dead, Assigning, Reconciling); with --type: types to keep (classic, consumer).' }),
  };

  async run(): Promise<{ groups: GroupListing[] }> {
    const f = this.flags;
    if (this.args.states !== undefined && !f.state && !f.type) throw new StreamctlError('USAGE', `Unexpected argument: ${this.args.states}`);
    let states;
    let types;
    try {
      const values = this.args.states?.split(',') ?? [];
      const isType = (v: string) => ['classic', 'consumer'].includes(v.trim().toLowerCase());
      // With both flags the list may mix types and states; with one, it is that flag's.
      const typeValues = f.type ? values.filter((v) => !f.state || isType(v)) : [];
      const stateValues = f.state ? values.filter((v) => !f.type || !isType(v)) : [];
      types = typeValues.length > 0 ? parseTypeFilter(typeValues.join(',')) : undefined;
      states = stateValues.length > 0 ? parseStateFilter(stateValues.join(',')) : undefined;
    } catch (error) {
      throw new StreamctlError('USAGE', (error as Error).message);
    }
    const admin = AdminClient.open(connectOptions(this.flags));
    try {
      const groups = await admin.listGroups({ states, types });
      if (!this.jsonEnabled()) writeOut(formatGroupList(groups, f.state, f.type));
      return { groups };
    } finally {
      await admin.close();
    }
  }
}
