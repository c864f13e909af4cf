// `streamctl groups delete-offsets`: kafka-consumer-groups.sh --delete-offsets.
import { Flags } from '@oclif/core';
import { AdminClient } from '../../engine/client/admin-client.js';
import { type DeleteOffsetsResult, formatDeleteOffsets } from '../../engine/client/groups-format.js';
import { BaseCommand } from '../../cli/base-command.js';
import { connectOptions, failRun, kafkaFlags, writeOut } from '../../cli/kafka-flags.js';

export default class GroupsDeleteOffsets extends BaseCommand<typeof GroupsDeleteOffsets> {
  static override summary = "Delete a group's committed offsets for topics (kafka-consumer-groups --delete-offsets).";
  static override description = 'Only allowed when the group is empty or not subscribed to the topic; prints a TOPIC/PARTITION/STATUS table.';
  static override examples = ['<%= config.bin %> groups delete-offsets --group billing --topic orders', '<%= config.bin %> groups delete-offsets --group billing --topic orders:0,1'];
  static override flags = {
    ...kafkaFlags,
    group: Flags.string({ summary: 'Consumer group id.', required: true }),
    topic: Flags.string({ summary: 'Topic, or topic:p1,p2 (repeatable).', multiple: true, required: true }),
  };

  async run(): Promise<DeleteOffsetsResult> {
    const admin = AdminClient.open(connectOptions(this.flags));
    try {
      const result = await admin.deleteOffsets(this.flags.group, this.flags.topic);
      if (!this.jsonEnabled()) writeOut(formatDeleteOffsets(result));
      if (result.topLevelError !== null) failRun();
      return result;
    } finally {
      await admin.close();
    }
  }
}
