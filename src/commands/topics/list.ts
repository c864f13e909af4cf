// `streamctl topics list`: kafka-topics.sh --list.
import { Flags } from '@oclif/core';
import { AdminClient } from '../../engine/client/admin-client.js';
import { BaseCommand } from '../../cli/base-command.js';
import { connectOptions, failRun, kafkaFlags, topicCommandError, writeOut } from '../../cli/kafka-flags.js';

export default class TopicsList extends BaseCommand<typeof TopicsList> {
  static override summary = 'List topics (kafka-topics --list).';
  static override description = 'Prints topic names sorted, one per line; internal topics such as __consumer_offsets are included unless --exclude-internal.';
  static override examples = ['<%= config.bin %> topics list', '<%= config.bin %> topics list --exclude-internal --json'];
  static override flags = {
    ...kafkaFlags,
    topic: Flags.string({ summary: 'Only topics matching this name or regex.' }),
    'exclude-internal': Flags.boolean({ summary: 'Leave out internal topics.' }),
  };

  async run(): Promise<{ topics: string[] } | undefined> {
    let admin: AdminClient | undefined;
    try {
      admin = AdminClient.open(connectOptions(this.flags));
      const topics = await admin.listTopics({ excludeInternal: this.flags['exclude-internal'], topic: this.flags.topic });
      if (!this.jsonEnabled()) writeOut(topics.map((t) => `${t}\n`).join(''));
      return { topics };
    } catch (error) {
      if (this.jsonEnabled()) throw error;
      writeOut(topicCommandError(error));
      failRun();
      return undefined;
    } finally {
      await admin?.close();
    }
  }
}
