// `streamctl topics describe`: kafka-topics.sh --describe, with the partition reports.
import { Flags } from '@oclif/core';
import type { DescribeTopicsResult } from '../../engine/client/admin-client.js';
import { formatTopicDescriptions, type PartitionReport } from '../../engine/client/topics-format.js';
import { StreamctlError } from '../../engine/common/errors.js';
import { BaseCommand } from '../../cli/base-command.js';
import { kafkaFlags, reportTopicCommandError, runAdminCommand, writeOut } from '../../cli/kafka-flags.js';

export default class TopicsDescribe extends BaseCommand<typeof TopicsDescribe> {
  static override summary = 'Describe topics (kafka-topics --describe).';
  static override description =
    'Prints a topic line (TopicId, PartitionCount, ReplicationFactor, non-default Configs) and one TAB-indented line per partition (Leader, Replicas, Isr, Elr, LastKnownElr). With a partition report flag only the matching partition lines are printed.';
  static override examples = [
    '<%= config.bin %> topics describe --topic orders',
    '<%= config.bin %> topics describe --under-replicated-partitions',
    '<%= config.bin %> topics describe --topics-with-overrides --json',
  ];
  static override flags = {
    ...kafkaFlags,
    topic: Flags.string({ summary: 'Topic name or regex (default: all topics).' }),
    'exclude-internal': Flags.boolean({ summary: 'Leave out internal topics.' }),
    'if-exists': Flags.boolean({ summary: 'Do not fail when the topic does not exist.' }),
    'under-replicated-partitions': Flags.boolean({ summary: 'Only partitions whose ISR is smaller than the replica set.' }),
    'unavailable-partitions': Flags.boolean({ summary: 'Only partitions without a live leader.' }),
    'under-min-isr-partitions': Flags.boolean({ summary: 'Only partitions whose ISR is below min.insync.replicas.' }),
    'at-min-isr-partitions': Flags.boolean({ summary: 'Only partitions whose ISR equals min.insync.replicas.' }),
    'topics-with-overrides': Flags.boolean({ summary: 'Only topics with config overrides (topic lines only).' }),
  };

  async run(): Promise<DescribeTopicsResult | undefined> {
    const f = this.flags;
    return runAdminCommand({ jsonEnabled: this.jsonEnabled(), flags: f, report: reportTopicCommandError }, async (admin) => {
      const reports: PartitionReport[] = [];
      if (f['under-replicated-partitions']) reports.push('under-replicated');
      if (f['unavailable-partitions']) reports.push('unavailable');
      if (f['under-min-isr-partitions']) reports.push('under-min-isr');
      if (f['at-min-isr-partitions']) reports.push('at-min-isr');
      if (reports.length > 1) throw new StreamctlError('USAGE', 'Only one of the partition report options may be given.');
      if (reports.length > 0 && f['topics-with-overrides']) {
        throw new StreamctlError('USAGE', 'Option "[topics-with-overrides]" can\'t be used with the partition report options.');
      }
      const result = await admin().describeTopics({ topic: f.topic, excludeInternal: f['exclude-internal'], ifExists: f['if-exists'] });
      if (!this.jsonEnabled()) {
        const lines = formatTopicDescriptions(result.topics, {
          report: reports[0],
          topicsWithOverrides: f['topics-with-overrides'],
          liveBrokers: result.liveBrokers,
        });
        writeOut(lines.map((l) => `${l}\n`).join(''));
      }
      return result;
    });
  }
}
