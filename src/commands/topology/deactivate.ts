// `streamctl topology deactivate <name>` (as `storm deactivate`).
import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { nimbusFlags, topologyClient } from '../../cli/nimbus-flags.js';

export default class TopologyDeactivate extends BaseCommand<typeof TopologyDeactivate> {
  static override summary = 'Deactivate a topology (its spouts stop calling nextTuple).';
  static override examples = ['<%= config.bin %> topology deactivate wc'];
  static override args = { name: Args.string({ required: true, description: 'Topology name.' }) };
  static override flags = {
    ...nimbusFlags,
  };

  async run(): Promise<{ topologyOperation: string; topologyId: string; status: string; name: string }> {
    const result = await topologyClient(this.flags).deactivate(this.args.name);
    this.log(`Deactivated topology: ${this.args.name}`);
    return result;
  }
}
