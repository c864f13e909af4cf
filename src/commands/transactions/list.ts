// `streamctl transactions list`: kafka-transactions.sh list.
import { TransactionsAdmin } from '../../engine/client/transactions-admin.js';
import { formatTransactionList, type TransactionListingView } from '../../engine/client/transactions-format.js';
import { BaseCommand } from '../../cli/base-command.js';
import { connectOptions, kafkaFlags, writeOut } from '../../cli/kafka-flags.js';

export default class TransactionsList extends BaseCommand<typeof TransactionsList> {
  static override summary = 'List transactions (kafka-transactions list).';
  static override description = 'Asks every broker for the transactional ids its transaction coordinator owns and prints TransactionalId, Coordinator, ProducerId and TransactionState.';
  static override examples = ['<%= config.bin %> transactions list', '<%= config.bin %> transactions list --json'];
  static override flags = { ...kafkaFlags };

  async run(): Promise<{ transactions: TransactionListingView[] }> {
    const admin = TransactionsAdmin.open(connectOptions(this.flags));
    try {
      const transactions = await admin.list();
      if (!this.jsonEnabled()) writeOut(formatTransactionList(transactions));
      return { transactions };
    } finally {
      await admin.close();
    }
  }
}
