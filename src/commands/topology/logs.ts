// `streamctl topology logs <name> [--component C] [--follow]`: the topology's worker log files.
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { interruptSignal } from '../../cli/interrupt.js';
import { TopologyClient } from '../../engine/runtime/topology-client.js';

export default class TopologyLogs extends BaseCommand<typeof TopologyLogs> {
  static override summary = "Print a topology's worker logs.";
  static override examples = ['<%= config.bin %> topology logs wc', '<%= config.bin %> topology logs wc --component count --follow'];
  static override enableJsonFlag = false;
  static override args = { name: Args.string({ required: true, description: 'Topology name.' }) };
  static override flags = {
    component: Flags.string({ summary: 'Only workers running this component.' }),
    follow: Flags.boolean({ char: 'f', summary: 'Keep printing new lines (Ctrl-C to stop).' }),
    'nimbus-url': Flags.string({ summary: 'Nimbus REST URL (default: from the cluster dir, else http://127.0.0.1:9292).' }),
  };

  async run(): Promise<void> {
    const interrupt = interruptSignal();
    try {
      await TopologyClient.fromCluster({ dir: this.flags.dir, nimbusUrl: this.flags['nimbus-url'] }).logs({
        name: this.args.name,
        component: this.flags.component,
        follow: this.flags.follow,
        write: (line) => this.log(line),
        signal: interrupt.signal,
      });
    } finally {
      interrupt.dispose();
    }
  }
}
