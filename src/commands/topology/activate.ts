// `streamctl topology activate <name>` (as `storm activate`).
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { TopologyClient } from '../../engine/runtime/topology-client.js';

export default class TopologyActivate extends BaseCommand<typeof TopologyActivate> {
  static override summary = 'Activate a topology (its spouts run again).';
  static override examples = ['<%= config.bin %> topology activate wc'];
  static override args = { name: Args.string({ required: true, description: 'Topology name.' }) };
  static override flags = {
    'nimbus-url': Flags.string({ summary: 'Nimbus REST URL (default: from the cluster dir, else http://127.0.0.1:9292).' }),
  };

  async run(): Promise<{ topologyOperation: string; topologyId: string; status: string; name: string }> {
    const result = await TopologyClient.fromCluster({ dir: this.flags.dir, nimbusUrl: this.flags['nimbus-url'] }).activate(this.args.name);
    this.log(`Activated topology: ${this.args.name}`);
    return result;
  }
}
