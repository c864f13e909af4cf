// `streamctl topics create`: kafka-topics.sh --create.
import { Flags } from '@oclif/core';
import type { CreateTopicResult } from '../../engine/client/admin-client.js';
import { parseProperties } from '../../engine/client/properties.js';
import { parseReplicaAssignment, TOPIC_NAME_COLLISION_WARNING } from '../../engine/client/topics-format.js';
import { StreamctlError } from '../../engine/common/errors.js';
import { BaseCommand } from '../../cli/base-command.js';
import { kafkaFlags, reportTopicCommandError, runAdminCommand, writeOut } from '../../cli/kafka-flags.js';

export default class TopicsCreate extends BaseCommand<typeof TopicsCreate> {
  static override summary = 'Create a topic (kafka-topics --create).';
  static override description = 'Creates a topic with the given partitions, replication factor or explicit replica assignment, and topic configs.';
  static override examples = [
    '<%= config.bin %> topics create --topic orders --partitions 3 --replication-factor 1',
    '<%= config.bin %> topics create --topic events --config retention.ms=86400000 --config cleanup.policy=compact',
    '<%= config.bin %> topics create --topic pinned --replica-assignment 1:2,2:3 --bootstrap-server 127.0.0.1:9092',
  ];
  static override flags = {
    ...kafkaFlags,
    topic: Flags.string({ summary: 'Name of the topic to create.', required: true }),
    partitions: Flags.integer({ summary: 'Number of partitions (default: the broker num.partitions).' }),
    'replication-factor': Flags.integer({ summary: 'Replication factor (default: the broker default.replication.factor).' }),
    'replica-assignment': Flags.string({ summary: 'Replica lists per partition: b1:b2,b3:b4 (partitions by comma, replicas by colon).' }),
    config: Flags.string({ summary: 'Topic config override k=v (repeatable).', multiple: true }),
    'if-not-exists': Flags.boolean({ summary: 'Do nothing if the topic already exists.' }),
  };

  async run(): Promise<CreateTopicResult | undefined> {
    const f = this.flags;
    return runAdminCommand({ jsonEnabled: this.jsonEnabled(), flags: f, report: reportTopicCommandError }, async (admin) => {
      let replicaAssignment: number[][] | undefined;
      try {
        replicaAssignment = f['replica-assignment'] ? parseReplicaAssignment(f['replica-assignment']) : undefined;
      } catch (error) {
        throw new StreamctlError('USAGE', (error as Error).message);
      }
      // kafka-topics prints the collision warning before it asks the broker.
      if (/[._]/.test(f.topic) && !this.jsonEnabled()) writeOut(`${TOPIC_NAME_COLLISION_WARNING}\n`);
      const result = await admin().createTopic({
        topic: f.topic,
        partitions: f.partitions,
        replicationFactor: f['replication-factor'],
        replicaAssignment,
        configs: parseProperties(f.config, '--config'),
        ifNotExists: f['if-not-exists'],
      });
      if (!this.jsonEnabled()) {
        if (result.created) writeOut(`Created topic ${result.topic}.\n`);
      }
      return result;
    });
  }
}
