// `streamctl transactions find-hanging`: kafka-transactions.sh find-hanging.
import { Flags } from '@oclif/core';
import { TransactionsAdmin } from '../../engine/client/transactions-admin.js';
import { formatHanging, type HangingTransaction } from '../../engine/client/transactions-format.js';
import { StreamctlError } from '../../engine/common/errors.js';
import { BaseCommand } from '../../cli/base-command.js';
import { connectOptions, kafkaFlags, writeOut } from '../../cli/kafka-flags.js';

export default class TransactionsFindHanging extends BaseCommand<typeof TransactionsFindHanging> {
  static override summary = 'Find hanging transactions (kafka-transactions find-hanging).';
  static override description =
    'Lists open transactions older than --max-transaction-timeout whose producer has no live transactional id or whose coordinator no longer counts the partition in the transaction: those only `transactions abort` can end.';
  static override examples = ['<%= config.bin %> transactions find-hanging --broker-id 1', '<%= config.bin %> transactions find-hanging --topic orders --partition 0'];
  static override flags = {
    ...kafkaFlags,
    'broker-id': Flags.integer({ summary: 'broker id to search for hanging transactions', min: 0 }),
    'max-transaction-timeout': Flags.integer({ summary: 'maximum transaction timeout in minutes to limit the scope of the search', default: 15, min: 0 }),
    topic: Flags.string({ summary: 'topic name to limit search to' }),
    partition: Flags.integer({ summary: 'partition number', min: 0 }),
  };

  async run(): Promise<{ hanging: HangingTransaction[] }> {
    const f = this.flags;
    if (f.topic === undefined && f['broker-id'] === undefined) {
      throw new StreamctlError('USAGE', 'The `find-hanging` command requires either --topic or --broker-id to limit the scope of the search');
    }
    if (f.partition !== undefined && f.topic === undefined) throw new StreamctlError('USAGE', 'The --partition argument requires --topic to be provided');
    const admin = TransactionsAdmin.open(connectOptions(f));
    try {
      const hanging = await admin.findHanging({ brokerId: f['broker-id'], topic: f.topic, partition: f.partition, maxTransactionTimeoutMinutes: f['max-transaction-timeout'], nowMs: Date.now() });
      if (!this.jsonEnabled()) writeOut(formatHanging(hanging));
      return { hanging };
    } finally {
      await admin.close();
    }
  }
}
