// `streamctl topology kill <name> [-w secs]` (as `storm kill`): KILLED now, removed after the
// wait (default: the topology's topology.message.timeout.secs).
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { TopologyClient } from '../../engine/runtime/topology-client.js';

export default class TopologyKill extends BaseCommand<typeof TopologyKill> {
  static override summary = 'Kill a topology: spouts stop now, workers go after the wait.';
  static override examples = ['<%= config.bin %> topology kill wc', '<%= config.bin %> topology kill wc -w 5'];
  static override args = { name: Args.string({ required: true, description: 'Topology name.' }) };
  static override flags = {
    wait: Flags.integer({ char: 'w', summary: 'Seconds to wait before removing it (default: its message timeout).', min: 0 }),
    'nimbus-url': Flags.string({ summary: 'Nimbus REST URL (default: from the cluster dir, else http://127.0.0.1:9292).' }),
  };

  async run(): Promise<{ topologyOperation: string; topologyId: string; status: string; name: string }> {
    const result = await TopologyClient.fromCluster({ dir: this.flags.dir, nimbusUrl: this.flags['nimbus-url'] }).kill(this.args.name, this.flags.wait);
    this.log(`Killed topology: ${this.args.name}`);
    return result;
  }
}
