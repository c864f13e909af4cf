// `streamctl topics list`: kafka-topics.sh --list.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { kafkaFlags, reportTopicCommandError, runAdminCommand, writeOut } from '../../cli/kafka-flags.js';

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
    return runAdminCommand({ jsonEnabled: this.jsonEnabled(), flags: this.flags, report: reportTopicCommandError }, async (admin) => {
      const topics = await admin().listTopics({ excludeInternal: this.flags['exclude-internal'], topic: this.flags.topic });
      if (!this.jsonEnabled()) writeOut(topics.map((t) => `${t}\n`).join(''));
      return { topics };
    });
  }
}
