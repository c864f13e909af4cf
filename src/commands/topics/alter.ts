// `streamctl topics alter`: kafka-topics.sh --alter --partitions N [--replica-assignment] (prints nothing on success).
import { Flags } from '@oclif/core';
import { parseReplicaAssignment } from '../../engine/client/topics-format.js';
import { StreamctlError } from '../../engine/common/errors.js';
import { BaseCommand } from '../../cli/base-command.js';
import { kafkaFlags, reportTopicCommandError, runAdminCommand } from '../../cli/kafka-flags.js';

export default class TopicsAlter extends BaseCommand<typeof TopicsAlter> {
  static override summary = 'Increase the partitions of a topic (kafka-topics --alter).';
  static override description =
    'Partitions can only be added. Topic configs are changed with `streamctl configs alter` (as kafka-configs does). Prints nothing on success.';
  static override examples = [
    '<%= config.bin %> topics alter --topic orders --partitions 6',
    '<%= config.bin %> topics alter --topic orders --partitions 3 --replica-assignment 1,1,1',
  ];
  static override flags = {
    ...kafkaFlags,
    topic: Flags.string({ summary: 'Topic name or regex.', required: true }),
    partitions: Flags.integer({ summary: 'New total number of partitions.', required: true }),
    'if-exists': Flags.boolean({ summary: 'Do not fail when the topic does not exist.' }),
    'replica-assignment': Flags.string({ summary: 'Replica lists of all partitions, b1:b2,b3:b4; the entries past the current count place the new partitions.' }),
  };

  async run(): Promise<{ topics: string[] } | undefined> {
    return runAdminCommand({ jsonEnabled: this.jsonEnabled(), flags: this.flags, report: reportTopicCommandError }, async (admin) => {
      let replicaAssignment: number[][] | undefined;
      try {
        replicaAssignment = this.flags['replica-assignment'] ? parseReplicaAssignment(this.flags['replica-assignment']) : undefined;
      } catch (error) {
        throw new StreamctlError('USAGE', (error as Error).message);
      }
      const topics = await admin().alterPartitions({ topic: this.flags.topic, partitions: this.flags.partitions, ifExists: this.flags['if-exists'], replicaAssignment });
      return { topics };
    });
  }
}
