// `streamctl cluster broker start <id>`: fault injection for developers. Start a broker that was stopped or killed.
import { Args } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { locateClusterDir } from '../../../cli/cluster-locator.js';
import { renderProcessTable } from '../../../engine/cluster/cluster-report.js';
import { brokerControl } from '../../../engine/cluster/local-cluster.js';
import type { ProcessInfo } from '../../../engine/cluster/process-configs.js';

export default class ClusterBrokerStart extends BaseCommand<typeof ClusterBrokerStart> {
  static override summary = 'Start a broker that was stopped or killed.';
  static override description = `Talks to the cluster daemon, which will not restart a broker stopped or killed this way. Partitions it led get new leaders from the ISR after the broker session timeout (kill) or at once (stop); \`cluster broker start\` brings it back and it rejoins the ISR once caught up.`;
  static override examples = ['<%= config.bin %> cluster broker start 2'];
  static override args = {
    id: Args.integer({ description: 'Broker id (1..N).', required: true }),
  };

  async run(): Promise<ProcessInfo> {
    const info = await brokerControl(locateClusterDir(this.flags.dir), 'start', this.args.id);
    if (!this.jsonEnabled()) process.stdout.write(renderProcessTable([info]) + '\n');
    return info;
  }
}
