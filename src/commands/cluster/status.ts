// `streamctl cluster status`: processes of the local cluster with pid, address and status,
// plus a health overview (live brokers, leaders per broker, leaderless and under-replicated
// partitions). Exit code 1 when the cluster is not running.
import { BaseCommand } from '../../cli/base-command.js';
import { locateClusterDir } from '../../cli/cluster-locator.js';
import { renderStatus } from '../../engine/cluster/cluster-report.js';
import { clusterStatus, type ClusterStatus } from '../../engine/cluster/local-cluster.js';

export default class ClusterStatusCommand extends BaseCommand<typeof ClusterStatusCommand> {
  static override summary = 'Show the local cluster\'s processes and health.';
  static override description = `Lists every process (NAME, ID, PID, ADDRESS, STATUS) and asks a broker for Metadata to report brokers down, partition leaders per broker and leaderless or under-replicated partitions, like \`rpk cluster health\`. Exits 1 when no cluster is running.`;
  static override examples = ['<%= config.bin %> cluster status', '<%= config.bin %> cluster status --json | jq .health'];

  async run(): Promise<ClusterStatus> {
    const status = await clusterStatus(locateClusterDir(this.flags.dir));
    if (!this.jsonEnabled()) process.stdout.write(renderStatus(status));
    if (!status.running) process.exitCode = 1;
    return status;
  }
}
