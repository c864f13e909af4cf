// `streamctl topology describe <name>`: components, executors, tasks, workers and metrics.
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { formatDescribe, TopologyClient, type TopologyDetail } from '../../engine/runtime/topology-client.js';

export default class TopologyDescribe extends BaseCommand<typeof TopologyDescribe> {
  static override summary = 'Show a topology: components, executors, tasks, workers and metrics.';
  static override examples = ['<%= config.bin %> topology describe wc', '<%= config.bin %> topology describe wc --window 600 --json'];
  static override args = { name: Args.string({ required: true, description: 'Topology name.' }) };
  static override flags = {
    window: Flags.string({ summary: 'Metrics window.', options: ['600', ':all-time'], default: ':all-time' }),
    'nimbus-url': Flags.string({ summary: 'Nimbus REST URL (default: from the cluster dir, else http://127.0.0.1:9292).' }),
  };

  async run(): Promise<TopologyDetail> {
    const detail = await TopologyClient.fromCluster({ dir: this.flags.dir, nimbusUrl: this.flags['nimbus-url'] }).describe(
      this.args.name,
      this.flags.window as '600' | ':all-time',
    );
    this.log(formatDescribe(detail));
    return detail;
  }
}
