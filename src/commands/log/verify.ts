// `streamctl log verify`: checks every batch and index of the local cluster's log dirs
// (kafka-dump-log --deep-iteration / --verify-index-only) and prints the problems.
// Exit code 1 when any were found.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { locateClusterDir } from '../../cli/cluster-locator.js';
import { renderLogVerify, verifyClusterLogs, type LogVerifyResult } from '../../engine/cluster/log-verify.js';

export default class LogVerify extends BaseCommand<typeof LogVerify> {
  static override summary = 'Verify every batch and index of the local cluster\'s partition logs.';
  static override description = `Reads each segment of every broker's log dir: batch lengths, magic, CRC-32C and offsets, bytes after the last batch, and every offset- and time-index entry (like kafka-dump-log's deep iteration and index verification). Read-only; best run on a stopped cluster, since a running broker's newest segment may be mid-append. Exits 1 when a problem was found.`;
  static override examples = ['<%= config.bin %> log verify', '<%= config.bin %> log verify --topic orders --json'];
  static override flags = {
    topic: Flags.string({ summary: 'Only the partitions of this topic.' }),
  };

  async run(): Promise<LogVerifyResult> {
    const result = verifyClusterLogs(locateClusterDir(this.flags.dir), { topic: this.flags.topic });
    if (!this.jsonEnabled()) process.stdout.write(renderLogVerify(result));
    if (result.problems.length > 0) process.exitCode = 1;
    return result;
  }
}
