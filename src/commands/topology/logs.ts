// `streamctl topology logs <name> [--component C] [--follow]`: the topology's worker log files.
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { nimbusFlags, topologyClient } from '../../cli/nimbus-flags.js';
import { interruptSignal } from '../../cli/interrupt.js';

export default class TopologyLogs extends BaseCommand<typeof TopologyLogs> {
  static override summary = "Print a topology's worker logs.";
  static override examples = ['<%= config.bin %> topology logs wc', '<%= config.bin %> topology logs wc --component count --follow'];
  static override enableJsonFlag = false;
  static override args = { name: Args.string({ required: true, description: 'Topology name.' }) };
  static override flags = {
    component: Flags.string({ summary: 'Only workers running this component.' }),
    follow: Flags.boolean({ char: 'f', summary: 'Keep printing new lines (Ctrl-C to stop).' }),
    ...nimbusFlags,
  };

  async run(): Promise<void> {
    const interrupt = interruptSignal();
    try {
      await topologyClient(this.flags).logs({
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
