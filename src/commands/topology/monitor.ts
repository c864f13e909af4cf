// `streamctl topology monitor <name> [-m component] [-i secs]` (as `storm monitor`): one
// line per interval with the component's emitted/transferred delta and throughput.
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { nimbusFlags, topologyClient } from '../../cli/nimbus-flags.js';
import { interruptSignal } from '../../cli/interrupt.js';

export default class TopologyMonitor extends BaseCommand<typeof TopologyMonitor> {
  static override summary = "Print a component's throughput every interval (as `storm monitor`).";
  static override examples = ['<%= config.bin %> topology monitor wc -m count -i 2', '<%= config.bin %> topology monitor wc -m split -w transferred --count 5'];
  static override enableJsonFlag = false;
  static override args = { name: Args.string({ required: true, description: 'Topology name.' }) };
  static override flags = {
    component: Flags.string({ char: 'm', summary: 'Component id.' }),
    interval: Flags.integer({ char: 'i', summary: 'Poll interval in seconds.', default: 4, min: 1 }),
    stream: Flags.string({ char: 's', summary: 'Stream id.', default: 'default' }),
    watch: Flags.string({ char: 'w', summary: 'What to watch.', options: ['emitted', 'transferred'], default: 'emitted' }),
    count: Flags.integer({ summary: 'Stop after this many lines (default: until Ctrl-C).', min: 1 }),
    ...nimbusFlags,
  };

  async run(): Promise<void> {
    const interrupt = interruptSignal();
    try {
      await topologyClient(this.flags).monitor({
        name: this.args.name,
        component: this.flags.component,
        intervalSecs: this.flags.interval,
        stream: this.flags.stream,
        watch: this.flags.watch as 'emitted' | 'transferred',
        write: (line) => this.log(line),
        signal: interrupt.signal,
        ...(this.flags.count !== undefined ? { maxPolls: this.flags.count } : {}),
      });
    } finally {
      interrupt.dispose();
    }
  }
}
