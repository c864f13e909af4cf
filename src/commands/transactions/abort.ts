// `streamctl transactions abort`: kafka-transactions.sh abort --topic T --partition P --start-offset O.
import { Flags } from '@oclif/core';
import { TransactionsAdmin } from '../../engine/client/transactions-admin.js';
import { StreamctlError } from '../../engine/common/errors.js';
import { BaseCommand } from '../../cli/base-command.js';
import { connectOptions, kafkaFlags } from '../../cli/kafka-flags.js';

export default class TransactionsAbort extends BaseCommand<typeof TransactionsAbort> {
  static override summary = 'Abort a hanging transaction (kafka-transactions abort).';
  static override description = 'Finds the producer whose open transaction starts at --start-offset on the partition and has the leader write an ABORT marker for it; the last stable offset then moves on.';
  static override examples = ['<%= config.bin %> transactions abort --topic orders --partition 0 --start-offset 42'];
  static override flags = {
    ...kafkaFlags,
    topic: Flags.string({ summary: 'topic name', required: true }),
    partition: Flags.integer({ summary: 'partition number', required: true, min: 0 }),
    'start-offset': Flags.string({ summary: 'start offset of the transaction to abort', required: true }),
  };

  async run(): Promise<{ topic: string; partition: number; startOffset: string; aborted: boolean }> {
    const f = this.flags;
    if (!/^\d+$/.test(f['start-offset'])) throw new StreamctlError('USAGE', `Invalid value for --start-offset: ${f['start-offset']} (expected a non-negative offset)`);
    const startOffset = BigInt(f['start-offset']);
    const admin = TransactionsAdmin.open(connectOptions(f));
    try {
      await admin.abort(f.topic, f.partition, startOffset);
      return { topic: f.topic, partition: f.partition, startOffset: startOffset.toString(), aborted: true };
    } finally {
      await admin.close();
    }
  }
}
