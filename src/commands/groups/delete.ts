// `streamctl groups delete`: kafka-consumer-groups.sh --delete.
import { AdminClient } from '../../engine/client/admin-client.js';
import { formatDeleteGroups } from '../../engine/client/groups-format.js';
import { BaseCommand } from '../../cli/base-command.js';
import { groupSelectionFlags, selectGroups } from '../../cli/group-flags.js';
import { connectOptions, failRun, kafkaFlags, writeErr, writeOut } from '../../cli/kafka-flags.js';

export default class GroupsDelete extends BaseCommand<typeof GroupsDelete> {
  static override summary = 'Delete consumer groups (kafka-consumer-groups --delete).';
  static override description = 'Deletes inactive groups and their committed offsets; a group with members fails with NON_EMPTY_GROUP.';
  static override examples = ['<%= config.bin %> groups delete --group billing', '<%= config.bin %> groups delete --group a --group b'];
  static override flags = { ...kafkaFlags, ...groupSelectionFlags };

  async run(): Promise<{ deleted: string[]; failed: Array<{ group: string; error: string }> }> {
    const admin = AdminClient.open(connectOptions(this.flags));
    try {
      const groups = await selectGroups('delete', this.flags, async () => (await admin.listGroups()).map((g) => g.group));
      const result = await admin.deleteGroups(groups);
      if (!this.jsonEnabled()) {
        const out = formatDeleteGroups(result.deleted, result.failed);
        writeErr(out.stderr);
        writeOut(out.stdout);
      }
      if (result.failed.length > 0) failRun();
      return result;
    } finally {
      await admin.close();
    }
  }
}
