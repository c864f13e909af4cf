// `streamctl topics delete`: kafka-topics.sh --delete (prints nothing on success).
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { kafkaFlags, reportTopicCommandError, runAdminCommand } from '../../cli/kafka-flags.js';

export default class TopicsDelete extends BaseCommand<typeof TopicsDelete> {
  static override summary = 'Delete topics (kafka-topics --delete).';
  static override description = 'Deletes every topic matching the name or regex. Deletion is asynchronous on the broker. Prints nothing on success.';
  static override examples = ['<%= config.bin %> topics delete --topic orders', '<%= config.bin %> topics delete --topic "test\\..*" --if-exists'];
  static override flags = {
    ...kafkaFlags,
    topic: Flags.string({ summary: 'Topic name or regex.', required: true }),
    'if-exists': Flags.boolean({ summary: 'Do not fail when the topic does not exist.' }),
  };

  async run(): Promise<{ topics: string[] } | undefined> {
    return runAdminCommand({ jsonEnabled: this.jsonEnabled(), flags: this.flags, report: reportTopicCommandError }, async (admin) => {
      const topics = await admin().deleteTopics({ topic: this.flags.topic, ifExists: this.flags['if-exists'] });
      return { topics };
    });
  }
}
