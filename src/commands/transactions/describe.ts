// `streamctl transactions describe`: kafka-transactions.sh describe --transactional-id X.
import { Flags } from '@oclif/core';
import { TransactionsAdmin } from '../../engine/client/transactions-admin.js';
import { formatTransactionDescription, type TransactionDescriptionView } from '../../engine/client/transactions-format.js';
import { StreamctlError } from '../../engine/common/errors.js';
import { BaseCommand } from '../../cli/base-command.js';
import { connectOptions, kafkaFlags, writeOut } from '../../cli/kafka-flags.js';

export default class TransactionsDescribe extends BaseCommand<typeof TransactionsDescribe> {
  static override summary = 'Describe the state of an active transactional-id (kafka-transactions describe).';
  static override description = 'Asks the transactional id\'s coordinator for its producer id and epoch, state, timeout, start time and partitions.';
  static override examples = ['<%= config.bin %> transactions describe --transactional-id payments-1'];
  static override flags = { ...kafkaFlags, 'transactional-id': Flags.string({ summary: 'transactional id', required: true }) };

  async run(): Promise<{ transaction: TransactionDescriptionView }> {
    const id = this.flags['transactional-id'];
    const admin = TransactionsAdmin.open(connectOptions(this.flags));
    try {
      const transaction = await admin.describe(id, Date.now());
      if (!transaction) throw new StreamctlError('KAFKA', `Failed to describe transaction state of transactional-id \`${id}\`: The transactionalId could not be found.`);
      if (!this.jsonEnabled()) writeOut(formatTransactionDescription(transaction));
      return { transaction };
    } finally {
      await admin.close();
    }
  }
}
