// `streamctl leader-election` (kafka-leader-election.sh): elect preferred leaders, or unclean
// leaders for leaderless partitions, on demand.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { connectOptions, kafkaFlags } from '../cli/kafka-flags.js';
import { StreamctlError } from '../engine/common/errors.js';
import { electLeaders, formatLeaderElection, type ElectionType, type LeaderElectionResult } from '../engine/client/leader-election.js';

export default class LeaderElection extends BaseCommand<typeof LeaderElection> {
  static override summary = 'Elect partition leaders on demand (kafka-leader-election).';
  static override description =
    'PREFERRED moves leadership back to each partition\'s first replica when it is live and in sync; UNCLEAN elects any live replica for a partition that has no leader (data not replicated to it may be lost).';
  static override examples = [
    '<%= config.bin %> leader-election --election-type PREFERRED --all-topic-partitions',
    '<%= config.bin %> leader-election --election-type PREFERRED --topic orders --partition 0',
    '<%= config.bin %> leader-election --election-type UNCLEAN --topic orders --partition 2 --json',
  ];
  static override flags = {
    ...kafkaFlags,
    'election-type': Flags.string({ summary: 'Type of election.', options: ['PREFERRED', 'UNCLEAN', 'preferred', 'unclean'], required: true }),
    topic: Flags.string({ summary: 'Topic of the partition to elect a leader for.', dependsOn: ['partition'] }),
    partition: Flags.integer({ summary: 'Partition to elect a leader for.', min: 0, dependsOn: ['topic'] }),
    'all-topic-partitions': Flags.boolean({ summary: 'Every partition of every topic.', exclusive: ['topic', 'partition'] }),
  };

  async run(): Promise<LeaderElectionResult> {
    const { flags } = this;
    if (!flags['all-topic-partitions'] && flags.topic === undefined) {
      throw new StreamctlError('USAGE', 'One and only one of the following options is required: --all-topic-partitions, --topic with --partition');
    }
    const result = await electLeaders(connectOptions(flags), {
      electionType: flags['election-type'].toUpperCase() as ElectionType,
      partitions: flags['all-topic-partitions'] ? null : [{ topic: flags.topic!, partition: flags.partition! }],
    });
    if (!this.jsonEnabled()) process.stdout.write(formatLeaderElection(result));
    if (result.failed.length > 0) process.exitCode = 1;
    return result;
  }
}
