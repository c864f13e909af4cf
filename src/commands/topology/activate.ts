// `streamctl topology activate <name>` (as `storm activate`).
import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { nimbusFlags, topologyClient } from '../../cli/nimbus-flags.js';

export default class TopologyActivate extends BaseCommand<typeof TopologyActivate> {
  static override summary = 'Activate a topology (its spouts run again).';
  static override examples = ['<%= config.bin %> topology activate wc'];
  static override args = { name: Args.string({ required: true, description: 'Topology name.' }) };
  static override flags = {
    ...nimbusFlags,
  };

  async run(): Promise<{ topologyOperation: string; topologyId: string; status: string; name: string }> {
    const result = await topologyClient(this.flags).activate(this.args.name);
    this.log(`Activated topology: ${this.args.name}`);
    return result;
  }
}
