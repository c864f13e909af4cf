// `streamctl transactions describe-producers`: kafka-transactions.sh describe-producers.
import { Flags } from '@oclif/core';
import { TransactionsAdmin } from '../../engine/client/transactions-admin.js';
import { formatProducers, type ProducerStateView } from '../../engine/client/transactions-format.js';
import { BaseCommand } from '../../cli/base-command.js';
import { connectOptions, kafkaFlags, writeOut } from '../../cli/kafka-flags.js';

export default class TransactionsDescribeProducers extends BaseCommand<typeof TransactionsDescribeProducers> {
  static override summary = 'Describe the states of active producers for a topic partition (kafka-transactions describe-producers).';
  static override description = 'Prints each producer the partition leader (or --broker-id) tracks: id, epoch, latest coordinator epoch, last sequence, last timestamp and the start offset of its open transaction (None when none is open).';
  static override examples = ['<%= config.bin %> transactions describe-producers --topic orders --partition 0'];
  static override flags = {
    ...kafkaFlags,
    topic: Flags.string({ summary: 'topic name', required: true }),
    partition: Flags.integer({ summary: 'partition number', required: true, min: 0 }),
    'broker-id': Flags.integer({ summary: 'optional broker id to describe the producer state on a specific replica', min: 0 }),
  };

  async run(): Promise<{ topic: string; partition: number; producers: ProducerStateView[] }> {
    const f = this.flags;
    const admin = TransactionsAdmin.open(connectOptions(f));
    try {
      const producers = await admin.describeProducers(f.topic, f.partition, f['broker-id']);
      if (!this.jsonEnabled()) writeOut(formatProducers(producers));
      return { topic: f.topic, partition: f.partition, producers };
    } finally {
      await admin.close();
    }
  }
}
