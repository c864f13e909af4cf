// `streamctl topology kill <name> [-w secs]` (as `storm kill`): KILLED now, removed after the
// wait (default: the topology's topology.message.timeout.secs).
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { nimbusFlags, topologyClient } from '../../cli/nimbus-flags.js';

export default class TopologyKill extends BaseCommand<typeof TopologyKill> {
  static override summary = 'Kill a topology: spouts stop now, workers go after the wait.';
  static override examples = ['<%= config.bin %> topology kill wc', '<%= config.bin %> topology kill wc -w 5'];
  static override args = { name: Args.string({ required: true, description: 'Topology name.' }) };
  static override flags = {
    wait: Flags.integer({ char: 'w', summary: 'Seconds to wait before removing it (default: its message timeout).', min: 0 }),
    ...nimbusFlags,
  };

  async run(): Promise<{ topologyOperation: string; topologyId: string; status: string; name: string }> {
    const result = await topologyClient(this.flags).kill(this.args.name, this.flags.wait);
    this.log(`Killed topology: ${this.args.name}`);
    return result;
  }
}
