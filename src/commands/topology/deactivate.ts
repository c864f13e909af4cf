// `streamctl topology deactivate <name>` (as `storm deactivate`).
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { TopologyClient } from '../../engine/runtime/topology-client.js';

export default class TopologyDeactivate extends BaseCommand<typeof TopologyDeactivate> {
  static override summary = 'Deactivate a topology (its spouts stop calling nextTuple).';
  static override examples = ['<%= config.bin %> topology deactivate wc'];
  static override args = { name: Args.string({ required: true, description: 'Topology name.' }) };
  static override flags = {
    'nimbus-url': Flags.string({ summary: 'Nimbus REST URL (default: from the cluster dir, else http://127.0.0.1:9292).' }),
  };

  async run(): Promise<{ topologyOperation: string; topologyId: string; status: string; name: string }> {
    const result = await TopologyClient.fromCluster({ dir: this.flags.dir, nimbusUrl: this.flags['nimbus-url'] }).deactivate(this.args.name);
    this.log(`Deactivated topology: ${this.args.name}`);
    return result;
  }
}
