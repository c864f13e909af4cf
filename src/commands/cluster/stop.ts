// `streamctl cluster stop`: stops the local cluster gracefully (brokers flush and close
// their segments); data stays for the next start.
import { BaseCommand } from '../../cli/base-command.js';
import { locateClusterDir } from '../../cli/cluster-locator.js';
import { stopCluster, type StopClusterResult } from '../../engine/cluster/local-cluster.js';

export default class ClusterStop extends BaseCommand<typeof ClusterStop> {
  static override summary = 'Stop the local cluster gracefully.';
  static override description = `Sends SIGTERM to supervisors, nimbus, brokers and the controller in that order and waits for them (SIGKILL after a grace period). Data, topics and the cluster id are kept for the next \`cluster start\`. Stopping a cluster that is not running is not an error; a directory that holds no cluster is (exit 1).`;
  static override examples = ['<%= config.bin %> cluster stop', '<%= config.bin %> cluster stop --dir /tmp/c2'];

  async run(): Promise<StopClusterResult> {
    // No cluster at all in the dir is an error like everywhere else; a stopped one is not.
    const dir = locateClusterDir(this.flags.dir);
    const result = await stopCluster(dir);
    if (!this.jsonEnabled()) {
      process.stdout.write(result.wasRunning ? `Cluster in ${dir} stopped.\n` : `No cluster is running in ${dir}.\n`);
    }
    return result;
  }
}
