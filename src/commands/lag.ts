// `streamctl lag`: the short lag view, per group and topic, in records and in time.
import { Flags } from '@oclif/core';
import { AdminClient, watchGroupLag } from '../engine/client/admin-client.js';
import { type GroupLag, lagTable } from '../engine/client/consumer-lag.js';
import { PartitionFetcher } from '../engine/client/partition-fetcher.js';
import { BaseCommand } from '../cli/base-command.js';
import { connectOptions, interruptSignal, kafkaFlags, writeOut } from '../cli/kafka-flags.js';
import { jsonLine, renderTable } from '../cli/output.js';
import { SeriesHistory } from '../ui/history.js';
import { lagTrendTable, recordLag } from '../ui/lag-trend.js';

export default class Lag extends BaseCommand<typeof Lag> {
  static override summary = 'Show consumer lag per group and topic, in records and in time.';
  static override description =
    'LAG is the sum over partitions of log-end minus committed offset; TIME-LAG is, for the partition furthest behind, now minus the timestamp of the next record the group will read (the one at its committed offset), so an idle group 30 minutes behind shows 30m, as in the dashboard. --watch refreshes every --interval seconds until Ctrl-C and adds a TREND column: the lag over the samples so far as a sparkline (the last 20 samples).';
  static override examples = ['<%= config.bin %> lag', '<%= config.bin %> lag --group billing --watch --interval 2', '<%= config.bin %> lag --json'];
  static override flags = {
    ...kafkaFlags,
    group: Flags.string({ summary: 'Only this group (repeatable).', multiple: true }),
    watch: Flags.boolean({ summary: 'Refresh until Ctrl-C.' }),
    interval: Flags.integer({ summary: 'Seconds between refreshes with --watch.', default: 5 }),
  };

  async run(): Promise<unknown> {
    const options = connectOptions(this.flags);
    const fetcher = PartitionFetcher.open(options);
    const admin = AdminClient.open({ ...options, readTimestamp: (t, p, o) => fetcher.recordTimestamp(t, p, o) });
    const print = (lag: GroupLag[]) => {
      if (this.jsonEnabled()) return;
      const { headers, rows } = lagTable(lag);
      writeOut(`${renderTable(headers, rows)}\n`);
    };
    try {
      if (!this.flags.watch) {
        const lag = await admin.groupLag({ groups: this.flags.group });
        print(lag);
        return { groups: lag };
      }
      const interrupt = interruptSignal();
      const history = new SeriesHistory({ pointsPerSeries: 20 });
      try {
        await watchGroupLag(admin, { groups: this.flags.group, intervalMs: this.flags.interval * 1000, signal: interrupt.signal }, (lag) => {
          recordLag(history, lag);
          if (this.jsonEnabled()) {
            writeOut(jsonLine({ at: new Date().toISOString(), groups: lag }));
          } else {
            if (process.stdout.isTTY) writeOut('\x1b[2J\x1b[H');
            writeOut(`${new Date().toISOString()}\n`);
            const { headers, rows } = lagTrendTable(lag, history);
            writeOut(`${renderTable(headers, rows)}\n`);
          }
        });
      } finally {
        interrupt.dispose();
      }
      return undefined;
    } finally {
      await admin.close();
      await fetcher.close();
    }
  }
}
