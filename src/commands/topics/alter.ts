// `streamctl topics alter`: kafka-topics.sh --alter --partitions N (prints nothing on success).
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { kafkaFlags, reportTopicCommandError, runAdminCommand } from '../../cli/kafka-flags.js';

export default class TopicsAlter extends BaseCommand<typeof TopicsAlter> {
  static override summary = 'Increase the partitions of a topic (kafka-topics --alter).';
  static override description =
    'Partitions can only be added. Topic configs are changed with `streamctl configs alter` (as kafka-configs does). Prints nothing on success.';
  static override examples = ['<%= config.bin %> topics alter --topic orders --partitions 6'];
  static override flags = {
    ...kafkaFlags,
    topic: Flags.string({ summary: 'Topic name or regex.', required: true }),
    partitions: Flags.integer({ summary: 'New total number of partitions.', required: true }),
    'if-exists': Flags.boolean({ summary: 'Do not fail when the topic does not exist.' }),
  };

  async run(): Promise<{ topics: string[] } | undefined> {
    return runAdminCommand({ jsonEnabled: this.jsonEnabled(), flags: this.flags, report: reportTopicCommandError }, async (admin) => {
      const topics = await admin().alterPartitions({ topic: this.flags.topic, partitions: this.flags.partitions, ifExists: this.flags['if-exists'] });
      return { topics };
    });
  }
}
